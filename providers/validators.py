"""Uploaded logos must be real, reasonably sized PNG, JPEG, WebP or GIF images.

Everything here is read from the name and the image header: nothing is decoded, so a
decompression bomb is refused before it can take any memory. ``providers.logos`` decodes
and re-encodes a logo only once these checks have passed.
"""

from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from PIL import Image, UnidentifiedImageError

LOGO_MAX_BYTES = 2 * 1024 * 1024
LOGO_MAX_SIDE = 4096
# Decoded size bound: 16 megapixels is 64 MB as RGBA, whatever the file's compressed size.
LOGO_MAX_PIXELS = 16_000_000
# The formats accepted, each with the file name extensions that may carry it (the first is
# the one a stored logo gets). Pillow is never asked to try any other format.
LOGO_EXTENSIONS = {
    "PNG": ("png",),
    "JPEG": ("jpg", "jpeg"),
    "WEBP": ("webp",),
    "GIF": ("gif",),
}
ALLOWED_EXTENSIONS = {ext for extensions in LOGO_EXTENSIONS.values() for ext in extensions}


def logo_extension(name):
    """The lower-case extension of ``name`` without the dot ("" if there is none)."""
    return PurePath(name or "").suffix.lower().lstrip(".")


def validate_logo(
    file,
    max_bytes=LOGO_MAX_BYTES,
    max_side=LOGO_MAX_SIDE,
    max_pixels=LOGO_MAX_PIXELS,
):
    """Reject anything but a PNG/JPEG/WebP/GIF within the limits, by content and by name.

    In order: the size in bytes, the name's extension (when the file has a name; uploads
    always do), the format Pillow detects among the four only, that format against the
    extension, then width, height and pixel count from the header. Returns the detected
    Pillow format name ("PNG", "JPEG", "WEBP" or "GIF").
    """
    size = getattr(file, "size", None)
    if size is not None and size > max_bytes:
        raise ValidationError(
            "The logo is %(size)s; the limit is %(limit)s.",
            code="logo_too_big",
            params={"size": filesizeformat(size), "limit": filesizeformat(max_bytes)},
        )
    name = getattr(file, "name", None)
    extension = logo_extension(name)
    if name is not None and extension not in ALLOWED_EXTENSIONS:
        raise ValidationError(
            "Upload a .png, .jpg, .webp or .gif file (this one is named “%(name)s”).",
            code="logo_extension",
            params={"name": PurePath(name).name},
        )
    position = file.tell() if hasattr(file, "tell") else 0
    try:
        file.seek(0)
        with Image.open(file, formats=list(LOGO_EXTENSIONS)) as image:
            width, height = image.size
            image_format = image.format
            if width > max_side or height > max_side:
                raise ValidationError(
                    "The logo is %(width)d×%(height)d pixels; the limit is %(max)d×%(max)d.",
                    code="logo_too_large",
                    params={"width": width, "height": height, "max": max_side},
                )
            if width * height > max_pixels:
                raise ValidationError(
                    "The logo is %(width)d×%(height)d pixels; the limit is %(max)d megapixels.",
                    code="logo_too_large",
                    params={"width": width, "height": height, "max": max_pixels // 1_000_000},
                )
            if name is not None and extension not in LOGO_EXTENSIONS[image_format]:
                raise ValidationError(
                    "This file is a %(format)s image but is named “%(name)s”.",
                    code="logo_extension",
                    params={"format": image_format, "name": PurePath(name).name},
                )
            image.verify()
    except Image.DecompressionBombError:
        # Pillow's own guard, raised from the header alone, far beyond our limits.
        raise ValidationError(
            "The logo has far too many pixels; the limit is %(max)d×%(max)d.",
            code="logo_too_large",
            params={"max": max_side},
        ) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise ValidationError(
            "This file is not a valid image. Upload a PNG, JPEG, GIF or WebP logo.",
            code="logo_invalid",
        ) from None
    finally:
        file.seek(position)
    return image_format
