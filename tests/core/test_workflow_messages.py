"""Every message a workflow step gives, done or refused, is a sentence a person would say:
a capital at the start, a full stop at the end, no "Cannot published", and the item named
as people name it ("the verdict “Cheaper again” on o4-mini"), never a slug capitalised."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from tests import factories
from tokonomix.core.workflow.models import Status
from tokonomix.core.workflow.steps import STEPS
from tokonomix.editorial.models import Verdict

pytestmark = pytest.mark.django_db

STATES = [Status.DRAFT, Status.IN_REVIEW, Status.APPROVED, Status.PUBLISHED, Status.ARCHIVED]
ROLES = ["author", "other_editor", "reviewer", "submitter_reviewer", "staff_in_no_group"]
# "Cannot <past participle>", "cannot published": the wording the issue reported.
BROKEN = re.compile(r"\bcannot (?!be\b)\w+(ed|en)\b", re.IGNORECASE)


def is_a_sentence(message: str, item) -> list[str]:
    """What is wrong with `message` as a sentence about `item` (nothing, if it is one)."""
    problems = []
    if not re.match(r"[A-Z“]", message):
        problems.append("does not start with a capital")
    if not message.endswith("."):
        problems.append("does not end with a full stop")
    if BROKEN.search(message):
        problems.append("says 'cannot' with a past participle")
    if item.workflow_name().lower() not in message.lower():
        problems.append(f"does not name {item.workflow_name()}")
    if "O4-mini" in message or "Model-" in message:
        problems.append("capitalises a slug")
    return problems


def item_in(state, kind, people):
    author, submitter, first_reviewer = people["author"], people["submitter"], people["first"]
    model = factories.model(name="o4-mini", slug=f"o4-mini-{next(factories._counter)}")
    if kind == "verdict":
        item = Verdict.objects.create(
            model=model, date=dt.date(2026, 1, 6), headline="Cheaper again", body="Yes."
        )
        item.record_revision(by=author)
    else:
        item = factories.profile(by=author, model=model)
    if state == Status.DRAFT:
        return item
    item.submit(by=submitter)
    if state == Status.IN_REVIEW:
        return item
    item.approve(by=first_reviewer, comment="Fine.")
    if state == Status.APPROVED:
        return item
    item.publish(by=first_reviewer)
    if state == Status.ARCHIVED:
        item.archive(by=first_reviewer)
    return item


@pytest.fixture
def people():
    submitter = factories.group_user("Editors", "Reviewers", username="submitter")
    return {
        "author": factories.group_user("Editors", "Reviewers", username="author"),
        "submitter": submitter,
        "first": factories.reviewer(username="first-reviewer"),
        "other_editor": factories.editor(username="other-editor"),
        "reviewer": factories.reviewer(username="second-reviewer"),
        "submitter_reviewer": submitter,
        "staff_in_no_group": factories.user(staff=True, username="staff"),
    }


def step_messages(item, step, user) -> list[str]:
    """The messages the item's page shows after `step`, confirmed, by `user`."""
    client = Client()
    client.force_login(user)
    url = reverse(f"admin:editorial_{item._meta.model_name}_step", args=[item.pk])
    response = client.post(
        url, {"step": step, "confirmed": "yes", "comment": "Say which price you mean."}
    )
    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.mark.parametrize("kind", ["verdict", "profile"])
@pytest.mark.parametrize("state", STATES)
def test_every_step_and_refusal_on_the_item_s_page_is_a_sentence(kind, state, people):
    seen = 0
    for name in STEPS:
        for role in ROLES:
            item = item_in(state, kind, people)
            user = people["author"] if role == "author" else people[role]
            for message in step_messages(item, name, user):
                seen += 1
                problems = is_a_sentence(message, item)
                assert problems == [], f"{name} by {role} on {state}: {message!r}: {problems}"
    # Every step by every role says something, except to staff in no group: the admin does
    # not show them the item at all (403).
    assert seen == len(STEPS) * (len(ROLES) - 1)


@pytest.mark.parametrize("state", STATES)
def test_every_refusal_of_the_model_methods_is_a_sentence(state, people):
    calls = {
        "submit": {},
        "approve": {},
        "request_changes": {"comment": "Say which price you mean."},
        "request_changes ": {"comment": "  "},  # no comment: refused with a sentence too
        "publish": {},
        "withdraw": {},
        "archive": {},
        "reconfirm": {},
    }
    refusals = 0
    for name, kwargs in calls.items():
        for role in ROLES:
            item = item_in(state, "verdict", people)
            user = people["author"] if role == "author" else people[role]
            try:
                getattr(item, name.strip())(by=user, **kwargs)
            except (PermissionDenied, ValidationError) as error:
                refusals += 1
                text = (
                    " ".join(error.messages) if isinstance(error, ValidationError) else str(error)
                )
                problems = is_a_sentence(text, item)
                assert problems == [], f"{name} by {role} on {state}: {text!r}: {problems}"
    assert refusals > 0


def test_editing_a_locked_item_says_so_in_a_sentence(people):
    item = item_in(Status.IN_REVIEW, "profile", people)
    with pytest.raises(ValidationError) as caught:
        item.ensure_editable()
    assert is_a_sentence(" ".join(caught.value.messages), item) == []


def test_the_old_wording_is_gone(people):
    item = item_in(Status.IN_REVIEW, "verdict", people)
    with pytest.raises(ValidationError) as caught:
        item.publish(by=people["reviewer"])
    assert caught.value.messages == [
        "The verdict “Cheaper again” on o4-mini is in review, so it cannot be published now."
    ]
