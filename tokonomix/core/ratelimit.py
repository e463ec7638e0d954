"""Rate limits backed by the shared cache (Redis in production), for pages and the API.

The client's address is read the way the API's throttles read it (django-ninja's
get_ident with NINJA_NUM_PROXIES = DJANGO_NUM_PROXIES): behind N trusted proxies, the
Nth address from the right of X-Forwarded-For; with no proxies, REMOTE_ADDR, whatever
X-Forwarded-For claims.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from django.core.cache import cache
from django.http import HttpRequest
from ninja.throttling import BaseThrottle


def client_address(request: HttpRequest) -> str:
    return BaseThrottle().get_ident(request) or "unknown"


@dataclass(frozen=True)
class Allowance:
    allowed: bool
    count: int
    limit: int
    retry_after_s: int


def rate_limit_hit(*, scope: str, key: str, limit: int, window_s: int) -> Allowance:
    """Count one event for `key` in the current fixed window; atomic on Redis and locmem."""
    window = int(time.time() // window_s)
    cache_key = f"ratelimit:{scope}:{key}:{window}"
    cache.add(cache_key, 0, timeout=window_s + 5)
    try:
        count = cache.incr(cache_key)
    except ValueError:  # expired between add and incr
        cache.add(cache_key, 1, timeout=window_s + 5)
        count = 1
    retry_after = int(window_s - time.time() % window_s) + 1
    return Allowance(allowed=count <= limit, count=count, limit=limit, retry_after_s=retry_after)
