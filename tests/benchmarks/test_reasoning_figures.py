"""Reasoning models: time to first token, time to first answer token and reasoning tokens
are reported apart everywhere, and tokens per second counts what the usage report counts."""

from __future__ import annotations

import asyncio
import csv
import datetime as dt
import io

import pytest
from django.utils import timezone

from benchmarks.models import SpeedBreakdown
from benchmarks.simulator import SimulatedModel, SimulatorServer
from benchmarks.speed.streaming import decode_speed, measure_stream
from tests import factories

from .clocks import StoppedClock
from .conftest import Measure, recorded_run


def test_hidden_reasoning_is_counted_in_output_tokens_and_comes_before_the_first_token() -> None:
    """OpenAI's reasoning models think without streaming it: the usage report counts the
    reasoning tokens, and the first streamed token is already the answer's."""
    hidden = SimulatedModel(
        ttft_ms=5.0, inter_token_ms=0.5, tokens=10, reasoning_tokens=40, hide_reasoning=True
    )
    with SimulatorServer({"hidden": hidden}) as server:
        result = asyncio.run(
            measure_stream(
                base_url=server.base_url,
                api_model="hidden",
                api_key="test-key",
                messages=[{"role": "user", "content": "Think."}],
                max_tokens=500,
                timeout_s=5.0,
                stall_timeout_s=3.0,
            )
        )

    assert result.ok
    assert result.output_tokens == 50 and result.reasoning_tokens == 40
    assert result.ttft_ms == result.ttfat_ms


def test_decode_speed_counts_reasoning_only_when_it_was_streamed() -> None:
    # 10 answer tokens streamed over 0.9 s, after 40 reasoning tokens.
    streamed = decode_speed(
        output_tokens=50, reasoning_tokens=40, reasoning_streamed=True, decode_s=0.9
    )
    hidden = decode_speed(
        output_tokens=50, reasoning_tokens=40, reasoning_streamed=False, decode_s=0.9
    )

    assert streamed == pytest.approx(49 / 0.9)  # all 50 streamed in the window
    assert hidden == pytest.approx(9 / 0.9)  # only the answer's 10 were in it
    assert (
        decode_speed(output_tokens=1, reasoning_tokens=0, reasoning_streamed=False, decode_s=1.0)
        is None
    )
    assert (
        decode_speed(output_tokens=5, reasoning_tokens=None, reasoning_streamed=False, decode_s=0.0)
        is None
    )


def test_streamed_reasoning_counts_in_the_decode_window(measure: Measure) -> None:
    result = measure("reasoner")  # 15 reasoning then 10 answer tokens, all streamed

    assert result.output_tokens == 25 and result.reasoning_tokens == 15
    assert result.ttft_ms is not None and result.ttfat_ms is not None
    assert result.ttft_ms < result.ttfat_ms


def test_the_simulator_keeps_hidden_reasoning_out_of_the_stream_but_not_out_of_time() -> None:
    clock = StoppedClock()
    hidden = SimulatedModel(
        ttft_ms=100.0, inter_token_ms=10.0, tokens=2, reasoning_tokens=3, hide_reasoning=True
    )
    with SimulatorServer({"hidden": hidden}, clock=clock) as server:
        asyncio.run(
            measure_stream(
                base_url=server.base_url,
                api_model="hidden",
                api_key="test-key",
                messages=[{"role": "user", "content": "Think."}],
                max_tokens=50,
            )
        )

    # Only the two answer tokens are written, at 100 + 3 x 10 and 100 + 4 x 10 ms.
    assert clock.waits == pytest.approx([0.13, 0.14])


def reasoner_history(model):  # type: ignore[no-untyped-def]
    at = timezone.now() - dt.timedelta(days=1)
    recorded_run(
        model,
        [
            {
                "started_at": at,
                "latency_ms": 3000.0 + 100 * i,
                "ttft_ms": 200.0 + 10 * i,
                "ttfat_ms": 1500.0 + 10 * i,
                "reasoning_tokens": 300 + 10 * i,
                "output_tokens": 500,
            }
            for i in range(5)
        ],
    )


@pytest.mark.django_db
def test_the_aggregates_keep_time_to_first_answer_token_and_reasoning_tokens_apart() -> None:
    model = factories.model()
    reasoner_history(model)

    figures = SpeedBreakdown.objects.get(
        model=model, region="all", workload="standard", offering__isnull=True
    )

    assert figures.p50_ttft_ms_30d == 220.0
    assert figures.p50_ttfat_ms_30d == 1520.0
    assert figures.median_reasoning_tokens_30d == 320.0
    ttfat = figures.estimate("p50_ttfat_ms_30d")
    assert ttfat.n == 5 and ttfat.low is not None and ttfat.low <= 1520.0 <= ttfat.high  # type: ignore[operator]
    assert model.speed_summary.p50_ttfat_ms_30d == 1520.0


@pytest.mark.django_db
def test_pages_api_and_csv_report_the_three_apart(client) -> None:  # type: ignore[no-untyped-def]
    model = factories.model(slug="reasoner-page")
    reasoner_history(model)

    page = client.get("/en/models/reasoner-page/").content.decode()
    body = client.get("/api/v1/models/reasoner-page/speed").json()
    rows = list(
        csv.DictReader(
            io.StringIO(
                b"".join(
                    client.get("/api/v1/models/reasoner-page/speed.csv").streaming_content
                ).decode()
            )
        )
    )
    board = client.get("/en/benchmarks/speed/").content.decode()

    assert "Time to first answer token P50" in page and "1,520 ms" in page
    assert "Reasoning tokens, median" in page and "320 tokens" in page
    assert body["p50_ttft_ms"] == 220.0
    assert body["p50_ttfat_ms"] == 1520.0
    assert body["median_reasoning_tokens"] == 320.0
    window = body["slices"][0]["last_30_days"]
    assert window["p50_ttfat_ms"]["value"] == 1520.0
    assert window["median_reasoning_tokens"]["value"] == 320.0
    assert {"ttft_ms", "ttfat_ms", "reasoning_tokens"} <= set(rows[0])
    assert rows[0]["ttfat_ms"] == "1500.0" and rows[0]["reasoning_tokens"] == "300"
    assert "First answer token P50" in board and "1,520 ms" in board


def test_the_methodology_says_how_tokens_per_second_counts_reasoning(client, db) -> None:  # type: ignore[no-untyped-def]
    page = client.get("/en/benchmarks/methodology/").content.decode()

    assert "Tokens per second counts answer and reasoning tokens together" in page
    assert "time to first answer token and reasoning tokens are reported separately" in page
