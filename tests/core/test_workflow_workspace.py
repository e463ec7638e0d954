"""The editors' and reviewers' workspace: steps on the item's page, My work, preview, word
diffs, re-confirmation, and what the admin says about the live and the working copy."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse

from models_catalog.models import Model
from pricing.services import prices_sync
from tests import factories
from tests.pricing.feeds import feed, write
from tokonomix.core.workflow.models import Action, Approval, AuditEntry, Status
from tokonomix.editorial.models import Verdict

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("eager_tasks")]


@pytest.fixture
def o4(tmp_path):
    prices_sync(path=write(tmp_path / "a.json", feed()), as_of=dt.date(2026, 1, 5))
    return Model.objects.get(slug="o4-mini")


def a_verdict(model, by, **fields):
    verdict = Verdict.objects.create(
        model=model,
        date=dt.date(2026, 1, 6),
        headline=fields.pop("headline", "Still the reasoning bargain"),
        body=fields.pop("body", "Cheap **and** capable."),
        **fields,
    )
    verdict.record_revision(by=by)
    return verdict


def change_page(client, item):
    url = reverse(f"admin:editorial_{item._meta.model_name}_change", args=[item.pk])
    return client.get(url)


def step(client, item, name, **data):
    url = reverse(f"admin:editorial_{item._meta.model_name}_step", args=[item.pk])
    return client.post(url, {"step": name, **data}, follow=True)


def buttons(response) -> list[str]:
    panel = response.content.decode().split('class="workflow-panel"')[1].split("</section>")[0]
    return re.findall(r'name="step"\s+value="(\w+)"', panel)


# --- steps on the item's own page ---------------------------------------------------------


def test_each_person_sees_exactly_the_steps_they_may_take_now(client, o4, editor, reviewer):
    verdict = a_verdict(o4, editor)
    client.force_login(editor)
    assert buttons(change_page(client, verdict)) == ["submit"]

    step(client, verdict, "submit")
    assert buttons(change_page(client, verdict)) == ["withdraw"]
    client.force_login(reviewer)
    assert buttons(change_page(client, verdict)) == ["approve", "request_changes", "archive"]

    step(client, verdict, "approve")
    assert buttons(change_page(client, verdict)) == ["request_changes", "publish", "archive"]


def test_the_author_in_both_groups_is_offered_no_approval(client, o4):
    both = factories.group_user("Editors", "Reviewers")
    verdict = a_verdict(o4, both)
    verdict.submit(by=both)
    client.force_login(both)

    assert "approve" not in buttons(change_page(client, verdict))


def test_request_changes_puts_the_comment_on_the_form_the_editor_opens(
    client, o4, editor, reviewer
):
    verdict = a_verdict(o4, editor)
    verdict.submit(by=editor)
    client.force_login(reviewer)

    response = step(client, verdict, "request_changes", comment="Say which price you mean.")

    assert "You sent the verdict “Still the reasoning bargain” on o4-mini back" in (
        response.content.decode()
    )
    client.force_login(editor)
    page = change_page(client, verdict).content.decode()
    assert "Say which price you mean." in page
    assert "sent back by" in page
    assert Verdict.objects.get(pk=verdict.pk).status == Status.DRAFT


def test_publish_asks_for_confirmation_then_publishes(client, o4, editor, reviewer):
    verdict = a_verdict(o4, editor)
    verdict.submit(by=editor)
    verdict.approve(by=reviewer)
    client.force_login(reviewer)

    confirm = step(client, verdict, "publish")
    assert confirm.templates[0].name == "admin/workflow/confirm_step.html"
    assert Verdict.objects.get(pk=verdict.pk).status == Status.APPROVED

    done = step(client, verdict, "publish", confirmed="yes", publish_at="")
    assert Verdict.objects.get(pk=verdict.pk).status == Status.PUBLISHED
    assert "readers see it now" in done.content.decode()
    assert "/en/models/o4-mini/#verdicts" in done.content.decode()


def test_a_publish_that_would_be_refused_shows_no_confirmation(client, o4, editor):
    both = factories.group_user("Editors", "Reviewers")
    verdict = a_verdict(o4, editor)
    verdict.submit(by=both)  # the submitter may not publish what they submitted
    verdict.approve(by=factories.reviewer())
    client.force_login(both)

    response = step(client, verdict, "publish")

    assert "admin/workflow/confirm_step.html" not in [t.name for t in response.templates]
    assert "another reviewer must publish it" in response.content.decode()
    bulk = client.post(
        reverse("admin:editorial_verdict_changelist"),
        {"action": "publish_selected", "_selected_action": [verdict.pk]},
        follow=True,
    )
    assert "admin/workflow/action_form.html" not in [t.name for t in bulk.templates]
    assert Verdict.objects.get(pk=verdict.pk).status == Status.APPROVED


def test_saving_returns_to_the_item_where_its_next_step_is(client, o4, editor):
    client.force_login(editor)

    response = client.post(
        reverse("admin:editorial_verdict_add"),
        {"model": o4.pk, "date": "2026-01-06", "headline": "Cheap", "body": "Yes."},
    )

    verdict = Verdict.objects.get()
    assert response["Location"] == reverse("admin:editorial_verdict_change", args=[verdict.pk])


# --- live and working copy ------------------------------------------------------------------


def test_the_admin_says_readers_still_see_the_published_revision_while_a_draft_is_open(
    client, o4, editor, reviewer
):
    verdict = factories.publish(a_verdict(o4, editor), editor=editor, reviewer=reviewer)
    verdict.headline = "Cheaper again"
    verdict.save()
    verdict.record_revision(by=editor)
    client.force_login(editor)

    page = change_page(client, verdict).content.decode()

    assert "Live: readers see revision 1; revision 2 is in progress (draft)." in page
    assert "Live, with a newer revision in draft" in page
    assert '<strong class="workflow-status">Draft</strong>' not in page


# --- My work --------------------------------------------------------------------------------


def test_my_work_shows_a_draft_a_sync_opened_with_what_changed(
    client, o4, tmp_path, django_capture_on_commit_callbacks
):
    editor = factories.editor()
    changed = feed(**{"o4-mini": {"input_cost_per_token": 2e-07}})
    with django_capture_on_commit_callbacks(execute=True):
        prices_sync(path=write(tmp_path / "b.json", changed), as_of=dt.date(2026, 1, 12))
    client.force_login(editor)

    response = client.get(reverse("my_work"))

    rows = response.context["work"].sync_drafts
    assert [row.notes for row in rows] == [["Input price cut from $1.10 to $0.20 per million"]]
    assert "Input price cut from $1.10 to $0.20 per million" in response.content.decode()
    assert "My work (1)" in response.content.decode()


def test_my_work_shows_what_was_sent_back_to_me_with_the_comment(client, o4, editor, reviewer):
    verdict = a_verdict(o4, editor)
    verdict.submit(by=editor)
    verdict.request_changes(by=reviewer, comment="Name the source of the latency figure.")
    client.force_login(editor)

    response = client.get(reverse("my_work"))

    [row] = response.context["work"].sent_back
    assert row.item == verdict
    assert row.entry.comment == "Name the source of the latency figure."
    page = response.content.decode()
    assert "Name the source of the latency figure." in page
    assert f"{reviewer.username} asked for changes" in page


def test_my_work_shows_a_stale_item_naming_the_figures_that_changed(
    client, o4, editor, reviewer, tmp_path
):
    verdict = factories.publish(a_verdict(o4, editor), editor=editor, reviewer=reviewer)
    cheaper = feed(**{"o4-mini": {"input_cost_per_token": 9e-07}})
    prices_sync(path=write(tmp_path / "b.json", cheaper), as_of=dt.date(2026, 1, 12))
    client.force_login(factories.reviewer())

    response = client.get(reverse("my_work"))

    [row] = response.context["work"].stale
    assert row.item == verdict
    assert row.since == dt.date(2026, 1, 12)
    assert (
        "Input price: $1.10 per million (since 2026-01-05) at approval, "
        "$0.90 per million (since 2026-01-12) now." in row.notes
    )
    assert "$0.90 per million (since 2026-01-12) now." in response.content.decode()


def test_my_work_lists_what_waits_for_my_review_but_not_what_i_wrote(client, o4, editor):
    both = factories.group_user("Editors", "Reviewers")
    mine = a_verdict(o4, both, headline="Mine")
    mine.submit(by=both)
    theirs = a_verdict(o4, editor, headline="Theirs")
    theirs.submit(by=editor)
    client.force_login(both)

    work = client.get(reverse("my_work")).context["work"]

    assert [row.item for row in work.to_review] == [theirs]


# --- re-confirm ---------------------------------------------------------------------------


def test_a_reviewer_re_confirms_a_stale_item_after_seeing_what_changed(
    client, o4, editor, reviewer, tmp_path
):
    verdict = factories.publish(a_verdict(o4, editor), editor=editor, reviewer=reviewer)
    cheaper = feed(**{"o4-mini": {"input_cost_per_token": 9e-07}})
    prices_sync(path=write(tmp_path / "b.json", cheaper), as_of=dt.date(2026, 1, 12))
    second = factories.reviewer()
    client.force_login(second)
    page = change_page(client, verdict).content.decode()
    assert "$0.90 per million (since 2026-01-12) now." in page
    assert "reconfirm" in buttons(change_page(client, verdict))

    step(client, verdict, "reconfirm", comment="The verdict does not quote the price.")

    verdict = Verdict.objects.get(pk=verdict.pk)
    assert verdict.status == Status.PUBLISHED
    assert verdict.needs_rereview_since() is None
    approval = Approval.objects.get(revision=verdict.published_revision)
    assert approval.reviewer == second
    assert approval.revision_author == editor
    assert approval.evidence["prices"]["input_per_million"] == "0.9"
    assert verdict.published_revision is not None
    assert verdict.published_revision.data == verdict.revisions().get(number=1).data


def test_the_author_of_the_text_cannot_re_confirm_it(o4, tmp_path, reviewer):
    from django.core.exceptions import PermissionDenied

    both = factories.group_user("Editors", "Reviewers")
    verdict = factories.publish(a_verdict(o4, both), editor=both, reviewer=reviewer)
    cheaper = feed(**{"o4-mini": {"input_cost_per_token": 9e-07}})
    prices_sync(path=write(tmp_path / "b.json", cheaper), as_of=dt.date(2026, 1, 12))

    with pytest.raises(PermissionDenied, match="You wrote the text"):
        verdict.reconfirm(by=both)
    assert Approval.objects.count() == 1


def test_a_stale_item_can_be_sent_back_and_stays_live_meanwhile(o4, editor, reviewer, tmp_path):
    verdict = factories.publish(a_verdict(o4, editor), editor=editor, reviewer=reviewer)
    cheaper = feed(**{"o4-mini": {"input_cost_per_token": 9e-07}})
    prices_sync(path=write(tmp_path / "b.json", cheaper), as_of=dt.date(2026, 1, 12))

    verdict.request_changes(by=factories.reviewer(), comment="Mention the new price.")

    verdict = Verdict.objects.get(pk=verdict.pk)
    assert verdict.status == Status.DRAFT
    assert verdict.published_revision is not None  # readers still see it


# --- preview and compare ------------------------------------------------------------------


def test_the_diff_of_a_profile_highlights_the_changed_sentence_not_json(client, editor):
    profile = factories.profile(by=editor, body="It is fast. It is cheap.")
    section = profile.sections.get()
    section.body = "It is fast. It is rather expensive."
    section.save()
    profile.record_revision(by=editor)
    client.force_login(editor)

    response = client.get(reverse("admin:editorial_modelprofile_revisions", args=[profile.pk]))

    page = response.content.decode()
    assert "It is fast. It is <del>cheap</del><ins>rather expensive</ins>." in page
    assert '"sections"' not in page and "\\r\\n" not in page
    # The first revision against the working copy, preselected.
    assert re.search(r'name="a"\s+value="1"[^>]*checked', page)
    assert re.search(r'name="b"\s+value="2"[^>]*checked', page)
    assert 'class="breadcrumbs"' in page and "Model profiles" in page


def test_the_preview_shows_a_verdict_in_the_public_template_with_pinned_figures(
    client, o4, editor, reviewer
):
    verdict = factories.publish(
        a_verdict(o4, editor, body="## Summary\n\nCosts {{ price:o4-mini.input }}."),
        editor=editor,
        reviewer=reviewer,
    )
    client.force_login(editor)

    response = client.get(
        reverse("admin:editorial_verdict_preview", args=[verdict.pk]), {"revision": 1}
    )

    page = response.content.decode()
    assert 'id="verdicts"' in page  # editorial/verdicts.html
    assert "Costs $1.10 (since 2026-01-05)." in page
    assert "<h4" in page and '<h2 id="summary"' not in page  # under the verdict's <h3>
    assert tuple(response.context["evidence_rows"][0][:2]) == (
        "Input price",
        "$1.10 per million (since 2026-01-05)",
    )


def test_every_admin_page_of_the_workspace_answers(client, o4, editor, reviewer):
    profile = factories.profile(by=editor, model=o4)
    verdict = a_verdict(o4, editor)
    client.force_login(reviewer)
    for item in (profile, verdict):
        name = item._meta.model_name
        for view in ("change", "preview", "revisions"):
            url = reverse(f"admin:editorial_{name}_{view}", args=[item.pk])
            assert client.get(url).status_code == 200, url
    assert client.get(reverse("my_work")).status_code == 200
    assert client.get(reverse("admin:index")).status_code == 200


def test_the_audit_trail_records_the_re_confirmation(o4, editor, reviewer, tmp_path):
    verdict = factories.publish(a_verdict(o4, editor), editor=editor, reviewer=reviewer)
    cheaper = feed(**{"o4-mini": {"input_cost_per_token": 9e-07}})
    prices_sync(path=write(tmp_path / "b.json", cheaper), as_of=dt.date(2026, 1, 12))

    verdict.reconfirm(by=factories.reviewer())

    entry = verdict.audit_trail().order_by("-at", "-pk").first()
    assert entry.action == Action.APPROVE
    assert entry.comment.startswith("Re-confirmed revision 1 unchanged")
    assert AuditEntry.objects.filter(action=Action.APPROVE).count() == 2


def test_publish_can_be_scheduled_from_the_confirmation_and_bad_input_re_renders(
    client, o4, editor, reviewer
):
    verdict = a_verdict(o4, editor)
    verdict.submit(by=editor)
    verdict.approve(by=reviewer)
    client.force_login(reviewer)

    bad = step(client, verdict, "publish", confirmed="yes", publish_at="next tuesday")
    assert bad.status_code == 200
    assert bad.templates[0].name == "admin/workflow/confirm_step.html"
    assert "Enter a valid date/time." in bad.content.decode()

    done = step(client, verdict, "publish", confirmed="yes", publish_at="2099-01-02T10:30")
    verdict = Verdict.objects.get(pk=verdict.pk)
    assert verdict.status == Status.APPROVED
    assert verdict.publish_at is not None and verdict.publish_scheduled_by == reviewer
    assert "You scheduled the verdict “Still the reasoning bargain” on o4-mini" in (
        done.content.decode()
    )
