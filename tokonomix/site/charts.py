"""The home page's chart: what a typical conversation costs against the speed we measure,
one point a model, coloured by tier; a click opens the model's page."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from django.utils.translation import gettext_lazy as _

from benchmarks.speed.formats import format_ms, format_tps
from pricing.costs import format_usd
from tokonomix.core import flags
from tokonomix.core.charts import ChartTable

from .selectors import LeaderboardRow

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


def _plotted(rows: Sequence[LeaderboardRow]) -> list[LeaderboardRow]:
    """The rows with both a typical cost above zero (the axis is logarithmic) and a speed."""
    return [
        row
        for row in rows
        if row.typical_cost is not None and row.typical_cost > 0 and row.tokens_per_second
    ]


def price_speed_figure(rows: Sequence[LeaderboardRow]) -> dict[str, Any]:
    """A scatter of typical-conversation cost (x) against median decode tokens per second
    (y), both on log axes, a trace a tier so the legend names the colours. Each point's
    hover says the model, its maker, both figures and its flags; its first custom datum is
    its page (static/js/charts.js follows it on a click)."""
    tiers: dict[str, list[LeaderboardRow]] = {}
    ranks: dict[str, int | None] = {}
    for row in _plotted(rows):
        tier = row.model.tier
        label = f"{tier.code} · {tier.label}" if tier else str(_("No tier"))
        tiers.setdefault(label, []).append(row)
        ranks[label] = tier.rank if tier else None
    data: list[dict[str, Any]] = []
    for label, members in sorted(
        tiers.items(), key=lambda item: (ranks[item[0]] is None, ranks[item[0]] or 0)
    ):
        rank = ranks[label]
        colour = NO_TIER_COLOUR if rank is None else TIER_COLOURS[rank % len(TIER_COLOURS)]
        data.append(
            {
                "type": "scatter",
                "mode": "markers",
                "name": (f"Tier {label}" if rank is not None else label)
                + flags.shared_chart_note([row.badges for row in members]),
                "x": [float(row.typical_cost or 0) for row in members],
                "y": [round(row.tokens_per_second or 0, 1) for row in members],
                "text": [row.model.name for row in members],
                "customdata": [
                    [
                        row.model.get_absolute_url(),
                        row.model.provider.name,
                        format_usd(row.typical_cost),
                        format_tps(row.tokens_per_second),
                        flags.chart_note(row.badges),
                    ]
                    for row in members
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


def price_speed_table(rows: Sequence[LeaderboardRow]) -> ChartTable:
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
                row.model.name + flags.chart_note(row.badges),
                f"{row.model.tier.code} · {row.model.tier.label}" if row.model.tier else "—",
                format_usd(row.typical_cost),
                format_tps(row.tokens_per_second),
                format_ms(row.p50_latency_ms),
            )
            for row in _plotted(rows)
        ],
    )


def unplotted_count(rows: Sequence[LeaderboardRow]) -> int:
    """Rows the scatter leaves out: no price or no speed measured yet."""
    return len(rows) - len(_plotted(rows))
