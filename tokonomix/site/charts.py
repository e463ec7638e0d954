"""The home page's chart: what a typical conversation costs against the speed we measure,
one point a model, coloured by tier; a click opens the model's page.

Built in one pass over plain rows (`selectors.price_speed_rows`): the home page plots every
model the filters select (300 in `make bench`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext_lazy as _

from benchmarks.speed.formats import format_ms, format_tps
from models_catalog.models import profile_urls
from pricing.costs import format_usd
from tokonomix.core import flags
from tokonomix.core.charts import ChartTable

from .selectors import PriceSpeedRow

# A colour a tier, by its rank (then round again); readable on the light and dark theme.
TIER_COLOURS = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2")
NO_TIER_COLOUR = "#7f7f7f"


def log_ticks(values: Sequence[float]) -> list[float]:
    """Where a log axis over `values` puts its labels: 1, 2 and 5 times each power of ten
    the values span, the powers alone over more than three decades, finer steps within
    half a decade (a few labels on a phone either way, each a whole figure, unlike
    plotly's digit-only minor labels)."""
    low, high = min(values), max(values)
    first, last = math.floor(math.log10(low)), math.ceil(math.log10(high))
    decades = math.log10(high / low)
    steps: tuple[float, ...] = (1, 2, 5)
    if decades > 3:
        steps = (1,)
    elif decades < 0.5:
        steps = (1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8)
    ticks = [step * 10.0**power for power in range(first, last + 1) for step in steps]
    inside = [tick for tick in ticks if low / 2.5 <= tick <= high * 2.5]
    return inside or [low, high]


@dataclass(frozen=True)
class Point:
    """One model on the scatter, its figures read once."""

    name: str
    url: str
    provider: str
    tier: str
    rank: int | None
    cost: Decimal
    tokens_per_second: float
    latency_ms: float | None
    badges: list[flags.Badge]
    note: str  # its flags, as the hover and the table say them


@dataclass(frozen=True)
class PriceSpeedChart:
    figure: dict[str, Any]
    table: ChartTable
    left_out: int  # rows without a price or a speed figure


def _points(rows: Sequence[PriceSpeedRow]) -> list[Point]:
    """The rows with both a typical cost above zero (the axis is logarithmic) and a speed."""
    url = profile_urls()  # reversed once for every point
    no_tier = str(_("No tier"))
    return [
        Point(
            name=row.name,
            url=url(row.slug),
            provider=row.provider,
            tier=f"{row.tier_code} · {row.tier_label}" if row.tier_code else no_tier,
            rank=row.tier_rank if row.tier_code else None,
            cost=row.typical_cost,
            tokens_per_second=row.tokens_per_second,
            latency_ms=row.p50_latency_ms,
            badges=row.badges,
            note=flags.chart_note(row.badges),
        )
        for row in rows
        if row.typical_cost is not None and row.typical_cost > 0 and row.tokens_per_second
    ]


def price_speed_chart(rows: Sequence[PriceSpeedRow]) -> PriceSpeedChart:
    """The scatter, its table and how many rows it leaves out."""
    points = _points(rows)
    return PriceSpeedChart(
        figure=price_speed_figure(points),
        table=price_speed_table(points),
        left_out=len(rows) - len(points),
    )


def price_speed_figure(points: Sequence[Point]) -> dict[str, Any]:
    """A scatter of typical-conversation cost (x) against median decode tokens per second
    (y), both on log axes, a trace a tier so the legend names the colours (with the flags
    all its points carry). Each point's hover says the model, its maker, both figures and
    its flags; its first custom datum is its page (static/js/charts.js follows it on a
    click)."""
    tiers: dict[str, list[Point]] = {}
    for point in points:
        tiers.setdefault(point.tier, []).append(point)
    data: list[dict[str, Any]] = []
    for label, members in sorted(
        tiers.items(), key=lambda item: (item[1][0].rank is None, item[1][0].rank or 0)
    ):
        rank = members[0].rank
        colour = NO_TIER_COLOUR if rank is None else TIER_COLOURS[rank % len(TIER_COLOURS)]
        data.append(
            {
                "type": "scatter",
                "mode": "markers",
                "name": (f"Tier {label}" if rank is not None else label)
                + flags.shared_chart_note([point.badges for point in members]),
                "x": [float(point.cost) for point in members],
                "y": [round(point.tokens_per_second, 1) for point in members],
                "text": [point.name for point in members],
                "customdata": [
                    [
                        point.url,
                        point.provider,
                        format_usd(point.cost),
                        format_tps(point.tokens_per_second),
                        point.note,
                    ]
                    for point in members
                ],
                "marker": {"size": 10, "color": colour, "line": {"width": 1, "color": "#ffffff"}},
                "hovertemplate": "<b>%{text}</b>%{customdata[4]}<br>%{customdata[1]}<br>"
                "%{customdata[2]} a typical conversation<br>%{customdata[3]}<extra></extra>",
            }
        )
    return {
        "data": data,
        "layout": {
            "margin": {"l": 55, "r": 10, "t": 10, "b": 45},
            # Short titles: the caption says what a typical conversation is, and a phone
            # has 300 px for them.
            "xaxis": {
                "type": "log",
                "title": {"text": "$ a typical conversation (log)"},
                **_ticks([x for trace in data for x in trace["x"]], prefix="$"),
            },
            "yaxis": {
                "type": "log",
                "title": {"text": "tokens/s, median (log)"},
                **_ticks([y for trace in data for y in trace["y"]]),
            },
            "legend": {"orientation": "h", "x": 0, "y": 1, "yref": "container", "yanchor": "top"},
            "hovermode": "closest",
            "height": 380,
        },
    }


def _ticks(values: list[float], *, prefix: str = "") -> dict[str, Any]:
    if not values:
        return {}
    ticks = log_ticks(values)
    return {
        "tickmode": "array",
        "tickvals": ticks,
        "ticktext": [f"{prefix}{tick:.6g}" for tick in ticks],
    }


def price_speed_table(points: Sequence[Point]) -> ChartTable:
    """The scatter's data: model (with its flags), tier, typical cost, speed, latency."""
    return ChartTable(
        columns=(
            _("Model"),
            _("Tier"),
            _("Typical conversation"),
            _("Tokens/s (median)"),
            _("Latency P50"),
        ),
        rows=[
            (
                point.name + point.note,
                point.tier,
                format_usd(point.cost),
                format_tps(point.tokens_per_second),
                format_ms(point.latency_ms),
            )
            for point in points
        ],
    )
