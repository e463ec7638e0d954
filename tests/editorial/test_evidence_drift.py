"""Published content whose pinned evidence drifted needs re-review, dated by the change."""

import datetime as dt

import pytest

from models_catalog.models import Model
from pricing.services import prices_sync
from tests import factories
from tests.pricing.feeds import feed, write
from tokonomix.core.workflow.models import Approval

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(tmp_path):
    prices_sync(path=write(tmp_path / "a.json", feed()), as_of=dt.date(2026, 1, 5))
    editor = factories.group_user("Editors")
    reviewer = factories.group_user("Reviewers")
    profile = factories.profile(by=editor, model=Model.objects.get(slug="o4-mini"))
    profile.submit(by=editor)
    profile.approve(by=reviewer)
    profile.publish(by=reviewer)
    return profile


def test_approval_pins_prices_and_capabilities(published):
    evidence = Approval.objects.get(revision=published.published_revision).evidence

    assert evidence["prices"]["input_per_million"] == "1.1"
    assert evidence["prices"]["offering"] == "o4-mini"
    assert evidence["capabilities"]["vision"] is True


def test_nothing_drifts_while_the_data_stays_the_same(published, tmp_path):
    prices_sync(path=write(tmp_path / "b.json", feed()), as_of=dt.date(2026, 1, 12))

    assert published.needs_rereview_since() is None


def test_a_price_change_synced_after_approval_needs_re_review(published, tmp_path):
    cheaper = feed(**{"o4-mini": {"input_cost_per_token": 9e-07}})
    prices_sync(path=write(tmp_path / "b.json", cheaper), as_of=dt.date(2026, 1, 12))

    assert published.needs_rereview_since() == dt.date(2026, 1, 12)


def test_a_capability_change_needs_re_review(published, tmp_path):
    changed = feed(**{"o4-mini": {"supports_vision": False}})
    prices_sync(path=write(tmp_path / "b.json", changed), as_of=dt.date(2026, 1, 12))

    assert published.needs_rereview_since() is not None


def test_the_page_says_the_data_changed_since_the_review(published, tmp_path, client):
    cheaper = feed(**{"o4-mini": {"input_cost_per_token": 9e-07}})
    prices_sync(path=write(tmp_path / "b.json", cheaper), as_of=dt.date(2026, 1, 12))

    page = client.get("/en/models/o4-mini/").content.decode()

    assert "Data changed since this profile was reviewed, 2026-01-12." in page


def test_a_page_s_evidence_from_the_rows_it_shows_matches_the_collected_evidence(published):
    from django.utils import timezone

    from pricing.models import PricePoint
    from tokonomix.editorial import evidence

    model = Model.objects.get(slug="o4-mini")
    assert model.reference_offering_id is not None
    point = PricePoint.objects.in_force_on(
        timezone.localdate(), offering_ids=[model.reference_offering_id]
    ).get()

    assembled = evidence.assemble(
        model, offering=model.reference_offering, point=point, summary=None
    )
    collected = evidence.collect(model)

    assembled.pop("collected_at"), collected.pop("collected_at")
    assert assembled == collected


def test_the_page_finds_no_drift_while_the_data_stays_the_same(published, tmp_path, client):
    prices_sync(path=write(tmp_path / "b.json", feed()), as_of=dt.date(2026, 1, 12))

    page = client.get("/en/models/o4-mini/").content.decode()

    assert "Reviewed by" in page
    assert "Data changed since" not in page
