"""With Redis gone, the site degrades and never answers 500: a real gunicorn on a demo
database, a Redis of the test's own that the test stops, and a walk through pages, API
and forms. Then Redis comes back and the page cache serves again."""

from __future__ import annotations

import http.cookiejar
import os
import re
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import ROOT, skip_or_fail


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for_port(port: int, timeout_s: float = 30) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise AssertionError(f"nothing answered on port {port} within {timeout_s} s")


class Redis:
    def __init__(self, port: int, workdir: Path) -> None:
        self.port = port
        self.workdir = workdir
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.workdir),
            ],
            stdout=subprocess.DEVNULL,
        )
        wait_for_port(self.port)

    def stop(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait(timeout=10)
            self.process = None


@pytest.fixture
def site(tmp_path: Path) -> Iterator[dict[str, object]]:
    """gunicorn (one worker) on a demo SQLite database, with Redis as cache and broker."""
    if shutil.which("redis-server") is None:
        skip_or_fail("redis-server is not installed, so there is no Redis to stop")
    redis = Redis(free_port(), tmp_path)
    redis.start()
    web_port = free_port()
    env = {
        **os.environ,
        "DJANGO_READ_DOT_ENV": "false",
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": "outage-test-" + "k" * 40,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "DJANGO_SECURE_COOKIES": "false",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'site.sqlite3'}",
        "REDIS_URL": f"redis://127.0.0.1:{redis.port}/0",
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "PAGE_CACHE_SECONDS": "300",
    }
    env.pop("TOKONOMIX_REQUIRE_SERVICES", None)
    manage = [sys.executable, "manage.py"]
    subprocess.run([*manage, "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
    subprocess.run(
        [*manage, "load_demo", "--no-live-test"],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    # The demo's simulated targets on: the testbench then has models to offer.
    enable = "from benchmarks.models import SpeedTarget; SpeedTarget.objects.update(enabled=True)"
    subprocess.run([*manage, "shell", "-c", enable], cwd=ROOT, env=env, check=True)
    web = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "tokonomix.wsgi:application",
            "--bind",
            f"127.0.0.1:{web_port}",
            "--workers",
            "1",
            "--timeout",
            "60",
        ],
        cwd=ROOT,
        env=env,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for_port(web_port)
        yield {
            "base": f"http://127.0.0.1:{web_port}",
            "redis": redis,
            "db": tmp_path / "site.sqlite3",
        }
    finally:
        web.terminate()
        web.wait(timeout=15)
        redis.stop()


class Browser:
    def __init__(self, base: str) -> None:
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect()
        )

    def get(self, path: str) -> tuple[int, dict[str, str], str]:
        return self._open(urllib.request.Request(self.base + path))

    def post(self, path: str, data: dict[str, object]) -> tuple[int, dict[str, str], str]:
        token = next((c.value for c in self.jar if c.name == "csrftoken"), "")
        fields = [
            (k, str(v)) for k, vs in data.items() for v in (vs if isinstance(vs, list) else [vs])
        ]
        body = urllib.parse.urlencode([*fields, ("csrfmiddlewaretoken", token)]).encode()
        request = urllib.request.Request(
            self.base + path, data=body, headers={"Referer": self.base + path}
        )
        return self._open(request)

    def _open(self, request: urllib.request.Request) -> tuple[int, dict[str, str], str]:
        try:
            with self.opener.open(request, timeout=30) as response:
                return response.status, dict(response.headers), response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers), error.read().decode()


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


READER_PAGES = [
    "/en/",
    "/en/models/o4-mini/",
    "/en/models/",
    "/en/compare/?models=o4-mini,o3",
    "/en/benchmarks/speed/",
    "/en/pricing/changes/",
    "/en/leaderboard.csv",
    "/en/verdicts/feed/",
    "/api/v1/models",
    "/api/v1/models/o4-mini/speed",
    "/api/v1/prices/changes",
]


@pytest.mark.services
def test_with_redis_gone_pages_api_and_forms_answer_and_nothing_is_lost(site):
    browser = Browser(str(site["base"]))
    redis: Redis = site["redis"]  # type: ignore[assignment]
    status, headers, _ = browser.get("/en/")
    assert (status, headers.get("X-Page-Cache")) == (200, "miss")
    assert browser.get("/en/")[1].get("X-Page-Cache") == "hit"

    redis.stop()

    for path in READER_PAGES:
        status, headers, body = browser.get(path)
        assert status == 200, (path, status, body[:300])
    assert browser.get("/en/")[1].get("X-Page-Cache") == "unavailable"
    status, _, body = browser.get("/readyz")
    assert status == 200 and '"degraded"' in body and '"redis"' in body

    # Sign-up counts in process while Redis is away, and works.
    browser.get("/en/accounts/signup/")
    password = "a-long-outage-password-42"
    status, headers, body = browser.post(
        "/en/accounts/signup/",
        {"username": "outage-reader", "password1": password, "password2": password},
    )
    assert status == 302, body[:500]

    # A testbench run needs the broker: a clear 503, the run failed and charging nothing.
    status, _, form = browser.get("/en/live-test/")
    assert status == 200
    offered = re.findall(r'name="models" value="(\d+)"', form)
    assert len(offered) >= 2, "the demo offers simulated models to test"
    status, _, body = browser.post(
        "/en/live-test/",
        {"models": offered[:2], "prompt": "Hello", "system_prompt": "", "max_output_tokens": 50},
    )
    assert status == 503
    assert "try again in a few minutes" in body
    with sqlite3.connect(site["db"]) as database:
        runs = database.execute("SELECT status FROM benchmarks_testbenchrun").fetchall()
        held = database.execute("SELECT SUM(budget_usd) FROM benchmarks_testbenchresult").fetchone()
    assert runs == [("failed",)]
    assert float(held[0] or 0) == 0

    redis.start()
    time.sleep(6)  # the breaker's rest after the last failure
    reader = Browser(str(site["base"]))  # anonymous again: signed-in pages are never cached
    assert reader.get("/en/models/o4-mini/")[1].get("X-Page-Cache") == "miss"
    assert reader.get("/en/models/o4-mini/")[1].get("X-Page-Cache") == "hit"
