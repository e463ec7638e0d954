"""The clock by which the simulator's tokens fall due.

Tests hand a ``SimulatorServer`` their own ``SimulatorClock`` to see what it waits for
(or to hold it) instead of timing it against the wall clock.
"""

from __future__ import annotations

import asyncio
from typing import Protocol

__all__ = ["LoopClock", "SimulatorClock"]

_SPIN_S = 0.0015


class SimulatorClock(Protocol):
    def now(self) -> float:
        """Seconds on the clock's own scale; only differences matter."""
        ...

    async def sleep_until(self, due: float) -> None:
        """Return once the clock reads ``due`` (at once if it already has)."""
        ...


class LoopClock:
    """The serving event loop's clock, with waits that end on time."""

    def now(self) -> float:
        return asyncio.get_running_loop().time()

    async def sleep_until(self, due: float) -> None:
        # Absolute times keep per-token lateness from adding up over a long stream.
        # The event loop wakes up to ~1 ms late (epoll rounds its timeout up to whole
        # milliseconds), which would show up as client error; so sleep to just short of
        # the due time and spin the rest, at the cost of <= _SPIN_S of CPU per token.
        loop = asyncio.get_running_loop()
        delay = due - loop.time() - _SPIN_S
        if delay > 0:
            await asyncio.sleep(delay)
        while loop.time() < due:
            pass
