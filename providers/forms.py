"""Form fields for publishers, shared by every form that edits one (the admin's included)."""

from django import forms

from .logos import clean_logo
from .validators import LOGO_EXTENSIONS

ACCEPT = ",".join(
    [f"image/{fmt.lower()}" for fmt in LOGO_EXTENSIONS]
    + [f".{ext}" for extensions in LOGO_EXTENSIONS.values() for ext in extensions]
)


class LogoField(forms.FileField):
    """A logo upload, checked and re-encoded by ``clean_logo``.

    Cleans to the re-encoded file, never the bytes uploaded; a plain ``FileField`` rather
    than ``ImageField``, whose own check lets Pillow try every format it knows. The
    uploader's file name is discarded, so its length is not limited either.
    """

    def __init__(self, *, max_length=None, **kwargs):
        super().__init__(**kwargs)

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        if isinstance(widget, forms.FileInput) and "accept" not in widget.attrs:
            attrs["accept"] = ACCEPT
        return attrs

    def to_python(self, data):
        file = super().to_python(data)
        if file is None:
            return None
        return clean_logo(file)
