"""Uploaded logos: checked by content and name, re-encoded, named by us, cleaned up."""

import io
import re

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import reverse
from PIL import Image, ImageFile
from PIL.PngImagePlugin import PngInfo

from articles.merging import merge_providers
from articles.tests.admin_helpers import make_editor
from articles.tests.factories import make_provider
from providers.forms import LogoField
from providers.models import Provider, logo_upload_to

pytestmark = pytest.mark.django_db

PNG_END = b"IEND\xaeB`\x82"
STORED_NAME = re.compile(r"providers/logos/[0-9a-f]{32}\.(png|jpg|webp|gif)")


def image_bytes(image, fmt="PNG", **options):
    buffer = io.BytesIO()
    image.save(buffer, fmt, **options)
    return buffer.getvalue()


def png(size=(40, 20), mode="RGB"):
    return image_bytes(Image.new(mode, size, 200))


def upload(name, content):
    return SimpleUploadedFile(name, content, content_type="image/png")


def clean(name, content):
    return LogoField().clean(upload(name, content))


def refusal(name, content):
    with pytest.raises(ValidationError) as excinfo:
        clean(name, content)
    return excinfo.value


def stored_bytes(provider):
    provider.refresh_from_db()
    with provider.logo.open("rb") as file:
        return file.read()


@pytest.fixture
def editor_client(client):
    client.force_login(make_editor())
    return client


def post_logo(client, provider, **data):
    return client.post(
        reverse("admin:providers_provider_change", args=[provider.pk]),
        {
            "name": provider.name,
            "logo_url": provider.logo_url,
            "aliases-TOTAL_FORMS": "0",
            "aliases-INITIAL_FORMS": "0",
            **data,
        },
    )


def provider_with_logo():
    provider = make_provider()
    provider.logo.save("logo.png", ContentFile(png()))
    return provider


# By content and by name.

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def test_a_png_pdf_polyglot_named_pdf_is_refused():
    assert refusal("logo.pdf", png() + PDF).code == "logo_extension"


def test_a_real_png_named_pdf_is_refused():
    error = refusal("logo.pdf", png())
    assert error.code == "logo_extension"
    assert "logo.pdf" in error.messages[0]


@pytest.mark.parametrize("name", ["logo.jpg", "logo.gif", "logo.webp", "logo", "logo.PNG.eps"])
def test_a_png_under_another_name_is_refused(name):
    assert refusal(name, png()).code == "logo_extension"


@pytest.mark.parametrize(
    "content",
    [
        PDF,
        image_bytes(Image.new("RGB", (10, 10)), "BMP"),
        image_bytes(Image.new("RGB", (10, 10)), "TIFF"),
        b"%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 10 10\n",
        b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>",
    ],
)
def test_other_formats_are_refused_even_named_png(content):
    assert refusal("logo.png", content).code == "logo_invalid"


@pytest.mark.parametrize(
    ("name", "fmt", "mime"),
    [
        ("Logo.PNG", "PNG", "image/png"),
        ("logo.jpg", "JPEG", "image/jpeg"),
        ("logo.jpeg", "JPEG", "image/jpeg"),
        ("logo.webp", "WEBP", "image/webp"),
        ("logo.gif", "GIF", "image/gif"),
    ],
)
def test_each_allowed_format_is_re_encoded_in_that_format(name, fmt, mime):
    cleaned = clean(name, image_bytes(Image.new("RGB", (40, 20), (200, 30, 30)), fmt))
    assert cleaned.name == f"logo.{'jpg' if fmt == 'JPEG' else fmt.lower()}"
    assert cleaned.content_type == mime
    with Image.open(cleaned) as image:
        assert (image.format, image.size) == (fmt, (40, 20))


# Re-encoded: nothing but the pixels survives.


