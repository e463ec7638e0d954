"""A sentinel API key never reaches a database row, log line, task message, result or page."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest
from django.apps import apps
from django.core import serializers
from django.db.models import Model as DjangoModel

from benchmarks.models import SpeedTestRun
from benchmarks.simulator import SimulatedModel, SimulatorServer
from benchmarks.speed.services import SpeedTestError, speed_run_create_for_target, speedtest_execute
from benchmarks.speed.tasks import run_speedtest
from tests import factories

from .conftest import FAST, speed_target

SENTINEL = "sk-tokonomix-SENTINEL-7f3a9c1e5b"
KEY_VAR = "TOKONOMIX_SENTINEL_KEY"

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_speedtests")]


@pytest.fixture(autouse=True)
def sentinel_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(KEY_VAR, SENTINEL)


@pytest.fixture
def server() -> Iterator[SimulatorServer]:
    # Requires the sentinel: any other key is answered 401 with the presented key echoed.
    models = {"fast": SimulatedModel(**FAST), "stalls": SimulatedModel(**FAST, fault="stall")}
    with SimulatorServer(models, api_key=SENTINEL) as running:
        yield running


@pytest.fixture
def wrong_key_server() -> Iterator[SimulatorServer]:
    with SimulatorServer({"fast": SimulatedModel(**FAST)}, api_key="a-different-key") as running:
        yield running


def every_row_as_text() -> str:
    objects: list[DjangoModel] = []
    for model in apps.get_models():
        objects.extend(model._default_manager.all())
    return serializers.serialize("json", objects)


def assert_nowhere(text: str, caplog: pytest.LogCaptureFixture) -> None:
    assert SENTINEL not in text
    assert SENTINEL not in caplog.text
    for record in caplog.records:
        assert SENTINEL not in record.getMessage()
    assert SENTINEL not in every_row_as_text()


def run_target(base_url: str, api_model: str = "fast") -> tuple[SpeedTestRun, dict[str, object]]:
    """Through the Celery task (eager here): its arguments and result are checked too."""
    target = speed_target(base_url=base_url, api_model=api_model, api_key_env=KEY_VAR)
    run = speed_run_create_for_target(target=target, source="scheduled")
    result = run_speedtest.apply(args=(run.pk,))
    assert SENTINEL not in repr(result.args) + repr(result.kwargs)
    assert SENTINEL not in repr(result.result)
    run.refresh_from_db()
    outcome = result.result
    assert isinstance(outcome, dict)
    return run, outcome


def pages(client, run: SpeedTestRun) -> str:  # type: ignore[no-untyped-def]
    slug = run.model.slug
    client.force_login(factories.user(superuser=True))
    texts = [
        client.get(f"/en/models/{slug}/").content.decode(),
        client.get(f"/api/v1/models/{slug}/speed").content.decode(),
        b"".join(client.get(f"/api/v1/models/{slug}/speed.csv").streaming_content).decode(),
        client.get(f"/admin/benchmarks/speedtestrun/{run.pk}/change/").content.decode(),
        client.get("/admin/benchmarks/speedsample/").content.decode(),
        client.get("/admin/benchmarks/speedtarget/").content.decode(),
    ]
    return "\n".join(texts)


def test_the_key_stays_secret_on_success(client, server, caplog) -> None:  # type: ignore[no-untyped-def]
    caplog.set_level(logging.DEBUG)

    run, result = run_target(server.base_url)

    assert result["ok"] == 3  # the key really was sent and accepted
    assert_nowhere(pages(client, run), caplog)


def test_the_key_stays_secret_when_the_server_answers_401_echoing_it(
    client,
    wrong_key_server,
    caplog,  # type: ignore[no-untyped-def]
) -> None:
    caplog.set_level(logging.DEBUG)

    run, result = run_target(wrong_key_server.base_url)

    assert result["errors"] == 3
    errors = list(run.samples.values_list("status", "error"))
    assert errors[0][0] == "auth_error"
    assert "[redacted]" in errors[0][1]  # the echoed key was scrubbed
    assert_nowhere(pages(client, run), caplog)


def test_the_key_stays_secret_on_timeouts(client, server, caplog) -> None:  # type: ignore[no-untyped-def]
    caplog.set_level(logging.DEBUG)

    run, _result = run_target(server.base_url, api_model="stalls")

    assert set(run.samples.values_list("status", flat=True)) == {"timeout"}
    assert_nowhere(pages(client, run), caplog)


def test_the_key_stays_secret_when_the_run_breaks_with_an_exception(
    client,
    server,
    caplog,  # type: ignore[no-untyped-def]
) -> None:
    caplog.set_level(logging.DEBUG)
    target = speed_target(base_url=server.base_url, api_key_env=KEY_VAR)
    run = speed_run_create_for_target(target=target, source="scheduled")

    def explode(result: object) -> None:
        raise RuntimeError(f"something broke while holding {SENTINEL}")

    with pytest.raises(SpeedTestError) as raised:
        speedtest_execute(run_id=run.pk, on_sample=explode)

    assert SENTINEL not in str(raised.value)
    assert raised.value.__cause__ is None and raised.value.__suppress_context__
    run.refresh_from_db()
    assert run.status == "failed"
    assert "[redacted]" in run.reason
    assert_nowhere(pages(client, run), caplog)
