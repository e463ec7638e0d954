"""Who may write and who may sign off is on record: a superuser making a reviewer, or any
change to an account's groups, writes an audit entry and tells the admins."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core import mail

from tests import factories
from tokonomix.core.workflow.models import Action, AuditEntry

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def admins(settings):
    settings.ADMINS = ["security@tokonomix.example"]


def entries_about(user):
    return AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(user), object_id=user.pk
    ).order_by("at", "pk")


def test_a_superuser_creating_a_reviewer_in_the_admin_is_on_record(
    client, django_capture_on_commit_callbacks
):
    boss = factories.user(superuser=True, username="boss")
    reviewers = Group.objects.get(name="Reviewers")
    client.force_login(boss)
    add = client.post(
        "/admin/auth/user/add/",
        {"username": "new-reviewer", "password1": "iloveyou1234", "password2": "iloveyou1234"},
    )
    assert add.status_code == 302
    account = get_user_model().objects.get(username="new-reviewer")
    page = client.get(f"/admin/auth/user/{account.pk}/change/")
    form = page.context["adminform"].form
    data = {
        name: value
        for name in form.fields
        if (value := form[name].value()) not in (None, "") and name != "password"
    }
    joined = account.date_joined
    data.update(
        {
            "groups": [reviewers.pk],
            "is_staff": "on",
            "is_active": "on",
            # A split date-and-time widget.
            "date_joined_0": joined.date().isoformat(),
            "date_joined_1": joined.time().strftime("%H:%M:%S"),
        }
    )
    data.pop("date_joined", None)
    data.pop("user_permissions", None)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/admin/auth/user/{account.pk}/change/", data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    [entry] = entries_about(account)
    assert (entry.action, entry.by, entry.by_username) == (Action.GROUPS_CHANGED, boss, "boss")
    assert entry.comment == "new-reviewer: added to Reviewers (by boss)"
    [notice] = mail.outbox
    assert notice.to == ["security@tokonomix.example"]
    assert "new-reviewer: added to Reviewers (by boss)" in notice.subject


def test_group_changes_outside_the_admin_are_on_record_too(django_capture_on_commit_callbacks):
    account = factories.user(username="quiet")
    editors, reviewers = Group.objects.get(name="Editors"), Group.objects.get(name="Reviewers")

    with django_capture_on_commit_callbacks(execute=True):
        account.groups.add(editors, reviewers)
        reviewers.user_set.remove(account)
        account.groups.clear()

    assert list(entries_about(account).values_list("comment", "by")) == [
        ("quiet: added to Editors; added to Reviewers (by someone outside the admin)", None),
        ("quiet: removed from Reviewers (by someone outside the admin)", None),
        ("quiet: removed from Editors (by someone outside the admin)", None),
    ]
    assert len(mail.outbox) == 3


def test_the_record_of_a_group_change_cannot_be_rewritten():
    from django.core.exceptions import PermissionDenied

    account = factories.editor()
    [entry] = entries_about(account)

    with pytest.raises(PermissionDenied):
        entries_about(account).update(comment="nothing happened")
    assert AuditEntry.objects.get(pk=entry.pk).comment.endswith(
        "added to Editors (by someone outside the admin)"
    )
