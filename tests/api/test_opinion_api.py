"""Verdicts and evaluation scores through /api/v1/: published only, as reviewed."""

from __future__ import annotations

import datetime as dt

import pytest

from pricing.models import PricePoint
from tests.factories import publish

from .conftest import score, verdict

pytestmark = pytest.mark.django_db


def test_only_published_verdicts_are_listed_with_their_reviewer_and_approval_date(
    client, o4, editor, reviewer
):
    published = publish(verdict(o4), editor=editor, reviewer=reviewer)
    verdict(o4, headline="A draft nobody reviewed").record_revision(by=editor)

    listed = client.get("/api/v1/verdicts").json()
    of_model = client.get("/api/v1/models/o4-mini/verdicts").json()

    assert listed["count"] == 1
    assert listed["items"] == of_model
    [item] = of_model
    approval = published.published_approval()
    assert item["headline"] == "The reasoning bargain"
    assert item["model"] == "o4-mini"
    assert item["highlights"] == ["Reasoning", "Vision"]
    assert item["quality_score"] == "8.5"
    assert item["reviewer"] == "Remy Reviewer"
    assert item["approved_at"].startswith(f"{approval.approved_at:%Y-%m-%d}")
    assert item["stale_since"] is None


def test_an_edit_after_publishing_is_not_served_until_it_is_reviewed(client, o4, editor, reviewer):
    published = publish(verdict(o4), editor=editor, reviewer=reviewer)
    published.headline = "Unreviewed new headline"
    published.save()
    published.record_revision(by=editor)

    [item] = client.get("/api/v1/models/o4-mini/verdicts").json()

    assert item["headline"] == "The reasoning bargain"


def test_a_verdict_whose_price_changed_since_approval_says_since_when(client, o4, editor, reviewer):
    publish(verdict(o4), editor=editor, reviewer=reviewer)
    current = PricePoint.objects.filter(offering=o4.reference_offering).latest("effective_from")
    PricePoint.objects.create(
        offering=o4.reference_offering,
        effective_from=dt.date.today() - dt.timedelta(days=1),
        input_per_million=current.input_per_million / 2,
        output_per_million=current.output_per_million,
    )

    [item] = client.get("/api/v1/models/o4-mini/verdicts").json()

    assert item["stale_since"] == (dt.date.today() - dt.timedelta(days=1)).isoformat()


def test_only_published_scores_are_listed_as_reviewed(client, o4, editor, reviewer):
    publish(score(o4), editor=editor, reviewer=reviewer)
    score(o4, suite="SWE-bench").record_revision(by=editor)

    listed = client.get("/api/v1/scores").json()
    of_model = client.get("/api/v1/models/o4-mini/scores").json()
    by_suite = client.get("/api/v1/scores", {"suite": "SWE-bench"}).json()

    assert listed["items"] == of_model
    [item] = of_model
    assert (item["suite"], item["metric"], item["value"], item["unit"]) == (
        "MMLU-Pro",
        "accuracy",
        "81.5",
        "%",
    )
    assert item["reviewer"] == "Remy Reviewer"
    assert by_suite == {"items": [], "count": 0}


def test_an_unknown_or_unpublished_model_has_no_verdicts_or_scores(client, o4):
    o4.is_published = False
    o4.save()

    for path in ("/api/v1/models/o4-mini/verdicts", "/api/v1/models/nothing/scores"):
        response = client.get(path)
        assert response.status_code == 404, path


def test_a_model_s_verdicts_take_the_same_queries_however_many(
    client, o4, editor, reviewer, django_assert_num_queries
):
    publish(verdict(o4), editor=editor, reviewer=reviewer)
    # model (+ capabilities, offerings, regions, peers), verdicts, evidence (2), and the
    # models their texts name, read once for all their claims
    with django_assert_num_queries(9):
        client.get("/api/v1/models/o4-mini/verdicts")
    for n in range(3):
        publish(verdict(o4, headline=f"Update {n}"), editor=editor, reviewer=reviewer)
    with django_assert_num_queries(9):
        assert len(client.get("/api/v1/models/o4-mini/verdicts").json()) == 4
