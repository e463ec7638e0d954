"""Plotly figure data for speed and availability (plain dicts: plotly.js draws them)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.utils.translation import gettext_lazy as _

from tokonomix.core.charts import ChartTable

from .formats import FORMATTERS, format_interval, format_percent, format_tokens
from .models import SpeedDaily

LAYOUT: dict[str, Any] = {
    "margin": {"l": 55, "r": 10, "t": 10, "b": 40},
    "xaxis": {"type": "date"},
    "legend": {"orientation": "h", "x": 0, "y": 1, "yref": "container", "yanchor": "top"},
    "height": 300,
}


def _line(
    days: Sequence[SpeedDaily], attribute: str, name: str, unit: str, *, interval: bool = False
) -> dict[str, Any]:
    """One figure per day; with `interval`, its bootstrap interval as error bars."""
    measured = [d for d in days if getattr(d, attribute) is not None]
    trace: dict[str, Any] = {
        "type": "scatter",
        "mode": "lines+markers",
        "name": name,
        "x": [d.day.isoformat() for d in measured],
        "y": [round(getattr(d, attribute), 1) for d in measured],
        "hovertemplate": "%{x}: %{y} " + unit + "<extra>" + name + "</extra>",
    }
    if interval:
        estimates = [d.estimate(attribute) for d in measured]
        trace["error_y"] = {
            "type": "data",
            "symmetric": False,
            "array": [round((e.high or e.value or 0) - (e.value or 0), 1) for e in estimates],
            "arrayminus": [round((e.value or 0) - (e.low or e.value or 0), 1) for e in estimates],
            "thickness": 1,
            "width": 2,
        }
    return trace


def _figure(data: list[dict[str, Any]], y_title: str, **yaxis: Any) -> dict[str, Any]:
    data = [trace for trace in data if trace["x"]]
    layout = {**LAYOUT, "yaxis": {"title": {"text": y_title}, "rangemode": "tozero", **yaxis}}
    return {"data": data, "layout": layout}


def latency_figure(days: Sequence[SpeedDaily], *, simulated: bool) -> dict[str, Any]:
    """Daily P50 (with its interval) and P95 of end-to-end latency and of time to first
    token, and P50 of time to first answer token."""
    suffix = " (simulated)" if simulated else ""
    return _figure(
        [
            _line(days, "p50_latency_ms", f"Latency P50{suffix}", "ms", interval=True),
            _line(days, "p95_latency_ms", f"Latency P95{suffix}", "ms"),
            _line(days, "p50_ttft_ms", f"TTFT P50{suffix}", "ms", interval=True),
            _line(days, "p95_ttft_ms", f"TTFT P95{suffix}", "ms"),
            _line(days, "p50_ttfat_ms", f"First answer token P50{suffix}", "ms"),
        ],
        "milliseconds",
    )


def tokens_per_second_figure(days: Sequence[SpeedDaily], *, simulated: bool) -> dict[str, Any]:
    """Daily median decode speed and output tokens per end-to-end second."""
    suffix = " (simulated)" if simulated else ""
    return _figure(
        [
            _line(days, "median_decode_tps", f"Decode speed{suffix}", "tok/s", interval=True),
            _line(days, "median_e2e_tps", f"Output tokens per end-to-end second{suffix}", "tok/s"),
        ],
        "tokens per second",
    )


def availability_figure(days: Sequence[SpeedDaily], *, simulated: bool) -> dict[str, Any]:
    """One bar per measured day: the share of requests that succeeded."""
    suffix = " (simulated)" if simulated else ""
    measured = [d for d in days if d.availability is not None]
    return _figure(
        [
            {
                "type": "bar",
                "name": f"Availability{suffix}",
                "x": [d.day.isoformat() for d in measured],
                "y": [round((d.availability or 0) * 100, 1) for d in measured],
                "customdata": [[d.ok_samples, d.ok_samples + d.failed_samples] for d in measured],
                "hovertemplate": "%{x}: %{y}% (%{customdata[0]} of %{customdata[1]} ok)"
                "<extra></extra>",
            }
        ],
        "% of requests ok",
        range=[0, 100],
    )


def _with_interval(day: SpeedDaily, name: str, unit: str) -> str:
    estimate = day.estimate(name)
    text = FORMATTERS[unit](estimate.value)
    if estimate.value is None or estimate.low is None:
        return text
    return f"{text} ({format_interval(estimate, unit)})"


def latency_table(days: Sequence[SpeedDaily]) -> ChartTable:
    """The latency chart's data: day, samples, the percentiles with their 95% intervals."""
    columns = (
        _("Day (UTC)"),
        _("Samples"),
        _("Latency P50 (95% CI)"),
        _("Latency P95 (95% CI)"),
        _("TTFT P50 (95% CI)"),
        _("TTFT P95 (95% CI)"),
        _("First answer token P50 (95% CI)"),
    )
    rows = [
        (
            d.day.isoformat(),
            str(d.speed_samples),
            _with_interval(d, "p50_latency_ms", "ms"),
            _with_interval(d, "p95_latency_ms", "ms"),
            _with_interval(d, "p50_ttft_ms", "ms"),
            _with_interval(d, "p95_ttft_ms", "ms"),
            _with_interval(d, "p50_ttfat_ms", "ms"),
        )
        for d in days
    ]
    return ChartTable(columns=columns, rows=rows)


def tokens_per_second_table(days: Sequence[SpeedDaily]) -> ChartTable:
    """The tokens-per-second chart's data: day, samples, both speeds, reasoning tokens."""
    columns = (
        _("Day (UTC)"),
        _("Samples"),
        _("Decode speed (95% CI)"),
        _("End-to-end (95% CI)"),
        _("Reasoning tokens, median"),
    )
    rows = [
        (
            d.day.isoformat(),
            str(d.speed_samples),
            _with_interval(d, "median_decode_tps", "tok/s"),
            _with_interval(d, "median_e2e_tps", "tok/s"),
            format_tokens(d.median_reasoning_tokens),
        )
        for d in days
    ]
    return ChartTable(columns=columns, rows=rows)


def availability_table(days: Sequence[SpeedDaily]) -> ChartTable:
    """The availability chart's data: day, ok, failed, share ok."""
    columns = (_("Day (UTC)"), _("OK"), _("Failed"), _("Availability"))
    rows = [
        (
            d.day.isoformat(),
            str(d.ok_samples),
            str(d.failed_samples),
            format_percent(d.availability),
        )
        for d in days
    ]
    return ChartTable(columns=columns, rows=rows)
