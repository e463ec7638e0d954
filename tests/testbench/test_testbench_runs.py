"""Running a live test: four models at once, one failing; progress; a second run is a no-op."""

from __future__ import annotations

import time
from typing import Any

import pytest
from django.conf import settings
from django.db import OperationalError
from django.test import Client
from django.urls import reverse

# Aliased: pytest would collect names that start with 'test'.
from benchmarks.models import SpeedSample
from benchmarks.models import TestbenchResult as BenchResult
from benchmarks.models import TestbenchRun as BenchRun
from benchmarks.simulator import SimulatedModel, SimulatorServer
from benchmarks.testbench.execute import testbench_execute as execute_run
from tests.benchmarks.clocks import MeetingClock
from tests.conftest import skip_or_fail

from .conftest import QUICK, page_figures, priced_model, start_form

pytestmark = pytest.mark.django_db


def four_models(simulator: SimulatorServer) -> list[Any]:
    return [
        priced_model(base_url=simulator.base_url, api_model=name)
        for name in ("tb-a", "tb-b", "tb-broken", "tb-c")
    ]


def test_four_models_at_once_with_one_failing_show_its_error_while_the_others_finish(
    signed_in: Any, django_capture_on_commit_callbacks: Any
) -> None:
    # The three answering models hold their tokens until all three streams are waiting.
    clock = MeetingClock(parties=3)
    simulated = {name: SimulatedModel(**QUICK) for name in ("tb-a", "tb-b", "tb-c")}
    simulated["tb-broken"] = SimulatedModel(**QUICK, fault="server_error")
    with SimulatorServer(simulated, clock=clock) as simulator:
        models = four_models(simulator)
        client = signed_in()
        with django_capture_on_commit_callbacks() as callbacks:
            response = client.post(reverse("benchmarks:testbench"), start_form(models))
        run = BenchRun.objects.get()
        assert response.status_code == 302
        assert response["Location"] == reverse("benchmarks:testbench_run", args=[run.public_id])
        assert len(callbacks) == 1  # the hand-over to a worker or thread, after commit
        # In the embedded default the work happens off the request; here it runs in the test.
        execute_run(run_id=run.pk)

    page = client.get(response["Location"])
    assert page.status_code == 200
    shown = page_figures(page.content.decode())
    assert sorted(shown) == [0, 1, 2, 3]
    broken = shown[2]
    assert broken["status_label"] == "Failed"
    assert broken["error"].startswith("HTTP 500")
    assert broken["ttft_ms"] == "—"
    for position in (0, 1, 3):
        card = shown[position]
        assert card["status_label"] == "Completed", card
        assert card["error"] == ""
        assert float(card["ttft_ms"]) > 0
        assert float(card["latency_ms"]) >= float(card["ttft_ms"])
        assert card["output_tokens"] == "20"
        assert float(card["tokens_per_second"]) > 0
        assert card["cost_usd"].startswith("$0.0")
        assert card["answer"].strip().startswith("lorem ipsum")

    run.refresh_from_db()
    assert run.status == "completed"
    results = list(run.results.order_by("position"))
    assert [r.status for r in results] == ["completed", "completed", "failed", "completed"]
    assert SpeedSample.objects.filter(source="testbench").count() == 4
    # The streams ran at the same time: all three answering ones waited for a token at once.
    assert clock.most_waiting == 3


def test_the_cost_is_output_and_prompt_tokens_at_the_prices_in_force(
    bench_simulator: SimulatorServer, signed_in: Any
) -> None:
    models = [
        priced_model(
            base_url=bench_simulator.base_url,
            api_model=name,
            input_per_million="3.00",
            output_per_million="15.00",
        )
        for name in ("tb-a", "tb-b")
    ]
    signed_in().post(reverse("benchmarks:testbench"), start_form(models))
    run = execute_run(run_id=BenchRun.objects.get().pk)

    for result in run.results.all():
        assert result.prompt_tokens is not None  # from the usage report
        expected = (result.prompt_tokens * 3 + 20 * 15) / 1_000_000
        assert float(result.cost_usd) == pytest.approx(expected)
        assert result.budget_usd == result.cost_usd


