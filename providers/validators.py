"""Uploaded logos must be real, reasonably sized images."""

from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from PIL import Image, UnidentifiedImageError

LOGO_MAX_BYTES = 2 * 1024 * 1024
LOGO_MAX_SIDE = 4096
LOGO_FORMATS = {"PNG", "JPEG", "GIF", "WEBP"}


def validate_logo(file, max_bytes=LOGO_MAX_BYTES, max_side=LOGO_MAX_SIDE):
    """Reject anything Pillow cannot verify as a PNG/JPEG/GIF/WebP within the limits.

    Sizes are checked from the header before any decoding, so a decompression bomb
    never gets decoded.
    """
    size = getattr(file, "size", None)
    if size is not None and size > max_bytes:
        raise ValidationError(
            "The logo is %(size)s; the limit is %(limit)s.",
            code="logo_too_big",
            params={"size": filesizeformat(size), "limit": filesizeformat(max_bytes)},
        )
    position = file.tell() if hasattr(file, "tell") else 0
    try:
        file.seek(0)
        with Image.open(file) as image:
            width, height = image.size
            image_format = image.format
            if width > max_side or height > max_side:
                raise ValidationError(
                    "The logo is %(width)d×%(height)d pixels; the limit is %(max)d×%(max)d.",
                    code="logo_too_large",
                    params={"width": width, "height": height, "max": max_side},
                )
            if image_format not in LOGO_FORMATS:
                raise ValidationError(
                    "Upload a PNG, JPEG, GIF or WebP image (this is %(format)s).",
                    code="logo_format",
                    params={"format": image_format},
                )
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise ValidationError(
            "This file is not a valid image. Upload a PNG, JPEG, GIF or WebP logo.",
            code="logo_invalid",
        ) from None
    finally:
        file.seek(position)
