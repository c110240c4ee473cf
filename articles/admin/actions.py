"""Admin actions that ask one more question, and the one merge action.

``action_form`` and ``intermediate_page`` make an action's intermediate page (a schedule,
a topic, a merge's survivor). ``MergeActionMixin`` is the one merge action topics and
publishers share, set by three class attributes (as Django's ``delete_selected`` is one
action over ModelAdmin hooks). ``ValidSelectionMixin`` keeps a malformed selection from
a 500.
"""

import hashlib
from typing import NamedTuple

from django import forms
from django.contrib import admin, messages
from django.template.response import TemplateResponse


class MergeForm(forms.Form):
    """Pick which of the selected objects survives a merge; ``label`` words each choice."""

    survivor = forms.ModelChoiceField(
        queryset=None,
        widget=forms.RadioSelect,
        empty_label=None,
        help_text="The others are merged into it and then deleted. This cannot be undone.",
    )

    def __init__(self, *args, queryset, label=str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["survivor"].queryset = queryset
        self.fields["survivor"].label_from_instance = label


class ValidSelectionMixin:
    """An action posted with an id that is not a number runs on nothing, not a 500.

    Django's ``response_action`` filters ``pk__in`` the posted ids as they are, and an id
    like ``abc`` raised ValueError there. Every model here has an integer key.
    """

    def response_action(self, request, queryset):
        selected = request.POST.getlist(admin.helpers.ACTION_CHECKBOX_NAME)
        if not all(pk.isdigit() for pk in selected):
            self.message_user(request, "The selection was not valid: nothing done.", messages.ERROR)
            return None
        return super().response_action(request, queryset)


def action_form(request, form_class, **kwargs):
    """The action's form, bound once the intermediate page was submitted ("apply")."""
    if "apply" in request.POST:
        return form_class(request.POST, **kwargs)
    return form_class(**kwargs)


SEEN_STATE = "seen_state"
CHANGED_MEANWHILE = (
    "Nothing done: the selection changed since this page was opened (another editor "
    "decided on some of these articles, or new ones arrived). Check the list below, "
    "then confirm again."
)


MERGE_CHANGED_MEANWHILE = (
    "Nothing merged: these %(plural)s changed since this page was opened (another editor "
    "blocked, renamed or merged one of them). Check them below, then confirm again."
)


def selection_state(*querysets, fields=("pk", "status", "publish_at")):
    """What a confirmation page showed, as a short digest: each object it acts on, with
    the ``fields`` its decision depends on (an article's status and schedule). Confirming
    a page whose digest is no longer the selection's does nothing and shows the page
    again (``is_stale``)."""
    rows = sorted(
        tuple(value.isoformat() if hasattr(value, "isoformat") else value for value in row)
        for queryset in querysets
        for row in queryset.order_by().values_list(*fields)
    )
    text = ";".join(":".join(str(value) for value in row) for row in rows)
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def is_stale(request, state):
    """Whether the submitted confirmation page showed another selection than ``state``
    (a post without the page's digest counts as stale: it showed nothing)."""
    return request.POST.get(SEEN_STATE) != state


class Page(NamedTuple):
    """The words of an intermediate page, and the action its form posts back to."""

    action: str
    title: str
    intro: str
    submit: str


def intermediate_page(modeladmin, request, queryset, form, page, warnings=(), state=None):
    """Render the page that asks the action's question about the selected objects;
    ``state`` (``selection_state``) goes back with the answer."""
    opts = modeladmin.model._meta
    # "Select all N" comes back as select_across=1 (the admin then ignores the ids), so a
    # huge selection is not written out as one hidden input per row.
    select_across = request.POST.get("select_across") == "1"
    ids = queryset.values_list("pk", flat=True)
    selected_ids = [str(pk) for pk in (ids[:1] if select_across else ids)]
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": page.title,
        "intro": page.intro,
        "warnings": list(warnings),
        "submit": page.submit,
        "form": form,
        "objects": queryset[:200],
        "object_count": queryset.count(),
        "action": page.action,
        "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        "selected_ids": selected_ids,
        "select_across": select_across,
        "seen_state_name": SEEN_STATE,
        "seen_state": state,
        "opts": opts,
        "app_label": opts.app_label,
        "media": modeladmin.media + form.media,
    }
    return TemplateResponse(request, "admin/intermediate_action.html", context)


class MergeActionMixin:
    """The "merge" action: pick a survivor among the selected objects, then merge.

    An admin sets ``merge_objects`` (the service as a ``staticmethod``, taking
    ``(survivor, others, user=)`` and returning a result), ``merge_report(result)`` (the
    message after the merge) and ``merge_intro`` (what the page tells the editor).
    ``merge_context`` may add to the page what the editor should see before choosing.
    Messages and titles name the model by its verbose name.
    """

    merge_objects = None
    merge_intro = ""
    merge_ordering = ("name",)  # how the survivors to choose from are listed
    # What a merge depends on: a page that showed other values (another editor blocked or
    # renamed one meanwhile) is shown again instead of merging.
    merge_state_fields = ("pk", "name")

    def merge_report(self, result):
        raise NotImplementedError

    def merge_label(self, obj):
        """How ``obj`` reads among the survivors to choose from."""
        return str(obj)

    def merge_warnings(self, objects):
        """What the editor should know before merging ``objects``."""
        return ["A merge is final: the others are deleted and cannot be brought back."]

    def has_merge_permission(self, request, obj=None):
        """Who may merge: those who may change (publishers ask for more)."""
        return self.has_change_permission(request)

    @admin.action(description="Merge selected %(verbose_name_plural)s…", permissions=["merge"])
    def merge(self, request, queryset):
        plural = self.opts.verbose_name_plural
        if queryset.count() < 2:
            self.message_user(request, f"Select at least two {plural} to merge.", messages.WARNING)
            return None
        queryset = queryset.order_by(*self.merge_ordering)
        form = action_form(request, MergeForm, queryset=queryset, label=self.merge_label)
        state = selection_state(queryset, fields=self.merge_state_fields)
        stale = form.is_bound and is_stale(request, state)
        if stale or not (form.is_bound and form.is_valid()):
            page = Page("merge", f"Merge {plural}", self.merge_intro, "Merge")
            warnings = self.merge_warnings(list(queryset[:200]))
            if stale:
                warnings.insert(0, MERGE_CHANGED_MEANWHILE % {"plural": plural})
            return intermediate_page(
                self, request, queryset, form, page, warnings=warnings, state=state
            )
        survivor = form.cleaned_data["survivor"]
        others = list(queryset.exclude(pk=survivor.pk))
        result = self.merge_objects(survivor, others, user=request.user)
        self.message_user(request, self.merge_report(result), messages.SUCCESS)
        return None
