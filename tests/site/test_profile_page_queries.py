"""The profile page reads a fixed, small number of rows, however long the model's history."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from models_catalog.models import Model
from pricing.models import PricePoint
from pricing.services import prices_sync
from tests import factories
from tests.api.conftest import DEMO_DATE, DEMO_MAP, score, verdict
from tests.benchmarks.conftest import recorded_run
from tests.factories import publish

pytestmark = pytest.mark.django_db

# 15, plus what each source says of the model's facts and the open disputes between them,
# and the models the reviewed texts name (their claims are checked): once for the profile,
# once for all the verdicts.
MAX_QUERIES = 19


def add_weekly_prices(model: Model, weeks: int) -> None:
    """Weekly points on the reference offering up to last week, the price moving now and then."""
    offering = model.reference_offering
    start = timezone.localdate() - dt.timedelta(weeks=weeks)
    PricePoint.objects.filter(offering=offering, effective_from__gte=start).delete()
    PricePoint.objects.bulk_create(
        PricePoint(
            offering=offering,
            effective_from=start + dt.timedelta(weeks=week),
            input_per_million=Decimal("1.10") + Decimal(week % 5) / 10,
            output_per_million=Decimal("4.40"),
        )
        for week in range(weeks)
    )


def add_speed_runs(model: Model, runs: int) -> None:
    for n in range(runs):
        at = timezone.now() - dt.timedelta(hours=6 * n + 1)
        recorded_run(
            model,
            [{"started_at": at, "latency_ms": 900.0 + 10 * i} for i in range(5)]
            + [{"started_at": at, "status": "timeout", "error": "no data for 30 s"}],
        )


def profile_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/en/models/o4-mini/")
    assert response.status_code == 200
    return len(queries)


@pytest.fixture
def o4() -> Model:
    prices_sync(path=DEMO_MAP, as_of=DEMO_DATE)
    return Model.objects.get(slug="o4-mini")


@pytest.fixture
def o4_like(o4):
    """o4-mini as readers meet it: published profile, verdicts and scores, peers, history."""
    editor = factories.group_user("Editors")
    reviewer = factories.group_user("Reviewers")
    peer = Model.objects.get(slug="gpt-4.1-mini")
    o4.peers.set([peer, Model.objects.get(slug="o3")])
    publish(factories.profile(by=editor, model=o4), editor=editor, reviewer=reviewer)
    publish(verdict(o4), editor=editor, reviewer=reviewer)
    publish(verdict(o4, headline="Older"), editor=editor, reviewer=reviewer)
    publish(score(o4), editor=editor, reviewer=reviewer)
    publish(score(peer), editor=editor, reviewer=reviewer)
    return o4


def test_the_profile_page_takes_a_fixed_number_of_queries_however_long_the_history(client, o4_like):
    add_weekly_prices(o4_like, weeks=2)
    add_speed_runs(o4_like, runs=5)
    short = profile_queries(client)

    add_weekly_prices(o4_like, weeks=60)
    add_speed_runs(o4_like, runs=50)
    long = profile_queries(client)

    assert long == short
    assert long <= MAX_QUERIES


def test_a_model_without_editorial_content_or_history_takes_no_more(client, o4):
    assert profile_queries(client) <= MAX_QUERIES
