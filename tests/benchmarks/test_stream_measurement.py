"""benchmarks.streaming against the simulator: figures, failures and secrets."""

from __future__ import annotations

import asyncio
import socket
from datetime import UTC

import pytest
from hypothesis import given
from hypothesis import strategies as st

from benchmarks.simulator import SimulatedModel, SimulatorServer
from benchmarks.speed.streaming import (
    MAX_ERROR_CHARS,
    SampleResult,
    SampleStatus,
    measure_series,
    measure_series_sync,
    measure_stream,
    scrub_secrets,
)

from .conftest import FAST, STALL_TIMEOUT_S, KwargsFor, Measure

# --- figures from a healthy stream ------------------------------------------------------


def test_a_healthy_stream_is_ok_with_token_counts_from_the_usage_chunk(measure: Measure) -> None:
    result = measure("fast")

    assert result.status is SampleStatus.OK
    assert result.ok
    assert result.http_status == 200
    assert result.error == ""
    assert result.output_tokens == 20
    assert result.reasoning_tokens == 0
    assert result.started_at.tzinfo is UTC


def test_latency_runs_to_the_last_token_and_speeds_are_derived_from_it(
    simulator: SimulatorServer, measure: Measure
) -> None:
    simulator.set_model("steady", SimulatedModel(ttft_ms=10, inter_token_ms=5, tokens=21))

    result = measure("steady")

    assert result.ttft_ms is not None and result.latency_ms is not None
    # 20 gaps of 5 ms after the first token.
    assert result.latency_ms - result.ttft_ms == pytest.approx(100, abs=25)
    assert result.decode_tokens_per_second == pytest.approx(200, rel=0.2)
    assert result.e2e_tokens_per_second == pytest.approx(21 / (result.latency_ms / 1000))


def test_time_to_first_token_waits_for_text_not_the_role_only_first_chunk(
    simulator: SimulatorServer, measure: Measure
) -> None:
    simulator.set_model("slow-start", SimulatedModel(ttft_ms=150, inter_token_ms=1, tokens=5))

    result = measure("slow-start")

    assert result.ttft_ms is not None
    assert 150 <= result.ttft_ms < 250


def test_reasoning_tokens_are_counted_in_output_tokens_and_reported_apart(
    measure: Measure,
) -> None:
    result = measure("reasoner")

    assert result.status is SampleStatus.OK
    assert result.output_tokens == 25
    assert result.reasoning_tokens == 15


def test_a_reasoning_model_starts_thinking_before_it_starts_answering(measure: Measure) -> None:
    result = measure("reasoner")

    assert result.ttft_ms is not None and result.ttfat_ms is not None
    # 15 reasoning tokens 3 ms apart come before the first answer token.
    assert result.ttfat_ms - result.ttft_ms == pytest.approx(45, abs=30)
    assert result.ttft_ms >= 20


def test_for_an_ordinary_model_the_first_token_is_the_first_answer_token(
    measure: Measure,
) -> None:
    result = measure("fast")

    assert result.ttft_ms == result.ttfat_ms


def test_max_tokens_caps_the_output(measure: Measure) -> None:
    result = measure("fast", max_tokens=5)

    assert result.status is SampleStatus.OK
    assert result.output_tokens == 5


def test_max_completion_tokens_can_carry_the_limit_instead(measure: Measure) -> None:
    result = measure("fast", max_tokens=7, output_limit_param="max_completion_tokens")

    assert result.output_tokens == 7


# --- every failure becomes a classified sample ------------------------------------------


def test_a_rate_limited_request_is_recorded_with_its_retry_after(measure: Measure) -> None:
    result = measure("rate-limited")

    assert result.status is SampleStatus.RATE_LIMITED
    assert result.http_status == 429
    assert result.retry_after_s == pytest.approx(2.5)
    assert "Rate limit" in result.error


def test_a_server_error_is_recorded_with_its_http_status(measure: Measure) -> None:
    result = measure("server-error")

    assert result.status is SampleStatus.SERVER_ERROR
    assert result.http_status == 500


