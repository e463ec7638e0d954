"""What the site did without a service it prefers: counted, and logged without flooding.

When Redis does not answer, the page cache serves fresh pages and rate limits count in
process: nobody gets an error page, but operators must hear of it. Each fallback calls
`degraded(kind, why)`; this process counts the events by kind (shown by /readyz) and logs
a warning at most once a minute per kind.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import Counter

logger = logging.getLogger("tokonomix.degraded")

LOG_EVERY_S = 60.0

_lock = threading.Lock()
_counts: Counter[str] = Counter()
_last_logged: dict[str, float] = {}


def degraded(kind: str, why: str) -> None:
    """Count one fallback of `kind` (ratelimit, pagecache...) and log it now and then."""
    now = time.monotonic()
    with _lock:
        _counts[kind] += 1
        count = _counts[kind]
        due = now - _last_logged.get(kind, -LOG_EVERY_S) >= LOG_EVERY_S
        if due:
            _last_logged[kind] = now
    if due:
        logger.warning("degraded %s: %s (%d times in this process)", kind, why, count)


class Breaker:
    """After a failure, callers skip the service for `cooldown_s` seconds in this process,
    so an outage costs one failed call every few seconds rather than one per request."""

    def __init__(self, cooldown_s: float = 5.0) -> None:
        self.cooldown_s = cooldown_s
        self._open_until = 0.0

    @property
    def open(self) -> bool:
        return time.monotonic() < self._open_until

    def trip(self) -> None:
        self._open_until = time.monotonic() + self.cooldown_s

    def reset(self) -> None:
        self._open_until = 0.0


# The shared cache's Redis: the page cache and the rate limits stand aside together.
redis_breaker = Breaker()


def degraded_counts() -> dict[str, int]:
    """Fallbacks so far in this process, by kind."""
    with _lock:
        return dict(_counts)
