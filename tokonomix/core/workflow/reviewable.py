"""The base of every reviewed content model: its revisions, its transitions, scheduled publishing.

`Reviewable` is the friendly path (checks and messages); the database holds the same rules
(`guards.py`). The rows it writes (`Revision`, `Approval`, `AuditEntry`) are in models.py.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from tokonomix.core.pagecache import pages_invalidate

from .models import (
    EDITORS_GROUP,
    REVIEWERS_GROUP,
    Action,
    Approval,
    AuditEntry,
    Revision,
    Status,
    User,
    content_hash,
    display_name,
    in_group,
)

# How messages say where an item is, and what a step would have done to it.
STATUS_PHRASES: dict[str, Any] = {
    Status.DRAFT: _("is a draft"),
    Status.IN_REVIEW: _("is in review"),
    Status.APPROVED: _("is approved and waiting to be published"),
    Status.PUBLISHED: _("is published"),
    Status.ARCHIVED: _("is archived"),
}
DONE_PHRASES: dict[str, Any] = {
    Action.SUBMIT: _("submitted for review"),
    Action.APPROVE: _("approved"),
    Action.REQUEST_CHANGES: _("sent back to its editor"),
    Action.PUBLISH: _("published"),
    Action.SCHEDULE: _("scheduled"),
    Action.WITHDRAW: _("withdrawn from review"),
    Action.ARCHIVE: _("archived"),
}
VERBS: dict[str, Any] = {
    Action.SUBMIT: _("submit"),
    Action.APPROVE: _("approve"),
    Action.REQUEST_CHANGES: _("send back"),
    Action.PUBLISH: _("publish"),
    Action.SCHEDULE: _("schedule"),
    Action.WITHDRAW: _("withdraw"),
    Action.ARCHIVE: _("archive"),
}


def published_has_a_revision(name: str) -> models.CheckConstraint:
    """For each content model's Meta: published status needs a published revision. (That the
    revision is the item's own and approved by a second person is a trigger: guards.py.)"""
    return models.CheckConstraint(
        condition=~Q(status=Status.PUBLISHED) | Q(published_revision__isnull=False), name=name
    )


class ReviewableQuerySet(models.QuerySet[Any]):
    def published(self) -> ReviewableQuerySet:
        return self.filter(published_revision__isnull=False)

    def in_review(self) -> ReviewableQuerySet:
        return self.filter(status=Status.IN_REVIEW)


