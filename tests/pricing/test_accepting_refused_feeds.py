"""A feed the shrink guard refused can be applied on purpose, from the command line or the
admin, and the run records who did it, when, and how many offerings it dropped."""

import datetime as dt
from pathlib import Path

import pytest
from django.contrib.auth.models import Permission
from django.core.management import CommandError, call_command
from django.urls import reverse

from models_catalog.models import Offering
from pricing.models import PricePoint, SyncRun
from pricing.services import prices_sync
from tests import factories
from tests.pricing.feeds import feed, write

pytestmark = pytest.mark.django_db

DAY_1 = dt.date(2026, 1, 5)
DAY_2 = dt.date(2026, 1, 12)
SHRUNK = feed(150, **{f"model-{n}": None for n in range(90)})  # drops 90 of 150


@pytest.fixture
def refused_run(tmp_path):
    prices_sync(path=write(tmp_path / "full.json", feed(150)), as_of=DAY_1)
    path = write(tmp_path / "shrunk.json", SHRUNK)
    with pytest.raises(CommandError) as refused:
        call_command("sync_prices", "--file", str(path), "--as-of", str(DAY_2), verbosity=0)
    assert "--accept-drops" in str(refused.value)
    return SyncRun.objects.get(outcome=SyncRun.Outcome.REFUSED)


def test_a_refused_run_records_how_many_offerings_it_would_drop(refused_run):
    assert refused_run.would_drop == 90
    assert "Apply anyway" in refused_run.reason
    assert Offering.objects.listed().count() == 150


def test_accept_drops_applies_the_feed_and_records_who_when_and_how_many(refused_run, capsys):
    points = PricePoint.objects.count()

    call_command(
        "sync_prices", "--file", refused_run.location, "--as-of", str(DAY_2), "--accept-drops"
    )

    run = SyncRun.objects.get(outcome=SyncRun.Outcome.APPLIED, as_of=DAY_2)
    assert run.would_drop == 90
    assert run.delisted == 90
    assert run.drops_accepted_at is not None
    assert "manage.py sync_prices --accept-drops" in run.drops_accepted_by_name
    assert "90 offerings no longer listed were delisted" in capsys.readouterr().out
    # Delisted, never deleted: every offering and its history stays.
    assert Offering.objects.count() == 150
    assert Offering.objects.listed().count() == 60
    assert PricePoint.objects.count() == points


def test_accept_drops_records_nothing_when_the_guard_had_nothing_to_refuse(tmp_path):
    run = prices_sync(path=write(tmp_path / "f.json", feed()), as_of=DAY_1, accept_drops=True)

    assert (run.would_drop, run.drops_accepted_at, run.drops_accepted_by_name) == (0, None, "")


def _apply_anyway(client, run):
    return client.post(
        reverse("admin:pricing_syncrun_changelist"),
        {"action": "apply_anyway", "_selected_action": [run.pk]},
        follow=True,
    )


def test_staff_with_the_permission_apply_a_refused_run_from_the_admin(refused_run, client):
    staff = factories.user(staff=True)
    staff.user_permissions.add(
        Permission.objects.get(codename="view_syncrun"),
        Permission.objects.get(codename="apply_refused_feed"),
    )
    client.force_login(staff)

    response = _apply_anyway(client, refused_run)

    assert response.status_code == 200
    applied = SyncRun.objects.get(accepts_run=refused_run)
    assert applied.outcome == SyncRun.Outcome.APPLIED
    assert applied.drops_accepted_by == staff
    assert applied.drops_accepted_by_name == staff.get_username()
    assert applied.delisted == 90
    assert Offering.objects.listed().count() == 60


def test_staff_without_the_permission_get_no_apply_anyway_action(refused_run, client):
    staff = factories.user(staff=True)
    staff.user_permissions.add(Permission.objects.get(codename="view_syncrun"))
    client.force_login(staff)

    page = client.get(reverse("admin:pricing_syncrun_changelist")).content.decode()
    _apply_anyway(client, refused_run)

    assert "apply_anyway" not in page
    assert not SyncRun.objects.filter(accepts_run=refused_run).exists()
    assert Offering.objects.listed().count() == 150


def test_apply_anyway_refuses_a_feed_that_changed_since_it_was_refused(refused_run, client):
    write(Path(refused_run.location), feed(150))
    client.force_login(factories.user(staff=True, superuser=True))

    response = _apply_anyway(client, refused_run)

    assert "no longer the one sync run" in response.content.decode()
    assert Offering.objects.listed().count() == 150
