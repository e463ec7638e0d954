"""The database holds the workflow's rules against every path around the model methods: a
queryset update, `_base_manager`, a plain QuerySet, raw SQL (tokonomix/core/workflow/guards.py).

Deletes of approvals and audit entries are refused by the database on PostgreSQL only (on
SQLite Django's test flush empties tables with DELETE); those tests say so when they skip.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, connection, transaction
from django.db.models import QuerySet

from tests import factories
from tokonomix.core.workflow.models import Approval, AuditEntry, Status
from tokonomix.editorial.models import EvaluationScore, ModelProfile, UseCase, Verdict

pytestmark = pytest.mark.django_db


@pytest.fixture
def postgresql() -> None:
    if connection.vendor != "postgresql":
        pytest.skip(
            "the DELETE guard is PostgreSQL's (DATABASE_URL): on SQLite Django's test flush "
            "deletes rows, so deletes are refused by the application only"
        )


def refused(run) -> None:
    """`run` raises IntegrityError, and the transaction it ran in is rolled back."""
    with pytest.raises(IntegrityError), transaction.atomic():
        run()


def sql(statement: str, *params) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


@pytest.fixture
def verdict(editor):
    item = Verdict.objects.create(model=factories.model(), date=dt.date(2026, 1, 6), headline="Hm")
    item.record_revision(by=editor)
    return item


@pytest.fixture
def published(editor, reviewer):
    item = Verdict.objects.create(
        model=factories.model(), date=dt.date(2026, 1, 6), headline="Checked"
    )
    return factories.publish(item, editor=editor, reviewer=reviewer)


# --- 2. no publication without an approval by a second person ------------------------


def test_a_queryset_update_cannot_publish_an_unapproved_revision(verdict):
    refused(
        lambda: Verdict.objects.filter(pk=verdict.pk).update(
            status=Status.PUBLISHED, published_revision=verdict.current_revision
        )
    )

    assert not Verdict.objects.published().exists()


def test_raw_sql_cannot_publish_an_unapproved_revision(verdict):
    refused(
        lambda: sql(
            "UPDATE benchmarks_verdict SET status = 'published', published_revision_id = %s "
            "WHERE id = %s",
            verdict.current_revision_id,
            verdict.pk,
        )
    )

    assert not Verdict.objects.published().exists()


@pytest.mark.parametrize("content", [ModelProfile, UseCase, EvaluationScore, Verdict])
def test_every_reviewed_table_refuses_an_unapproved_publication(content, editor):
    if content is ModelProfile:
        item = factories.profile(by=editor)
    else:
        item = {
            UseCase: lambda: UseCase.objects.create(slug="coding", title="Coding"),
            EvaluationScore: lambda: EvaluationScore.objects.create(
                model=factories.model(), suite="S", metric="m", value=1, date=dt.date(2026, 1, 1)
            ),
            Verdict: lambda: Verdict.objects.create(
                model=factories.model(), date=dt.date(2026, 1, 6), headline="H"
            ),
        }[content]()
        item.record_revision(by=editor)

    refused(
        lambda: content.objects.filter(pk=item.pk).update(published_revision=item.current_revision)
    )


def test_published_status_needs_a_published_revision(verdict):
    refused(lambda: Verdict.objects.filter(pk=verdict.pk).update(status=Status.PUBLISHED))


def test_an_item_cannot_borrow_another_items_approved_revision(verdict, published):
    refused(
        lambda: Verdict.objects.filter(pk=verdict.pk).update(
            status=Status.PUBLISHED, published_revision=published.published_revision
        )
    )


def test_an_approval_naming_a_false_author_is_refused(verdict, editor, reviewer):
    accomplice = factories.user()

    refused(
        lambda: Approval.objects.create(
            revision=verdict.current_revision,
            reviewer=reviewer,
            reviewer_name="Remy Reviewer",
            revision_author=accomplice,
            revision_author_name="Someone else",
        )
    )
    refused(
        lambda: sql(
            "INSERT INTO workflow_approval (revision_id, reviewer_id, reviewer_name, "
            "revision_author_id, revision_author_name, comment, approved_at, evidence) "
            "VALUES (%s, %s, 'R', %s, 'A', '', %s, '{}')",
            verdict.current_revision_id,
            editor.pk,
            accomplice.pk,
            dt.datetime(2026, 1, 6, tzinfo=dt.UTC),
        )
    )
    assert not Approval.objects.exists()


def test_a_reviewer_who_wrote_an_earlier_unapproved_revision_cannot_approve_the_next(
    verdict, editor, reviewer
):
    verdict.headline = "The reviewer's own wording"
    verdict.save()
    verdict.record_revision(by=reviewer)
    verdict.headline = "The editor's last touch"
    verdict.save()
    last = verdict.record_revision(by=editor)

    # The check constraint only compares with the last revision's author; the trigger
    # looks at every revision since the last approved one.
    refused(
        lambda: Approval.objects.create(
            revision=last,
            reviewer=reviewer,
            reviewer_name="Remy Reviewer",
            revision_author=editor,
            revision_author_name="Dana Editor",
        )
    )


def test_the_workflow_itself_still_publishes(published, reviewer):
    assert published.status == Status.PUBLISHED
    assert published.published_approval().reviewer == reviewer


# --- 2 and 3. approvals and the audit trail are insert-only ----------------------------


@pytest.mark.parametrize("kind", [Approval, AuditEntry])
def test_the_application_refuses_to_change_or_delete_a_row(published, kind):
    row = kind.objects.first()
    with pytest.raises(PermissionDenied):
        row.save()
    with pytest.raises(PermissionDenied):
        row.delete()
    with pytest.raises(PermissionDenied):
        kind.objects.all().update(comment="rewritten")
    with pytest.raises(PermissionDenied):
        kind.objects.all().delete()
    with pytest.raises(PermissionDenied):
        kind._base_manager.all().update(comment="rewritten")
    with pytest.raises(PermissionDenied):
        kind._base_manager.all().delete()


@pytest.mark.parametrize(
    ("kind", "table"), [(Approval, "workflow_approval"), (AuditEntry, "workflow_auditentry")]
)
def test_the_database_refuses_an_update_by_any_other_path(published, kind, table):
    before = sorted(kind.objects.values_list("pk", "comment"))

    refused(lambda: QuerySet(model=kind).update(comment="rewritten"))
    refused(lambda: sql(f"UPDATE {table} SET comment = 'rewritten'"))

    assert sorted(kind.objects.values_list("pk", "comment")) == before


def test_the_database_refuses_to_rewrite_who_approved(published):
    stranger = factories.user()

    refused(
        lambda: sql(
            "UPDATE workflow_approval SET reviewer_id = %s, reviewer_name = 'X'", stranger.pk
        )
    )
    refused(lambda: sql("UPDATE workflow_auditentry SET by_id = %s", stranger.pk))


@pytest.mark.usefixtures("postgresql")
@pytest.mark.parametrize(
    ("kind", "table"), [(Approval, "workflow_approval"), (AuditEntry, "workflow_auditentry")]
)
def test_the_database_refuses_a_delete_by_any_other_path(published, kind, table):
    count = kind.objects.count()

    refused(lambda: QuerySet(model=kind).delete())
    refused(lambda: sql(f"DELETE FROM {table}"))

    assert kind.objects.count() == count
