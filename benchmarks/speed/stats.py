"""The one definition of the percentiles every page, API and aggregate uses."""

from __future__ import annotations

import math
from collections.abc import Sequence

# Stated on the pages next to the figures.
PERCENTILE_METHOD = "linear interpolation between the closest ranks (numpy's default)"


def percentile(values: Sequence[float], fraction: float) -> float | None:
    """The ``fraction`` quantile (0..1) by linear interpolation; None for no values.

    For sorted values x[0..n-1] the position is (n - 1) * fraction; the result lies
    between x[floor(position)] and the next value, in proportion.
    """
    if not 0.0 <= fraction <= 1.0:
        raise ValueError("fraction must be between 0 and 1")
    if not values:
        return None
    ordered = sorted(values)
    position = (len(ordered) - 1) * fraction
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def median(values: Sequence[float]) -> float | None:
    return percentile(values, 0.5)
