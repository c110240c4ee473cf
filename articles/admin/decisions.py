"""The moderation decisions, as one table, and the admin made from it.

Each row of ``DECISIONS`` is one decision an editor takes on articles: where it leads
(a status, perhaps at a time) and how the admin words it. From that table
``ModerationAdminMixin`` makes all three ways to decide:

- the bulk actions on the review queue (``bulk_actions()``), one per row;
- the buttons on an article's change page, for the decisions that would change it;
- the one-article page behind each button (``moderate_view``), which asks for a note.

The status change itself is ``articles.moderation.change_status``; nothing here repeats
what it records.
"""

from dataclasses import dataclass

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse

from .. import moderation
from ..editors import desk_time
from ..forms import ModerationForm, ScheduleForm
from ..models import Article
from .actions import (
    CHANGED_MEANWHILE,
    SEEN_STATE,
    Page,
    action_form,
    intermediate_page,
    is_stale,
    selection_state,
)
from .base import counted

Status = Article.Status
MODERATE_URL_NAME = "articles_article_moderate"


def articles_count(count):
    return counted(count, "article")


@dataclass(frozen=True)
class Decision:
    slug: str  # in the one-article page's URL
    action: str  # the bulk action's name
    label: str  # the button, the page's title and its submit button
    description: str  # the bulk action in the queue's menu
    done: str  # "2 articles …", "“Headline” is …" (a schedule adds its time)
    state: str  # "2 articles already were …", for those left alone
    to_status: str
    question: str  # the confirmation page's title
    intro: str  # what the confirmation page tells the editor
    schedules: bool = False  # asks for a time: readers see the articles from then on

    @property
    def form_class(self):
        return ScheduleForm if self.schedules else ModerationForm

    @property
    def page(self):
        """The bulk action's confirmation page."""
        return Page(self.action, self.question, self.intro, self.label)

    def applies_to(self, article):
        """Whether the decision would change ``article``: it is not there yet, or it is
        scheduled (publishing now brings it forward); a schedule can always be moved."""
        return self.schedules or article.status != self.to_status or article.is_scheduled

    def apply(self, articles, user, data):
        """Take the decision on ``articles`` with a form's ``data``; the articles changed."""
        note = data.get("note", "")
        if self.schedules:
            return moderation.schedule(articles, user, data["publish_at"], note=note)
        return moderation.change_status(articles, self.to_status, user, note=note)

    def when(self, data):
        """ " for 1 Dec 2026, 14:00 GMT" for a schedule, "" otherwise."""
        return f" for {desk_time(data['publish_at'])}" if self.schedules else ""

    def report(self, changed, total, data):
        """What a bulk decision did, in a sentence or two."""
        message = f"{articles_count(changed)} {self.done}{self.when(data)}."
        if not changed:
            message = f"Nothing changed: the selected articles already were {self.state}."
        elif skipped := total - changed:
            were = "was" if skipped == 1 else "were"
            message += f" {articles_count(skipped)} already {were} {self.state}, left as before."
        return message

    def report_one(self, article, data):
        return f"“{article}” was {self.done}{self.when(data)}."

    def report_unchanged(self, article):
        return f"Nothing changed: “{article}” already was {self.state}."


DECISIONS = (
    Decision(
        slug="publish",
        action="publish",
        label="Publish now",
        description="Publish selected articles now…",
        question="Publish these articles now?",
        done="published",
        state="published",
        to_status=Status.PUBLISHED,
        intro="Readers see these articles from now on.",
    ),
    Decision(
        slug="reject",
        action="reject",
        label="Reject",
        description="Reject selected articles…",
        question="Reject these articles?",
        done="rejected",
        state="rejected",
        to_status=Status.REJECTED,
        intro="Rejected articles leave the queue and readers never see them; "
        "a later import leaves them rejected.",
    ),
    Decision(
        slug="pending",
        action="send_back",
        label="Send back to the queue",
        description="Send selected articles back to the review queue…",
        question="Send these articles back to the review queue?",
        done="sent back to the review queue",
        state="waiting for review",
        to_status=Status.PENDING,
        intro="These articles go back to the review queue; published ones leave the site.",
    ),
    Decision(
        slug="schedule",
        action="schedule",
        label="Schedule",
        description="Schedule selected articles…",
        question="When should these articles go out?",
        done="scheduled",
        state="scheduled for that time",
        to_status=Status.PUBLISHED,
        schedules=True,
        intro="These articles become visible to readers at the time you choose.",
    ),
)
BY_SLUG = {decision.slug: decision for decision in DECISIONS}


