"""Formatting of speed figures: an em dash when there is no figure."""

from __future__ import annotations

from django import template
from django.utils.formats import number_format

register = template.Library()

DASH = "—"


@register.filter
def ms(value: float | None) -> str:
    """1234.5 -> "1,235 ms"."""
    if value is None:
        return DASH
    return f"{number_format(round(value), use_l10n=True, force_grouping=True)} ms"


@register.filter
def tps(value: float | None) -> str:
    """95.43 -> "95.4 tok/s"."""
    if value is None:
        return DASH
    return f"{number_format(round(value, 1), decimal_pos=1)} tok/s"


@register.filter
def percent(value: float | None) -> str:
    """0.98765 -> "98.8%"."""
    if value is None:
        return DASH
    return f"{number_format(round(value * 100, 1), decimal_pos=1)}%"
