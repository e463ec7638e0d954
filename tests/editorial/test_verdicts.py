"""Verdicts and scores: reviewed like everything else, pinned to their evidence, drafted
for editors when a sync changes a published model."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from models_catalog.models import Model
from pricing.services import prices_sync
from tests import factories
from tests.pricing.feeds import feed, write
from tokonomix.core.workflow.models import Status
from tokonomix.editorial.drafts import AUTOMATION_USERNAME, verdicts_draft_for_sync
from tokonomix.editorial.models import EvaluationScore, Verdict

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("eager_tasks")]


@pytest.fixture
def o4(tmp_path):
    prices_sync(path=write(tmp_path / "a.json", feed()), as_of=dt.date(2026, 1, 5))
    return Model.objects.get(slug="o4-mini")


def write_verdict(model, by, **fields):
    verdict = Verdict.objects.create(
        model=model,
        date=fields.pop("date", dt.date(2026, 1, 6)),
        headline=fields.pop("headline", "Still the reasoning bargain"),
        body=fields.pop("body", "Cheap **and** capable."),
        highlights=fields.pop("highlights", "Reasoning\nVision"),
        **fields,
    )
    verdict.record_revision(by=by)
    return verdict


def test_an_editor_cannot_approve_and_a_reviewer_publishes_with_name_and_date(
    client, o4, editor, reviewer
):
    verdict = write_verdict(o4, editor)
    verdict.submit(by=editor)

    with pytest.raises(PermissionDenied, match="Reviewers group"):
        verdict.approve(by=editor)
    verdict.approve(by=reviewer)
    verdict.publish(by=reviewer)

    page = client.get("/en/models/o4-mini/").content.decode()
    assert "Still the reasoning bargain" in page
    assert "<strong>and</strong>" in page
    approved = verdict.published_approval().approved_at
    assert f"Reviewed by Remy Reviewer, {approved:%Y-%m-%d}." in page


def test_a_draft_verdict_is_not_on_the_page(client, o4, editor):
    write_verdict(o4, editor, headline="Unreviewed opinion")

    page = client.get("/en/models/o4-mini/").content.decode()

    assert "Unreviewed opinion" not in page
    assert 'id="verdicts"' not in page
    assert "no verdict published yet" in page


def test_a_price_change_synced_after_approval_marks_the_verdict_for_re_review(
    client, o4, editor, reviewer, tmp_path
):
    verdict = write_verdict(o4, editor)
    verdict.submit(by=editor)
    verdict.approve(by=reviewer)
    verdict.publish(by=reviewer)

    cheaper = feed(**{"o4-mini": {"input_cost_per_token": 9e-07}})
    prices_sync(path=write(tmp_path / "b.json", cheaper), as_of=dt.date(2026, 1, 12))

    page = client.get("/en/models/o4-mini/").content.decode()
    assert "Data changed since this verdict, 2026-01-12." in page
    client.force_login(reviewer)
    queue = client.get(reverse("review_queue"))
    assert [row[1] for row in queue.context["stale"]] == [verdict]


def test_a_sync_that_changes_a_published_models_price_opens_a_draft_verdict(
    o4, tmp_path, django_capture_on_commit_callbacks
):
    changed = feed(
        **{
            "o4-mini": {
                "input_cost_per_token": 2e-07,
                "supports_pdf_input": True,
                "supports_audio_input": True,
            }
        }
    )
    with django_capture_on_commit_callbacks(execute=True):
        run = prices_sync(path=write(tmp_path / "b.json", changed), as_of=dt.date(2026, 1, 12))

    draft = Verdict.objects.get(model=o4)
    assert draft.status == Status.DRAFT
    assert draft.headline == "Input price cut from $1.10 to $0.20 per million"
    assert draft.highlight_list() == [
        "Input price cut from $1.10 to $0.20 per million",
        "PDF input and Audio input added",
    ]
    assert draft.current_revision is not None
    assert draft.current_revision.created_by.username == AUTOMATION_USERNAME
    assert draft.published_revision is None
    assert verdicts_draft_for_sync(sync_run_id=run.pk) == []
    assert Verdict.objects.count() == 1


def test_a_sync_that_changes_nothing_opens_no_draft(
    o4, tmp_path, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        prices_sync(path=write(tmp_path / "b.json", feed()), as_of=dt.date(2026, 1, 12))

    assert not Verdict.objects.exists()


def test_an_auto_draft_can_only_be_published_after_a_human_review(
    o4, tmp_path, editor, reviewer, django_capture_on_commit_callbacks
):
    changed = feed(**{"o4-mini": {"input_cost_per_token": 2e-07}})
    with django_capture_on_commit_callbacks(execute=True):
        prices_sync(path=write(tmp_path / "b.json", changed), as_of=dt.date(2026, 1, 12))
    draft = Verdict.objects.get(model=o4)

    draft.submit(by=editor)
    draft.approve(by=reviewer)
    draft.publish(by=reviewer)

    approval = draft.published_approval()
    assert approval is not None
    assert approval.reviewer == reviewer


def test_published_scores_show_beside_the_same_suite_of_peers(client, o4, editor, reviewer):
    peer = factories.model(slug="peer-model", name="Peer Model")
    o4.peers.add(peer)
    for model, value in ((o4, "81.5"), (peer, "77.0")):
        score = EvaluationScore.objects.create(
            model=model,
            suite="MMLU-Pro",
            metric="accuracy",
            value=Decimal(value),
            unit="%",
            date=dt.date(2026, 1, 1),
        )
        score.record_revision(by=editor)
        score.submit(by=editor)
        score.approve(by=reviewer)
        score.publish(by=reviewer)

    response = client.get("/en/models/o4-mini/")

    rows = response.context["score_rows"]
    assert [(r.suite, r.value, [(p.slug, v) for p, v in r.peers]) for r in rows] == [
        ("MMLU-Pro", "81.5", [("peer-model", "77")])
    ]
