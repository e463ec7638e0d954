"""The review workflow: guarded transitions, four eyes, revisions and the audit trail."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError

from tests import factories
from tokonomix.core.workflow.models import Action, Approval, AuditEntry, Status
from tokonomix.editorial.models import ModelProfile, ProfileSection

pytestmark = pytest.mark.django_db


@pytest.fixture
def item(editor):
    return factories.profile(by=editor)


def reload(item):
    return ModelProfile.objects.get(pk=item.pk)


def edit(item, by, body):
    section = item.sections.get()
    section.body = body
    section.save()
    return item.record_revision(by=by)


def test_the_happy_path_publishes_the_approved_revision(item, editor, reviewer):
    item.submit(by=editor)
    item.approve(by=reviewer, comment="Checked the numbers")
    item.publish(by=reviewer)

    item = reload(item)
    assert item.status == Status.PUBLISHED
    assert item.published_revision == item.current_revision
    assert item.published_data()["sections"][0]["body"] == "It is fast."
    assert item.published_approval().reviewer == reviewer


def test_the_audit_trail_has_exactly_one_row_per_transition(item, editor, reviewer):
    item.submit(by=editor)
    item.request_changes(by=reviewer, comment="Cite a source")
    edit(item, editor, "It is fast (source: our tests).")
    item.submit(by=editor)
    item.approve(by=reviewer)
    item.publish(by=reviewer)

    rows = list(
        item.audit_trail()
        .order_by("at", "pk")
        .values_list("action", "from_status", "to_status", "by__username")
    )
    eddie, rita = editor.username, reviewer.username
    assert rows == [
        (Action.EDIT, Status.DRAFT, Status.DRAFT, eddie),
        (Action.SUBMIT, Status.DRAFT, Status.IN_REVIEW, eddie),
        (Action.REQUEST_CHANGES, Status.IN_REVIEW, Status.DRAFT, rita),
        (Action.EDIT, Status.DRAFT, Status.DRAFT, eddie),
        (Action.SUBMIT, Status.DRAFT, Status.IN_REVIEW, eddie),
        (Action.APPROVE, Status.IN_REVIEW, Status.APPROVED, rita),
        (Action.PUBLISH, Status.APPROVED, Status.PUBLISHED, rita),
    ]
    comment = item.audit_trail().get(action=Action.REQUEST_CHANGES).comment
    assert comment == "Cite a source"


def test_each_audit_row_names_the_revision_hash(item, editor, reviewer):
    item.submit(by=editor)

    entry = item.audit_trail().get(action=Action.SUBMIT)
    assert entry.revision_hash == reload(item).current_revision.content_hash


def test_nobody_approves_a_revision_they_wrote_not_even_a_reviewing_superuser(editor):
    boss = factories.group_user("Editors", "Reviewers", superuser=True)
    item = factories.profile(by=boss)
    item.submit(by=boss)

    with pytest.raises(PermissionDenied, match="another reviewer"):
        item.approve(by=boss)
    assert reload(item).status == Status.IN_REVIEW
    assert not Approval.objects.exists()


def test_a_reviewer_who_edited_any_revision_under_review_cannot_approve(item, editor, reviewer):
    item.authors.add(reviewer)
    edit(item, reviewer, "Reviewer's wording")
    edit(item, editor, "Editor's wording")
    item.submit(by=editor)

    with pytest.raises(PermissionDenied):
        item.approve(by=reviewer)


def test_the_database_refuses_an_approval_by_the_revisions_author(item, editor):
    with pytest.raises(IntegrityError):
        Approval.objects.create(
            revision=item.current_revision, reviewer=editor, revision_author=editor
        )


def test_a_revision_is_approved_at_most_once(item, editor, reviewer):
    other_reviewer = factories.group_user("Reviewers")
    item.submit(by=editor)
    stale_copy = reload(item)
    item.approve(by=reviewer)

    with pytest.raises(ValidationError):
        stale_copy.approve(by=other_reviewer)
    assert Approval.objects.count() == 1


def test_request_changes_needs_a_comment(item, editor, reviewer):
    item.submit(by=editor)

    with pytest.raises(ValidationError, match="comment"):
        item.request_changes(by=reviewer, comment="  ")
    assert reload(item).status == Status.IN_REVIEW


def test_content_in_review_is_locked_for_editing(item, editor):
    item.submit(by=editor)

    with pytest.raises(ValidationError, match="locked"):
        edit(reload(item), editor, "Sneaky change")


def test_an_edit_after_approval_voids_it_and_returns_the_item_to_review(item, editor, reviewer):
    item.submit(by=editor)
    item.approve(by=reviewer)

    edit(reload(item), editor, "Changed after approval")

    item = reload(item)
    assert item.status == Status.IN_REVIEW
    assert item.approved_revision is None
    with pytest.raises(ValidationError):
        item.publish(by=reviewer)


def test_publishing_keeps_the_approved_revision_when_the_live_copy_is_edited(
    item, editor, reviewer
):
    item.submit(by=editor)
    item.approve(by=reviewer)
    item.publish(by=reviewer)

    edit(reload(item), editor, "Unreviewed new text")

    item = reload(item)
    assert item.status == Status.DRAFT
    assert item.published_data()["sections"][0]["body"] == "It is fast."


def test_saving_without_a_change_makes_no_new_revision(item, editor):
    first = item.current_revision

    again = item.record_revision(by=editor)

    assert again == first
    assert item.revisions().count() == 1


def test_restoring_a_revision_is_a_new_edit_that_is_reviewed_again(item, editor, reviewer):
    original = item.current_revision
    edit(item, editor, "Second thoughts")

    restored = item.restore_revision(revision=original, by=editor)

    assert restored.number == 3
    assert restored.content_hash == original.content_hash
    assert reload(item).status == Status.DRAFT
    assert ProfileSection.objects.get(profile=item).body == "It is fast."


def test_scheduled_publishing_waits_for_its_time(item, editor, reviewer):
    import datetime as dt

    from django.utils import timezone

    from tokonomix.core.workflow.tasks import reviewables_publish_due

    item.submit(by=editor)
    item.approve(by=reviewer)
    item.publish(by=reviewer, at=timezone.now() + dt.timedelta(hours=1))
    assert reload(item).status == Status.APPROVED
    assert reviewables_publish_due(models_with_workflow=[ModelProfile]) == 0

    ModelProfile.objects.filter(pk=item.pk).update(publish_at=timezone.now())
    assert reviewables_publish_due(models_with_workflow=[ModelProfile]) == 1
    assert reload(item).status == Status.PUBLISHED


def test_the_audit_trail_cannot_be_changed_or_deleted(item):
    entry = AuditEntry.objects.first()
    assert entry is not None

    entry.comment = "rewritten history"
    with pytest.raises(PermissionDenied):
        entry.save()
    with pytest.raises(PermissionDenied):
        entry.delete()
    with pytest.raises(PermissionDenied):
        AuditEntry.objects.all().delete()
    with pytest.raises(PermissionDenied):
        AuditEntry.objects.update(comment="x")
