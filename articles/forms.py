"""Small forms behind the admin's intermediate pages."""

from django import forms
from django.utils import timezone

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


class ArticleAdminForm(forms.ModelForm):
    """The admin's article form; its text fields do not strip (see ``ArticleAdmin``)."""

    def clean_title(self):
        title = self.cleaned_data["title"]
        if not title.strip():
            raise forms.ValidationError(self.fields["title"].error_messages["required"])
        return title


class ModerationForm(forms.Form):
    note = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "cols": 60}),
        help_text="Optional; kept in the article's history.",
    )


class ScheduleForm(ModerationForm):
    publish_at = forms.DateTimeField(
        label="Publish at",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text="Readers see the article from this time on (UTC).",
    )

    field_order = ["publish_at", "note"]

    def clean_publish_at(self):
        when = self.cleaned_data["publish_at"]
        if when <= timezone.now():
            raise forms.ValidationError("Pick a time in the future, or publish now instead.")
        return when


class TopicChoiceForm(forms.Form):
    topic = forms.ModelChoiceField(queryset=Topic.objects.all())
