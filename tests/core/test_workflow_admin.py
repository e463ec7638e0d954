"""The admin side of the workflow: revisions, differences, restore, locking, the queue."""

import pytest
from django.urls import reverse

from tests import factories
from tokonomix.core.workflow.models import Status
from tokonomix.editorial.models import ModelProfile

pytestmark = pytest.mark.django_db


@pytest.fixture
def item(editor):
    item = factories.profile(by=editor, body="First <b>words</b>")
    section = item.sections.get()
    section.body = "Second words"
    section.save()
    item.record_revision(by=editor)
    return item


def test_the_revisions_page_shows_the_difference_between_two_revisions(client, editor, item):
    client.force_login(editor)
    url = reverse("admin:editorial_modelprofile_revisions", args=[item.pk])

    response = client.get(url, {"a": 1, "b": 2})

    assert response.status_code == 200
    changed = {f.label: str(f.html) for f in response.context["diff"] if f.changed}
    assert changed == {
        "sections 1 · body": (
            "<del>First</del><ins>Second</ins> <del>&lt;b&gt;</del>words<del>&lt;/b&gt;</del>"
        )
    }
    page = response.content.decode()
    assert "<del>&lt;b&gt;</del>" in page  # escaped, never rendered
    assert "<b>" not in page


def test_restoring_from_the_admin_makes_a_new_revision_for_review(client, editor, item):
    client.force_login(editor)
    url = reverse("admin:editorial_modelprofile_revisions", args=[item.pk])

    client.post(url, {"restore": 1})

    item = ModelProfile.objects.get(pk=item.pk)
    assert item.current_revision.number == 3
    assert item.sections.get().body == "First <b>words</b>"


def test_content_in_review_opens_read_only_in_the_admin(client, editor, item):
    item.submit(by=editor)
    client.force_login(editor)
    url = reverse("admin:editorial_modelprofile_change", args=[item.pk])

    response = client.post(url, {"model": item.model_id})

    assert response.status_code == 403
    assert ModelProfile.objects.get(pk=item.pk).status == Status.IN_REVIEW


def test_the_review_queue_lists_what_waits_for_a_reviewer(client, editor, item):
    item.submit(by=editor)
    client.force_login(factories.group_user("Reviewers"))

    response = client.get("/admin/review-queue/")

    assert response.status_code == 200
    assert [row[1] for row in response.context["waiting"]] == [item]


def test_the_review_queue_is_for_staff_only(client):
    response = client.get("/admin/review-queue/")

    assert response.status_code == 302
