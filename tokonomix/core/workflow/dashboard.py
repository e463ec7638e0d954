"""One person's work in the workflow: what they must review, what was sent back to them with
the comment, their drafts, drafts a sync opened, published text whose data changed, and
what is scheduled. Read by the "My work" admin page and the counts in the admin's header."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.urls import reverse

from .models import EDITORS_GROUP, REVIEWERS_GROUP, Action, AuditEntry, Status, User, in_group
from .reviewable import Reviewable
from .steps import live_state, rereview_wanted, steps_for
from .tasks import reviewable_models


@dataclass(frozen=True)
class Row:
    """One item on the dashboard, with what the person needs to read to act on it."""

    kind: str
    item: Reviewable
    url: str
    notes: list[str] = field(default_factory=list)
    entry: AuditEntry | None = None  # the comment or step it is about
    since: Any = None


@dataclass
class MyWork:
    to_review: list[Row] = field(default_factory=list)
    sent_back: list[Row] = field(default_factory=list)
    my_drafts: list[Row] = field(default_factory=list)
    sync_drafts: list[Row] = field(default_factory=list)
    stale: list[Row] = field(default_factory=list)
    scheduled: list[Row] = field(default_factory=list)

    def count(self) -> int:
        """What waits for this person: reviews, items sent back, drafts a sync opened."""
        return len(self.to_review) + len(self.sent_back) + len(self.sync_drafts)


def change_url(item: Any) -> str:
    meta = item._meta
    return reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[item.pk])


def my_work(
    user: User,
    *,
    changes: Callable[[Reviewable], list[str]] | None = None,
    details: bool = True,
) -> MyWork:
    """`changes(item)` says what changed in the data of a stale published item (the admin of
    its content type knows); without it, the item's contradicted claims. `details=False`
    skips the claims checks and the evidence reads: the header's count, on every admin page,
    needs neither."""
    work = MyWork()
    reviewer = in_group(user, REVIEWERS_GROUP)
    editor = in_group(user, EDITORS_GROUP)
    for model in reviewable_models():
        kind = str(model._meta.verbose_name)
        items = model.objects.exclude(status=Status.ARCHIVED).select_related(
            "current_revision", "published_revision"
        )
        for item in items:
            url = change_url(item)
            if item.status in {Status.IN_REVIEW, Status.APPROVED}:
                if reviewer and any(
                    s.name in {"approve", "publish"} for s in steps_for(item, user)
                ):
                    notes = _claims(item) if details else []
                    work.to_review.append(Row(kind, item, url, notes=notes))
                if item.status == Status.APPROVED and item.publish_at:
                    work.scheduled.append(Row(kind, item, url, since=item.publish_at))
            elif item.status == Status.DRAFT:
                _sort_draft(work, kind, item, url, user, editor)
            if details and reviewer and item.published_revision_id is not None:
                since = item.needs_rereview_since()
                if since is not None:
                    notes = changes(item) if changes else list(item.rereview_reasons())
                    if not rereview_wanted(item):
                        notes.append(live_state(item))  # a newer revision is on its way
                    work.stale.append(Row(kind, item, url, notes=notes, since=since))
    return work


def _sort_draft(
    work: MyWork, kind: str, item: Reviewable, url: str, user: User, editor: bool
) -> None:
    last = item.audit_trail().order_by("-at", "-pk").first()
    involved = user.pk in item.authors_since_approval() or user.pk == item.last_submitter_id()
    if last is not None and last.action == Action.REQUEST_CHANGES and involved:
        work.sent_back.append(Row(kind, item, url, entry=last))
    elif sync_changes := item.opened_by_sync():
        if editor:
            work.sync_drafts.append(Row(kind, item, url, notes=sync_changes))
    elif item.current_revision is not None and item.current_revision.created_by_id == user.pk:
        work.my_drafts.append(Row(kind, item, url, entry=last))


def _claims(item: Reviewable) -> list[str]:
    return [str(claim) for claim in item.claims_check()]