class Reviewable(models.Model):
    """Editorial content that readers see only once a second person approved it."""

    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    current_revision = models.ForeignKey(
        Revision, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approved_revision = models.ForeignKey(
        Revision, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    published_revision = models.ForeignKey(
        Revision, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    published_at = models.DateTimeField(null=True, blank=True)
    publish_at = models.DateTimeField(
        _("publish at"), null=True, blank=True, help_text=_("Scheduled publishing time.")
    )
    publish_scheduled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = ReviewableQuerySet.as_manager()

    # Statuses in which the content itself may be edited.
    EDITABLE: ClassVar[frozenset[str]] = frozenset(
        {Status.DRAFT, Status.APPROVED, Status.PUBLISHED, Status.ARCHIVED}
    )

    class Meta:
        abstract = True

    # --- what a revision holds (content models implement these) -------------------

    def revision_data(self) -> dict[str, Any]:
        raise NotImplementedError

    def apply_revision_data(self, data: dict[str, Any]) -> None:
        """Make the content equal to `data` (used to restore a revision)."""
        raise NotImplementedError

    # --- reads --------------------------------------------------------------------

    def workflow_name(self) -> str:
        """How messages and the admin name the item, as a person would: its kind and its
        name ("the verdict “Cheaper again” on o4-mini"). Content models may say it better."""
        return f"the {self._meta.verbose_name} “{self}”"

    def workflow_title(self) -> str:
        """`workflow_name()` at the start of a sentence."""
        return str(capfirst(self.workflow_name()))

    def opened_by_sync(self) -> list[str]:
        """For a draft automation opened: what changed, line by line; else nothing."""
        return []

    @property
    def content_type(self) -> ContentType:
        return ContentType.objects.get_for_model(self, for_concrete_model=True)

    def revisions(self) -> models.QuerySet[Revision]:
        return Revision.objects.filter(content_type=self.content_type, object_id=self.pk)

    def audit_trail(self) -> models.QuerySet[AuditEntry]:
        return AuditEntry.objects.filter(content_type=self.content_type, object_id=self.pk)

    # --- evidence (content about data implements these two) -------------------------

    def evidence_collect(self) -> dict[str, Any]:
        """The data the content relies on now (prices, speed, capabilities...), pinned to
        the approval so that a later change of that data can be noticed. Content that
        relies on no data pins nothing."""
        return {}

    def evidence_drift(self, pinned: dict[str, Any], current: Any = None) -> Any:
        """The date the data stopped matching what was `pinned` at approval, or None.
        `current` is the evidence as evidence_collect() would return it now, when the
        caller already has it (a page comparing several items about one model)."""
        return None

    def claims_check(self, data: dict[str, Any] | None = None, **kwargs: Any) -> list[Any]:
        """The claims of the content (the working copy's, or `data`'s) that the data
        contradicts; shown to reviewers before approval. Content without claims has none."""
        return []

    def rereview_reasons(self, current: Any = None) -> list[str]:
        """Why the published content needs re-review, claim by claim (if the content says)."""
        return []

    def needs_rereview_since(self, approval: Approval | None = None, current: Any = None) -> Any:
        """The date the data behind the published content changed since approval, or None."""
        approval = approval or self.published_approval()
        if approval is None or not approval.evidence:
            return None
        return self.evidence_drift(approval.evidence, current)

    def published_data(self) -> dict[str, Any] | None:
        return self.published_revision.data if self.published_revision else None

    def published_approval(self) -> Approval | None:
        if self.published_revision_id is None:
            return None
        return (
            Approval.objects.select_related("reviewer")
            .filter(revision_id=self.published_revision_id)
            .first()
        )

    def authors_since_approval(self) -> set[int]:
        """Everyone who saved a revision the reviewer would be signing off."""
        last_published = self.published_revision.number if self.published_revision else 0
        return set(
            self.revisions()
            .filter(number__gt=last_published)
            .values_list("created_by_id", flat=True)
        )

    def last_submitter_id(self) -> int | None:
        """Who last submitted the item for review, as the audit trail records it."""
        submitter: int | None = (
            self.audit_trail()
            .filter(action=Action.SUBMIT)
            .order_by("-at", "-pk")
            .values_list("by_id", flat=True)
            .first()
        )
        return submitter

    def refuse_a_second_role(self, by: User, *, step: str) -> None:
        """Whoever wrote a revision being signed off, or submitted it, neither approves nor
        publishes it: one account may be in both groups, never in both roles on one item.
        So a draft the automation account wrote needs a human to submit it and another
        to approve it."""
        if by.pk in self.authors_since_approval():
            raise PermissionDenied(
                _(
                    "You wrote or edited this revision of %(item)s, so another reviewer must "
                    "%(step)s it."
                )
                % {"step": step, "item": self.workflow_name()}
            )
        if by.pk == self.last_submitter_id():
            raise PermissionDenied(
                _("You submitted %(item)s for review, so another reviewer must %(step)s it.")
                % {"step": step, "item": self.workflow_name()}
            )

    # --- edits --------------------------------------------------------------------

    def ensure_editable(self) -> None:
        if self.status not in self.EDITABLE:
            raise ValidationError(
                _(
                    "%(item)s is in review and locked: a reviewer must send it back, or its "
                    "editor withdraw it, before anyone edits it."
                )
                % {"item": self.workflow_title()}
            )

    def record_revision(self, *, by: User) -> Revision:
        """Keep the content as it is now as a revision; call after every save.

        An edit after approval voids the approval and returns the item to review;
        an edit of published content leaves the published revision in place.
        """
        if not by.is_authenticated:
            raise PermissionDenied(_("Sign in to edit."))
        with transaction.atomic():
            locked = type(self).objects.select_for_update().get(pk=self.pk)
            locked.ensure_editable()
            data = self.revision_data()
            digest = content_hash(data)
            current = locked.current_revision
            if current is not None and current.content_hash == digest:
                return current
            revision = Revision.objects.create(
                content_type=self.content_type,
                object_id=self.pk,
                number=(current.number if current else 0) + 1,
                data=data,
                content_hash=digest,
                created_by=by,
            )
            before = locked.status
            after = {
                Status.APPROVED: Status.IN_REVIEW,
                Status.PUBLISHED: Status.DRAFT,
                Status.ARCHIVED: Status.DRAFT,
            }.get(Status(before), before)
            self._move(
                locked,
                to=after,
                action=Action.EDIT,
                by=by,
                revision=revision,
                comment=str(_("Edit voided the approval.")) if before == Status.APPROVED else "",
                current_revision=revision,
                approved_revision=None if before == Status.APPROVED else locked.approved_revision,
                publish_at=None if before == Status.APPROVED else locked.publish_at,
            )
            return revision

    def restore_revision(self, *, revision: Revision, by: User) -> Revision:
        """Make an old revision the content again: a new edit, reviewed again."""
        if revision.content_type_id != self.content_type.pk or revision.object_id != self.pk:
            raise ValidationError(_("That revision belongs to other content."))
        self.ensure_editable()
        with transaction.atomic():
            self.apply_revision_data(revision.data)
            restored = self.record_revision(by=by)
            AuditEntry.objects.create(
                content_type=self.content_type,
                object_id=self.pk,
                action=Action.RESTORE,
                from_status=self.status,
                to_status=self.status,
                by=by,
                comment=_("Restored revision %(number)s.") % {"number": revision.number},
                revision_hash=restored.content_hash,
            )
        return restored

    # --- transitions ----------------------------------------------------------------

    def submit(self, *, by: User) -> None:
        self._transition(
            by=by,
            action=Action.SUBMIT,
            allowed_from={Status.DRAFT},
            to=Status.IN_REVIEW,
            group=EDITORS_GROUP,
        )

    def approve(self, *, by: User, comment: str = "") -> None:
        def four_eyes(locked: Reviewable) -> dict[str, Any]:
            revision = locked.current_revision
            assert revision is not None
            locked.refuse_a_second_role(by, step="approve")
            try:
                with transaction.atomic():
                    Approval.objects.create(
                        revision=revision,
                        reviewer=by,
                        reviewer_name=display_name(by),
                        revision_author_id=revision.created_by_id,
                        revision_author_name=display_name(revision.created_by),
                        submitted_by_id=locked.last_submitter_id(),
                        comment=comment,
                        evidence=locked.evidence_collect(),
                    )
            except IntegrityError as error:
                raise ValidationError(
                    _(
                        "This revision of %(item)s has already been approved once; it needs "
                        "an edit before it can be approved again."
                    )
                    % {"item": self.workflow_name()}
                ) from error
            return {"approved_revision": revision}

        self._transition(
            by=by,
            action=Action.APPROVE,
            allowed_from={Status.IN_REVIEW},
            to=Status.APPROVED,
            group=REVIEWERS_GROUP,
            comment=comment,
            extra=four_eyes,
        )

    def request_changes(self, *, by: User, comment: str) -> None:
        """Send the item back to its editor with a comment. A published item sent back (its
        data changed, say) stays on the site as it is, like any edit of published content,
        until a new revision is published."""
        if not comment or not comment.strip():
            raise ValidationError(
                _("Say what should change in %(item)s: a comment is required.")
                % {"item": self.workflow_name()}
            )

        def clear(locked: Reviewable) -> dict[str, Any]:
            if locked.status == Status.PUBLISHED:
                return {"publish_at": None}
            return {"approved_revision": None, "publish_at": None}

        self._transition(
            by=by,
            action=Action.REQUEST_CHANGES,
            allowed_from={Status.IN_REVIEW, Status.APPROVED, Status.PUBLISHED},
            to=Status.DRAFT,
            group=REVIEWERS_GROUP,
            comment=comment,
            extra=clear,
        )

    def reconfirm(self, *, by: User, comment: str = "") -> None:
        """A reviewer re-confirms published text against the data as it is now: the same
        text becomes a new revision (written by the text's author, whose words it is),
        approved by `by` with fresh evidence, and published. Four eyes still: the text's
        author cannot re-confirm it. Only for published content with nothing in progress."""
        if not in_group(by, REVIEWERS_GROUP):
            raise PermissionDenied(
                _("Only members of the %(group)s group can re-confirm %(item)s.")
                % {"group": REVIEWERS_GROUP, "item": self.workflow_name()}
            )
        with transaction.atomic():
            locked = type(self).objects.select_for_update().get(pk=self.pk)
            published = locked.published_revision
            if locked.status != Status.PUBLISHED or published is None:
                raise ValidationError(
                    _("%(item)s %(status)s, so it cannot be re-confirmed now.")
                    % {"item": self.workflow_title(), "status": STATUS_PHRASES[locked.status]}
                )
            if locked.current_revision_id != published.pk:
                raise ValidationError(
                    _("%(item)s has a newer revision in progress: review that one instead.")
                    % {"item": self.workflow_title()}
                )
            if by.pk == published.created_by_id:
                raise PermissionDenied(
                    _("You wrote the text of %(item)s, so another reviewer must re-confirm it.")
                    % {"item": self.workflow_name()}
                )
            copy = Revision.objects.create(
                content_type=self.content_type,
                object_id=self.pk,
                number=published.number + 1,
                data=published.data,
                content_hash=published.content_hash,
                created_by_id=published.created_by_id,
            )
            note = comment.strip() or str(_("Re-confirmed against the data as it is now."))
            Approval.objects.create(
                revision=copy,
                reviewer=by,
                reviewer_name=display_name(by),
                revision_author_id=published.created_by_id,
                revision_author_name=display_name(published.created_by),
                comment=note,
                evidence=locked.evidence_collect(),
            )
            self._move(
                locked,
                to=Status.PUBLISHED,
                action=Action.APPROVE,
                by=by,
                revision=copy,
                comment=_("Re-confirmed revision %(number)s unchanged: %(note)s")
                % {"number": published.number, "note": note},
                current_revision=copy,
                approved_revision=copy,
                published_revision=copy,
                published_at=timezone.now(),
            )

    def publish(self, *, by: User, at: Any = None) -> None:
        """Publish the approved revision now, or schedule it for `at`."""

        def schedule(locked: Reviewable) -> dict[str, Any]:
            locked.refuse_a_second_role(by, step="publish")
            return {"publish_at": at, "publish_scheduled_by": by}

        if at is not None and at > timezone.now():
            self._transition(
                by=by,
                action=Action.SCHEDULE,
                allowed_from={Status.APPROVED},
                to=Status.APPROVED,
                group=REVIEWERS_GROUP,
                comment=f"Scheduled for {at:%Y-%m-%d %H:%M} UTC",
                extra=schedule,
            )
            return

        def go_live(locked: Reviewable) -> dict[str, Any]:
            locked.refuse_a_second_role(by, step="publish")
            if locked.approved_revision_id != locked.current_revision_id:
                raise ValidationError(
                    _(
                        "%(item)s changed after its approval, and only the approved "
                        "revision can be published."
                    )
                    % {"item": self.workflow_title()}
                )
            return {
                "published_revision": locked.approved_revision,
                "published_at": timezone.now(),
                "publish_at": None,
            }

        self._transition(
            by=by,
            action=Action.PUBLISH,
            allowed_from={Status.APPROVED},
            to=Status.PUBLISHED,
            group=REVIEWERS_GROUP,
            extra=go_live,
        )

    def withdraw(self, *, by: User, comment: str = "") -> None:
        """Take a submission back to draft (its approval, if any, is void)."""
        self._transition(
            by=by,
            action=Action.WITHDRAW,
            allowed_from={Status.IN_REVIEW, Status.APPROVED},
            to=Status.DRAFT,
            group=EDITORS_GROUP,
            comment=comment,
            extra=lambda locked: {"approved_revision": None, "publish_at": None},
        )

    def archive(self, *, by: User, comment: str = "") -> None:
        """Take content off the site; its history stays."""
        self._transition(
            by=by,
            action=Action.ARCHIVE,
            allowed_from={Status.DRAFT, Status.IN_REVIEW, Status.APPROVED, Status.PUBLISHED},
            to=Status.ARCHIVED,
            group=REVIEWERS_GROUP,
            comment=comment,
            extra=lambda locked: {
                "published_revision": None,
                "approved_revision": None,
                "publish_at": None,
            },
        )

    # --- machinery ----------------------------------------------------------------------

    def _transition(
        self,
        *,
        by: User,
        action: Action,
        allowed_from: set[Status],
        to: Status,
        group: str,
        comment: str = "",
        extra: Any = None,
    ) -> None:
        """Check, then apply, one transition atomically; on any refusal nothing changes."""
        if not in_group(by, group):
            raise PermissionDenied(
                _("Only members of the %(group)s group can %(verb)s %(item)s.")
                % {"group": group, "verb": VERBS[action], "item": self.workflow_name()}
            )
        with transaction.atomic():
            locked = type(self).objects.select_for_update().get(pk=self.pk)
            if locked.status not in allowed_from:
                raise ValidationError(
                    _("%(item)s %(status)s, so it cannot be %(done)s now.")
                    % {
                        "item": self.workflow_title(),
                        "status": STATUS_PHRASES[locked.status],
                        "done": DONE_PHRASES[action],
                    }
                )
            if locked.current_revision is None:
                raise ValidationError(
                    _("Save %(item)s once before it enters the workflow.")
                    % {"item": self.workflow_name()}
                )
            changes = extra(locked) if extra else {}
            self._move(
                locked,
                to=to,
                action=action,
                by=by,
                revision=locked.current_revision,
                comment=comment,
                **changes,
            )

    def _move(
        self,
        locked: Reviewable,
        *,
        to: Status | str,
        action: Action,
        by: User,
        revision: Revision,
        comment: str = "",
        **changes: Any,
    ) -> None:
        before = locked.status
        changes["status"] = to
        for name, value in changes.items():
            setattr(locked, name, value)
            setattr(self, name, value)
        type(self).objects.filter(pk=self.pk).update(**changes)
        AuditEntry.objects.create(
            content_type=self.content_type,
            object_id=self.pk,
            action=action,
            from_status=before,
            to_status=to,
            by=by,
            comment=str(comment),
            revision_hash=revision.content_hash,
        )
        # What readers see may have changed (published, archived, or its drift marker).
        pages_invalidate()
