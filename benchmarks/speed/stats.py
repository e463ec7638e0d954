"""The one definition of the percentiles every page, API and aggregate uses, and of the
bootstrap confidence interval shown beside each of them."""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

# Stated on the pages next to the figures.
PERCENTILE_METHOD = "linear interpolation between the closest ranks (numpy's default)"

CONFIDENCE = 0.95
BOOTSTRAP_RESAMPLES = 2000
# Fixed, so an interval depends on the samples alone: the same samples always give the
# same interval, on any machine, however often the aggregates are rebuilt.
BOOTSTRAP_SEED = 20_251_118
INTERVAL_METHOD = (
    f"a {CONFIDENCE:.0%} percentile bootstrap: {BOOTSTRAP_RESAMPLES:,} resamples with "
    "replacement, drawn with a fixed seed, so the same samples always give the same interval"
)


def percentile(values: Sequence[float], fraction: float) -> float | None:
    """The ``fraction`` quantile (0..1) by linear interpolation; None for no values.

    For sorted values x[0..n-1] the position is (n - 1) * fraction; the result lies
    between x[floor(position)] and the next value, in proportion.
    """
    if not 0.0 <= fraction <= 1.0:
        raise ValueError("fraction must be between 0 and 1")
    if not values:
        return None
    return _sorted_percentile(sorted(values), fraction)


def _sorted_percentile(ordered: Sequence[float], fraction: float) -> float:
    position = (len(ordered) - 1) * fraction
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def median(values: Sequence[float]) -> float | None:
    return percentile(values, 0.5)


@dataclass(frozen=True, slots=True)
class Estimate:
    """A percentile with its bootstrap interval and the number of values behind it."""

    value: float | None
    low: float | None = None
    high: float | None = None
    n: int = 0

    def distinguishable_from(self, other: Estimate) -> bool:
        """True when the two intervals do not overlap (so one is really faster or larger).

        Without an interval on either side nothing can be told apart."""
        if None in (self.low, self.high, other.low, other.high):
            return False
        assert self.low is not None and self.high is not None  # for mypy
        assert other.low is not None and other.high is not None
        return self.high < other.low or other.high < self.low


def estimate(values: Sequence[float], fraction: float) -> Estimate:
    """The percentile of ``values`` with its bootstrap confidence interval."""
    if not values:
        return Estimate(value=None)
    ordered = sorted(values)
    interval = _interval(ordered, fraction)
    return Estimate(
        value=_sorted_percentile(ordered, fraction),
        low=interval[0],
        high=interval[1],
        n=len(ordered),
    )


def bootstrap_interval(values: Sequence[float], fraction: float) -> tuple[float, float] | None:
    """The percentile bootstrap interval of the ``fraction`` quantile; None for no values."""
    if not values:
        return None
    return _interval(sorted(values), fraction)


def _interval(ordered: Sequence[float], fraction: float) -> tuple[float, float]:
    statistics = sorted(
        ordered[first] + (ordered[second] - ordered[first]) * weight
        for first, second, weight in _resampled_ranks(len(ordered), fraction)
    )
    tail = (1 - CONFIDENCE) / 2
    return _sorted_percentile(statistics, tail), _sorted_percentile(statistics, 1 - tail)


@lru_cache(maxsize=1024)
def _resampled_ranks(n: int, fraction: float) -> tuple[tuple[int, int, float], ...]:
    """For each bootstrap resample of n sorted values: the two positions its percentile
    interpolates between, and the weight of the second.

    A resample is n draws with replacement, position floor(U * n) for U uniform on (0, 1).
    Its quantile only needs two of its order statistics, ranks k and k + 1 (k = floor((n -
    1) * fraction)); floor is monotonic, so those are floor(U(k) * n) and floor(U(k+1) *
    n), where U(k) is the k-th smallest of n uniforms: Beta(k + 1, n - k), and U(k+1) is
    U(k) plus the smallest of the n - k - 1 uniforms above it. This is the ordinary
    bootstrap, drawn exactly, at a cost that does not grow with n. The draws depend on
    n and the fraction only, never on the values, so they are computed once per (n,
    fraction) and shared.
    """
    rng = random.Random(f"{BOOTSTRAP_SEED}:{n}:{fraction!r}")  # noqa: S311 - not a secret
    position = (n - 1) * fraction
    k = math.floor(position)
    weight = position - k
    draws = []
    for _ in range(BOOTSTRAP_RESAMPLES):
        u_k = rng.betavariate(k + 1, n - k)
        first = min(int(u_k * n), n - 1)
        if k + 1 <= n - 1:
            above = n - k - 1
            u_next = u_k + (1 - u_k) * (1 - rng.random() ** (1 / above))
            second = min(int(u_next * n), n - 1)
        else:
            second = first
        draws.append((first, second, weight))
    return tuple(draws)
