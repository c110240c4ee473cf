"""Form fields for publishers, shared by every form that edits one (the admin's included)."""

from django import forms

from .logos import clean_logo


class LogoField(forms.FileField):
    """A logo upload, checked and re-encoded by ``clean_logo``.

    Cleans to the re-encoded file, never the bytes uploaded; a plain ``FileField`` rather
    than ``ImageField``, whose own check lets Pillow try every format it knows.
    """

    def to_python(self, data):
        file = super().to_python(data)
        if file is None:
            return None
        return clean_logo(file)
