"""The compare page's rows: a label, then one formatted cell a model, for the rows that
differ only in which figure they show (the template writes out the rest)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.humanize.templatetags.humanize import intcomma
from django.utils.translation import gettext as _

from benchmarks.speed.formats import DASH, format_percent
from benchmarks.speed.sections import distribution_context
from benchmarks.speed.stats import Estimate
from benchmarks.templatetags.speed import estimate as estimate_html
from pricing.charts import History, price_histories_figure, price_histories_table
from pricing.costs import format_usd
from tokonomix.core.charts import COMPARE_COLOURS

from .selectors import CompareColumn


@dataclass(frozen=True)
class FigureRow:
    label: str
    cells: list[str]
    numeric: bool = True


@dataclass(frozen=True)
class PointsRow:
    """Strengths or weaknesses: a list a model (perhaps empty), or None before its profile
    is reviewed."""

    label: str
    cells: list[list[str] | None]


@dataclass(frozen=True)
class CompareRows:
    model: list[FigureRow]
    prices: list[FigureRow]
    speed: list[FigureRow]
    opinion: list[PointsRow]


def compare_rows(columns: list[CompareColumn]) -> CompareRows:
    def row(label: str, cell: Callable[[CompareColumn], str], numeric: bool = True) -> FigureRow:
        return FigureRow(label=label, cells=[cell(c) for c in columns], numeric=numeric)

    def price(figure: str) -> Callable[[CompareColumn], str]:
        return lambda c: format_usd(getattr(c.price, figure) if c.price else None)

    def speed(figure: str, unit: str) -> Callable[..., str]:
        # The figure, with its interval and count beneath it, as the leaderboard shows them.
        return lambda c: estimate_html(c.speed, figure, unit)

    def points(key: str) -> list[list[str] | None]:
        return [None if c.profile_data is None else c.profile_data.get(key, []) for c in columns]

    typical = _("Typical conversation (%(input)s in, %(output)s out)") % {
        "input": settings.TYPICAL_INPUT_TOKENS,
        "output": settings.TYPICAL_OUTPUT_TOKENS,
    }
    return CompareRows(
        model=[
            row(_("Provider"), lambda c: c.model.provider.name, numeric=False),
            row(_("Tier"), lambda c: c.model.tier.label if c.model.tier else DASH, numeric=False),
            row(_("Made in"), lambda c: c.model.provider.country or _("not stated"), numeric=False),
            row(
                _("Context window"),
                lambda c: (
                    intcomma(c.model.context_window) if c.model.context_window else _("undisclosed")
                ),
            ),
        ],
        prices=[
            row(_("Input $/M"), price("input_per_million")),
            row(_("Output $/M"), price("output_per_million")),
            row(typical, price("typical_cost")),
        ],
        speed=[
            row(_("Latency P50"), speed("p50_latency_ms_30d", "ms")),
            row(_("Latency P95"), speed("p95_latency_ms_30d", "ms")),
            row(_("Time to first token P50"), speed("p50_ttft_ms_30d", "ms")),
            row(_("Time to first answer token P50"), speed("p50_ttfat_ms_30d", "ms")),
            row(_("Tokens per second (median decode)"), speed("median_decode_tps_30d", "tok/s")),
            row(_("Reasoning tokens (median)"), speed("median_reasoning_tokens_30d", "tokens")),
            row(
                _("Availability"),
                lambda c: format_percent(c.speed.availability_30d) if c.speed else DASH,
            ),
            FigureRow(
                label=_("Faster on P50 latency?"),
                cells=_verdicts(columns, "p50_latency_ms_30d", larger_is_better=False),
                numeric=False,
            ),
            FigureRow(
                label=_("Faster on tokens per second?"),
                cells=_verdicts(columns, "median_decode_tps_30d", larger_is_better=True),
                numeric=False,
            ),
        ],
        opinion=[
            PointsRow(label=_("Strengths"), cells=points("strengths")),
            PointsRow(label=_("Weaknesses"), cells=points("weaknesses")),
        ],
    )


def _verdicts(columns: list[CompareColumn], figure: str, *, larger_is_better: bool) -> list[str]:
    """For each model: fastest, faster or slower than the fastest, or not distinguishable
    from it when their 95% intervals overlap."""
    estimates: list[Estimate | None] = [
        c.speed.estimate(figure) if c.speed and getattr(c.speed, figure) is not None else None
        for c in columns
    ]
    measured = [(i, e) for i, e in enumerate(estimates) if e is not None]
    if len(measured) < 2:
        return [DASH for _column in columns]

    def goodness(item: tuple[int, Estimate]) -> float:
        value = item[1].value or 0.0
        return value if larger_is_better else -value

    best_index, best = max(measured, key=goodness)
    best_name = columns[best_index].model.name
    cells = []
    for index, estimate in enumerate(estimates):
        if estimate is None:
            cells.append(_("not measured"))
        elif index == best_index:
            ties = [
                columns[i].model.name
                for i, other in measured
                if i != best_index and not best.distinguishable_from(other)
            ]
            cells.append(
                _("not distinguishable from %(names)s") % {"names": ", ".join(ties)}
                if ties
                else _("fastest")
            )
        elif best.distinguishable_from(estimate):
            cells.append(_("slower than %(name)s") % {"name": best_name})
        else:
            cells.append(_("not distinguishable from %(name)s") % {"name": best_name})
    return cells


def compare_charts(columns: list[CompareColumn], *, today: dt.date) -> dict[str, Any]:
    """The compared models' price histories overlaid, and their latency distributions over
    each one's 30-day window, each chart with its table."""
    colours = {c.model.pk: COMPARE_COLOURS[i % len(COMPARE_COLOURS)] for i, c in enumerate(columns)}
    histories = [
        History(name=c.model.name, colour=colours[c.model.pk], changes=c.price_changes)
        for c in columns
        if c.price_changes
    ]
    return {
        "history_chart": price_histories_figure(histories, today=today),
        "history_table": price_histories_table(histories),
        **distribution_context(
            measured=[(c.model, c.speed, colours[c.model.pk]) for c in columns if c.speed]
        ),
    }
