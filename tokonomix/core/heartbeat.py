"""Heartbeats of Celery workers and beat, in Redis, for /readyz to report.

Each worker (on `worker_ready`) and the beat (on `beat_init`) start a daemon thread that
writes the time into one Redis hash every BEAT_EVERY_S seconds; /readyz counts the
entries younger than ALIVE_WITHIN_S. A process that dies simply stops writing.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from typing import Any

from django.conf import settings

HASH = "tokonomix:heartbeats"
BEAT_EVERY_S = 15
ALIVE_WITHIN_S = 60


def _redis() -> Any:
    import redis

    return redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=1, socket_timeout=1)


def _beat(field: str, stop: threading.Event) -> None:
    client = _redis()
    while not stop.is_set():
        # Redis away: the heartbeat simply goes missing.
        with contextlib.suppress(Exception):
            client.hset(HASH, field, f"{time.time():.3f}")
        stop.wait(BEAT_EVERY_S)


def heartbeat_start(kind: str, name: str = "") -> threading.Event:
    """Beat for this process (kind: worker or beat) until the returned event is set."""
    stop = threading.Event()
    if settings.REDIS_URL:
        field = f"{kind}:{name or socket.gethostname()}"
        threading.Thread(target=_beat, args=(field, stop), daemon=True, name=field).start()
    return stop


def heartbeats_alive(now: float | None = None) -> dict[str, list[str]]:
    """The workers and beats seen within ALIVE_WITHIN_S, by kind (raises if Redis is away)."""
    now = now or time.time()
    alive: dict[str, list[str]] = {"worker": [], "beat": []}
    for field, value in _redis().hgetall(HASH).items():
        kind, _, name = field.decode().partition(":")
        if now - float(value) <= ALIVE_WITHIN_S and kind in alive:
            alive[kind].append(name)
    return {kind: sorted(names) for kind, names in alive.items()}
