"""Simulator clocks for tests: they show what the simulator waits for, not how long it took."""

from __future__ import annotations

import asyncio
import contextlib
import threading

from benchmarks.simulator.clock import LoopClock


class StoppedClock:
    """Stands still at 0: each wait's due time is recorded and the wait ends at once."""

    def __init__(self) -> None:
        self.waits: list[float] = []

    def now(self) -> float:
        return 0.0

    async def sleep_until(self, due: float) -> None:
        self.waits.append(due)


class HeldClock(StoppedClock):
    """A stopped clock whose waits last until ``release()``.

    ``holding`` is set once the simulator waits; ``gave_up`` says a wait ended only
    because nobody released it within ``patience_s``.
    """

    def __init__(self, patience_s: float = 5.0) -> None:
        super().__init__()
        self.patience_s = patience_s
        self.holding = threading.Event()
        self.gave_up = False
        self._released = threading.Event()

    async def sleep_until(self, due: float) -> None:
        await super().sleep_until(due)
        self.holding.set()
        if not await asyncio.to_thread(self._released.wait, self.patience_s):
            self.gave_up = True

    def release(self) -> None:
        self._released.set()


class MeetingClock(LoopClock):
    """Real time, except that no wait begins before ``parties`` requests are waiting.

    ``most_waiting`` is the most requests seen waiting at once: a server that handles
    one request at a time never gets past 1 (each wait gives up after ``patience_s``).
    """

    def __init__(self, parties: int, patience_s: float = 5.0) -> None:
        self.parties = parties
        self.patience_s = patience_s
        self.waiting = 0
        self.most_waiting = 0
        self._met: asyncio.Event | None = None

    async def sleep_until(self, due: float) -> None:
        # Runs on the simulator's one event loop, so the counters need no lock.
        if self._met is None:
            self._met = asyncio.Event()
        self.waiting += 1
        self.most_waiting = max(self.most_waiting, self.waiting)
        if self.waiting >= self.parties:
            self._met.set()
        try:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._met.wait(), self.patience_s)
        finally:
            self.waiting -= 1
        await super().sleep_until(due)


class VirtualClock:
    """One clock for the simulator and the measuring client: time moves only when the
    simulator waits, and by exactly what it waits. A client that reads it (measure_series's
    `clock`) measures the configured delays to the nanosecond, however loaded the machine.

    Only for requests one after another, each with all its tokens due at once (an
    inter-token delay of 0): the simulator writes ahead of the client's reading, so a
    later token's wait would already show in an earlier token's stamp.
    """

    def __init__(self) -> None:
        self._now = 0.0
        self._lock = threading.Lock()

    def __call__(self) -> float:
        return self._now

    def now(self) -> float:
        return self._now

    async def sleep_until(self, due: float) -> None:
        with self._lock:
            self._now = max(self._now, due)
