"""A run as every view of it shows it: its page, status.json, and the JSON and CSV
downloads."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from uuid import UUID

from pricing.costs import format_usd

from .models import (
    TestbenchResult,
    TestbenchRun,
)

EMPTY = "—"


def _ms(value: float | None) -> str:
    return "" if value is None else f"{value:.0f}"


def _tps(value: float | None) -> str:
    return "" if value is None else f"{value:.1f}"


def _usd(value: Decimal | None) -> str:
    """format_usd without the dollar sign or thousands separators ('' when unknown)."""
    return "" if value is None else format_usd(value).removeprefix("$").replace(",", "")


@dataclass(frozen=True)
class ResultFigures:
    """One result exactly as every view of it shows it ('' for a figure not measured)."""

    position: int
    model: str
    model_slug: str
    api_model: str
    is_simulated: bool
    status: str
    status_label: str
    finished: bool
    answer: str
    error: str
    ttft_ms: str
    latency_ms: str
    output_tokens: str
    tokens_per_second: str
    cost_usd: str
    input_per_million: str
    output_per_million: str
    prices_from: str

    def as_dict(self) -> dict[str, Any]:
        return {
            **{name: getattr(self, name) for name in self.__dataclass_fields__},
            "shown": self.shown,
        }

    @property
    def shown(self) -> dict[str, str]:
        """The figures as the page writes them, like every figure on the site: thousands
        separated, the cost in dollars; a dash for one not measured. The downloads keep
        the plain numbers (a spreadsheet reads "1,431" as text)."""

        def number(value: str, digits: int = 0) -> str:
            return f"{float(value):,.{digits}f}" if value else EMPTY

        return {
            "ttft_ms": number(self.ttft_ms),
            "latency_ms": number(self.latency_ms),
            "output_tokens": number(self.output_tokens),
            "tokens_per_second": number(self.tokens_per_second, 1),
            "cost_usd": f"${self.cost_usd}" if self.cost_usd else EMPTY,
        }


# What each row of the CSV says of its run, then of its result: a download read on its
# own says which run, when, what was asked, and at which prices.
RUN_CSV_COLUMNS = (
    "run_id",
    "run_created_at",
    "run_finished_at",
    "system_prompt",
    "prompt",
    "max_output_tokens",
)
CSV_COLUMNS = (
    "position",
    "model",
    "api_model",
    "is_simulated",
    "status",
    "ttft_ms",
    "latency_ms",
    "output_tokens",
    "tokens_per_second",
    "cost_usd",
    "input_per_million",
    "output_per_million",
    "prices_from",
    "error",
    "answer",
)


def result_figures(result: TestbenchResult) -> ResultFigures:
    return ResultFigures(
        position=result.position,
        model=result.model.name,
        model_slug=result.model.slug,
        api_model=result.api_model,
        is_simulated=result.is_simulated,
        status=result.status,
        status_label=str(result.get_status_display()),
        finished=result.finished,
        answer=result.answer,
        error=result.error,
        ttft_ms=_ms(result.ttft_ms),
        latency_ms=_ms(result.latency_ms),
        output_tokens="" if result.output_tokens is None else str(result.output_tokens),
        tokens_per_second=_tps(result.tokens_per_second),
        cost_usd=_usd(result.cost_usd),
        input_per_million=_usd(result.input_per_million),
        output_per_million=_usd(result.output_per_million),
        prices_from="" if result.prices_from is None else result.prices_from.isoformat(),
    )


@dataclass(frozen=True)
class RunView:
    run: TestbenchRun
    results: list[ResultFigures]

    @property
    def finished(self) -> bool:
        return self.run.finished

    def csv_rows(self) -> list[list[object]]:
        """A row a result: the run's columns, then the result's (RUN_CSV_COLUMNS,
        CSV_COLUMNS)."""
        run = self.run
        head: list[object] = [
            str(run.public_id),
            run.created_at,
            run.finished_at,
            run.system_prompt,
            run.prompt,
            run.max_output_tokens,
        ]
        rows = []
        for result in self.results:
            row = result.as_dict()
            row["is_simulated"] = "true" if result.is_simulated else "false"
            rows.append(head + [row[column] for column in CSV_COLUMNS])
        return rows

    def as_dict(self) -> dict[str, Any]:
        run = self.run
        return {
            "id": str(run.public_id),
            "status": run.status,
            "status_label": str(run.get_status_display()),
            "finished": run.finished,
            "reason": run.reason,
            "created_at": run.created_at.isoformat(),
            "finished_at": run.finished_at.isoformat() if run.finished_at else None,
            "system_prompt": run.system_prompt,
            "prompt": run.prompt,
            "max_output_tokens": run.max_output_tokens,
            "results": [r.as_dict() for r in self.results],
        }


def testbench_run_view(*, public_id: UUID) -> RunView | None:
    """A run and its results as shown: 2 queries."""
    run = TestbenchRun.objects.filter(public_id=public_id).first()
    if run is None:
        return None
    results = run.results.select_related("model").order_by("position")
    return RunView(run=run, results=[result_figures(r) for r in results])
