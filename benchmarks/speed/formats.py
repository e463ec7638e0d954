"""Speed figures as readers see them: an em dash when there is no figure.

Plain Python formatting in the site's one language (LANGUAGES is English only), like
pricing.costs.format_usd: Django's localised number_format costs ~10 µs a call, and a
model page formats several hundred figures for its chart tables.
"""

from __future__ import annotations

from collections.abc import Callable

from .stats import CONFIDENCE, Estimate

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


def format_tokens(value: float | None) -> str:
    """1234.0 -> "1,234 tokens"."""
    return DASH if value is None else f"{round(value):,} tokens"


def _bare(unit: str) -> Callable[[float], str]:
    """The number alone, as `unit`'s formatter writes it (for the low end of a range)."""
    if unit == "tok/s":
        return lambda value: f"{value:.1f}"
    return lambda value: f"{round(value):,}"


FORMATTERS: dict[str, Callable[[float | None], str]] = {
    "ms": format_ms,
    "tok/s": format_tps,
    "tokens": format_tokens,
}


def format_interval(estimate: Estimate, unit: str) -> str:
    """(990.2, 1049.7) -> "990\N{EN DASH}1,050 ms"; a dash when there is no interval."""
    if estimate.low is None or estimate.high is None:
        return DASH
    return f"{_bare(unit)(estimate.low)}\N{EN DASH}{FORMATTERS[unit](estimate.high)}"


def format_estimate(estimate: Estimate, unit: str) -> str:
    """A figure, its interval and its count on one line, for tables and downloads:
    "1,020 ms (95% CI 990 to 1,050 ms, n = 24)", the range with an en dash."""
    text = FORMATTERS[unit](estimate.value)
    if estimate.value is None or estimate.low is None:
        return text
    return f"{text} ({CONFIDENCE:.0%} CI {format_interval(estimate, unit)}, n = {estimate.n:,})"
