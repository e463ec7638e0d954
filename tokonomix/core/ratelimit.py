"""Rate limits per client: sliding windows, checked and recorded in one atomic step.

Who the client is. `client_address` reads X-Forwarded-For only when the request came
straight from a trusted proxy (DJANGO_TRUSTED_PROXIES: addresses or networks), and then
takes the rightmost hop that is not itself a trusted proxy: everything to its left was
written by the client and may be forged. With no trusted proxies the header is ignored.

How much it may do. A limit allows `limit` events in any `window_s` seconds (a sliding
window, so there is no window edge to burst across: 20 runs before the hour and 20 after
it are 40 in one hour, and the 21st is refused). `rate_limit_hit(...)` takes one or more
limits (a testbench run counts against the account and the address) and either records
one event in each or, when any is full, records nothing and says when to come back.

Where it is counted. On Redis (the shared cache is django-redis), one Lua script does the
check and the record for every limit at once, so concurrent requests on several workers
can never both take the last place. Without Redis (the embedded default), or while Redis
does not answer, an in-process limiter with the same rules counts instead: limits then
hold per process, never fail the request (a warning is logged and counted, see
tokonomix.core.degraded).
"""

from __future__ import annotations

import ipaddress
import math
import threading
import time
import uuid
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache

from django.conf import settings
from django.core.cache import caches
from django.http import HttpRequest

from .degraded import degraded, redis_breaker

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


# --- who the client is ------------------------------------------------------------------


@cache
def _trusted_networks(spec: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(entry, strict=False) for entry in spec)


def _is_trusted(address: str, networks: tuple[Network, ...]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in networks)


def client_address(request: HttpRequest) -> str:
    """The address of the client that sent `request` (see the module docstring)."""
    remote = request.META.get("REMOTE_ADDR") or "unknown"
    networks = _trusted_networks(tuple(settings.TRUSTED_PROXIES))
    if not networks or not _is_trusted(remote, networks):
        return remote
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    hops = [hop for hop in hops if hop]
    for hop in reversed(hops):
        try:
            ipaddress.ip_address(hop)
        except ValueError:
            # A trusted proxy appends well-formed addresses: this hop was written by the
            # client, so the last trusted hop to its right is all that can be vouched for.
            return remote
        if not _is_trusted(hop, networks):
            return hop
    return hops[0] if hops else remote


# --- how much it may do -------------------------------------------------------------


@dataclass(frozen=True)
class Limit:
    """At most `limit` events for `key` in any `window_s` seconds."""

    scope: str
    key: str
    limit: int
    window_s: int

    @property
    def counter(self) -> str:
        return f"ratelimit:{self.scope}:{self.key}"


@dataclass(frozen=True)
class Allowance:
    allowed: bool
    count: int  # events in the window, this one included when allowed
    limit: int
    retry_after_s: int  # when refused: seconds until a place frees up
    refused_by: Limit | None = None


# Checks every limit, then records the event in each only if all have room. KEYS are the
# counters (sorted sets of event times in ms); ARGV: now, a unique member, then a limit
# and a window (ms) per key. Returns {1, counts...} or {0, index, count, retry_ms}.
_SLIDING_WINDOW = """
local now = tonumber(ARGV[1])
for i, key in ipairs(KEYS) do
  local limit = tonumber(ARGV[1 + 2 * i])
  local window = tonumber(ARGV[2 + 2 * i])
  redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
  local count = redis.call('ZCARD', key)
  if count >= limit then
    local oldest = redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')
    return {0, i, count, window - (now - tonumber(oldest[2]))}
  end
end
local counts = {1}
for i, key in ipairs(KEYS) do
  local window = tonumber(ARGV[2 + 2 * i])
  redis.call('ZADD', key, now, ARGV[2])
  redis.call('PEXPIRE', key, window)
  counts[i + 1] = redis.call('ZCARD', key)
end
return counts
"""


class _InProcessWindows:
    """The same sliding windows in this process's memory, for when there is no Redis."""

    def __init__(self) -> None:
        self._events: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def hit(self, limits: tuple[Limit, ...], now: float) -> Allowance:
        with self._lock:
            windows = []
            for limit in limits:
                events = self._events.setdefault(limit.counter, deque())
                while events and events[0] <= now - limit.window_s:
                    events.popleft()
                if len(events) >= limit.limit:
                    retry = limit.window_s - (now - events[0])
                    return _refused(limit, len(events), retry)
                windows.append(events)
            for events in windows:
                events.append(now)
            return Allowance(True, max(len(e) for e in windows), limits[0].limit, 0)

    def clear(self) -> None:
        with self._lock:
            self._events.clear()


def _refused(limit: Limit, count: int, retry_s: float) -> Allowance:
    return Allowance(False, count, limit.limit, max(1, math.ceil(retry_s)), refused_by=limit)


def _on_redis() -> bool:
    """Whether the shared cache is django-redis (else there is no Redis to count in)."""
    return str(settings.CACHES["default"]["BACKEND"]).startswith("django_redis.")


class RateLimiter:
    """Sliding-window limits in the shared cache's Redis, or in process without it.
    `clock` (seconds, like time.time) is an attribute so tests can move time."""

    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        self.clock = clock
        self.in_process = _InProcessWindows()
        self._script: object | None = None

    def hit(self, limits: Iterable[Limit]) -> Allowance:
        chosen = tuple(limits)
        now = self.clock()
        client = None if redis_breaker.open else self._redis()
        if client is not None:
            try:
                return self._hit_redis(client, chosen, now)
            except Exception as error:  # redis-py's errors, whichever the outage raises
                redis_breaker.trip()
                degraded("ratelimit", f"Redis did not answer ({type(error).__name__})")
        elif _on_redis():
            degraded("ratelimit", "Redis is resting after a failure; counting in process")
        return self.in_process.hit(chosen, now)

    def _redis(self) -> object | None:
        if not _on_redis():
            return None
        return caches["default"].client.get_client(write=True)  # type: ignore[attr-defined]

    def _hit_redis(self, client: object, limits: tuple[Limit, ...], now: float) -> Allowance:
        if self._script is None:
            self._script = client.register_script(_SLIDING_WINDOW)  # type: ignore[attr-defined]
        prefix = settings.CACHES["default"].get("KEY_PREFIX", "")
        keys = [f"{prefix}:{limit.counter}" for limit in limits]
        args: list[object] = [int(now * 1000), f"{now:.6f}-{uuid.uuid4().hex[:8]}"]
        for limit in limits:
            args += [limit.limit, limit.window_s * 1000]
        result = self._script(keys=keys, args=args, client=client)  # type: ignore[operator]
        if int(result[0]) == 1:
            return Allowance(True, max(int(c) for c in result[1:]), limits[0].limit, 0)
        refused = limits[int(result[1]) - 1]
        return _refused(refused, int(result[2]), int(result[3]) / 1000)


limiter = RateLimiter()


def rate_limit_hit(
    *limits: Limit, scope: str = "", key: str = "", limit: int = 0, window_s: int = 0
) -> Allowance:
    """Count one event against each limit, or against the one the keywords describe;
    atomic whether it is allowed or not (nothing is recorded when refused)."""
    if not limits:
        limits = (Limit(scope=scope, key=key, limit=limit, window_s=window_s),)
    return limiter.hit(limits)
