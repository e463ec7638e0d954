"""Named workloads: a fresh prompt for every request, sized input checked against the usage
report, parallel waves, and figures kept apart by workload."""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from benchmarks.models import SpeedBreakdown, SpeedSample, SpeedTestRun
from benchmarks.simulator import SimulatedModel, SimulatorServer
from benchmarks.speed.services import speed_run_create_for_target, speedtest_execute
from benchmarks.speed.streaming import measure_series
from benchmarks.speed.workloads import (
    WORKLOADS,
    Workload,
    WorkloadPrompts,
    input_off_target,
)
from tests import factories

from .clocks import MeetingClock
from .conftest import recorded_run, speed_target

pytestmark = pytest.mark.django_db


def test_the_named_workloads_are_the_standard_short_medium_long_and_parallel_ones() -> None:
    sizes = {
        code: (w.input_tokens, w.output_tokens, w.concurrency) for code, w in WORKLOADS.items()
    }

    assert sizes == {
        "standard": (None, None, 1),
        "short": (100, 200, 1),
        "medium": (1_000, 500, 1),
        "long": (10_000, 500, 1),
        "parallel": (1_000, 500, 10),
    }


@pytest.mark.parametrize("code", list(WORKLOADS))
def test_every_request_gets_a_prompt_of_its_own_that_differs_from_the_first_characters(
    code: str,
) -> None:
    prompts = WorkloadPrompts(WORKLOADS[code])

    texts = [prompts.messages()[-1]["content"] for _ in range(50)]

    assert len(set(texts)) == 50
    # Prompt caches match prefixes: the nonce comes first, so no two share even a start.
    assert len({text[:24] for text in texts}) == 50


def test_the_standard_workload_keeps_the_targets_own_prompt() -> None:
    text = WorkloadPrompts(WORKLOADS["standard"], prompt_set="short").messages()[0]["content"]

    assert text.endswith("In two sentences, why is the sky blue?")


def test_a_sized_prompt_is_rescaled_from_the_length_the_server_reports() -> None:
    prompts = WorkloadPrompts(WORKLOADS["medium"], seed="fixed")
    first = prompts.messages()[-1]["content"]

    # A tokenizer that makes 1.5 tokens of every word: the next prompts get fewer words.
    prompts.observe(round(len(first.split()) * 1.5))
    second = prompts.messages()[-1]["content"]

    assert len(second.split()) < len(first.split()) * 0.75


def test_input_lengths_off_the_workloads_target_are_noted() -> None:
    medium = WORKLOADS["medium"]

    assert input_off_target(medium, [995, 1_010, 1_040]) == ""
    note = input_off_target(medium, [1_300, 1_320, 990])
    assert "input tokens off target in 2 of 3 samples" in note
    assert input_off_target(WORKLOADS["standard"], [31, 35]) == ""


def test_a_medium_run_against_the_simulator_sends_unique_prompts_of_the_right_length(
    simulator: SimulatorServer, fast_speedtests: None
) -> None:
    target = speed_target(
        base_url=simulator.base_url, api_model="workload-medium", workloads=["medium"]
    )
    run = speed_run_create_for_target(target=target, source="manual", workload="medium")

    run = speedtest_execute(run_id=run.pk)

    assert run.status == "completed" and run.workload == "medium"
    assert run.max_output_tokens == 500
    samples = list(SpeedSample.objects.filter(run=run))
    assert [s.workload for s in samples] == ["medium"] * 3
    # The simulator counts about four characters a token; after the warm-up the length is
    # calibrated to it.
    assert all(abs((s.input_tokens or 0) - 1_000) <= 50 for s in samples), [
        s.input_tokens for s in samples
    ]
    assert run.reason == ""  # no note: the input was on target
    prompts = simulator.prompts_seen("workload-medium")
    assert len(prompts) == 4 and len(set(prompts)) == 4  # the warm-up and three samples