def current_state(article):
    """Where the article stands, as a sentence: "It is waiting for review."."""
    if article.is_scheduled:
        return f"It is scheduled for {desk_time(article.publish_at)}."
    return {
        Status.PENDING: "It is waiting for review.",
        Status.PUBLISHED: "It is published.",
        Status.REJECTED: "It was rejected.",
    }[article.status]


def changed_meanwhile(article):
    """Why a one-article decision was not taken: the article's last change since."""
    last = article.status_changes.select_related("changed_by").order_by("-changed_at").first()
    who = ""
    if last is not None:
        by = last.changed_by.get_username() if last.changed_by else "an import"
        who = f" ({by}, {desk_time(last.changed_at)}{': ' + last.note if last.note else ''})"
    return (
        f"Nothing done: this article changed since you opened this page{who}. "
        f"{current_state(article)} Decide again below if you still mean to."
    )


def bulk_action(decision):
    """The queue's action for ``decision`` (a function, as ``ModelAdmin.actions`` allows)."""

    @admin.action(description=decision.description, permissions=["publish"])
    def action(modeladmin, request, queryset):
        return modeladmin.decide_in_bulk(request, queryset, decision)

    action.__name__ = decision.action
    return action


def bulk_actions():
    return [bulk_action(decision) for decision in DECISIONS]


class ModerationAdminMixin:
    """Bulk actions, change-page buttons and one-article pages for ``DECISIONS``."""

    moderate_template = "admin/articles/article/moderate.html"

    def has_publish_permission(self, request, obj=None):
        return request.user.has_perm(f"{self.opts.app_label}.publish_article")

    def decide_in_bulk(self, request, queryset, decision):
        """The queue's action: a confirmation page (with a note, and a time for a
        schedule), then the decision once that page is submitted."""
        form = action_form(request, decision.form_class)
        state = selection_state(queryset)
        stale = form.is_bound and is_stale(request, state)
        if stale or not (form.is_bound and form.is_valid()):
            warnings = [CHANGED_MEANWHILE] if stale else []
            return intermediate_page(
                self, request, queryset, form, decision.page, warnings=warnings, state=state
            )
        articles = list(queryset)
        changed = decision.apply(articles, request.user, form.cleaned_data)
        message = decision.report(len(changed), len(articles), form.cleaned_data)
        self.message_user(request, message, messages.SUCCESS if changed else messages.INFO)
        return None

    def get_urls(self):
        return [
            path(
                "<path:object_id>/moderate/<slug:decision>/",
                self.admin_site.admin_view(self.moderate_view),
                name=MODERATE_URL_NAME,
            ),
            *super().get_urls(),
        ]

    def moderation_links(self, request, article):
        if not self.has_publish_permission(request):
            return []
        return [
            (
                decision.label,
                reverse(f"admin:{MODERATE_URL_NAME}", args=[article.pk, decision.slug]),
            )
            for decision in DECISIONS
            if decision.applies_to(article)
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        article = self.get_object(request, object_id)
        extra_context = {
            **(extra_context or {}),
            "moderation_links": self.moderation_links(request, article) if article else [],
        }
        return super().change_view(request, object_id, form_url, extra_context)

    def moderate_view(self, request, object_id, decision):
        if decision not in BY_SLUG:
            raise Http404("No such moderation decision.")
        if not self.has_publish_permission(request):
            raise PermissionDenied
        # get_object() answers None for a missing id and for one that is not a number.
        article = self.get_object(request, object_id)
        if article is None:
            raise Http404("No such article.")
        decision = BY_SLUG[decision]
        form = decision.form_class(request.POST or None)
        state = selection_state(Article.objects.filter(pk=article.pk))
        stale = request.method == "POST" and is_stale(request, state)
        if request.method == "POST" and form.is_valid() and not stale:
            changed = decision.apply(article, request.user, form.cleaned_data)
            if changed:
                message, level = decision.report_one(article, form.cleaned_data), messages.SUCCESS
            else:
                message, level = decision.report_unchanged(article), messages.INFO
            self.message_user(request, message, level)
            return HttpResponseRedirect(reverse("admin:articles_article_change", args=[article.pk]))
        context = {
            **self.admin_site.each_context(request),
            "title": f"{decision.label}: {article}",
            "decision_label": decision.label,
            "current_state": current_state(article),
            "changed_meanwhile": changed_meanwhile(article) if stale else "",
            "seen_state_name": SEEN_STATE,
            "seen_state": state,
            "form": form,
            "original": article,
            "opts": self.opts,
            "app_label": self.opts.app_label,
            "media": self.media + form.media,
        }
        return TemplateResponse(request, self.moderate_template, context)
