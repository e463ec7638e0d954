"""When scheduled speed tests fall due: N a day per target and workload, at jittered times.

The day is cut into SPEEDTEST_RUNS_PER_DAY equal windows, and each target and workload
falls due once in each, at a moment drawn from a hash of (target, workload, day, window):
so tests spread evenly over the hours across targets and days, no hour dominates a
weekly window, and the same inputs always give the same moments (nothing is stored to
remember them). Beat's fan-out looks every five minutes for what fell due since
LOOKBACK ago; a run already queued for its moment is never queued again (the database
holds one run per target, region, workload and moment).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable, Iterator
from datetime import UTC

# Past this, a moment missed while beat was down is let go rather than run late.
LOOKBACK = dt.timedelta(minutes=30)
DAY_SECONDS = 24 * 60 * 60


def due_times(
    *, target_id: int, workload: str, day: dt.date, runs_per_day: int
) -> list[dt.datetime]:
    """The moments on `day` (UTC) at which this target's workload falls due."""
    midnight = dt.datetime.combine(day, dt.time(0), UTC)
    moments = []
    for window in range(runs_per_day):
        start = DAY_SECONDS * window // runs_per_day
        end = DAY_SECONDS * (window + 1) // runs_per_day
        key = f"{target_id}:{workload}:{day.isoformat()}:{window}".encode()
        draw = int.from_bytes(hashlib.blake2b(key, digest_size=8).digest(), "big")
        moments.append(midnight + dt.timedelta(seconds=start + draw % (end - start)))
    return moments


def due_between(
    *,
    targets: Iterable[tuple[int, Iterable[str]]],
    after: dt.datetime,
    until: dt.datetime,
    runs_per_day: int,
) -> Iterator[tuple[int, str, dt.datetime]]:
    """(target id, workload, moment) for each moment in (after, until]; `targets` gives
    each target's id and workloads."""
    first, last = after.astimezone(UTC).date(), until.astimezone(UTC).date()
    days = [first + dt.timedelta(days=n) for n in range((last - first).days + 1)]
    for target_id, workloads in targets:
        for workload in workloads:
            for day in days:
                for moment in due_times(
                    target_id=target_id, workload=workload, day=day, runs_per_day=runs_per_day
                ):
                    if after < moment <= until:
                        yield target_id, workload, moment
