"""Publisher logos as stored: checked, then decoded and written afresh.

``validate_logo`` checks the name and the header; ``clean_logo`` then decodes the pixels
and saves them to a fresh buffer in the same format. Only the pixels (and a palette's
transparency) survive: bytes appended after the image, the tail of a PNG+PDF or PNG+HTML
polyglot, text chunks, EXIF and colour profiles are all dropped. A JPEG is turned upright
by its EXIF orientation first, since that tag goes too; an animated GIF or WebP keeps its
first frame only, so decoding costs one frame whatever the file holds.
"""

import io

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageOps

from .validators import LOGO_EXTENSIONS, validate_logo

SAVE_OPTIONS = {
    "PNG": {"optimize": True},
    "JPEG": {"quality": 90},
    "WEBP": {"quality": 90},
    "GIF": {},
}


def clean_logo(file):
    """The logo to store for an upload: a new file named ``logo.<ext>``, or a ValidationError."""
    image_format = validate_logo(file)
    buffer = io.BytesIO()
    try:
        file.seek(0)
        with Image.open(file, formats=[image_format]) as image:
            image.load()
            if image_format == "JPEG":
                image = ImageOps.exif_transpose(image)
            fresh = image.copy()
        options = dict(SAVE_OPTIONS[image_format])
        transparency = fresh.info.get("transparency")
        if transparency is not None and image_format in {"PNG", "GIF"}:
            options["transparency"] = transparency
        fresh.info = {}
        fresh.save(buffer, image_format, **options)
    except (OSError, SyntaxError, ValueError):
        raise ValidationError(
            "This file is not a valid image. Upload a PNG, JPEG, GIF or WebP logo.",
            code="logo_invalid",
        ) from None
    finally:
        file.seek(0)
    return SimpleUploadedFile(
        f"logo.{LOGO_EXTENSIONS[image_format][0]}",
        buffer.getvalue(),
        content_type=Image.MIME[image_format],
    )
