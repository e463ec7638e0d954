"""A database built before the editorial app existed migrates forward with every row kept:
the reviewed content's tables stay, and its revisions, approvals, audit entries and
permissions keep pointing at the same content through the moved content types."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE_THE_MOVE = [
    ("models_catalog", "0007_usecase_group_permissions"),
    ("benchmarks", "0004_testbench"),
    ("workflow", "0003_approval_evidence"),
    ("editorial", None),
]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state([t for t in targets if t[1] is not None]).apps


def latest():
    executor = MigrationExecutor(connection)
    return executor.loader.graph.leaf_nodes()


@pytest.mark.django_db(transaction=True)
def test_a_database_from_before_the_move_keeps_every_row():
    old = migrate(BEFORE_THE_MOVE)
    User = old.get_model("auth", "User")
    OldContentType = old.get_model("contenttypes", "ContentType")
    author = User.objects.create(username="author")
    approver = User.objects.create(username="approver")
    provider = old.get_model("models_catalog", "Provider").objects.create(name="P", slug="p")
    model = old.get_model("models_catalog", "Model").objects.create(
        slug="m-1", name="M 1", provider=provider, is_published=True
    )
    Revision = old.get_model("workflow", "Revision")
    profile_type = OldContentType.objects.get_or_create(
        app_label="models_catalog", model="modelprofile"
    )[0]
    verdict_type = OldContentType.objects.get_or_create(app_label="benchmarks", model="verdict")[0]
    profile = old.get_model("models_catalog", "ModelProfile").objects.create(
        model=model, status="published"
    )
    profile.authors.add(author)
    old.get_model("models_catalog", "ProfileSection").objects.create(
        profile=profile, order=0, title="Overview", body="Fast."
    )
    old.get_model("models_catalog", "FAQ").objects.create(
        profile=profile, question="Cheap?", answer="Yes."
    )
    revision = Revision.objects.create(
        content_type=profile_type,
        object_id=profile.pk,
        number=1,
        data={"sections": [{"title": "Overview", "body": "Fast."}]},
        content_hash="a" * 64,
        created_by=author,
    )
    old.get_model("workflow", "Approval").objects.create(
        revision=revision, reviewer=approver, revision_author=author
    )
    old.get_model("workflow", "AuditEntry").objects.create(
        content_type=profile_type,
        object_id=profile.pk,
        action="publish",
        from_status="approved",
        to_status="published",
        by=approver,
    )
    type(profile).objects.filter(pk=profile.pk).update(
        current_revision=revision, approved_revision=revision, published_revision=revision
    )
    use_case = old.get_model("models_catalog", "UseCase").objects.create(slug="u", title="U")
    old.get_model("models_catalog", "UseCaseEntry").objects.create(
        use_case=use_case, model=model, rank=1, note="First."
    )
    verdict = old.get_model("benchmarks", "Verdict").objects.create(
        model=model, date=dt.date(2026, 1, 6), headline="Bargain", quality_score=Decimal("8.5")
    )
    old.get_model("benchmarks", "EvaluationScore").objects.create(
        model=model,
        suite="MMLU-Pro",
        metric="accuracy",
        value=Decimal("81.5"),
        date=dt.date.today(),
    )
    kept_type_ids = (profile_type.pk, verdict_type.pk)
    permission = old.get_model("auth", "Permission").objects.get_or_create(
        content_type=profile_type,
        codename="change_modelprofile",
        defaults={"name": "Can change model profile"},
    )[0]
    old.get_model("auth", "Group").objects.get_or_create(name="Editors")[0].permissions.add(
        permission
    )

    migrate(latest())
    ContentType.objects.clear_cache()

    from tokonomix.editorial.models import (
        FAQ,
        EvaluationScore,
        ModelProfile,
        ProfileSection,
        UseCase,
        Verdict,
    )

    moved = ModelProfile.objects.get(pk=profile.pk)
    assert list(moved.authors.values_list("username", flat=True)) == ["author"]
    assert ProfileSection.objects.get(profile=moved).body == "Fast."
    assert FAQ.objects.get(profile=moved).answer == "Yes."
    assert moved.published_data() == {"sections": [{"title": "Overview", "body": "Fast."}]}
    approval = moved.published_approval()
    assert approval is not None and approval.reviewer.username == "approver"
    # The same content-type rows, now labelled editorial: history follows the content.
    assert (moved.content_type.pk, ContentType.objects.get_for_model(Verdict).pk) == kept_type_ids
    assert [r.number for r in moved.revisions()] == [1]
    assert moved.audit_trail().get().action == "publish"
    assert UseCase.objects.get(slug="u").entries.get().note == "First."
    assert Verdict.objects.get(pk=verdict.pk).headline == "Bargain"
    assert EvaluationScore.objects.get().value == Decimal("81.5")
    # The groups' permissions on the moved models are the same rows, under the new label.
    editors = Group.objects.get(name="Editors")
    kept = editors.permissions.get(pk=permission.pk)
    assert (kept.content_type.app_label, kept.codename) == ("editorial", "change_modelprofile")
