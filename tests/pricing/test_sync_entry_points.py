"""The command, the network path and the Celery task all run the same sync."""

import datetime as dt
import json

import pytest
from django.core.management import CommandError, call_command

from pricing.models import PricePoint, SyncRun
from pricing.tasks import sync_prices
from tests.pricing.feeds import feed, write
from tests.pricing.local_server import reply

pytestmark = pytest.mark.django_db


def test_the_command_shows_progress_and_counts(tmp_path, capsys):
    path = write(tmp_path / "feed.json", feed())

    call_command("sync_prices", "--file", str(path), "--as-of", "2026-01-05")

    out = capsys.readouterr().out
    assert "60/60 entries" in out
    assert "Applied" in out
    assert "60 offerings added" in out
    assert SyncRun.objects.get().as_of == dt.date(2026, 1, 5)


def test_the_command_exits_non_zero_and_says_why_when_a_feed_is_refused(tmp_path):
    path = tmp_path / "broken.json"
    path.write_text('{"truncated": ')

    with pytest.raises(CommandError, match=r"refused.*JSON"):
        call_command("sync_prices", "--file", str(path), verbosity=0)


def test_the_command_rejects_a_malformed_date(tmp_path):
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("sync_prices", "--file", "x.json", "--as-of", "05/01/2026")


def test_the_command_dry_run_writes_nothing(tmp_path, capsys):
    path = write(tmp_path / "feed.json", feed())

    call_command("sync_prices", "--file", str(path), "--dry-run")

    assert "Dry run" in capsys.readouterr().out
    assert PricePoint.objects.count() == 0


def test_a_sync_over_http_survives_one_500_and_uses_the_etag_next_time(server, settings):
    body = json.dumps(feed()).encode()
    served = {"n": 0}

    def flaky_then_conditional(handler, hit):
        served["n"] += 1
        if hit == 1:
            reply(handler, 500, b"try again")
        elif handler.headers.get("If-None-Match") == '"v1"':
            handler.send_response(304)
            handler.end_headers()
        else:
            reply(handler, 200, body, {"ETag": '"v1"'})

    server.routes["/prices.json"] = flaky_then_conditional

    first = call_sync(server.url("/prices.json"))
    second = call_sync(server.url("/prices.json"))

    assert first.outcome == SyncRun.Outcome.APPLIED
    assert first.etag == '"v1"'
    assert second.outcome == SyncRun.Outcome.UNCHANGED
    assert "304" in second.reason
    assert served["n"] == 3


def call_sync(url):
    from pricing.services import prices_sync

    return prices_sync(url=url, as_of=dt.date(2026, 1, 5))


def test_a_server_error_twice_is_recorded_as_a_failed_run(server):
    server.routes["/down.json"] = lambda handler, hit: reply(handler, 503, b"down")

    with pytest.raises(CommandError, match="HTTP 503"):
        call_command("sync_prices", "--url", server.url("/down.json"), verbosity=0)

    run = SyncRun.objects.get()
    assert run.outcome == SyncRun.Outcome.REFUSED
    assert run.location.endswith("/down.json")


def test_a_redirect_elsewhere_on_this_machine_is_refused_and_every_hop_recorded(server):
    """The attack: the feed's server redirects the sync to another port of the machine the
    site runs on (here: the same local server, a path standing for another service)."""
    body = json.dumps(feed()).encode()
    server.routes["/moved.json"] = lambda handler, hit: reply(
        handler, 302, b"", {"Location": server.url("/prices.json")}
    )
    server.routes["/prices.json"] = lambda handler, hit: reply(handler, 200, body)

    with pytest.raises(CommandError, match="not following the redirect"):
        call_command("sync_prices", "--url", server.url("/moved.json"), verbosity=0)

    run = SyncRun.objects.get()
    assert run.outcome == SyncRun.Outcome.REFUSED
    assert run.hops == [server.url("/moved.json")]
    assert server.hits["/prices.json"] == 0
    assert not PricePoint.objects.exists()


def test_the_weekly_task_queues_one_sync_per_configured_source(server, settings, eager_tasks):
    body = json.dumps(feed()).encode()
    server.routes["/prices.json"] = lambda handler, hit: reply(handler, 200, body)
    settings.PRICE_SYNC_SOURCES = ["litellm"]
    settings.PRICE_MAP_URL = server.url("/prices.json")

    result = sync_prices.apply().get()

    assert result == {"queued": ["litellm"]}
    run = SyncRun.objects.get()
    assert (run.source, run.outcome, run.location) == (
        "litellm",
        "applied",
        server.url("/prices.json"),
    )


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_the_weekly_task_syncs_through_a_real_worker(celery_worker_process, server, settings):
    if settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"):
        pytest.skip("the worker process cannot share an in-memory SQLite test database")
    body = json.dumps(feed()).encode()
    server.routes["/prices.json"] = lambda handler, hit: reply(handler, 200, body)

    result = sync_prices.delay(url=server.url("/prices.json"), source="litellm").get(timeout=60)

    run_id = result["sync_run"]
    assert isinstance(run_id, int)
    run = SyncRun.objects.get(pk=run_id)
    assert run.outcome == SyncRun.Outcome.APPLIED
    assert PricePoint.objects.filter(offering__source_key="o4-mini").count() == 1
