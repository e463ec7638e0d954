"""Plotly figure data for speed and availability (plain dicts: plotly.js draws them)."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

from tokonomix.core import flags
from tokonomix.core.charts import ChartTable

from .formats import (
    FORMATTERS,
    format_estimate,
    format_interval,
    format_ms,
    format_percent,
    format_tokens,
)
from .models import SpeedDaily, SpeedFigures
from .stats import Estimate, percentile

LAYOUT: dict[str, Any] = {
    "margin": {"l": 55, "r": 10, "t": 10, "b": 40},
    "xaxis": {"type": "date"},
    "legend": {"orientation": "h", "x": 0, "y": 1, "yref": "container", "yanchor": "top"},
    "height": 300,
}


def _estimate_error(estimates: Sequence[Estimate]) -> dict[str, Any]:
    """Asymmetric error bars from each estimate's 95% interval (none where it has none)."""
    return {
        "type": "data",
        "symmetric": False,
        "array": [round((e.high or e.value or 0) - (e.value or 0), 1) for e in estimates],
        "arrayminus": [round((e.value or 0) - (e.low or e.value or 0), 1) for e in estimates],
        "thickness": 1,
        "width": 2,
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
        trace["error_y"] = _estimate_error([d.estimate(attribute) for d in measured])
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


# --- the speed board and compare --------------------------------------------------------


@dataclass(frozen=True)
class BoardBar:
    """One model on the speed board's chart: its figures, page and flags."""

    name: str
    url: str
    figures: SpeedFigures
    badges: Sequence[flags.Badge]

    def label(self, *, besides: Collection[flags.Flag] = frozenset()) -> str:
        """The bar's label: the model, then under it the successful requests behind its
        figures and its flags but those `besides` (which the legend says for every bar):
        "Cheap One<br>n = 5, preliminary". Two short lines leave a phone room for the bars."""
        own = [badge.label for badge in self.badges if badge.flag not in besides]
        return f"{self.name}<br>n = {', '.join([f'{self.figures.ok_30d:,}', *own])}"


def board_latency_figure(bars: Sequence[BoardBar]) -> dict[str, Any]:
    """P50 (with its 95% interval) and P95 end-to-end latency over 30 days, one pair of
    horizontal bars a model in the board's order, each labelled with its sample count;
    the flags every bar has in the legend, a bar's others in its label, so they show
    without a hover (and in its hover)."""
    measured = [bar for bar in bars if bar.figures.p50_latency_ms_30d is not None]
    legend_note = flags.shared_chart_note([bar.badges for bar in measured])
    in_legend = flags.shared_flags([bar.badges for bar in measured])
    labels = [bar.label(besides=in_legend) for bar in measured]
    data = []
    for attribute, name in (("p50_latency_ms_30d", "Latency P50"), ("p95_latency_ms_30d", "P95")):
        trace: dict[str, Any] = {
            "type": "bar",
            "orientation": "h",
            "name": f"{name}{legend_note}",
            "y": labels,
            "x": [round(getattr(bar.figures, attribute) or 0, 1) for bar in measured],
            "customdata": [
                [bar.url, f"{bar.figures.ok_30d:,}", flags.chart_note(bar.badges)]
                for bar in measured
            ],
            "hovertemplate": "%{y}: %{x:,.0f} ms%{customdata[2]}<extra>" + name + "</extra>",
        }
        if attribute == "p50_latency_ms_30d":
            trace["error_x"] = _estimate_error(
                [bar.figures.estimate(attribute) for bar in measured]
            )
        data.append(trace)
    return {
        "data": data,
        "layout": {
            "margin": {"l": 10, "r": 10, "t": 10, "b": 40},
            "barmode": "group",
            "xaxis": {"title": {"text": "milliseconds, end to end"}, "rangemode": "tozero"},
            # The board's order, best first, from the top; the labels' margin grows to fit
            # them (each two short lines, see BoardBar.label).
            "yaxis": {"autorange": "reversed", "automargin": True, "type": "category"},
            "legend": {"orientation": "h", "x": 0, "y": 1, "yref": "container", "yanchor": "top"},
            "height": 80 + 40 * max(len(measured), 1),
        },
    }


def board_latency_table(bars: Sequence[BoardBar]) -> ChartTable:
    """The board chart's data: model (with its flags), samples, P50 and P95 with intervals."""
    return ChartTable(
        columns=(_("Model"), _("Samples"), _("Latency P50 (95% CI)"), _("Latency P95 (95% CI)")),
        rows=[
            (
                bar.name + flags.chart_note(bar.badges),
                f"{bar.figures.ok_30d:,}",
                format_estimate(bar.figures.estimate("p50_latency_ms_30d"), "ms"),
                format_estimate(bar.figures.estimate("p95_latency_ms_30d"), "ms"),
            )
            for bar in bars
            if bar.figures.p50_latency_ms_30d is not None
        ],
    )


@dataclass(frozen=True)
class LatencySample:
    """One model's successful requests over its 30-day window: their end-to-end latencies."""

    name: str
    latencies_ms: Sequence[float]
    badges: Sequence[flags.Badge]
    colour: str  # the model's colour on the page, the same in its other charts


# Quantiles drawn of each model's distribution: every half percent is smooth to the eye
# and keeps the figure a few kilobytes whatever the number of samples.
DISTRIBUTION_STEPS = 200


def latency_distribution_figure(samples: Sequence[LatencySample]) -> dict[str, Any]:
    """Each model's latency distribution as a cumulative curve: the share of its requests
    that finished within a given time (plotly-basic has no box or histogram trace, and
    curves overlay more legibly than either)."""
    data = []
    for sample in samples:
        ordered = sorted(sample.latencies_ms)
        if not ordered:
            continue
        if len(ordered) > DISTRIBUTION_STEPS:
            shares = [step / DISTRIBUTION_STEPS for step in range(DISTRIBUTION_STEPS + 1)]
            values = [percentile(ordered, share) or 0.0 for share in shares]
        else:
            shares = [(rank + 1) / len(ordered) for rank in range(len(ordered))]
            values = list(ordered)
        name = f"{sample.name}{flags.chart_note(sample.badges)}"
        data.append(
            {
                "type": "scatter",
                "mode": "lines",
                "name": name,
                "x": [round(value, 1) for value in values],
                "y": [round(share * 100, 2) for share in shares],
                "line": {"shape": "hv", "color": sample.colour},
                "hovertemplate": "%{y:.0f}% within %{x:,.0f} ms<extra>" + name + "</extra>",
            }
        )
    return {
        "data": data,
        "layout": {
            **LAYOUT,
            "xaxis": {"title": {"text": "end-to-end latency, ms"}, "rangemode": "tozero"},
            "yaxis": {"title": {"text": "% of requests within"}, "range": [0, 100]},
        },
    }


def latency_distribution_table(samples: Sequence[LatencySample]) -> ChartTable:
    """The distribution chart's data: model, requests, and five percentiles."""
    fractions = (0.05, 0.25, 0.5, 0.75, 0.95)
    return ChartTable(
        columns=(_("Model"), _("Requests"), *(f"P{round(f * 100)}" for f in fractions)),
        rows=[
            (
                sample.name + flags.chart_note(sample.badges),
                f"{len(sample.latencies_ms):,}",
                *(format_ms(percentile(sorted(sample.latencies_ms), f)) for f in fractions),
            )
            for sample in samples
        ],
    )
