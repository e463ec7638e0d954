"""Roles x actions x channels: only the allowed cells change anything."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from tests import factories
from tokonomix.core.workflow.models import Approval, AuditEntry, Status
from tokonomix.editorial.models import ModelProfile

pytestmark = pytest.mark.django_db

ROLES = ["editor", "reviewer", "editor_reviewer", "superuser", "anonymous"]
ACTIONS = {
    # action: (state the item starts in, roles allowed, status afterwards)
    "submit": (Status.DRAFT, {"editor", "editor_reviewer"}, Status.IN_REVIEW),
    "approve": (Status.IN_REVIEW, {"reviewer", "editor_reviewer"}, Status.APPROVED),
    "request_changes": (Status.IN_REVIEW, {"reviewer", "editor_reviewer"}, Status.DRAFT),
    "publish": (Status.APPROVED, {"reviewer", "editor_reviewer"}, Status.PUBLISHED),
}
CHANNELS = ["method", "admin", "forged_post"]


def make_user(role):
    from django.contrib.auth.models import AnonymousUser

    return {
        "editor": lambda: factories.group_user("Editors"),
        "reviewer": lambda: factories.group_user("Reviewers"),
        "editor_reviewer": lambda: factories.group_user("Editors", "Reviewers"),
        "superuser": lambda: factories.user(superuser=True),
        "anonymous": AnonymousUser,
    }[role]()


def item_in(state):
    author = factories.group_user("Editors", username="the-author")
    approver = factories.group_user("Reviewers", username="first-reviewer")
    item = factories.profile(by=author)
    if state in {Status.IN_REVIEW, Status.APPROVED}:
        item.submit(by=author)
    if state == Status.APPROVED:
        item.approve(by=approver)
    return ModelProfile.objects.get(pk=item.pk)


def call_method(item, action, user):
    kwargs = {"comment": "Please cite sources"} if action == "request_changes" else {}
    try:
        getattr(item, action)(by=user, **kwargs)
    except (PermissionDenied, ValidationError):
        return False
    return True


def post_admin_action(item, action, user, *, forged):
    client = Client(enforce_csrf_checks=False)
    if user.is_authenticated:
        client.force_login(user)
    url = reverse("admin:editorial_modelprofile_changelist")
    data = {"action": f"{action}_selected", "_selected_action": [item.pk]}
    if action in {"request_changes", "publish"}:
        if not forged:
            # The real UI shows a confirmation form first.
            first = client.post(url, data)
            if first.status_code != 200:
                return first
        data |= {"apply": "yes", "comment": "Please cite sources", "publish_at": ""}
    return client.post(url, data)


@pytest.mark.parametrize("channel", CHANNELS)
@pytest.mark.parametrize("action", list(ACTIONS))
@pytest.mark.parametrize("role", ROLES)
def test_only_allowed_roles_can_take_each_action_through_every_channel(role, action, channel):
    start, allowed, after = ACTIONS[action]
    item = item_in(start)
    user = make_user(role)
    audit_rows = AuditEntry.objects.count()
    approvals = Approval.objects.count()

    if channel == "method":
        call_method(item, action, user)
    else:
        post_admin_action(item, action, user, forged=channel == "forged_post")

    status = ModelProfile.objects.get(pk=item.pk).status
    if role in allowed:
        assert status == after
        assert AuditEntry.objects.count() == audit_rows + 1
    else:
        assert status == start
        assert AuditEntry.objects.count() == audit_rows
        assert Approval.objects.count() == approvals


def test_a_post_without_a_csrf_token_changes_nothing():
    item = item_in(Status.IN_REVIEW)
    client = Client(enforce_csrf_checks=True)
    client.force_login(factories.group_user("Reviewers"))

    response = client.post(
        reverse("admin:editorial_modelprofile_changelist"),
        {"action": "approve_selected", "_selected_action": [item.pk]},
    )

    assert response.status_code == 403
    assert ModelProfile.objects.get(pk=item.pk).status == Status.IN_REVIEW


def test_the_admin_says_why_an_author_cannot_approve(client):
    author = factories.group_user("Editors", "Reviewers")
    item = factories.profile(by=author)
    item.submit(by=author)
    client.force_login(author)

    response = client.post(
        reverse("admin:editorial_modelprofile_changelist"),
        {"action": "approve_selected", "_selected_action": [item.pk]},
        follow=True,
    )

    assert "another reviewer must approve it" in response.content.decode()
    assert ModelProfile.objects.get(pk=item.pk).status == Status.IN_REVIEW
