"""Reviewed means the whole record: the subject, the text and the byline readers see all come
from the published revision and its approval, whatever the working copy or an account says
now; and no one account holds two roles on one item."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from pricing.services import prices_sync
from tests import factories
from tests.pricing.feeds import feed, write
from tokonomix.core.workflow.models import Approval, AuditEntry, Status
from tokonomix.editorial.drafts import verdicts_draft_for_sync
from tokonomix.editorial.models import EvaluationScore, Verdict

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("eager_tasks")]


@pytest.fixture
def models(tmp_path):
    """o4-mini and model-0 from a synced feed (so both have prices), both published."""
    from models_catalog.models import Model

    prices_sync(path=write(tmp_path / "a.json", feed()), as_of=dt.date(2026, 1, 5))
    Model.objects.filter(slug__in=["o4-mini", "model-0"]).update(is_published=True)
    return Model.objects.get(slug="o4-mini"), Model.objects.get(slug="model-0")


def page(client, model) -> str:
    return client.get(f"/en/models/{model.slug}/").content.decode()


def published_verdict(model, editor, reviewer, headline="Still the reasoning bargain"):
    verdict = Verdict.objects.create(
        model=model, date=dt.date(2026, 1, 6), headline=headline, body="Cheap."
    )
    return factories.publish(verdict, editor=editor, reviewer=reviewer)


def verdict_form(verdict, **changes):
    fields = {
        "model": verdict.model_id,
        "date": verdict.date.isoformat(),
        "headline": verdict.headline,
        "body": verdict.body,
        "highlights": verdict.highlights,
        "quality_score": "",
    }
    return {**fields, **changes}


# --- 1. an editor alone cannot move reviewed content to another model ------------------


def test_pointing_a_published_verdict_at_another_model_moves_nothing_until_it_is_reviewed(
    client, models, editor, reviewer
):
    o4, other = models
    verdict = published_verdict(o4, editor, reviewer)
    client.force_login(editor)

    response = client.post(
        reverse("admin:editorial_verdict_change", args=[verdict.pk]),
        verdict_form(verdict, model=other.pk),
    )

    assert response.status_code == 302
    verdict.refresh_from_db()
    assert (verdict.model, verdict.status) == (other, Status.DRAFT)
    client.logout()
    assert "Still the reasoning bargain" in page(client, o4)
    assert "Reviewed by Remy Reviewer" in page(client, o4)
    assert "Still the reasoning bargain" not in page(client, other)
    assert client.get("/api/v1/models/model-0/verdicts").json() == []
    [item] = client.get("/api/v1/models/o4-mini/verdicts").json()
    assert item["model"] == "o4-mini"
    assert [v["model"] for v in client.get("/api/v1/verdicts").json()["items"]] == ["o4-mini"]
    feed_xml = client.get("/en/verdicts/feed/").content.decode()
    assert "/en/models/o4-mini/#verdicts" in feed_xml and "/en/models/model-0/" not in feed_xml
    assert "o4-mini: Still the reasoning bargain" in feed_xml
    assert (
        "Still the reasoning bargain"
        not in client.get("/en/models/model-0/verdicts/feed/").content.decode()
    )

    # Reviewed and published again, the move is what readers see.
    verdict.submit(by=editor)
    verdict.approve(by=reviewer)
    verdict.publish(by=reviewer)
    assert "Still the reasoning bargain" in page(client, other)
    assert "Still the reasoning bargain" not in page(client, o4)


def test_a_moved_verdict_drifts_with_the_model_it_was_published_about(
    client, models, editor, reviewer, tmp_path
):
    o4, other = models
    verdict = published_verdict(o4, editor, reviewer)
    verdict.model = other
    verdict.save()
    verdict.record_revision(by=editor)

    only_other = feed(**{"model-0": {"input_cost_per_token": 1e-07}})
    prices_sync(path=write(tmp_path / "b.json", only_other), as_of=dt.date(2026, 1, 12))
    assert Verdict.objects.get(pk=verdict.pk).needs_rereview_since() is None

    both = feed(
        **{"model-0": {"input_cost_per_token": 1e-07}, "o4-mini": {"input_cost_per_token": 9e-07}}
    )
    prices_sync(path=write(tmp_path / "c.json", both), as_of=dt.date(2026, 1, 19))
    assert Verdict.objects.get(pk=verdict.pk).needs_rereview_since() == dt.date(2026, 1, 19)


def test_pointing_a_published_profile_at_another_model_moves_nothing(
    client, models, editor, reviewer
):
    o4, other = models
    profile = factories.profile(by=editor, model=o4, body="The profile of o4-mini.")
    factories.publish(profile, editor=editor, reviewer=reviewer)

    profile.model = other
    profile.save()
    profile.record_revision(by=editor)

    assert "The profile of o4-mini." in page(client, o4)
    assert "The profile of o4-mini." not in page(client, other)
    compare = client.get("/en/compare/?models=o4-mini,model-0").context["columns"]
    assert [c.profile_data is not None for c in compare] == [True, False]
    # Staff preview the working copy where it now points, marked as a preview.
    client.force_login(editor)
    staff_view = page(client, other)
    assert "The profile of o4-mini." in staff_view
    assert "Preview of the working copy" in staff_view


def test_pointing_a_published_score_at_another_model_moves_nothing(
    client, models, editor, reviewer
):
    o4, other = models
    score = EvaluationScore.objects.create(
        model=o4,
        suite="MMLU-Pro",
        metric="accuracy",
        value=Decimal("81.5"),
        date=dt.date(2026, 1, 1),
    )
    factories.publish(score, editor=editor, reviewer=reviewer)

    score.model = other
    score.save()
    score.record_revision(by=editor)

    assert [s["model"] for s in client.get("/api/v1/models/o4-mini/scores").json()] == ["o4-mini"]
    assert client.get("/api/v1/models/model-0/scores").json() == []
    assert [s["model"] for s in client.get("/api/v1/scores").json()["items"]] == ["o4-mini"]
    assert "MMLU-Pro" in page(client, o4)
    assert "MMLU-Pro" not in page(client, other)


# --- 4. names are those recorded when people acted ----------------------------------------


def test_renaming_a_reviewer_rewrites_no_byline_and_no_audit_entry(
    client, models, editor, reviewer
):
    o4, _other = models
    published_verdict(o4, editor, reviewer)
    profile = factories.profile(by=editor, model=o4)
    factories.publish(profile, editor=editor, reviewer=reviewer)
    username = reviewer.username

    reviewer.first_name, reviewer.last_name, reviewer.username = "Mallory", "Impostor", "mallory"
    reviewer.save()

    html = page(client, o4)
    assert "Reviewed by Remy Reviewer" in html
    assert "Mallory" not in html
    [item] = client.get("/api/v1/models/o4-mini/verdicts").json()
    assert item["reviewer"] == "Remy Reviewer"
    approvals = AuditEntry.objects.filter(action="approve")
    assert set(approvals.values_list("by_username", flat=True)) == {username}
    client.force_login(factories.user(superuser=True))
    trail = client.get(reverse("admin:editorial_modelprofile_revisions", args=[profile.pk]))
    assert username in trail.content.decode()
    assert "mallory" not in trail.content.decode()


# --- 5. automation needs two humans -----------------------------------------------------


@pytest.fixture
def sync_draft(models, tmp_path, django_capture_on_commit_callbacks):
    o4, _other = models
    with django_capture_on_commit_callbacks(execute=True):
        run = prices_sync(
            path=write(tmp_path / "b.json", feed(**{"o4-mini": {"input_cost_per_token": 2e-07}})),
            as_of=dt.date(2026, 1, 12),
        )
    assert verdicts_draft_for_sync(sync_run_id=run.pk) == []  # the follow-up opened it
    return Verdict.objects.get(model=o4)


def test_one_person_in_both_groups_cannot_carry_a_sync_draft_to_readers(sync_draft):
    both = factories.group_user("Editors", "Reviewers")

    sync_draft.submit(by=both)
    with pytest.raises(PermissionDenied, match=r"You submitted the .* for review"):
        sync_draft.approve(by=both)

    assert Verdict.objects.get(pk=sync_draft.pk).status == Status.IN_REVIEW
    assert not Approval.objects.exists()


def test_a_sync_draft_is_published_by_a_second_human(sync_draft):
    submitter = factories.group_user("Editors", "Reviewers")
    second = factories.group_user("Editors", "Reviewers")

    sync_draft.submit(by=submitter)
    sync_draft.approve(by=second)
    with pytest.raises(PermissionDenied, match="another reviewer must publish"):
        sync_draft.publish(by=submitter)
    sync_draft.publish(by=second)

    approval = Verdict.objects.get(pk=sync_draft.pk).published_approval()
    assert approval is not None
    assert (approval.submitted_by, approval.reviewer) == (submitter, second)


def test_the_database_refuses_an_approval_by_its_submitter(sync_draft):
    from django.db import IntegrityError, transaction

    both = factories.group_user("Editors", "Reviewers")
    sync_draft.submit(by=both)

    with pytest.raises(IntegrityError), transaction.atomic():
        Approval.objects.create(
            revision=sync_draft.current_revision,
            reviewer=both,
            reviewer_name="x",
            revision_author=sync_draft.current_revision.created_by,
            revision_author_name="automation",
            submitted_by=both,
        )


def test_one_account_holds_both_groups_but_never_both_roles_on_one_item(models, reviewer):
    o4, _other = models
    both = factories.group_user("Editors", "Reviewers")
    editor = factories.editor()
    # Submitting a colleague's draft makes `both` its editor: another reviewer signs it off.
    taken_over = Verdict.objects.create(model=o4, date=dt.date(2026, 1, 6), headline="Taken over")
    taken_over.record_revision(by=editor)
    taken_over.submit(by=both)
    with pytest.raises(PermissionDenied, match=r"You submitted the .* for review"):
        taken_over.approve(by=both)
    taken_over.approve(by=reviewer)
    with pytest.raises(PermissionDenied, match="another reviewer must publish"):
        taken_over.publish(by=both)
    taken_over.publish(by=reviewer)

    # On an item someone else wrote and submitted, the same account is its reviewer.
    theirs = Verdict.objects.create(model=o4, date=dt.date(2026, 1, 7), headline="Theirs")
    theirs.record_revision(by=editor)
    theirs.submit(by=editor)
    theirs.approve(by=both)
    theirs.publish(by=both)
    assert Verdict.objects.published().count() == 2


# --- 6. catalogue text beside reviewed content is labelled ---------------------------------


def test_catalogue_text_above_the_byline_is_labelled_as_catalogue_data(
    client, models, editor, reviewer
):
    o4, _other = models
    o4.summary = "Unreviewed summary an editor just typed."
    o4.save()
    profile = factories.profile(by=editor, model=o4)
    factories.publish(profile, editor=editor, reviewer=reviewer)

    html = page(client, o4)

    catalogue = html[html.index('class="catalogue-data"') : html.index('class="byline"')]
    assert "Catalogue data" in catalogue
    assert "Unreviewed summary an editor just typed." in catalogue
    assert "not part of any review" in catalogue
    assert "prices are quoted from the source entry <code>o4-mini</code>" in catalogue
    byline = html[html.index('class="byline"') :]
    assert "Reviewed by Remy Reviewer" in byline
    assert "the strengths and weaknesses, FAQ and article on this page" in byline
    # On the page itself the summary is only ever inside the labelled box.
    assert html[html.index("<main") :].count("Unreviewed summary") == 1
