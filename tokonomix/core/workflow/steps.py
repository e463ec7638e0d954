"""What a person may do to one reviewed item now, and how the admin says where it stands.

Read-only: the buttons on an item's page come from `steps_for()`, which asks the same
questions the guarded transitions in reviewable.py ask (group, status, four eyes) without
changing anything; the transitions themselves still decide when a button is pressed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

from .models import (
    EDITORS_GROUP,
    REVIEWERS_GROUP,
    Action,
    Approval,
    AuditEntry,
    Status,
    User,
    in_group,
)
from .models import display_name as person_name
from .reviewable import Reviewable


@dataclass(frozen=True)
class Step:
    """One workflow step as a button: the model method it calls, and its messages."""

    name: str
    label: Any
    done: Any  # the success message, with %(item)s
    needs_comment: bool = False
    confirm: bool = False  # irreversible for readers: a confirmation page first


STEPS: dict[str, Step] = {
    step.name: step
    for step in (
        Step("submit", _("Submit for review"), _("You submitted %(item)s for review.")),
        Step("withdraw", _("Withdraw from review"), _("You withdrew %(item)s from review.")),
        Step("approve", _("Approve"), _("You approved %(item)s; it can be published now.")),
        Step(
            "request_changes",
            _("Request changes"),
            _("You sent %(item)s back to its editor with your comment."),
            needs_comment=True,
        ),
        Step(
            "publish",
            _("Publish…"),
            _("You published %(item)s; readers see it now."),
            confirm=True,
        ),
        Step(
            "reconfirm",
            _("Re-confirm against the new data"),
            _("You re-confirmed %(item)s against the data as it is now."),
        ),
        Step(
            "archive",
            _("Archive…"),
            _("You archived %(item)s; it is off the site, and its history stays."),
            confirm=True,
        ),
    )
}


def steps_for(item: Reviewable, user: User) -> list[Step]:
    """The steps `user` may take on `item` now, in the order the buttons show them."""
    if item.pk is None or item.current_revision_id is None:
        return []
    editor = in_group(user, EDITORS_GROUP)
    reviewer = in_group(user, REVIEWERS_GROUP)
    status = item.status
    names: list[str] = []
    if editor and status == Status.DRAFT:
        names.append("submit")
    if (
        reviewer
        and status == Status.IN_REVIEW
        and _may_sign_off(item, user)
        and not Approval.objects.filter(revision_id=item.current_revision_id).exists()
    ):
        names.append("approve")
    if (
        reviewer
        and status == Status.APPROVED
        and item.approved_revision_id == item.current_revision_id
        and _may_sign_off(item, user)
    ):
        names.append("publish")
    if (
        reviewer
        and status == Status.PUBLISHED
        and user.pk != getattr(item.published_revision, "created_by_id", None)
        and rereview_wanted(item)
    ):
        names.append("reconfirm")
    if reviewer and (
        status in {Status.IN_REVIEW, Status.APPROVED}
        or (status == Status.PUBLISHED and rereview_wanted(item))
    ):
        names.append("request_changes")
    if editor and status in {Status.IN_REVIEW, Status.APPROVED}:
        names.append("withdraw")
    if reviewer and status != Status.ARCHIVED:
        names.append("archive")
    return [STEPS[name] for name in names]


def _may_sign_off(item: Reviewable, user: User) -> bool:
    """Four eyes, as refuse_a_second_role() asks it."""
    return user.pk not in item.authors_since_approval() and user.pk != item.last_submitter_id()


def rereview_wanted(item: Reviewable) -> bool:
    """Published text whose data changed since approval, with no newer revision in progress."""
    return (
        item.published_revision_id is not None
        and item.current_revision_id == item.published_revision_id
        and item.needs_rereview_since() is not None
    )


@dataclass(frozen=True)
class Standing:
    """Where an item stands, for its page and its list row."""

    state: str  # a sentence: what readers see, and what is in progress
    holder: str  # who has it now
    last_comment: AuditEntry | None


def status_label(item: Reviewable) -> str:
    """The status as people need it: content readers see is never called a plain draft."""
    if item.published_revision_id is None or item.status == Status.PUBLISHED:
        return str(item.get_status_display())
    newer: dict[str, Any] = {
        Status.DRAFT: _("in draft"),
        Status.IN_REVIEW: _("in review"),
        Status.APPROVED: _("approved"),
    }
    status = newer.get(str(item.status), item.get_status_display().lower())
    return str(_("Live, with a newer revision %(status)s") % {"status": status})


def live_state(item: Reviewable) -> str:
    """Which revision readers see, and whether a newer one is in progress."""
    current = item.current_revision.number if item.current_revision else None
    if item.published_revision_id is None:
        if item.status == Status.ARCHIVED:
            return str(_("Archived: readers do not see it."))
        return str(
            _("Not on the site yet: revision %(n)s is %(status)s.")
            % {"n": current, "status": item.get_status_display().lower()}
        )
    live = item.published_revision.number  # type: ignore[union-attr]
    if current == live:
        return str(_("Live: readers see revision %(n)s.") % {"n": live})
    return str(
        _("Live: readers see revision %(live)s; revision %(n)s is in progress (%(status)s).")
        % {"live": live, "n": current, "status": item.get_status_display().lower()}
    )


def standing(item: Reviewable) -> Standing:
    trail = item.audit_trail().order_by("-at", "-pk")
    last_comment = (
        trail.filter(action__in=[Action.REQUEST_CHANGES, Action.APPROVE, Action.WITHDRAW])
        .exclude(comment="")
        .first()
    )
    author = item.current_revision.created_by if item.current_revision else None
    submitter = next((e for e in trail if e.action == Action.SUBMIT), None)
    holder: Any
    if item.status == Status.DRAFT:
        sent_back = trail.first()
        if sent_back is not None and sent_back.action == Action.REQUEST_CHANGES:
            holder = _("its editor, sent back by %(who)s") % {"who": sent_back.by_username}
        else:
            holder = _("its editor (%(who)s wrote the latest revision)") % {
                "who": person_name(author) if author else "—"
            }
    elif item.status == Status.IN_REVIEW:
        holder = _("a reviewer (submitted by %(who)s)") % {
            "who": submitter.by_username if submitter else "—"
        }
    elif item.status == Status.APPROVED:
        holder = _("a reviewer, to publish it")
    elif item.status == Status.PUBLISHED and rereview_wanted(item):
        holder = _("a reviewer, to re-confirm it against the new data or send it back")
    else:
        holder = _("nobody: no step is waiting")
    return Standing(state=live_state(item), holder=str(holder), last_comment=last_comment)
