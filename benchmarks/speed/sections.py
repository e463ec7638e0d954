"""The speed sections of a model page: context for templates/benchmarks/*.html."""

from __future__ import annotations

import datetime as dt
from typing import Any

from models_catalog.models import Model

from .charts import (
    availability_figure,
    availability_table,
    latency_figure,
    latency_table,
    tokens_per_second_figure,
    tokens_per_second_table,
)
from .selectors import CHART_DAYS, PRELIMINARY_BELOW, model_speed
from .stats import PERCENTILE_METHOD


def speed_context(*, model: Model) -> dict[str, Any]:
    """Everything the four speed sections show: at most 2 queries whatever the history."""
    speed = model_speed(model=model)
    context: dict[str, Any] = {
        "speed": speed,
        "speed_percentile_method": PERCENTILE_METHOD,
        "speed_preliminary_below": PRELIMINARY_BELOW,
        "speed_chart_days": CHART_DAYS,
    }
    if speed.summary is None:
        return context
    simulated = speed.summary.is_simulated
    recent_days = speed.days_since(speed.summary.window_end - dt.timedelta(days=29))
    context.update(
        {
            "speed_latency_chart": latency_figure(speed.days, simulated=simulated),
            "speed_tps_chart": tokens_per_second_figure(speed.days, simulated=simulated),
            "speed_availability_chart": availability_figure(recent_days, simulated=simulated),
            "speed_latency_table": latency_table(speed.days),
            "speed_tps_table": tokens_per_second_table(speed.days),
            "speed_availability_table": availability_table(recent_days),
        }
    )
    return context