def test_running_a_finished_run_again_changes_nothing(
    bench_simulator: SimulatorServer, signed_in: Any
) -> None:
    models = four_models(bench_simulator)[:2]
    signed_in().post(reverse("benchmarks:testbench"), start_form(models))
    run = BenchRun.objects.get()
    execute_run(run_id=run.pk)
    bench_simulator.reset_counts()
    before = list(BenchResult.objects.values_list("answer", "cost_usd", "sample_id"))

    execute_run(run_id=run.pk)

    assert SpeedSample.objects.count() == 2
    assert list(BenchResult.objects.values_list("answer", "cost_usd", "sample_id")) == before
    assert sum(bench_simulator.request_counts.values()) == 0


@pytest.mark.django_db(transaction=True)
def test_in_the_default_set_up_the_page_follows_the_answer_while_it_streams(
    bench_simulator: SimulatorServer, signed_in: Any, settings: Any
) -> None:
    # No broker: the run goes to a thread of the web process after commit, and the POST
    # returns at once; the page polls status.json.
    settings.CELERY_TASK_ALWAYS_EAGER = True
    models = [
        priced_model(base_url=bench_simulator.base_url, api_model=name)
        for name in ("tb-slow", "tb-a")
    ]
    client = signed_in()
    response = client.post(reverse("benchmarks:testbench"), start_form(models))
    run = BenchRun.objects.get()
    status_url = reverse("benchmarks:testbench_status", args=[run.public_id])

    def poll() -> dict[str, Any]:
        # The test database is SQLite in memory with a shared cache, which locks whole
        # tables across threads: a read can meet the writer's lock. (`make run`'s file
        # database runs in WAL mode, where readers never wait.) Try again a moment later.
        for _ in range(50):
            try:
                return dict(client.get(status_url).json())
            except OperationalError:
                time.sleep(0.02)
        return dict(client.get(status_url).json())

    # The POST did not wait for the answers: the slow model is still going.
    assert not poll()["finished"]

    partial_lengths = []
    deadline = time.monotonic() + 30
    data: dict[str, Any] = {}
    while time.monotonic() < deadline:
        data = poll()
        slow = data["results"][0]
        if slow["status"] == "streaming" and slow["answer"]:
            partial_lengths.append(len(slow["answer"]))
        if data["finished"]:
            break
        time.sleep(0.1)

    assert data["finished"], data
    final_length = len(data["results"][0]["answer"])
    assert any(length < final_length for length in partial_lengths), "no poll saw it grow"
    assert [r["status"] for r in data["results"]] == ["completed", "completed"]
    assert response.status_code == 302


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_runs_the_models_and_the_page_follows(
    celery_worker_process: Any, bench_simulator: SimulatorServer, signed_in: Any
) -> None:
    if not settings.DATABASES["default"]["ENGINE"].endswith("postgresql"):
        skip_or_fail("the worker can only share a PostgreSQL test database")
    if settings.CELERY_TASK_ALWAYS_EAGER:
        skip_or_fail("tasks are eager, so no worker would receive the run")
    models = four_models(bench_simulator)
    client: Client = signed_in()

    response = client.post(reverse("benchmarks:testbench"), start_form(models))
    assert response.status_code == 302
    run = BenchRun.objects.get()
    status_url = reverse("benchmarks:testbench_status", args=[run.public_id])
    deadline = time.monotonic() + 60
    data: dict[str, Any] = {}
    while time.monotonic() < deadline:
        data = client.get(status_url).json()
        if data["finished"]:
            break
        time.sleep(0.25)

    assert data["status"] == "completed", data
    assert [r["status"] for r in data["results"]] == [
        "completed",
        "completed",
        "failed",
        "completed",
    ]
    assert data["results"][2]["error"].startswith("HTTP 500")
    assert SpeedSample.objects.filter(source="testbench").count() == 4