def test_a_png_with_html_appended_is_stored_without_the_tail(editor_client):
    provider = make_provider()
    tail = b"<html><script>alert(document.domain)</script></html>"
    response = post_logo(editor_client, provider, logo=upload("logo.png", png() + tail))
    assert response.status_code == 302
    stored = stored_bytes(provider)
    assert stored.endswith(PNG_END)
    assert b"<html" not in stored and stored.count(PNG_END) == 1


def test_a_polyglot_named_png_keeps_only_the_png():
    cleaned = clean("logo.png", png() + PDF).read()
    assert cleaned.endswith(PNG_END) and b"%PDF" not in cleaned


def test_metadata_is_dropped_but_transparency_kept():
    info = PngInfo()
    info.add_text("Comment", "<script>alert(1)</script>")
    image = Image.new("P", (8, 8), 1)
    image.putpalette([0, 0, 0, 255, 0, 0] + [0] * 762)
    content = image_bytes(image, pnginfo=info, transparency=1, dpi=(300, 300))
    cleaned = clean("logo.png", content).read()
    assert b"<script>" not in cleaned and b"tEXt" not in cleaned and b"pHYs" not in cleaned
    with Image.open(io.BytesIO(cleaned)) as result:
        assert result.mode == "P" and result.info.get("transparency") == 1


def test_a_jpeg_loses_its_exif_and_is_turned_upright():
    exif = Image.Exif()
    exif[0x0112] = 6  # orientation: rotate 90° to display
    exif[0x010E] = "<script>alert(1)</script>"  # image description
    content = image_bytes(Image.new("RGB", (40, 20)), "JPEG", exif=exif.tobytes())
    cleaned = clean("logo.jpg", content).read()
    assert b"<script>" not in cleaned and b"Exif" not in cleaned
    with Image.open(io.BytesIO(cleaned)) as result:
        assert result.size == (20, 40)


def test_an_animated_gif_keeps_its_first_frame():
    frames = [Image.new("RGB", (10, 10), (80 * n, 0, 0)) for n in range(3)]
    content = image_bytes(frames[0], "GIF", save_all=True, append_images=frames[1:])
    with Image.open(io.BytesIO(content)) as original:
        assert original.n_frames == 3
    with Image.open(clean("logo.gif", content)) as result:
        assert result.n_frames == 1


