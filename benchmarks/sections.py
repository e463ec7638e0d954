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
from .selectors import (
    CHART_DAYS,
    PRELIMINARY_BELOW,
    model_speed,
    published_verdicts,
    score_snapshot,
)
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


def opinion_context(*, model: Model, current: dict[str, Any] | None = None) -> dict[str, Any]:
    """The verdicts and the evaluation-score snapshot sections: 2 queries for a model from
    model_header, plus an evidence read when it has verdicts and no `current` is passed."""
    return {
        "verdicts": published_verdicts(model=model, current=current),
        "score_rows": score_snapshot(model=model),
    }
