"""Checks on files editors upload (illustrations of model profiles)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


def validate_image_name(file: Any) -> None:
    if not str(file.name).lower().endswith((".png", ".jpg", ".jpeg", ".webp", ".gif", ".svg")):
        raise ValidationError(_("Upload a PNG, JPEG, WebP, GIF or SVG image."))
