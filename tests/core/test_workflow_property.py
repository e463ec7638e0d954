"""Property: whatever editors and reviewers do, published content is a revision a second
person approved, and the audit trail has one row per change of state."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests import factories
from tokonomix.core.workflow.models import Approval, AuditEntry
from tokonomix.editorial.models import ModelProfile

ROLES = ["editor_a", "editor_b", "reviewer_a", "reviewer_b", "editor_reviewer"]
STEPS = st.lists(
    st.tuples(
        st.sampled_from(
            ["edit", "submit", "approve", "request_changes", "publish", "withdraw", "archive"]
        ),
        st.sampled_from(ROLES),
        st.integers(min_value=0, max_value=3),
    ),
    min_size=1,
    max_size=25,
)


@pytest.mark.django_db
@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(steps=STEPS)
def test_published_content_is_always_a_revision_a_second_person_approved(steps):
    users = {
        "editor_a": factories.group_user("Editors"),
        "editor_b": factories.group_user("Editors"),
        "reviewer_a": factories.group_user("Reviewers"),
        "reviewer_b": factories.group_user("Reviewers"),
        "editor_reviewer": factories.group_user("Editors", "Reviewers"),
    }
    item = factories.profile(by=users["editor_a"])
    last_published_number = 0
    for action, role, variant in steps:
        user = users[role]
        item = ModelProfile.objects.get(pk=item.pk)
        before = AuditEntry.objects.count()
        try:
            if action == "edit":
                section = item.sections.get()
                section.body = f"{section.body} {variant}"
                item.ensure_editable()
                section.save()
                item.record_revision(by=user)
            elif action == "request_changes":
                item.request_changes(by=user, comment="fix it")
            else:
                getattr(item, action)(by=user)
        except (PermissionDenied, ValidationError):
            assert AuditEntry.objects.count() == before
            continue
        assert AuditEntry.objects.count() == before + 1

        item = ModelProfile.objects.get(pk=item.pk)
        published = item.published_revision
        if published is not None and published.number != last_published_number:
            approval = Approval.objects.get(revision=published)
            # Everyone who wrote any part of what went live since the last publication.
            writers = set(
                item.revisions()
                .filter(number__gt=last_published_number, number__lte=published.number)
                .values_list("created_by_id", flat=True)
            )
            assert approval.reviewer_id not in writers
            assert approval.reviewer.groups.filter(name="Reviewers").exists()
            assert item.published_data() == published.data
            last_published_number = published.number
