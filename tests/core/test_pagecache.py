"""Anonymous readers get pages from the shared cache until the data behind them changes."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.contrib.admin.sites import site as admin_site
from django.utils import timezone

from models_catalog.models import Model
from pricing.services import prices_sync
from tests import factories
from tests.api.conftest import DEMO_DATE, DEMO_MAP
from tests.benchmarks.conftest import recorded_run
from tests.factories import publish
from tokonomix.core.pagecache import CACHE_HEADER, pages_invalidate
from tokonomix.editorial.models import Verdict

pytestmark = pytest.mark.django_db

PAGE = "/en/models/o4-mini/"


@pytest.fixture(autouse=True)
def page_cache_on(settings):
    settings.PAGE_CACHE_SECONDS = 60
    pages_invalidate()


@pytest.fixture
def o4() -> Model:
    prices_sync(path=DEMO_MAP, as_of=DEMO_DATE)
    return Model.objects.get(slug="o4-mini")


def served(client, path: str = PAGE, **extra) -> str:
    response = client.get(path, **extra)
    assert response.status_code == 200
    return response.get(CACHE_HEADER, "")


def test_a_second_anonymous_visit_is_served_from_the_cache(client, o4, django_assert_num_queries):
    assert served(client) == "miss"

    with django_assert_num_queries(0):
        response = client.get(PAGE)

    assert response[CACHE_HEADER] == "hit"
    assert b"o4-mini" in response.content


def test_the_query_string_and_the_path_are_part_of_the_key(client, o4):
    served(client)

    assert served(client, PAGE + "?input_tokens=5000") == "miss"
    assert served(client, "/en/") == "miss"
    assert served(client, PAGE + "?input_tokens=5000") == "hit"


def test_nothing_is_cached_when_the_setting_is_zero(client, o4, settings):
    settings.PAGE_CACHE_SECONDS = 0

    assert served(client) == ""
    assert served(client) == ""


def test_signed_in_users_and_staff_previews_always_get_a_fresh_page(client, o4):
    served(client)
    staff = factories.user(staff=True)
    client.force_login(staff)
    o4.is_published = False
    Model.objects.filter(pk=o4.pk).update(is_published=False)  # no signal: no invalidation

    assert served(client) == ""
    assert client.get(PAGE).status_code == 200


def test_error_pages_are_not_cached(client, o4):
    assert client.get("/en/models/no-such-model/").status_code == 404
    assert CACHE_HEADER not in client.get("/en/models/no-such-model/")


def test_an_applied_price_sync_drops_the_cached_pages(client, o4, tmp_path):
    served(client)

    prices = json.loads(DEMO_MAP.read_text())
    prices["o4-mini"]["input_cost_per_token"] /= 2
    cut = tmp_path / "cut.json"
    cut.write_text(json.dumps(prices))

    prices_sync(path=cut, as_of=DEMO_DATE + dt.timedelta(days=7))

    assert served(client) == "miss"


def test_a_sync_that_changes_nothing_keeps_them(client, o4):
    served(client)

    prices_sync(path=DEMO_MAP, as_of=DEMO_DATE)

    assert served(client) == "hit"


def test_a_finished_speed_test_drops_the_cached_pages(client, o4):
    served(client)

    recorded_run(o4, [{"started_at": timezone.now(), "latency_ms": 900.0}])

    assert served(client) == "miss"


def test_each_workflow_step_drops_the_cached_pages(client, o4):
    editor = factories.group_user("Editors")
    reviewer = factories.group_user("Reviewers")
    verdict = Verdict.objects.create(model=o4, date=dt.date(2026, 11, 17), headline="Bargain")
    steps = [
        lambda: verdict.record_revision(by=editor),
        lambda: verdict.submit(by=editor),
        lambda: verdict.approve(by=reviewer),
        lambda: verdict.publish(by=reviewer),
        lambda: verdict.archive(by=reviewer),
    ]
    for step in steps:
        served(client)
        assert served(client) == "hit"
        step()
        assert served(client) == "miss"


def test_a_published_verdict_appears_at_once(client, o4):
    editor = factories.group_user("Editors")
    reviewer = factories.group_user("Reviewers")
    served(client)
    verdict = Verdict.objects.create(model=o4, date=dt.date(2026, 11, 17), headline="Bargain")

    publish(verdict, editor=editor, reviewer=reviewer)

    assert "Bargain" in client.get(PAGE).content.decode()


def test_an_admin_save_of_a_catalogue_row_drops_the_cached_pages(client, o4):
    admin = factories.user(superuser=True)
    staff_client = type(client)()
    staff_client.force_login(admin)
    served(client)

    response = staff_client.post(
        f"/admin/models_catalog/provider/{o4.provider.pk}/change/",
        {"name": "OpenAI, renamed", "slug": o4.provider.slug, "country": "", "website": ""},
    )

    assert response.status_code == 302, response.content[:500]
    assert served(client) == "miss"
    assert "OpenAI, renamed" in client.get(PAGE).content.decode()


def test_adding_a_peer_drops_the_cached_pages(client, o4):
    served(client)

    o4.peers.add(Model.objects.get(slug="o3"))

    assert served(client) == "miss"


def test_bookkeeping_rows_do_not_drop_the_cached_pages(client, o4):
    from pricing.models import SyncRun

    served(client)

    SyncRun.objects.create(source="litellm", location="x", as_of=DEMO_DATE)

    assert served(client) == "hit"


def test_the_admin_registers_the_models_whose_saves_are_watched():
    assert any(m._meta.label_lower == "models_catalog.provider" for m in admin_site._registry)


def test_a_page_kept_in_the_process_is_served_only_while_its_version_is_current(
    client, o4, monkeypatch
):
    from django.core.cache import cache
    from django.test import RequestFactory
    from django.utils import translation

    from tokonomix.core import pagecache
    from tokonomix.core.pagecache import VERSION_KEY, VERSION_TRUSTED_SECONDS, page_key

    now = [1000.0]
    monkeypatch.setattr(pagecache.time, "monotonic", lambda: now[0])
    assert served(client) == "miss"
    with translation.override("en"):
        shared_copy = page_key(RequestFactory().get(PAGE))
    # The shared copy is gone (evicted, say): the process's own copy still serves...
    cache.delete(shared_copy)
    assert served(client) == "hit"
    # ...but not once another process has moved the content version on: within the
    # time this process trusts the version it read, and from then on.
    cache.set(VERSION_KEY, "another-version")
    now[0] += VERSION_TRUSTED_SECONDS
    assert served(client) == "miss"
    assert served(client) == "hit"


def test_a_change_made_in_this_process_is_seen_at_once(client, o4):
    from tokonomix.core.pagecache import pages_invalidate

    assert served(client) == "miss"
    assert served(client) == "hit"
    pages_invalidate()
    assert served(client) == "miss"


def test_the_process_keeps_a_bounded_number_of_pages_and_drops_expired_ones(settings, monkeypatch):
    from tokonomix.core import pagecache

    settings.PAGE_CACHE_SECONDS = 10
    now = [1000.0]
    monkeypatch.setattr(pagecache.time, "monotonic", lambda: now[0])
    pages = pagecache._ProcessPages(size=2)
    for key in ("a", "b", "c"):
        pages.put(key, ("v", key.encode(), []))

    assert pages.get("a") is None  # the oldest made room
    assert pages.get("b") == ("v", b"b", [])
    now[0] += 11
    assert pages.get("b") is None and pages.get("c") is None  # expired with the shared copy


def test_a_sync_replaces_the_version_once_not_once_per_saved_row(monkeypatch):
    from tokonomix.core import pagecache

    replaced: list[str] = []
    new_version = pagecache._new_version

    def counted() -> str:
        replaced.append("version")
        return new_version()

    monkeypatch.setattr(pagecache, "_new_version", counted)

    run = prices_sync(path=DEMO_MAP, as_of=DEMO_DATE)

    assert run.added > 50  # hundreds of rows saved...
    assert replaced == ["version"]  # ...and the pages dropped once
    Model.objects.get(slug="o4-mini").save()  # outside a sync, a saved row still drops them
    assert len(replaced) == 2
