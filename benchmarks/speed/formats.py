"""Speed figures as readers see them: an em dash when there is no figure.

Plain Python formatting in the site's one language (LANGUAGES is English only), like
pricing.costs.format_usd: Django's localised number_format costs ~10 µs a call, and a
model page formats several hundred figures for its chart tables.
"""

from __future__ import annotations

DASH = "—"


def format_ms(value: float | None) -> str:
    """1234.5 -> "1,235 ms"."""
    return DASH if value is None else f"{round(value):,} ms"


def format_tps(value: float | None) -> str:
    """95.43 -> "95.4 tok/s"."""
    return DASH if value is None else f"{value:.1f} tok/s"


def format_percent(value: float | None) -> str:
    """0.98765 -> "98.8%"."""
    return DASH if value is None else f"{value * 100:.1f}%"
