"""The speed sections of a model page: context for templates/benchmarks/*.html."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.http import QueryDict

from models_catalog.models import Model
from pricing.models import PricePoint
from pricing.selectors import ModelPricing

from .charts import (
    BoardBar,
    LatencySample,
    availability_figure,
    availability_table,
    board_latency_figure,
    board_latency_table,
    latency_distribution_figure,
    latency_distribution_table,
    latency_figure,
    latency_table,
    tokens_per_second_figure,
    tokens_per_second_table,
)
from .forms import speed_view
from .models import SpeedBreakdown, SpeedFigures
from .regions import ALL_REGIONS, region
from .selectors import (
    CHART_DAYS,
    PRELIMINARY_BELOW,
    BoardRow,
    latency_samples,
    model_speed,
    speed_badges,
)
from .stats import INTERVAL_METHOD, PERCENTILE_METHOD
from .workloads import WORKLOADS


@dataclass(frozen=True)
class Choice:
    value: str
    label: str
    selected: bool


@dataclass(frozen=True)
class OfferingSpeed:
    """One tested offering of the model beside the others: its figures and its price."""

    figures: SpeedBreakdown
    price: PricePoint | None


def speed_context(
    *, model: Model, query: QueryDict | None = None, pricing: ModelPricing | None = None
) -> dict[str, Any]:
    """Everything the four speed sections show, in the region and workload the query asks
    for: at most 2 queries whatever the history. `pricing` (the pricing section's, already
    read) gives each tested offering its price."""
    chosen_region, chosen_workload, invalid = speed_view(query)
    speed = model_speed(model=model, region=chosen_region, workload=chosen_workload)
    workload = WORKLOADS[speed.workload]
    context: dict[str, Any] = {
        "speed": speed,
        "speed_percentile_method": PERCENTILE_METHOD,
        "speed_interval_method": INTERVAL_METHOD,
        "speed_preliminary_below": PRELIMINARY_BELOW,
        "speed_chart_days": CHART_DAYS,
        "speed_region": region(speed.region),
        "speed_workload": workload,
        "speed_view_refused": invalid or speed.unavailable,
        "speed_region_choices": [
            Choice(code, region(code).label, code == speed.region)
            for code in [ALL_REGIONS, *speed.regions]
        ],
        "speed_workload_choices": [
            Choice(code, WORKLOADS[code].label, code == speed.workload)
            for code in speed.workloads
            if code in WORKLOADS
        ],
    }
    figures = speed.figures
    if figures is None:
        return context
    prices = {row.offering.pk: row.current for row in pricing.offerings} if pricing else {}
    simulated = figures.is_simulated
    recent_days = speed.days_since(figures.window_end - dt.timedelta(days=29))
    context.update(
        {
            "speed_offerings": [
                OfferingSpeed(figures=row, price=prices.get(row.offering_id or 0))
                for row in speed.offerings
            ],
            "speed_latency_chart": latency_figure(speed.days, simulated=simulated),
            "speed_tps_chart": tokens_per_second_figure(speed.days, simulated=simulated),
            "speed_availability_chart": availability_figure(recent_days, simulated=simulated),
            "speed_latency_table": latency_table(speed.days),
            "speed_tps_table": tokens_per_second_table(speed.days),
            "speed_availability_table": availability_table(recent_days),
        }
    )
    return context


# The speed board's chart shows the board's first models: bars for hundreds would make a
# chart many screens tall and slow to draw, and the board's table lists them all.
BOARD_CHART_MODELS = 30


def board_chart_context(*, rows: list[BoardRow], profile_query: str = "") -> dict[str, Any]:
    """The speed board's chart of P50 and P95 latency with its table, for the board's
    first BOARD_CHART_MODELS measured models in its order; each bar links to the model
    page's speed section in the same view."""
    query = f"?{profile_query}" if profile_query else ""
    measured = [row for row in rows if row.figures.p50_latency_ms_30d is not None]
    bars = [
        BoardBar(
            name=row.model.name,
            url=f"{row.model.get_absolute_url()}{query}#speed",
            figures=row.figures,
            badges=row.model_badges + row.speed_badges,
        )
        for row in measured[:BOARD_CHART_MODELS]
    ]
    return {
        "board_chart": board_latency_figure(bars),
        "board_table": board_latency_table(bars),
        "board_chart_models": BOARD_CHART_MODELS,
        "board_chart_more": len(measured) > BOARD_CHART_MODELS,
    }


def distribution_context(*, measured: list[tuple[Model, SpeedFigures, str]]) -> dict[str, Any]:
    """Compare's latency distributions of the models' 30-day windows (each model with its
    figures and its colour on the page), with their table; one query for every model."""
    latencies = latency_samples(figures=[(model.pk, figures) for model, figures, _ in measured])
    samples = [
        LatencySample(
            name=model.name,
            latencies_ms=latencies.get(model.pk, []),
            badges=speed_badges(figures),
            colour=colour,
        )
        for model, figures, colour in measured
        if latencies.get(model.pk)
    ]
    return {
        "distribution_chart": latency_distribution_figure(samples),
        "distribution_table": latency_distribution_table(samples),
    }
