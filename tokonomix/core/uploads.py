"""Files editors upload (illustrations of model profiles): raster images only, decoded and
written again before they are stored.

An uploaded file is served from the site's own origin, so a file that a browser would run
(SVG with a script, HTML, a polyglot that sniffs as either) is stored XSS. Here an upload
must decode with Pillow as PNG, JPEG, WebP or AVIF, within a size and pixel cap; the pixels
are then resized to at most 1,600 px wide and encoded again as WebP into a new file under a
random name, which drops every byte that was not image (comments, trailing data, EXIF with a
location, XMP). SVG is refused with a
message that says why. User media are also served with headers that stop a browser from
running them (`tokonomix/core/media.py`), for files stored before this check.
"""

from __future__ import annotations

import io
import uuid
import warnings
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

# Pillow's format name -> the extension the stored file gets.
RASTER_FORMATS = {"PNG": "png", "JPEG": "jpg", "WEBP": "webp", "AVIF": "avif"}
RASTER_EXTENSIONS = (".png", ".jpg", ".jpeg", ".webp", ".avif")
MAX_UPLOAD_BYTES = 5 * 1024 * 1024
# About 40 megapixels: a large illustration, far below what a decompression bomb asks for.
MAX_PIXELS = 40_000_000
# What is stored and served: WebP, no wider than the article column at twice its density.
MAX_WIDTH = 1600
WEBP_QUALITY = 85

ACCEPTED = _("Upload a PNG, JPEG, WebP or AVIF image.")
SVG_REFUSED = _(
    "SVG images are refused: an SVG can carry script that would run on this site. "
    "Export the illustration as PNG, JPEG, WebP or AVIF and upload that."
)


def validate_image_name(file: Any) -> None:
    """The stored file's name is a raster image's (old migrations name this validator)."""
    name = str(file.name).lower()
    if name.endswith((".svg", ".svgz")):
        raise ValidationError(SVG_REFUSED, code="svg")
    if not name.endswith(RASTER_EXTENSIONS):
        raise ValidationError(ACCEPTED, code="format")


def _looks_like_svg(head: bytes) -> bool:
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return text.startswith((b"<?xml", b"<svg", b"<!doctype svg")) or b"<svg" in text[:1024]


def raster_image_reencoded(upload: UploadedFile) -> ContentFile[bytes]:
    """The upload decoded, resized to at most MAX_WIDTH wide and encoded again as WebP,
    without metadata, under a random name; raises ValidationError (with a reader's
    message) for anything else."""
    from PIL import Image, UnidentifiedImageError

    if upload.size is not None and upload.size > MAX_UPLOAD_BYTES:
        raise ValidationError(
            _("The image is larger than %(limit)d MB.") % {"limit": MAX_UPLOAD_BYTES // 2**20},
            code="size",
        )
    upload.seek(0)
    head = upload.read(2048)
    upload.seek(0)
    if _looks_like_svg(head) or str(upload.name).lower().endswith((".svg", ".svgz")):
        raise ValidationError(SVG_REFUSED, code="svg")
    too_many_pixels = ValidationError(
        _("The image has more than %(limit)d million pixels.") % {"limit": MAX_PIXELS // 1_000_000},
        code="pixels",
    )
    try:
        with warnings.catch_warnings():
            # A decompression bomb is refused, not merely warned about.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(upload, formats=list(RASTER_FORMATS)) as image:
                if image.width * image.height > MAX_PIXELS:
                    raise too_many_pixels
                image.seek(0)  # the first frame of an animation
                image.load()  # decode every pixel: a truncated or forged file fails here
                pixels = image.copy()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise too_many_pixels from error
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError) as error:
        raise ValidationError(ACCEPTED, code="format") from error
    # Served as WebP, at most MAX_WIDTH wide: every browser the site supports shows it, and a
    # page never loads a camera-sized original. Nothing of the source's metadata goes with
    # the pixels (EXIF, XMP, ICC, PNG text).
    pixels = pixels.convert("RGBA" if _has_alpha(pixels) else "RGB")
    pixels.info = {}
    if pixels.width > MAX_WIDTH:
        pixels.thumbnail((MAX_WIDTH, MAX_PIXELS), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    pixels.save(out, format="WEBP", quality=WEBP_QUALITY, method=4)
    return ContentFile(out.getvalue(), name=f"{uuid.uuid4().hex}.webp")


def _has_alpha(image: Any) -> bool:
    return image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info


class RasterImageField(forms.FileField):
    """A file input that accepts a raster image and hands on its re-encoded copy."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault(
            "widget",
            forms.ClearableFileInput(
                attrs={"accept": "image/png,image/jpeg,image/webp,image/avif"}
            ),
        )
        kwargs.setdefault(
            "help_text",
            _(
                "PNG, JPEG, WebP or AVIF, at most 5 MB; stored as WebP at most 1,600 px "
                "wide, without metadata."
            ),
        )
        super().__init__(**kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        cleaned = super().clean(data, initial)
        if isinstance(cleaned, UploadedFile):
            return raster_image_reencoded(cleaned)
        return cleaned
