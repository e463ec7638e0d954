"""The compare page's rows: a label, then one formatted cell a model, for the rows that
differ only in which figure they show (the template writes out the rest)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.contrib.humanize.templatetags.humanize import intcomma
from django.utils.translation import gettext as _

from benchmarks.speed.formats import DASH, format_ms, format_percent, format_tps
from pricing.costs import format_usd

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

    def speed(figure: str, formatted: Callable[[float | None], str]) -> Callable[..., str]:
        return lambda c: formatted(getattr(c.speed, figure)) if c.speed else DASH

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
            row(_("Latency P50"), speed("p50_latency_ms_30d", format_ms)),
            row(_("Latency P95"), speed("p95_latency_ms_30d", format_ms)),
            row(_("Time to first token P50"), speed("p50_ttft_ms_30d", format_ms)),
            row(_("Tokens per second (median decode)"), speed("median_decode_tps_30d", format_tps)),
            row(_("Availability"), speed("availability_30d", format_percent)),
        ],
        opinion=[
            PointsRow(label=_("Strengths"), cells=points("strengths")),
            PointsRow(label=_("Weaknesses"), cells=points("weaknesses")),
        ],
    )