def test_an_error_object_inside_a_200_stream_is_a_server_error(measure: Measure) -> None:
    result = measure("error-in-stream")

    assert result.status is SampleStatus.SERVER_ERROR
    assert result.http_status == 200
    assert result.error.startswith("error in stream")


def test_a_connection_dropped_before_done_is_a_connection_error(measure: Measure) -> None:
    result = measure("drops-connection")

    assert result.status is SampleStatus.CONNECTION_ERROR


def test_a_stream_without_a_usage_chunk_is_a_bad_response(measure: Measure) -> None:
    result = measure("missing-usage")

    assert result.status is SampleStatus.BAD_RESPONSE
    assert "usage" in result.error


def test_malformed_json_in_the_stream_is_a_bad_response(measure: Measure) -> None:
    result = measure("malformed-json")

    assert result.status is SampleStatus.BAD_RESPONSE


def test_a_stalled_stream_times_out_after_the_stall_timeout(measure: Measure) -> None:
    result = measure("stalls")

    assert result.status is SampleStatus.TIMEOUT
    # Ended by the silence between chunks, not by the overall deadline (5 s).
    assert result.error.startswith(f"no data for {STALL_TIMEOUT_S:g} s between chunks")


def test_the_overall_deadline_ends_a_slow_but_steady_stream_as_a_timeout(
    simulator: SimulatorServer, measure: Measure
) -> None:
    simulator.set_model("trickle", SimulatedModel(ttft_ms=10, inter_token_ms=5, tokens=1000))

    result = measure("trickle", timeout_s=0.4, stall_timeout_s=2.0)

    assert result.status is SampleStatus.TIMEOUT
    # The whole answer would take 5 s and no gap reaches the stall timeout.
    assert result.error == "no complete answer within 0.4 s"


def test_a_refused_connection_is_a_connection_error(measure: Measure) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        free_port = probe.getsockname()[1]

    result = measure("fast", base_url=f"http://127.0.0.1:{free_port}/v1")

    assert result.status is SampleStatus.CONNECTION_ERROR
    assert result.http_status is None


def test_a_failed_sample_carries_no_figures(measure: Measure) -> None:
    result = measure("drops-connection")

    assert result.ttft_ms is result.ttfat_ms is result.latency_ms is None
    assert result.output_tokens is result.decode_tokens_per_second is None
    assert result.error


# --- the API key never reaches a stored message -----------------------------------------


@pytest.mark.parametrize("sentinel", ["sk-SENTINEL-123", "plain-SENTINEL-key-9"])
def test_a_rejected_key_echoed_by_the_server_never_reaches_the_result(
    kwargs_for: KwargsFor, sentinel: str
) -> None:
    # The simulator echoes the presented key in its 401 message, as some providers do.
    with SimulatorServer({"fast": SimulatedModel(**FAST)}, api_key="the-right-key") as server:
        result = asyncio.run(
            measure_stream(**kwargs_for("fast", base_url=server.base_url, api_key=sentinel))
        )

    assert result.status is SampleStatus.AUTH_ERROR
    assert result.http_status == 401
    assert "Incorrect API key" in result.error
    assert "SENTINEL" not in result.error
    assert "SENTINEL" not in repr(result)


def test_the_right_key_is_accepted(kwargs_for: KwargsFor) -> None:
    with SimulatorServer({"fast": SimulatedModel(**FAST)}, api_key="sk-right-key") as server:
        result = asyncio.run(
            measure_stream(**kwargs_for("fast", base_url=server.base_url, api_key="sk-right-key"))
        )

    assert result.status is SampleStatus.OK


def test_bearer_tokens_and_sk_keys_are_scrubbed_even_when_not_the_configured_key() -> None:
    text = "auth Bearer abc.def-123 failed; key sk-proj-XYZ987abc given; url ?api_key=s3cr3t&x=1"

    scrubbed = scrub_secrets(text)

    assert "abc.def-123" not in scrubbed
    assert "XYZ987abc" not in scrubbed
    assert "s3cr3t" not in scrubbed
    assert "x=1" in scrubbed


