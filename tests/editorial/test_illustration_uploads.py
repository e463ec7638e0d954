"""Illustrations cannot script: raster only, decoded by Pillow and re-encoded without metadata,
size-capped, SVG refused with a clear message; user media served inert."""

from __future__ import annotations

import io
import struct
import zlib
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image, PngImagePlugin

from tests import factories
from tokonomix.core import uploads
from tokonomix.editorial.models import Illustration

pytestmark = pytest.mark.django_db

SVG = b"""<?xml version="1.0"?>
<svg xmlns="http://www.w3.org/2000/svg" onload="fetch('/xss-ran')">
  <script>document.title = 'owned'</script>
</svg>"""


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def raster(fmt: str, *, size=(40, 30), **save) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(out, format=fmt, **save)
    return out.getvalue()


def jpeg_with_location() -> bytes:
    exif = Image.Exif()
    exif[0x010F] = "Camera maker"  # Make
    exif[0x8825] = {2: (48.0, 51.0, 24.0)}  # GPS latitude
    return raster("JPEG", exif=exif.tobytes())


def png_with_text() -> bytes:
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "<script>alert(1)</script>")
    return raster("PNG", pnginfo=info)


def admin_form(response) -> dict[str, object]:
    """The POST data of an admin change page as it was rendered (inline management forms
    included), to change a field or two and send it back."""
    data: dict[str, object] = {}
    form = response.context["adminform"].form
    for name in form.fields:
        value = form[name].value()
        if value is not None:
            data[name] = value if not isinstance(value, list) else [str(v) for v in value]
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        for name, value in formset.management_form.initial.items():
            data[f"{formset.prefix}-{name}"] = value
        for sub in formset.forms:
            for name in sub.fields:
                value = sub[name].value()
                if value not in (None, ""):
                    data[sub.add_prefix(name)] = value
    return {k: v for k, v in data.items() if v is not None}


def upload(
    client,
    editor,
    content: bytes,
    name: str,
    *,
    caption: str = "Prices of three models, 2026-11-16",
):
    profile = factories.profile(by=editor)
    client.force_login(editor)
    url = reverse("admin:editorial_modelprofile_change", args=[profile.pk])
    data = admin_form(client.get(url))
    data.update(
        {
            "illustrations-TOTAL_FORMS": 1,
            "illustrations-0-order": 0,
            "illustrations-0-alt_text": "A chart",
            "illustrations-0-caption": caption,
            "illustrations-0-image": SimpleUploadedFile(name, content),
        }
    )
    return client.post(url, data)


def error_text(response) -> str:
    return " ".join(
        str(error)
        for inline in response.context["inline_admin_formsets"]
        for form_errors in inline.formset.errors
        for errors in form_errors.values()
        for error in errors
    )


# --- refused ---------------------------------------------------------------------------


def test_an_svg_upload_is_refused_with_a_reason(client, editor, media_root):
    response = upload(client, editor, SVG, "chart.svg")

    assert response.status_code == 200  # the form again, with the message
    assert "SVG images are refused" in error_text(response)
    assert not Illustration.objects.exists()
    assert not any(media_root.rglob("*"))


@pytest.mark.parametrize(
    ("content", "name"),
    [
        (SVG, "chart.png"),  # an SVG under a raster name
        (b"GIF89a<html><script>alert(1)</script></html>", "chart.gif"),
        (b"<html><body onload=alert(1)>", "chart.jpg"),
        (raster("PNG")[:60], "truncated.png"),
        (raster("GIF"), "animation.gif"),  # a real image, not one of the four formats
        (raster("BMP"), "old.bmp"),
    ],
)
def test_anything_but_a_png_jpeg_webp_or_avif_is_refused(client, editor, content, name):
    response = upload(client, editor, content, name)

    assert response.status_code == 200
    assert "PNG, JPEG, WebP or AVIF" in error_text(response)
    assert not Illustration.objects.exists()


def test_an_image_over_the_size_cap_is_refused(client, editor):
    big = raster("PNG") + b"\0" * uploads.MAX_UPLOAD_BYTES

    response = upload(client, editor, big, "big.png")

    assert "larger than 5 MB" in error_text(response)


def test_a_decompression_bomb_is_refused(client, editor):
    # A valid PNG header claiming 100,000 x 100,000 pixels, a few bytes long.
    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    header = struct.pack(">IIBBBBB", 100_000, 100_000, 1, 0, 0, 0, 0)
    bomb = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IEND", b"")

    response = upload(client, editor, bomb, "bomb.png")

    assert "more than 40 million pixels" in error_text(response)
    assert not Illustration.objects.exists()


# --- accepted, and re-encoded ------------------------------------------------------------


@pytest.mark.parametrize(
    "content",
    [png_with_text(), jpeg_with_location(), raster("WEBP"), raster("AVIF")],
    ids=["png", "jpeg", "webp", "avif"],
)
def test_a_raster_image_is_stored_as_webp_without_metadata(client, editor, media_root, content):
    response = upload(client, editor, content, "Holiday photo <script>.upload")

    assert response.status_code == 302, error_text(response)
    name = Illustration.objects.get().image.name or ""
    assert name.startswith("illustrations/")
    assert name.endswith(".webp")
    assert "script" not in name and "Holiday" not in name
    data = (media_root / name).read_bytes()
    assert data != content
    with Image.open(io.BytesIO(data)) as image:
        assert image.format == "WEBP"
        assert image.size == (40, 30)
        assert not image.getexif()
        assert "Comment" not in image.info
    assert b"<script>" not in data and b"Camera maker" not in data


def test_a_wide_image_is_resized_to_the_served_width(client, editor, media_root):
    response = upload(client, editor, raster("PNG", size=(3200, 1000)), "wide.png")

    assert response.status_code == 302, error_text(response)
    stored = media_root / (Illustration.objects.get().image.name or "")
    with Image.open(stored) as image:
        assert image.size == (1600, 500)


def test_an_illustration_without_a_caption_is_refused(client, editor, media_root):
    response = upload(client, editor, raster("PNG"), "chart.png", caption="")

    assert response.status_code == 200
    assert "This field is required" in error_text(response)
    assert not Illustration.objects.exists()


# --- served inert ------------------------------------------------------------------------


def test_user_media_are_served_with_headers_that_stop_script(client, media_root):
    folder = media_root / "illustrations"
    folder.mkdir(parents=True)
    (folder / "picture.png").write_bytes(raster("PNG"))
    (folder / "legacy.svg").write_bytes(SVG)

    image = client.get("/media/illustrations/picture.png")
    legacy = client.get("/media/illustrations/legacy.svg")

    for response in (image, legacy):
        assert response.status_code == 200
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Content-Security-Policy"].startswith("sandbox;")
        assert "default-src 'none'" in response["Content-Security-Policy"]
    assert image["Content-Type"] == "image/png"
    assert image["Content-Disposition"] == 'inline; filename="picture.png"'
    assert legacy["Content-Type"] == "application/octet-stream"
    assert legacy["Content-Disposition"] == 'attachment; filename="legacy.svg"'


def test_nothing_outside_the_media_folder_is_served(client, media_root):
    media_root.mkdir(parents=True)
    (media_root.parent / "secret.txt").write_text("secret")

    for path in ("/media/../secret.txt", "/media/%2e%2e/secret.txt"):
        response = client.get(path)
        assert response.status_code in (400, 404), path  # refused as suspicious, or not found
        assert b"secret" not in response.content
    assert client.post("/media/illustrations/picture.png").status_code == 405
