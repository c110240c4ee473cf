"""Small forms behind the admin's intermediate pages."""

from django import forms
from django.utils import timezone

from .editors import desk_timezone, next_full_hour
from .models import Topic


class StoredTextField(forms.CharField):
    """Multi-line text that comes back from the form as it was stored.

    Browsers post a textarea's line breaks as CRLF, and the default ``strip`` drops a
    trailing newline (a YAML block scalar ends with one): either way an untouched
    excerpt looked changed, became editor-owned and stopped following the feed.
    """

    def __init__(self, **kwargs):
        kwargs.setdefault("strip", False)
        super().__init__(**kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        return value.replace("\r\n", "\n").replace("\r", "\n")


class TokenMixin:
    """A hidden value the page carries for the form's own use; never an edit."""

    widget = forms.HiddenInput

    def has_changed(self, initial, data):
        return False


class VersionField(TokenMixin, forms.IntegerField):
    pass


class OpenedAtField(TokenMixin, forms.DateTimeField):
    pass


class SeenForm(forms.ModelForm):
    """A form whose changes are measured against the values the page was rendered with
    (each field carries its value as shown, hidden), not the row as it is now: a page
    opened before another editor's save, then saved for one field, names only that one
    in ``changed_data``. Saved with ``SavesChangedFieldsMixin`` (or ``SeenInlineFormSet``),
    it writes only those, and leaves the other editor's change alone. ``seen_fields``
    names the fields so judged (None: all but uploads)."""

    seen_fields = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if self.seen_fields is not None and name not in self.seen_fields:
                continue
            if isinstance(field, forms.FileField):
                continue  # an upload is a change whatever the page showed
            # A post without the hidden value (not from this page) compares with the row.
            seen = not self.is_bound or self.add_initial_prefix(name) in self.data
            field.show_hidden_initial = seen


class ArticleAdminForm(SeenForm):
    """The admin's article form: it knows what the editor saw and what they changed.

    * **What changed** is measured against the values the page was rendered with (sent
      back as hidden initial values), not against the row as it is now: an import that
      ran while the form was open is not mistaken for the editor's change, and the save
      writes only the fields the editor changed (``ArticleAdmin.save_model``).
    * **Topics** are saved as the editor's difference (added, removed), so a topic the
      feed added meanwhile stays.
    * **No lost update**: ``seen_version`` is the article's ``edit_version`` when the page was
      rendered; a save over a newer editor's save is refused, naming who changed what.

    Text fields do not strip (see ``ArticleAdmin``).
    """

    seen_version = VersionField(required=False)
    opened_at = OpenedAtField(required=False)

    # Fields whose change is judged against what the editor saw.
    seen_fields = ("title", "excerpt", "category", "topics")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            self.initial["seen_version"] = self.instance.edit_version
            self.initial["opened_at"] = timezone.now()
        if self.is_bound and "topics" in self.fields and hasattr(self.data, "getlist"):
            self._leave_out_vanished_topics()

    def _leave_out_vanished_topics(self):
        """Topics the page named that are gone now (merged into another meanwhile) are
        left out of what it posted and of what it showed: a save that did not touch the
        topics goes through, and one that did keeps the rest of its change. Posted as
        they were, they failed the field with "Select a valid choice. 10 is not one of
        the available choices." on a page whose editor had changed only the title."""
        key, seen_key = self.add_prefix("topics"), self.add_initial_prefix("topics")
        posted, shown = self.data.getlist(key), self.data.getlist(seen_key)
        ids = {v for v in (*posted, *shown) if v.isascii() and v.isdigit() and len(v) < 19}
        if not ids:
            return
        stored = Topic.objects.filter(pk__in=ids).values_list("pk", flat=True)
        if gone := ids - {str(pk) for pk in stored}:
            self.data = self.data.copy()
            self.data.setlist(key, [value for value in posted if value not in gone])
            if seen_key in self.data:
                self.data.setlist(seen_key, [value for value in shown if value not in gone])

    def clean_title(self):
        title = self.cleaned_data["title"]
        if not title.strip():
            raise forms.ValidationError(self.fields["title"].error_messages["required"])
        return title

    def clean(self):
        cleaned = super().clean()
        seen = cleaned.get("seen_version")
        if self.instance.pk and seen is not None:
            # Locked until the save commits (the admin saves in one transaction).
            current = (
                type(self.instance)
                .objects.select_for_update()
                .values_list("edit_version", flat=True)
                .get(pk=self.instance.pk)
            )
            if current != seen:
                self._refuse_lost_update(current, cleaned.get("opened_at"))
        return cleaned

    def _refuse_lost_update(self, current, opened_at):
        """Refuse the save; the next one (after the editor has looked) may go through."""
        self.data = self.data.copy()
        self.data["seen_version"] = str(current)
        self.data["opened_at"] = timezone.now().isoformat()
        raise forms.ValidationError(
            lost_update_message(self.instance, opened_at, self.changed_data), code="stale"
        )

    def seen_value(self, name):
        """The value of ``name`` when the editor opened the page."""
        bound = self[name]
        if not self.fields[name].show_hidden_initial:
            return bound.initial
        data = self._widget_data_value(self.fields[name].hidden_widget(), bound.html_initial_name)
        return self.fields[name].to_python(data)

    def _save_m2m(self):
        """Topics: apply what the editor added and removed, and nothing else."""
        if "topics" not in self.fields or "topics" not in self.changed_data:
            return
        before = {topic.pk for topic in self.seen_value("topics")}
        after = {topic.pk for topic in self.cleaned_data["topics"]}
        topics = self.instance.topics
        topics.remove(*(before - after))
        topics.add(*(after - before))


class SeenInlineForm(SeenForm):
    """A row of the article page's images or related coverage, judged as the article's
    own fields are (``ArticleAdminForm``). So a page opened before another editor hid a
    link, and saved for an excerpt, leaves the link hidden."""


class SeenInlineFormSet(forms.BaseInlineFormSet):
    """Writes only the fields the editor changed in each row (``SeenInlineForm``): a
    full-row save would put back what another editor changed in the same row."""

    def clean(self):
        """A row the page showed that is gone now (an import dropped it, another editor
        deleted it), or that names another article, fails a hidden field (its id, its
        article), whose error the page does not show: say it over the rows."""
        super().clean()
        hidden = {self.model._meta.pk.name, self.fk.name}
        if any(hidden & set(form.errors) for form in self.forms):
            raise forms.ValidationError(
                f"A row of these {self.model._meta.verbose_name_plural} is not one of this "
                "article's any more: it was removed since you opened the page (by an import "
                "or another editor). Nothing was saved: reload the page to see the article "
                "as it is now, then make your change again."
            )

    def save_existing(self, form, obj, commit=True):
        instance = form.save(commit=False)
        if commit:
            columns = {field.name for field in instance._meta.concrete_fields}
            instance.save(update_fields=[name for name in form.changed_data if name in columns])
        return instance


def lost_update_message(article, opened_at, yours):
    """Who saved the article since ``opened_at``, what they changed, and what to do."""
    from django.contrib.admin.models import LogEntry
    from django.contrib.contenttypes.models import ContentType

    entries = LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(article), object_id=str(article.pk)
    ).select_related("user")
    if opened_at is not None:
        entries = entries.filter(action_time__gt=opened_at)
    changes = []
    for entry in entries.order_by("action_time")[:5]:
        what = entry.get_change_message() or "saved it"
        when = timezone.localtime(entry.action_time)
        changes.append(f"{entry.user.get_username()} at {when:%H:%M}: {what}")
    who = "; ".join(changes) if changes else "another editor saved it"
    mine = ", ".join(yours) if yours else "nothing"
    return (
        f"Not saved: this article changed since you opened it ({who}). "
        f"Your changes ({mine}) are still in the form below: compare them with the "
        "article as it is now (open it in another tab), then save again to keep yours."
    )


