"""manage.py run_speedtests: the configured targets, or any endpoint on the spot."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from benchmarks.models import SpeedSample, SpeedSummary, SpeedTestRun
from benchmarks.simulator import SimulatorServer
from tests import factories

from .conftest import speed_target

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_speedtests")]


def run_command(*args: str) -> str:
    out = StringIO()
    call_command("run_speedtests", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_it_runs_the_enabled_targets_of_one_model_the_given_number_of_times(
    simulator: SimulatorServer,
) -> None:
    model = factories.model(slug="cmd-model")
    target = speed_target(base_url=simulator.base_url, model=model, api_model="cmd-fast")
    speed_target(base_url=simulator.base_url, model=model, api_model="cmd-off", enabled=False)
    speed_target(base_url=simulator.base_url, api_model="cmd-other-model")

    output = run_command("--model", "cmd-model", "--runs", "2")

    runs = SpeedTestRun.objects.filter(model=model)
    assert runs.count() == 2
    assert {r.target_id for r in runs} == {target.pk}
    assert {r.source for r in runs} == {"manual"}
    assert SpeedSample.objects.filter(model=model).count() == 6
    assert simulator.requests_for("cmd-off") == 0
    assert simulator.requests_for("cmd-other-model") == 0
    assert output.count("completed") == 2


def test_it_tests_any_endpoint_and_stores_the_results_under_the_model(
    simulator: SimulatorServer,
) -> None:
    model = factories.model(slug="spot-model")

    output = run_command(
        "--model",
        "spot-model",
        "--base-url",
        simulator.base_url,
        "--api-model",
        "spot-check",
        "--runs",
        "2",
        "--samples",
        "2",
    )

    runs = list(SpeedTestRun.objects.filter(model=model))
    assert len(runs) == 2
    assert all(r.target_id is None and r.base_url == simulator.base_url for r in runs)
    assert SpeedSample.objects.filter(model=model, status="ok").count() == 4
    assert simulator.requests_for("spot-check") == 2 * (1 + 2)  # a warm-up per run
    # The simulator says what it is, so the figures are labelled simulated.
    assert SpeedSummary.objects.get(model=model).is_simulated is True
    assert "completed (simulated)" in output


def test_an_endpoint_test_with_an_unset_key_variable_is_skipped(
    simulator: SimulatorServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("TOKONOMIX_CMD_KEY", raising=False)
    factories.model(slug="keyless")

    output = run_command(
        "--model",
        "keyless",
        "--base-url",
        simulator.base_url,
        "--api-model",
        "fast",
        "--api-key-env",
        "TOKONOMIX_CMD_KEY",
    )

    assert "skipped: environment variable TOKONOMIX_CMD_KEY is not set" in output


@pytest.mark.parametrize(
    "args, message",
    [
        (["--model", "nope"], "No model with slug"),
        (["--base-url", "http://127.0.0.1:1/v1", "--api-model", "x"], "needs --model"),
        (
            ["--model", "m-bad", "--base-url", "http://u:p@127.0.0.1/v1", "--api-model", "x"],
            "No user, password",
        ),
        (
            [
                "--model",
                "m-bad",
                "--base-url",
                "http://h/v1",
                "--api-model",
                "x",
                "--api-key-env",
                "sk-123",
            ],
            "NAME of an environment variable",
        ),
        (["--model", "m-bad"], "No enabled speed-test target"),
    ],
)
def test_it_refuses_bad_arguments_with_a_clear_message(args: list[str], message: str) -> None:
    factories.model(slug="m-bad")

    with pytest.raises(CommandError, match=message):
        run_command(*args)
