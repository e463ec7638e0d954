"""Shared fixtures: services, a real Celery worker, users."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent


def services_required() -> bool:
    return os.environ.get("TOKONOMIX_REQUIRE_SERVICES", "").lower() in {"1", "true", "yes"}


def skip_or_fail(reason: str) -> None:
    """Skip a test whose service is missing, printing why; in CI a missing service fails it."""
    if services_required():
        pytest.fail(f"required service missing: {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def redis_url() -> str:
    if not settings.REDIS_URL:
        skip_or_fail("REDIS_URL is not set, so there is no Redis to test against")
    return settings.REDIS_URL


def celery_env(**extra: str) -> dict[str, str]:
    """The environment for a Celery process of the tests: the test database, the broker."""
    env = dict(os.environ)
    database = settings.DATABASES["default"]
    if database["ENGINE"].endswith("postgresql"):
        env["DATABASE_URL"] = (
            f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/{database['NAME']}"
        )
    else:
        env["DATABASE_URL"] = f"sqlite:///{database['NAME']}"
    env["CELERY_TASK_ALWAYS_EAGER"] = "false"
    env.update(extra)
    return env


@pytest.fixture(scope="session")
def celery_worker_process(
    redis_url: str, django_db_setup: None
) -> Iterator[subprocess.Popen[bytes]]:
    """A real Celery worker on the Redis broker, using the test database."""
    env = celery_env()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "tokonomix",
            "worker",
            "--pool=solo",
            "--concurrency=1",
            "--loglevel=WARNING",
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
            "-n",
            f"test-{os.getpid()}@%h",
        ],
        cwd=ROOT,
        env=env,
    )
    from tokonomix.celery import app

    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"the Celery worker exited with {process.returncode}")
        replies = app.control.ping(timeout=0.5)
        if replies:
            break
    else:
        process.terminate()
        pytest.fail("the Celery worker did not answer within 30 s")
    yield process
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings) -> None:
    """Tests create many users; the production hasher is slow on purpose."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _media_in_a_temporary_folder(settings, tmp_path_factory) -> None:
    """Uploads and the demo's illustrations are written under pytest's temporary folder,
    never into the project's media/."""
    settings.MEDIA_ROOT = tmp_path_factory.getbasetemp() / "media"


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> Iterator[None]:
    """Each test starts with empty in-process rate-limit windows and the real clock."""
    from tokonomix.core.degraded import redis_breaker
    from tokonomix.core.ratelimit import limiter

    limiter.in_process.clear()
    redis_breaker.reset()
    if settings.REDIS_URL:
        import redis

        client = redis.Redis.from_url(settings.REDIS_URL)
        prefix = settings.CACHES["default"].get("KEY_PREFIX", "")
        for key in client.scan_iter(f"{prefix}:ratelimit:*"):
            client.delete(key)
    clock = limiter.clock
    yield
    limiter.clock = clock


@pytest.fixture
def editor(db: None) -> Any:
    from tests import factories

    return factories.editor()


@pytest.fixture
def reviewer(db: None) -> Any:
    from tests import factories

    return factories.reviewer()


@pytest.fixture
def eager_tasks() -> Iterator[None]:
    """Run .delay() in-process for one test, even when REDIS_URL points at a real broker."""
    from tokonomix.celery import app

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    try:
        yield
    finally:
        app.conf.task_always_eager = previous
