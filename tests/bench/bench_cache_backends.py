"""Cache-backend benchmark: what a page-cache hit costs with each Redis backend.

A page served from the cache reads two keys (the content version and the page) in one
MGET, or only the version when the process kept the page. This times exactly those calls
against a local Redis for Django's own RedisCache, django-redis (what settings use), and
Django's backend with one client per pool, which the project carried by hand before
(its reason: Django's backend builds a client for every call). Each figure is the median
of five rounds of 5,000 calls; the ratios compare backends measured in the same run.

Run from the repository root: python tests/bench/bench_cache_backends.py (make bench runs
it). Skips, saying why, when Redis does not answer at BENCH_REDIS_URL (default db 7).
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tokonomix.settings")
os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-not-a-secret")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/7")
CALLS = 5_000
ROUNDS = 5
# django-redis must stay within this factor of the fastest backend measured, or the
# hand-written client earns its place back.
MAX_RATIO = 1.25


def _django_reusing_client() -> Any:
    """Django's backend with one redis-py client per pool (the former tokonomix/cache.py)."""
    from django.core.cache.backends.redis import RedisCache, RedisCacheClient

    class ReusingClient(RedisCacheClient):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._clients: dict[int, Any] = {}

        def get_client(self, key: Any = None, *, write: bool = False) -> Any:
            pool = self._get_connection_pool(write)  # type: ignore[attr-defined]
            client = self._clients.get(id(pool))
            if client is None:
                client = self._clients[id(pool)] = self._client(connection_pool=pool)  # type: ignore[attr-defined]
            return client

    cache = RedisCache(REDIS_URL, {"KEY_PREFIX": "bench"})
    cache._class = ReusingClient  # type: ignore[attr-defined]
    return cache


def _backends() -> dict[str, Any]:
    from django.core.cache.backends.redis import RedisCache
    from django_redis.cache import RedisCache as DjangoRedisCache

    return {
        "django RedisCache": RedisCache(REDIS_URL, {"KEY_PREFIX": "bench"}),
        "django + one client per pool": _django_reusing_client(),
        "django-redis": DjangoRedisCache(REDIS_URL, {"KEY_PREFIX": "bench"}),
    }


def _time(call: Any) -> float:
    """Microseconds a call, the median of ROUNDS rounds."""
    rounds = []
    for _ in range(ROUNDS):
        started = time.perf_counter()
        for _ in range(CALLS):
            call()
        rounds.append((time.perf_counter() - started) / CALLS * 1e6)
    return statistics.median(rounds)


def main() -> int:
    import django
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.RedisError as error:
        print(f"SKIP: no Redis at {REDIS_URL} ({error})")
        return 0
    django.setup()
    page = ("version", b"x" * 60_000, [("Content-Type", "text/html")])
    results: dict[str, tuple[float, float]] = {}
    for name, cache in _backends().items():
        cache.set("pagecache:version", "version", timeout=None)
        cache.set("pagecache:page", page, timeout=60)
        both = _time(lambda c=cache: c.get_many(["pagecache:version", "pagecache:page"]))
        version = _time(lambda c=cache: c.get("pagecache:version"))
        results[name] = (both, version)
    best_both = min(both for both, _ in results.values())
    best_version = min(version for _, version in results.values())
    print(f"{'backend':32} {'version+page':>14} {'version only':>14}")
    for name, (both, version) in results.items():
        print(
            f"{name:32} {both:9.1f} µs {both / best_both:4.2f}x"
            f" {version:7.1f} µs {version / best_version:4.2f}x"
        )
    both, version = results["django-redis"]
    ratio = max(both / best_both, version / best_version)
    verdict = "PASS" if ratio <= MAX_RATIO else "FAIL"
    print(f"django-redis against the fastest: {ratio:.2f}x (max {MAX_RATIO}x) {verdict}")
    return 0 if verdict == "PASS" else 1


if __name__ == "__main__":
    sys.exit(main())
