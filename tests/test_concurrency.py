"""Races that only a real database with row locks can show: PostgreSQL only.

SQLite serialises every write anyway, so these tests skip there (with the reason shown).
"""

import datetime as dt
import threading

import pytest
from django.db import connection, connections, transaction

from pricing.models import SyncLock, SyncRun
from pricing.services import prices_sync
from tests import factories
from tests.pricing.feeds import feed, write
from tokonomix.core.workflow.models import Approval

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("row-lock races need PostgreSQL (DATABASE_URL); SQLite serialises writes")


def in_thread(function):
    """Run `function` in a thread with its own database connection; return its outcome."""
    outcome: dict[str, object] = {}

    def target():
        try:
            outcome["value"] = function()
        except Exception as error:
            outcome["error"] = error
        finally:
            connections.close_all()

    thread = threading.Thread(target=target)
    thread.start()
    return thread, outcome


def test_a_second_sync_waits_for_the_first_to_finish_writing(tmp_path):
    path = write(tmp_path / "feed.json", feed())
    with transaction.atomic():
        # Hold the lock the way a running sync does.
        lock, _ = SyncLock.objects.get_or_create(source="litellm")
        SyncLock.objects.select_for_update().get(pk=lock.pk)
        thread, outcome = in_thread(lambda: prices_sync(path=path, as_of=dt.date(2026, 1, 5)))
        thread.join(timeout=2)
        assert thread.is_alive(), "the second sync wrote while the lock was held"
        assert not SyncRun.objects.filter(outcome=SyncRun.Outcome.APPLIED).exists()
    thread.join(timeout=30)

    assert outcome["value"].outcome == SyncRun.Outcome.APPLIED


def test_two_reviewers_approving_at_once_make_exactly_one_approval():
    editor = factories.group_user("Editors")
    reviewers = [factories.group_user("Reviewers") for _ in range(2)]
    item = factories.profile(by=editor)
    item.submit(by=editor)
    barrier = threading.Barrier(2)

    def approve(reviewer):
        def run():
            from tokonomix.editorial.models import ModelProfile

            copy = ModelProfile.objects.get(pk=item.pk)
            barrier.wait(timeout=10)
            copy.approve(by=reviewer)
            return "approved"

        return run

    threads = [in_thread(approve(reviewer)) for reviewer in reviewers]
    for thread, _outcome in threads:
        thread.join(timeout=30)

    results = sorted(str(o.get("value") or type(o.get("error")).__name__) for _t, o in threads)
    assert results == ["ValidationError", "approved"]
    assert Approval.objects.count() == 1