class ModerationForm(forms.Form):
    note = forms.CharField(
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2, "cols": 60}),
        help_text="Optional; kept in each article's history.",
    )


class ScheduleForm(ModerationForm):
    """A time on the desk's clock (``editors.desk_timezone``), the next full hour unless
    the editor picks another."""

    publish_at = forms.DateTimeField(
        label="Publish at",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )

    field_order = ["publish_at", "note"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        zone = desk_timezone()
        default = next_full_hour()
        field = self.fields["publish_at"]
        field.initial = default.strftime("%Y-%m-%dT%H:%M")
        field.help_text = (
            f"Desk time ({zone.key}, {default.tzname()} now). "
            "Readers see the articles from this time on."
        )

    def full_clean(self):
        # A typed time is read on the desk's clock, not the server's.
        with timezone.override(desk_timezone()):
            super().full_clean()

    def clean_publish_at(self):
        when = self.cleaned_data["publish_at"]
        if when <= timezone.now():
            raise forms.ValidationError("Pick a time in the future, or publish now instead.")
        return when


class TopicChoiceForm(forms.Form):
    topic = forms.ModelChoiceField(queryset=Topic.objects.all())


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class SeedFilesField(forms.FileField):
    """Several files from one ``<input type=file multiple>``, as a list."""

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".txt,.zip"}))
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        items = list(data) if isinstance(data, list | tuple) else [data] if data else []
        if not items:
            if self.required:
                raise forms.ValidationError(self.error_messages["required"], code="required")
            return []
        single = super().clean
        return [single(item, initial) for item in items]


class SeedUploadForm(forms.Form):
    """The desk's seed upload (``articles.uploads``): the checks beyond "a file was
    chosen" are the upload's own, made while it is unpacked."""

    files = SeedFilesField(
        label="Seed files or zip archives",
        error_messages={"required": "Choose at least one seed file (.txt) or zip archive."},
    )