def test_the_parallel_workload_sends_its_requests_in_waves_of_ten() -> None:
    clock = MeetingClock(parties=10, patience_s=2.0)
    model = SimulatedModel(ttft_ms=5.0, inter_token_ms=1.0, tokens=5)
    prompts = WorkloadPrompts(
        Workload("parallel-test", "test", input_tokens=50, output_tokens=5, concurrency=10)
    )
    with SimulatorServer({"wave": model}, clock=clock) as server:
        results = asyncio.run(
            measure_series(
                base_url=server.base_url,
                api_model="wave",
                api_key="test-key",
                prompts=prompts,
                concurrency=10,
                max_tokens=5,
                samples=20,
                warmup=False,
                timeout_s=5.0,
                stall_timeout_s=3.0,
            )
        )

    assert len(results) == 20 and all(r.ok for r in results)
    assert clock.most_waiting == 10


def test_a_parallel_run_rounds_its_samples_up_to_whole_waves(simulator: SimulatorServer) -> None:
    target = speed_target(base_url=simulator.base_url, samples_per_test=6)

    run = speed_run_create_for_target(target=target, source="manual", workload="parallel")

    assert run.samples_requested == 10
    assert run.max_output_tokens == 500


def figures_of(model: Any, workload: str) -> SpeedBreakdown:
    return SpeedBreakdown.objects.get(
        model=model, region="all", workload=workload, offering__isnull=True
    )


def test_figures_are_kept_apart_by_workload_and_the_standard_one_is_the_headline() -> None:
    model = factories.model()
    at = timezone.now() - dt.timedelta(days=1)
    recorded_run(model, [{"started_at": at, "latency_ms": 1000.0}], workload="standard")
    recorded_run(model, [{"started_at": at, "latency_ms": 9000.0}], workload="long")

    assert figures_of(model, "standard").p50_latency_ms == 1000.0
    assert figures_of(model, "long").p50_latency_ms == 9000.0
    assert model.speed_summary.p50_latency_ms == 1000.0


def test_the_page_says_which_workload_its_figures_come_from(client) -> None:  # type: ignore[no-untyped-def]
    model = factories.model(slug="workload-page")
    at = timezone.now() - dt.timedelta(days=1)
    recorded_run(model, [{"started_at": at, "latency_ms": 1000.0}], workload="standard")
    recorded_run(
        model,
        [{"started_at": at, "latency_ms": 9000.0, "input_tokens": 10_020}],
        workload="long",
    )

    default = client.get("/en/models/workload-page/").content.decode()
    long = client.get("/en/models/workload-page/?workload=long").content.decode()

    assert "Workload: <strong>Typical conversation</strong>" in default
    assert "1,000 ms" in default and "9,000 ms" not in default
    assert "Workload: <strong>Long</strong> (10,000 tokens in, up to 500 out)" in long
    assert "9,000 ms" in long
    assert "Median input the servers reported: 10,020 tokens." in long
    assert '<option value="long" selected>' in long


def test_a_workload_the_model_was_not_tested_with_shows_the_headline_and_says_so(client) -> None:  # type: ignore[no-untyped-def]
    model = factories.model(slug="workload-missing")
    recorded_run(model, [{"started_at": timezone.now(), "latency_ms": 1000.0}])

    page = client.get("/en/models/workload-missing/?workload=long").content.decode()

    assert "was not measured in the region or workload asked for" in page
    assert "Workload: <strong>Typical conversation</strong>" in page


def test_a_short_run_is_calibrated_to_its_100_tokens(fast_speedtests: None) -> None:
    model = SimulatedModel(ttft_ms=1.0, inter_token_ms=0.5, tokens=5)
    with SimulatorServer(default_model=model) as server:
        target = speed_target(base_url=server.base_url, api_model="short", workloads=["short"])
        run = speed_run_create_for_target(target=target, source="manual", workload="short")
        run = speedtest_execute(run_id=run.pk)

    assert run.status == SpeedTestRun.Status.COMPLETED
    inputs = list(SpeedSample.objects.filter(run=run).values_list("input_tokens", flat=True))
    assert all(abs((n or 0) - 100) <= 10 for n in inputs), inputs
    assert run.reason == ""