def test_a_truncated_image_is_refused():
    content = image_bytes(Image.effect_noise((200, 200), 50), "JPEG")
    assert refusal("logo.jpg", content[: len(content) // 2]).code == "logo_invalid"


# Bounded in decoded pixels, checked from the header before decoding.


@pytest.fixture
def no_decoding(monkeypatch):
    def load(self):
        raise AssertionError("an image was decoded")

    monkeypatch.setattr(ImageFile.ImageFile, "load", load)


def test_a_small_png_that_decodes_to_64_mib_is_refused_undecoded(no_decoding):
    content = png((4096, 4096), "RGBA")  # 4096 × 4096 × 4 bytes: 64 MiB of pixels
    assert len(content) < 300_000
    error = refusal("logo.png", content)
    assert error.code == "logo_too_large" and "16 megapixels" in error.messages[0]


def test_an_8192_square_png_of_64_mib_is_refused_undecoded(no_decoding):
    content = png((8192, 8192), "L")
    assert len(content) < 300_000
    assert refusal("logo.png", content).code == "logo_too_large"


def test_an_image_just_within_the_limits_is_accepted():
    cleaned = clean("logo.png", png((4000, 4000), "L"))
    with Image.open(cleaned) as image:
        assert image.size == (4000, 4000)


# Named by us.


def test_the_stored_name_is_not_the_uploaders(editor_client):
    provider = make_provider()
    response = post_logo(editor_client, provider, logo=upload("../../My Logo.png", png()))
    assert response.status_code == 302
    provider.refresh_from_db()
    assert STORED_NAME.fullmatch(provider.logo.name)
    other = make_provider()
    post_logo(editor_client, other, logo=upload("../../My Logo.png", png()))
    other.refresh_from_db()
    assert other.logo.name != provider.logo.name


@pytest.mark.parametrize(
    ("filename", "suffix"),
    [("logo.PNG", ".png"), ("a.jpeg", ".jpeg"), ("x.php", ""), ("x.png.html", ""), ("x", "")],
)
def test_upload_to_keeps_only_an_allowed_extension(filename, suffix):
    name = logo_upload_to(None, filename)
    assert re.fullmatch(r"providers/logos/[0-9a-f]{32}" + re.escape(suffix), name)


def test_a_long_upload_name_does_not_matter(editor_client):
    provider = make_provider()
    response = post_logo(editor_client, provider, logo=upload("l" * 200 + ".png", png()))
    assert response.status_code == 302
    provider.refresh_from_db()
    assert STORED_NAME.fullmatch(provider.logo.name)


def test_the_admin_file_input_offers_only_the_allowed_formats(editor_client):
    provider = make_provider()
    response = editor_client.get(reverse("admin:providers_provider_change", args=[provider.pk]))
    assert 'accept="image/png,image/jpeg,image/webp,image/gif,.png,.jpg,.jpeg,.webp,.gif"' in (
        response.content.decode()
    )


# Old files deleted, once the change has committed.


def test_a_replaced_logo_is_deleted_after_commit(editor_client, django_capture_on_commit_callbacks):
    provider = provider_with_logo()
    old = provider.logo.name
    storage = provider.logo.storage
    with django_capture_on_commit_callbacks() as callbacks:
        response = post_logo(editor_client, provider, logo=upload("new.png", png((30, 30))))
        assert response.status_code == 302
        assert storage.exists(old), "deleted before the transaction committed"
    for callback in callbacks:
        callback()
    provider.refresh_from_db()
    assert not storage.exists(old)
    assert provider.logo.name != old and storage.exists(provider.logo.name)


def test_a_cleared_logo_is_deleted(editor_client, django_capture_on_commit_callbacks):
    provider = provider_with_logo()
    old = provider.logo.name
    with django_capture_on_commit_callbacks(execute=True):
        assert post_logo(editor_client, provider, **{"logo-clear": "on"}).status_code == 302
    provider.refresh_from_db()
    assert not provider.logo and not provider.logo.storage.exists(old)


def test_saving_other_fields_keeps_the_logo(django_capture_on_commit_callbacks):
    provider = provider_with_logo()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        provider.name = "Renamed"
        provider.save()
        provider.save(update_fields=["name"])
    assert callbacks == [] and provider.logo.storage.exists(provider.logo.name)


def test_a_deleted_providers_logo_is_deleted_after_commit(django_capture_on_commit_callbacks):
    provider = provider_with_logo()
    name, storage = provider.logo.name, provider.logo.storage
    with django_capture_on_commit_callbacks() as callbacks:
        Provider.objects.filter(pk=provider.pk).delete()
        assert storage.exists(name)
    for callback in callbacks:
        callback()
    assert not storage.exists(name)


def test_a_rolled_back_delete_keeps_the_file(django_capture_on_commit_callbacks):
    provider = provider_with_logo()
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        provider.delete()
        raise RuntimeError("rolled back")
    assert callbacks == []
    assert provider.logo.storage.exists(provider.logo.name)


def test_a_file_another_row_still_uses_is_kept(django_capture_on_commit_callbacks):
    provider = provider_with_logo()
    twin = make_provider(logo=provider.logo.name)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        provider.delete()
    assert len(callbacks) == 1
    assert twin.logo.storage.exists(twin.logo.name)


def test_merged_away_publishers_logos_are_deleted(django_capture_on_commit_callbacks):
    survivor, other = provider_with_logo(), provider_with_logo()
    storage = survivor.logo.storage
    with django_capture_on_commit_callbacks(execute=True):
        merge_providers(survivor, [other])
    assert storage.exists(survivor.logo.name) and not storage.exists(other.logo.name)
