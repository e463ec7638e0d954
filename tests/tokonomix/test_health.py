import pytest
from django.db import OperationalError, connection


def test_healthz_answers_ok_without_touching_the_database(client):
    # No `db` fixture: pytest-django makes any database access raise here.
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.content == b"ok"


def test_healthz_is_not_redirected_to_https(client, settings):
    settings.SECURE_SSL_REDIRECT = True

    assert client.get("/healthz").status_code == 200


def test_readyz_answers_200_when_the_database_answers(client, db):
    response = client.get("/readyz")

    assert response.status_code == 200
    assert response.json()["checks"]["database"] == "ok"


def test_readyz_says_degraded_but_ready_when_only_redis_is_down(client, db, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1

    response = client.get("/readyz")

    # Pages and the API still answer without Redis: the node stays in rotation.
    assert response.status_code == 200
    assert response.json()["status"] == "degraded"
    assert response.json()["down"] == ["redis"]
    assert response.json()["checks"]["redis"].startswith("down")
    assert response.json()["workers"] is None and response.json()["beat"] is None


def test_readyz_answers_503_naming_the_database_when_it_is_down(client, db, monkeypatch):
    def broken_cursor(*args, **kwargs):
        raise OperationalError("connection refused")

    with monkeypatch.context() as patched:
        patched.setattr(connection, "cursor", broken_cursor)
        response = client.get("/readyz")

    assert response.status_code == 503
    assert response.json()["down"] == ["database"]


@pytest.mark.services
def test_readyz_reports_workers_and_beat_from_their_heartbeats(client, db, redis_url):
    import time

    from tokonomix.core.heartbeat import HASH, _redis

    redis = _redis()
    redis.delete(HASH)
    redis.hset(HASH, "worker:w1@box", f"{time.time():.3f}")
    redis.hset(HASH, "worker:w2@gone", f"{time.time() - 600:.3f}")  # stopped long ago

    body = client.get("/readyz").json()

    assert body["status"] == "ok"
    assert body["workers"] == {"alive": 1, "names": ["w1@box"]}
    assert body["beat"] == {"alive": False}
    redis.hset(HASH, "beat:host", f"{time.time():.3f}")
    assert client.get("/readyz").json()["beat"] == {"alive": True}
    redis.delete(HASH)


def test_the_gunicorn_config_serves_the_probes_on_a_port_of_their_own(tmp_path):
    """docker/gunicorn.conf.py binds the site and the probes apart, so a load balancer's
    /readyz never waits in the queue of page requests (timed in make bench)."""
    import os
    import socket
    import subprocess
    import sys
    import time
    import urllib.request
    from pathlib import Path

    def free_port() -> int:
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            return int(sock.getsockname()[1])

    root = Path(__file__).resolve().parents[2]
    site, probes = free_port(), free_port()
    env = {
        **os.environ,
        "PORT": str(site),
        "PROBE_PORT": str(probes),
        "WEB_CONCURRENCY": "1",
        "DJANGO_SECRET_KEY": "probe-test-" + "k" * 40,
        "DJANGO_READ_DOT_ENV": "false",
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'probe.sqlite3'}",
    }
    env.pop("REDIS_URL", None)
    gunicorn = Path(sys.executable).parent / "gunicorn"
    web = subprocess.Popen(
        [str(gunicorn), "tokonomix.wsgi:application", "-c", "docker/gunicorn.conf.py"],
        cwd=root,
        env=env,
        stderr=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
    )
    try:
        answers = {}
        deadline = time.monotonic() + 30
        for port in (site, probes):
            while True:
                try:
                    with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz") as response:
                        answers[port] = response.read()
                    break
                except OSError:
                    assert time.monotonic() < deadline, "gunicorn did not answer"
                    time.sleep(0.1)
    finally:
        web.terminate()
        web.wait(timeout=15)

    assert answers == {site: b"ok", probes: b"ok"}
