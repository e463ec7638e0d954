"""The testbench limits come from the environment; a bad value stops start-up naming it."""

from __future__ import annotations

import runpy
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured

SETTINGS = Path(__file__).resolve().parents[2] / "tokonomix" / "settings.py"


def load(monkeypatch: Any, **env: str) -> dict[str, Any]:
    for name in ("TESTBENCH_RUNS_PER_HOUR", "TESTBENCH_DAILY_BUDGET_USD", "DJANGO_DEBUG"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DJANGO_SECRET_KEY", "k" * 50)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(SETTINGS))


def test_by_default_a_reader_gets_twenty_runs_an_hour_and_the_site_five_dollars_a_day(
    monkeypatch: Any,
) -> None:
    values = load(monkeypatch)

    assert values["TESTBENCH_RUNS_PER_HOUR"] == 20
    assert values["TESTBENCH_DAILY_BUDGET_USD"] == Decimal("5.00")


def test_the_limits_can_be_changed(monkeypatch: Any) -> None:
    values = load(monkeypatch, TESTBENCH_RUNS_PER_HOUR="3", TESTBENCH_DAILY_BUDGET_USD="0.50")

    assert values["TESTBENCH_RUNS_PER_HOUR"] == 3
    assert values["TESTBENCH_DAILY_BUDGET_USD"] == Decimal("0.50")


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("TESTBENCH_RUNS_PER_HOUR", "lots"),
        ("TESTBENCH_RUNS_PER_HOUR", "0"),
        ("TESTBENCH_DAILY_BUDGET_USD", "five"),
        ("TESTBENCH_DAILY_BUDGET_USD", "-1"),
        ("TESTBENCH_DAILY_BUDGET_USD", "NaN"),
        ("TESTBENCH_DAILY_BUDGET_USD", "Infinity"),
    ],
)
def test_a_malformed_limit_stops_start_up_naming_it(
    monkeypatch: Any, variable: str, value: str
) -> None:
    with pytest.raises(ImproperlyConfigured, match=variable):
        load(monkeypatch, **{variable: value})
