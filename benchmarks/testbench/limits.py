"""What keeps the testbench affordable: each reader's hourly limit, and the day's budget
that every run reserves its worst case against."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import math
from decimal import Decimal

from django.conf import settings
from django.db import connection
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from pricing.costs import MILLION
from tokonomix.core.ratelimit import Limit, rate_limit_hit

from .models import (
    TestbenchResult,
)

RATE_WINDOW_S = 60 * 60


def utc_today() -> dt.date:
    return timezone.now().astimezone(dt.UTC).date()


class TestbenchRefused(Exception):
    """A run that may not start; the message is written for the reader."""


# Any constant: serialises the budget check of concurrent runs on PostgreSQL.
_BUDGET_LOCK_KEY = 7_261_001


def prompt_tokens_estimate(*, system_prompt: str, prompt: str) -> int:
    """About four characters a token, rounded up: the worst case is what matters here."""
    return math.ceil((len(system_prompt) + len(prompt)) / 4)


def _cost(
    *,
    input_per_million: Decimal | None,
    output_per_million: Decimal | None,
    prompt_tokens: int,
    output_tokens: int,
) -> Decimal | None:
    if input_per_million is None or output_per_million is None:
        return None
    return (prompt_tokens * input_per_million + output_tokens * output_per_million) / MILLION


def testbench_spent_today() -> Decimal:
    """What today's (UTC) runs have spent or still hold in reserve; 1 query."""
    start = dt.datetime.combine(utc_today(), dt.time.min, tzinfo=dt.UTC)
    total = TestbenchResult.objects.filter(run__created_at__gte=start).aggregate(
        total=Sum("budget_usd")
    )["total"]
    return total or Decimal(0)


def _lock_budget() -> None:
    # SQLite runs with IMMEDIATE transactions, which already serialise writers.
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_BUDGET_LOCK_KEY])


def client_hash(address: str) -> str:
    """A keyed hash of the client's address: enough to count requests, not to find anyone."""
    return hmac.new(settings.SECRET_KEY.encode(), address.encode(), hashlib.sha256).hexdigest()


def _minutes(seconds: int) -> int:
    return max(1, math.ceil(seconds / 60))


def testbench_rate_limit_hit(*, user_id: int, client: str) -> None:
    """Count one run for the account and for the client address, both or neither; raise
    when either has had TESTBENCH_RUNS_PER_HOUR runs in the last hour."""
    limit = settings.TESTBENCH_RUNS_PER_HOUR
    by_account = Limit("testbench-user", str(user_id), limit, RATE_WINDOW_S)
    by_address = Limit("testbench-client", client, limit, RATE_WINDOW_S)
    allowance = rate_limit_hit(by_account, by_address)
    if not allowance.allowed:
        who = _("You have") if allowance.refused_by == by_account else _("Your network address has")
        raise TestbenchRefused(
            _(
                "%(who)s started %(limit)s testbench runs in the last hour, the most allowed. "
                "Try again in %(minutes)s minutes."
            )
            % {"who": who, "limit": limit, "minutes": _minutes(allowance.retry_after_s)}
        )
