"""Every percentile comes with a bootstrap interval: deterministic, the ordinary bootstrap,
and honest (against the simulator with a known delay it holds the true median)."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from benchmarks.simulator import SimulatedModel, SimulatorServer
from benchmarks.speed.stats import (
    BOOTSTRAP_RESAMPLES,
    Estimate,
    bootstrap_interval,
    estimate,
    percentile,
)
from benchmarks.speed.streaming import measure_series_sync

from .clocks import VirtualClock

TRUE_P50_MS = 400.0
TRIALS = 100
SAMPLES = 30


def lognormal(seed: int, n: int) -> list[float]:
    rng = random.Random(seed)
    return [TRUE_P50_MS * rng.lognormvariate(0, 0.5) for _ in range(n)]


def test_the_same_samples_give_the_same_interval_in_any_order() -> None:
    values = lognormal(1, 30)
    shuffled = list(values)
    random.Random(2).shuffle(shuffled)

    first = estimate(values, 0.5)
    assert estimate(shuffled, 0.5) == first
    assert estimate(list(values), 0.5) == first
    assert first.n == 30
    assert first.low is not None and first.high is not None
    assert first.low <= first.value <= first.high  # type: ignore[operator]


def test_it_is_the_ordinary_bootstrap_drawn_exactly() -> None:
    """Resampling 30 values with replacement and taking each resample's percentile, many
    times, gives the same interval as the shortcut that draws only the two order statistics
    a percentile needs."""
    values = lognormal(3, 30)
    rng = random.Random(4)
    for fraction in (0.5, 0.95):
        naive = sorted(
            percentile([values[rng.randrange(30)] for _ in range(30)], fraction) or 0.0
            for _ in range(20_000)
        )
        low, high = percentile(naive, 0.025), percentile(naive, 0.975)
        interval = bootstrap_interval(values, fraction)
        assert interval is not None
        spread = max(values) - min(values)
        assert interval[0] == pytest.approx(low, abs=0.02 * spread)
        assert interval[1] == pytest.approx(high, abs=0.02 * spread)


def test_more_samples_give_a_narrower_interval() -> None:
    few = estimate(lognormal(5, 20), 0.5)
    many = estimate(lognormal(5, 2000), 0.5)

    assert many.high - many.low < (few.high - few.low) / 3  # type: ignore[operator]


def test_no_samples_give_no_figure_and_one_sample_a_point() -> None:
    assert estimate([], 0.5) == Estimate(value=None)
    assert bootstrap_interval([], 0.5) is None
    assert estimate([7.0], 0.95) == Estimate(value=7.0, low=7.0, high=7.0, n=1)


@settings(max_examples=50, deadline=None)
@given(st.lists(st.floats(min_value=0, max_value=1e6), min_size=1, max_size=60))
def test_an_interval_lies_within_the_samples(values: list[float]) -> None:
    for fraction in (0.5, 0.95):
        result = estimate(values, fraction)
        assert result.low is not None and result.high is not None
        assert min(values) <= result.low <= result.high <= max(values) + 1e-9


def test_two_figures_are_distinguishable_only_when_their_intervals_do_not_overlap() -> None:
    fast = Estimate(value=100.0, low=90.0, high=110.0, n=30)
    close = Estimate(value=115.0, low=105.0, high=130.0, n=30)
    slow = Estimate(value=200.0, low=180.0, high=220.0, n=30)
    unknown = Estimate(value=150.0)

    assert not fast.distinguishable_from(close)
    assert fast.distinguishable_from(slow) and slow.distinguishable_from(fast)
    assert not fast.distinguishable_from(unknown)


def test_the_resample_count_is_large_enough_for_a_95_percent_interval() -> None:
    assert BOOTSTRAP_RESAMPLES >= 1000


def test_against_the_simulator_the_p50_interval_holds_the_true_median_in_90_of_100_trials() -> None:
    """The simulator draws each request's time to first token around a known median
    (log-normal, seeded per trial); the shared virtual clock makes each measured latency
    exactly the delay the simulator served, so only the statistics are under test."""
    clock = VirtualClock()
    covered = []
    with SimulatorServer(clock=clock) as server:
        for trial in range(TRIALS):
            name = f"trial-{trial}"
            server.set_model(
                name,
                SimulatedModel(
                    ttft_ms=TRUE_P50_MS, ttft_spread=0.5, inter_token_ms=0.0, tokens=3, seed=trial
                ),
            )
            results = measure_series_sync(
                base_url=server.base_url,
                api_model=name,
                api_key="test-key",
                messages=[{"role": "user", "content": "Say something."}],
                max_tokens=3,
                samples=SAMPLES,
                warmup=False,
                timeout_s=10.0,
                stall_timeout_s=10.0,
                clock=clock,
            )
            assert all(r.ok for r in results), [r.error for r in results if not r.ok]
            latencies = [r.latency_ms for r in results if r.latency_ms is not None]
            assert len(latencies) == SAMPLES
            interval = estimate(latencies, 0.5)
            assert interval.low is not None and interval.high is not None
            covered.append(interval.low <= TRUE_P50_MS <= interval.high)

    print(f"the P50 interval held the true median in {sum(covered)} of {TRIALS} trials")
    assert sum(covered) >= 90


def test_the_virtual_clock_measures_exactly_what_the_simulator_served() -> None:
    clock = VirtualClock()
    with SimulatorServer(
        {"exact": SimulatedModel(ttft_ms=250.0, inter_token_ms=0.0, tokens=5)}, clock=clock
    ) as server:
        [result] = measure_series_sync(
            base_url=server.base_url,
            api_model="exact",
            api_key="test-key",
            messages=[{"role": "user", "content": "Hi"}],
            max_tokens=5,
            samples=1,
            warmup=False,
            clock=clock,
        )

    assert result.ttft_ms == pytest.approx(250.0)
    assert result.latency_ms == pytest.approx(250.0)
