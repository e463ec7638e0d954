"""Plotly figure data for price history (plain dicts: plotly.js draws them in the browser)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

from tokonomix.core.charts import ChartTable

from .costs import format_usd
from .models import PricePoint
from .selectors import OfferingPrices

SERIES = (("input", "input_per_million", "Input"), ("output", "output_per_million", "Output"))


def price_history_figure(prices: OfferingPrices, *, today: dt.date) -> dict[str, Any]:
    """A step line per price with a marker at each change, extended to today."""
    data = []
    changes = prices.rate_changes
    for _kind, column, label in SERIES:
        points = [(p.effective_from, getattr(p, column)) for p in changes]
        points = [(day, value) for day, value in points if value is not None]
        if not points:
            continue
        days = [day.isoformat() for day, _ in points]
        values = [float(value) for _, value in points]
        data.append(
            {
                "type": "scatter",
                "mode": "lines+markers",
                "name": f"{label} $/M",
                "x": [*days, today.isoformat()] if points[-1][0] < today else days,
                "y": [*values, values[-1]] if points[-1][0] < today else values,
                "line": {"shape": "hv"},
                # Markers only where a price was recorded, not on the extension to today.
                "marker": {"size": [8] * len(points) + ([0] if points[-1][0] < today else [])},
                "hovertemplate": "%{x}: $%{y}/M<extra>" + label + "</extra>",
            }
        )
    return {"data": data, "layout": _price_history_layout(height=300)}


def price_history_table(prices: OfferingPrices) -> ChartTable:
    """The price chart's data: from when, input and output $/M."""
    return ChartTable(
        columns=(_("From"), _("Input $/M"), _("Output $/M"), _("Date from")),
        rows=[
            (
                p.effective_from.isoformat(),
                format_usd(p.input_per_million),
                format_usd(p.output_per_million),
                p.date_source or _("our sync, %(day)s") % {"day": p.first_seen_on.isoformat()},
            )
            for p in prices.rate_changes
        ],
    )


def _steps(
    points: Sequence[tuple[dt.date, float]], today: dt.date
) -> tuple[list[str], list[float]]:
    """A step line's x and y: each recorded price, then held to today."""
    days = [day.isoformat() for day, _value in points]
    values = [value for _day, value in points]
    if points[-1][0] < today:
        return [*days, today.isoformat()], [*values, values[-1]]
    return days, values


@dataclass(frozen=True)
class History:
    """One model's rate changes on compare, in the colour the page gives that model."""

    name: str
    colour: str
    changes: Sequence[PricePoint]


def price_histories_figure(histories: Sequence[History], *, today: dt.date) -> dict[str, Any]:
    """Compare's price histories overlaid: each model's input and output $/M as steps in
    its own colour (output solid, input dashed), held to today."""
    data = []
    for history in histories:
        name, colour, changes = history.name, history.colour, history.changes
        for _kind, column, label in reversed(SERIES):
            points = [
                (p.effective_from, float(value))
                for p in changes
                if (value := getattr(p, column)) is not None
            ]
            if not points:
                continue
            x, y = _steps(points, today)
            data.append(
                {
                    "type": "scatter",
                    "mode": "lines",
                    "name": f"{name}, {label.lower()}",
                    "legendgroup": name,
                    "x": x,
                    "y": y,
                    "line": {
                        "shape": "hv",
                        "color": colour,
                        "dash": "dash" if column == "input_per_million" else "solid",
                    },
                    "hovertemplate": "%{x}: $%{y}/M<extra>" + f"{name}, {label.lower()}</extra>",
                }
            )
    return {"data": data, "layout": _price_history_layout(height=340)}


def price_histories_table(histories: Sequence[History]) -> ChartTable:
    """The overlaid chart's data: model, from when, input and output $/M."""
    return ChartTable(
        columns=(_("Model"), _("From"), _("Input $/M"), _("Output $/M")),
        rows=[
            (
                history.name,
                p.effective_from.isoformat(),
                format_usd(p.input_per_million),
                format_usd(p.output_per_million),
            )
            for history in histories
            for p in history.changes
        ],
    )


def _price_history_layout(*, height: int) -> dict[str, Any]:
    """One model's price history and compare's overlaid histories share their axes."""
    return {
        "margin": {"l": 50, "r": 10, "t": 10, "b": 40},
        "yaxis": {"title": {"text": "$ per million tokens"}, "rangemode": "tozero"},
        "xaxis": {"type": "date"},
        "legend": {"orientation": "h", "x": 0, "y": 1, "yref": "container", "yanchor": "top"},
        "height": height,
    }
