"""Formatting of speed figures in templates (benchmarks.formats does the work)."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.translation import gettext

from benchmarks.speed.formats import (
    DASH,
    FORMATTERS,
    format_interval,
    format_ms,
    format_percent,
    format_tokens,
    format_tps,
)
from benchmarks.speed.stats import CONFIDENCE, Estimate
from tokonomix.core.html import format_html

register = template.Library()

__all__ = ["DASH", "estimate", "ms", "percent", "speed_window", "tokens", "tps"]

ms = register.filter("ms", format_ms)
tps = register.filter("tps", format_tps)
percent = register.filter("percent", format_percent)
tokens = register.filter("tokens", format_tokens)


@register.simple_tag
def estimate(figures: Any, name: str, unit: str) -> SafeString | str:
    """A figure with its bootstrap interval and its count beneath it:
    ``{% estimate s "p50_latency_ms_30d" "ms" %}``. `figures` has ``estimate(name)``
    (a SpeedFigures, SpeedDaily or SpeedBreakdown row); None shows a dash."""
    if figures is None:
        return DASH
    value: Estimate = figures.estimate(name)
    text = FORMATTERS[unit](value.value)
    if value.value is None or value.low is None:
        return text
    # Each part in a span that never wraps, so a narrow column breaks the line between
    # the parts, never inside a number or between a number and its unit.
    return format_html(
        '{} <small class="ci" title="{}">'
        "<span>{}</span> <span>{}</span> · <span>n {}</span></small>",
        text,
        f"{CONFIDENCE:.0%} bootstrap confidence interval, and the number of requests behind it",
        f"{CONFIDENCE:.0%} CI",
        format_interval(value, unit),
        f"{value.n:,}",
    )


@register.simple_tag
def speed_window(summary: Any) -> SafeString:
    """The 30-day window of a SpeedSummary, said the same short way on every page: its end,
    and the last test when that was earlier, each date in a <time> kept whole on a phone:
    ``{% speed_window s %}``.

    A tag in Python rather than an included template: the leaderboard draws it 50 times a
    page, and the include with its date filters and translations cost about 2 ms of the
    home page's 40 (measured in process on bench_home's data, 2026-12-02)."""
    end = summary.window_end.isoformat()
    last_at = summary.last_sample_at
    last = timezone.localtime(last_at).date().isoformat() if last_at else ""
    text = format_html(
        gettext("30 days to {}"), format_html('<time datetime="{}">{}</time>', end, end)
    )
    if last and last != end:
        return format_html(
            "{} · {}",
            text,
            format_html(
                gettext("last test {}"), format_html('<time datetime="{}">{}</time>', last, last)
            ),
        )
    return text


@register.filter
def speed_flags(figures: Any) -> list[Any]:
    """The flags of speed figures over their last 30 days (the one flags module's rules)."""
    from benchmarks.speed.selectors import speed_badges

    return speed_badges(figures)


@register.filter
def simulated_flags(is_simulated: bool) -> list[Any]:
    """The simulated flag alone, for a figure no sample count makes preliminary."""
    from tokonomix.core import flags

    return flags.speed_badges(is_simulated=bool(is_simulated), ok_samples=None)
