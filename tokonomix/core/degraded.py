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


def degraded_counts() -> dict[str, int]:
    """Fallbacks so far in this process, by kind."""
    with _lock:
        return dict(_counts)
