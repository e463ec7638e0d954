"""Probes for load balancers and orchestrators.

/healthz: the process answers (touches nothing). /readyz: whether this node can serve.
Its status follows the database and Redis only, so a load balancer can act on it: the
database down is "unavailable" (503); Redis down is "degraded" (200: pages render fresh
and rate limits count in process, see tokonomix.core.degraded). Workers and beat are
reported beside, from their heartbeats in Redis, for operators to alert on; they never
take a node out of rotation.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache

from tokonomix.core.degraded import degraded_counts
from tokonomix.core.heartbeat import heartbeats_alive


@never_cache
def healthz(request: HttpRequest) -> HttpResponse:
    """The process is up and answers; touches no database, so it stays cheap."""
    return HttpResponse("ok", content_type="text/plain")


@never_cache
def readyz(request: HttpRequest) -> JsonResponse:
    """Whether the services this process needs answer (see the module docstring)."""
    checks = {"database": _database_status()}
    if settings.REDIS_URL:
        checks["redis"] = _redis_status(settings.REDIS_URL)
    down = sorted(name for name, status in checks.items() if status != "ok")
    status = "unavailable" if "database" in down else "degraded" if down else "ok"
    body: dict[str, Any] = {
        "status": status,
        "down": down,
        "checks": checks,
        "fallbacks_in_this_process": degraded_counts(),
    }
    if settings.REDIS_URL:
        body.update(_celery_status(redis_up=checks["redis"] == "ok"))
    return JsonResponse(body, status=503 if status == "unavailable" else 200)


def _database_status() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:
        return f"down: {type(exc).__name__}"
    return "ok"


def _redis_status(url: str) -> str:
    import redis

    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1)
        client.ping()
    except Exception as exc:
        return f"down: {type(exc).__name__}"
    return "ok"


def _celery_status(*, redis_up: bool) -> dict[str, Any]:
    """Workers and beat seen in the last minute (unknown while Redis is down)."""
    if not redis_up:
        return {"workers": None, "beat": None}
    try:
        alive = heartbeats_alive()
    except Exception:
        return {"workers": None, "beat": None}
    return {
        "workers": {"alive": len(alive["worker"]), "names": alive["worker"]},
        "beat": {"alive": bool(alive["beat"])},
    }
