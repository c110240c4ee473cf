from django import forms
from django.db import models


class URLField(models.URLField):
    """A model URLField whose form field assumes https, as Django 6.0 will by default.

    Saying so here keeps every admin and model form free of the 5.x transition warning
    without the (itself deprecated) FORMS_URLFIELD_ASSUME_HTTPS setting.
    """

    def formfield(self, **kwargs):
        return super().formfield(
            **{"form_class": forms.URLField, "assume_scheme": "https", **kwargs}
        )