@given(
    before=st.text(max_size=400),
    after=st.text(max_size=400),
    key=st.text(min_size=4, max_size=60),
)
def test_scrubbing_never_leaves_the_key_and_keeps_messages_short(
    before: str, after: str, key: str
) -> None:
    scrubbed = scrub_secrets(before + key + after, (key,))

    assert key not in scrubbed
    assert len(scrubbed) <= MAX_ERROR_CHARS


# --- series -----------------------------------------------------------------------------


def test_a_series_runs_one_discarded_warm_up_then_each_sample_in_turn(
    simulator: SimulatorServer, kwargs_for: KwargsFor
) -> None:
    simulator.set_model("series-basic", SimulatedModel(**FAST))
    seen: list[SampleResult] = []

    results = asyncio.run(
        measure_series(**kwargs_for("series-basic"), samples=3, on_sample=seen.append)
    )

    assert [r.status for r in results] == [SampleStatus.OK] * 3
    assert seen == results
    assert simulator.requests_for("series-basic") == 4


def test_a_series_without_warm_up_sends_only_its_samples(
    simulator: SimulatorServer, kwargs_for: KwargsFor
) -> None:
    simulator.set_model("series-cold", SimulatedModel(**FAST))

    results = asyncio.run(measure_series(**kwargs_for("series-cold"), samples=2, warmup=False))

    assert len(results) == 2
    assert simulator.requests_for("series-cold") == 2


def test_a_series_continues_with_the_next_sample_after_every_kind_of_failure(
    simulator: SimulatorServer, kwargs_for: KwargsFor
) -> None:
    plan: list[tuple[str | None, SampleStatus]] = [
        (None, SampleStatus.OK),
        ("rate_limit", SampleStatus.RATE_LIMITED),
        ("server_error", SampleStatus.SERVER_ERROR),
        ("error_in_stream", SampleStatus.SERVER_ERROR),
        ("drop_connection", SampleStatus.CONNECTION_ERROR),
        ("missing_usage", SampleStatus.BAD_RESPONSE),
        ("malformed_json", SampleStatus.BAD_RESPONSE),
        ("stall", SampleStatus.TIMEOUT),
        (None, SampleStatus.OK),
    ]

    def model_with(fault: str | None) -> SimulatedModel:
        return SimulatedModel(**FAST, fault=fault, retry_after_s=0.01)  # type: ignore[arg-type]

    simulator.set_model("series-faults", model_with(plan[0][0]))
    done = 0

    def next_fault(_: SampleResult) -> None:
        nonlocal done
        done += 1
        if done < len(plan):
            simulator.set_model("series-faults", model_with(plan[done][0]))

    results = asyncio.run(
        measure_series(**kwargs_for("series-faults"), samples=len(plan), on_sample=next_fault)
    )

    assert [r.status for r in results] == [status for _, status in plan]


def test_an_async_on_sample_callback_is_awaited(kwargs_for: KwargsFor) -> None:
    saved: list[SampleResult] = []

    async def save(result: SampleResult) -> None:
        await asyncio.sleep(0)
        saved.append(result)

    results = asyncio.run(measure_series(**kwargs_for("fast"), samples=2, on_sample=save))

    assert saved == results


def test_after_a_rate_limit_the_next_sample_waits_for_retry_after(
    simulator: SimulatorServer, kwargs_for: KwargsFor
) -> None:
    simulator.set_model("series-429", SimulatedModel(**FAST, fault="rate_limit", retry_after_s=0.3))
    waits: list[float] = []

    async def record(seconds: float) -> None:
        waits.append(seconds)

    results = asyncio.run(
        measure_series(**kwargs_for("series-429"), samples=3, warmup=False, sleep=record)
    )

    assert [r.status for r in results] == [SampleStatus.RATE_LIMITED] * 3
    assert waits == [0.3, 0.3]  # before each later sample; none after the last


def test_measure_series_sync_runs_a_series_from_synchronous_code(kwargs_for: KwargsFor) -> None:
    results = measure_series_sync(**kwargs_for("fast"), samples=2)

    assert [r.status for r in results] == [SampleStatus.OK] * 2
