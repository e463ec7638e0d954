"""Monthly spending limits per API key variable for scheduled and manual speed tests.

SPEEDTEST_MONTHLY_BUDGETS_USD names a budget per key variable (`*` for the others). Before
a run sends anything it reserves its worst case (every request at its full input and
output, at the offering's price in force) under a lock per key; a run that would pass the
budget is skipped with the reason. When the run ends, the reservation is replaced by what
the usage reports say it cost (the warm-up and failed requests still at their worst case).
The month is the UTC calendar month; its spend is the sum over the key's runs that started
in it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC
from decimal import Decimal

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Sum

from pricing.selectors import current_points

from .models import SpeedTestRun
from .prompts import prompt_messages
from .streaming import WARMUP_MAX_TOKENS, SampleResult
from .workloads import WORKLOADS

MILLION = Decimal(1_000_000)


@dataclass(frozen=True, slots=True)
class Prices:
    input_per_million: Decimal
    output_per_million: Decimal

    def cost(self, *, input_tokens: int, output_tokens: int) -> Decimal:
        return (
            input_tokens * self.input_per_million + output_tokens * self.output_per_million
        ) / MILLION


def budget_for(key_env: str) -> Decimal | None:
    """The key's monthly budget in dollars; None when it has none (or needs no key)."""
    if not key_env:
        return None
    budgets = settings.SPEEDTEST_MONTHLY_BUDGETS_USD
    return budgets.get(key_env, budgets.get("*"))


def month_start(now: dt.datetime) -> dt.datetime:
    now = now.astimezone(UTC)
    return now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


def _prices(run: SpeedTestRun, day: dt.date) -> Prices | None:
    if run.offering_id is None:
        return None
    point = current_points(offering_ids=[run.offering_id], as_of=day).get(run.offering_id)
    if point is None or point.input_per_million is None or point.output_per_million is None:
        return None
    return Prices(point.input_per_million, point.output_per_million)


def _input_estimate(run: SpeedTestRun) -> int:
    workload = WORKLOADS.get(run.workload)
    if workload is not None and workload.input_tokens is not None:
        # The server's count may differ a little from the workload's (INPUT_TOLERANCE).
        return round(workload.input_tokens * 1.1)
    chars = sum(
        len(str(m.get("content", ""))) for m in prompt_messages(run.prompt_set or "standard")
    )
    return chars // 4 + 40  # the nonce and the chat template


def worst_case(run: SpeedTestRun, prices: Prices) -> Decimal:
    """Every request at its full input and output: the warm-up and the samples."""
    tokens_in = _input_estimate(run)
    warmup = prices.cost(input_tokens=tokens_in, output_tokens=WARMUP_MAX_TOKENS)
    each = prices.cost(input_tokens=tokens_in, output_tokens=run.max_output_tokens)
    return warmup + each * run.samples_requested


def spent(run: SpeedTestRun, prices: Prices, results: Sequence[SampleResult]) -> Decimal:
    """What the usage reports say, each request not reported at its worst case."""
    tokens_in = _input_estimate(run)
    total = prices.cost(input_tokens=tokens_in, output_tokens=WARMUP_MAX_TOKENS)
    for result in results:
        total += prices.cost(
            input_tokens=result.input_tokens if result.input_tokens is not None else tokens_in,
            output_tokens=(
                result.output_tokens
                if result.ok and result.output_tokens is not None
                else run.max_output_tokens
            ),
        )
    return total


def _lock(key_env: str) -> None:
    """Serialise the reservations of one key (SQLite's IMMEDIATE transactions already do)."""
    if connection.vendor == "postgresql":
        number = int.from_bytes(hashlib.blake2b(key_env.encode(), digest_size=8).digest(), "big")
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [number - 2**63])


def budget_reserve(*, run: SpeedTestRun, now: dt.datetime) -> str:
    """Reserve the run's worst case against its key's month: "" when it may go, else why not.

    The run must be claimed (running, started_at set); its reservation is its cost_usd.
    """
    budget = budget_for(run.api_key_env)
    if budget is None:
        return ""
    prices = _prices(run, now.date())
    if prices is None:
        return (
            f"{run.api_key_env} has a monthly budget, and no price is known for what this "
            "run would test, so its cost cannot be checked"
        )
    need = worst_case(run, prices)
    start = month_start(now)
    with transaction.atomic():
        _lock(run.api_key_env)
        used = SpeedTestRun.objects.filter(
            api_key_env=run.api_key_env, started_at__gte=start, cost_usd__isnull=False
        ).exclude(pk=run.pk).aggregate(total=Sum("cost_usd"))["total"] or Decimal(0)
        if used + need > budget:
            return (
                f"the monthly budget of {run.api_key_env} would be passed: ${used:.4f} of "
                f"${budget:.2f} spent or reserved since {start:%Y-%m-%d}, and this run could "
                f"cost up to ${need:.4f}"
            )
        SpeedTestRun.objects.filter(pk=run.pk).update(cost_usd=need)
    run.cost_usd = need
    return ""


def budget_settle(*, run: SpeedTestRun, results: Sequence[SampleResult], now: dt.datetime) -> None:
    """Replace the run's reservation with its cost (call inside the finishing transaction)."""
    if run.cost_usd is None:
        return
    prices = _prices(run, now.date())
    if prices is not None:
        run.cost_usd = spent(run, prices, results)
