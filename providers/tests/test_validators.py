"""A publisher's logo is checked for size before anything decodes it."""

import io

import pytest
from django.core.exceptions import ValidationError
from PIL import Image

from providers.validators import validate_logo


def image_bytes(size, fmt="PNG"):
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, fmt)
    return buffer.getvalue()


def test_validator_rejects_an_oversized_image_directly():
    with pytest.raises(ValidationError) as excinfo:
        validate_logo(io.BytesIO(image_bytes((5000, 5000))))
    assert excinfo.value.code == "logo_too_large"
    validate_logo(io.BytesIO(image_bytes((100, 100), "JPEG")))
