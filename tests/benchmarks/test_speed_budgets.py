"""Monthly budgets per API key variable: a run that could pass its key's budget is skipped
with the reason, before anything is sent; a run's reservation becomes its cost."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from benchmarks.models import SpeedTestRun
from benchmarks.simulator import SimulatorServer
from benchmarks.speed.budgets import month_start
from benchmarks.speed.services import speed_run_create_for_target, speedtest_execute
from pricing.models import PricePoint
from tests import factories

from .conftest import speed_target

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_speedtests")]

KEY = "BUDGETED_TEST_KEY"


@pytest.fixture
def keyed(monkeypatch, simulator: SimulatorServer):  # type: ignore[no-untyped-def]
    """A target whose key variable is set, on an offering priced $10 in / $30 out per M."""
    monkeypatch.setenv(KEY, "sk-test-budget-key")
    offering = factories.offering()
    PricePoint.objects.create(
        offering=offering,
        effective_from=timezone.localdate() - dt.timedelta(days=30),
        input_per_million=Decimal("10"),
        output_per_million=Decimal("30"),
    )
    return speed_target(
        base_url=simulator.base_url,
        api_model="budgeted",
        api_key_env=KEY,
        offering=offering,
        samples_per_test=3,
        max_output_tokens=50,
    )


def spend(target, usd: str) -> None:  # type: ignore[no-untyped-def]
    """An earlier run of the same key this month that cost `usd`."""
    run = speed_run_create_for_target(target=target, source="scheduled")
    SpeedTestRun.objects.filter(pk=run.pk).update(
        status="completed",
        started_at=timezone.now(),
        finished_at=timezone.now(),
        cost_usd=Decimal(usd),
    )


def test_a_run_that_could_pass_its_keys_budget_is_skipped_with_the_reason(
    settings,  # type: ignore[no-untyped-def]
    keyed,
    simulator: SimulatorServer,
) -> None:
    settings.SPEEDTEST_MONTHLY_BUDGETS_USD = {KEY: Decimal("1.00")}
    spend(keyed, "0.996")

    run = speedtest_execute(run_id=speed_run_create_for_target(target=keyed, source="scheduled").pk)

    assert run.status == "skipped"
    assert f"the monthly budget of {KEY} would be passed" in run.reason
    assert "$0.9960 of $1.00 spent or reserved since" in run.reason
    assert simulator.requests_for("budgeted") == 0
    assert run.cost_usd is None


def test_within_budget_a_run_reserves_its_worst_case_and_then_records_its_cost(
    settings,  # type: ignore[no-untyped-def]
    keyed,
    simulator: SimulatorServer,
) -> None:
    settings.SPEEDTEST_MONTHLY_BUDGETS_USD = {"*": Decimal("5.00")}
    run = speed_run_create_for_target(target=keyed, source="scheduled")

    run = speedtest_execute(run_id=run.pk)

    assert run.status == "completed"
    assert run.cost_usd is not None and Decimal(0) < run.cost_usd < Decimal("0.01")
    # What the usage reports say: 3 answers of the simulator's 20 tokens and their prompts,
    # plus the warm-up at its worst case; never more than the reservation allowed.
    assert simulator.requests_for("budgeted") == 4


def test_last_months_spending_does_not_count(
    settings,  # type: ignore[no-untyped-def]
    keyed,
) -> None:
    settings.SPEEDTEST_MONTHLY_BUDGETS_USD = {KEY: Decimal("1.00")}
    spend(keyed, "5.00")
    last_month = month_start(timezone.now()) - dt.timedelta(days=1)
    SpeedTestRun.objects.update(started_at=last_month)

    run = speedtest_execute(run_id=speed_run_create_for_target(target=keyed, source="scheduled").pk)

    assert run.status == "completed"


def test_keys_without_a_budget_and_targets_without_a_key_are_never_limited(
    settings,  # type: ignore[no-untyped-def]
    keyed,
    simulator: SimulatorServer,
) -> None:
    settings.SPEEDTEST_MONTHLY_BUDGETS_USD = {"SOME_OTHER_KEY": Decimal("0")}
    spend(keyed, "1000")
    free = speed_target(base_url=simulator.base_url, api_model="no-key")

    assert (
        speedtest_execute(
            run_id=speed_run_create_for_target(target=keyed, source="scheduled").pk
        ).status
        == "completed"
    )
    assert (
        speedtest_execute(
            run_id=speed_run_create_for_target(target=free, source="scheduled").pk
        ).status
        == "completed"
    )


def test_a_budgeted_key_without_a_known_price_is_skipped_rather_than_guessed(
    settings,  # type: ignore[no-untyped-def]
    keyed,
) -> None:
    settings.SPEEDTEST_MONTHLY_BUDGETS_USD = {KEY: Decimal("100")}
    PricePoint.objects.all().delete()

    run = speedtest_execute(run_id=speed_run_create_for_target(target=keyed, source="scheduled").pk)

    assert run.status == "skipped"
    assert "no price is known" in run.reason
