"""One review workflow for all editorial content: revisions, four-eyes approval, audit trail.

Content models inherit `Reviewable` (reviewable.py) and describe their content with
`revision_data()` / `apply_revision_data()`. Every saved version is a `Revision`;
approval belongs to the exact revision reviewed (by content hash); readers only
ever see `published_revision`, so edits made after approval never leak out.

Nobody holds two roles on one item: whoever wrote a revision being signed off, or
submitted it, neither approves nor publishes it. Approvals and audit entries are
insert-only and keep the names people had when they acted. The model methods are the
friendly path; the database holds the same rules (`guards.py`, created by migrations).

This module imports no app: apps import it.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

EDITORS_GROUP = "Editors"
REVIEWERS_GROUP = "Reviewers"

# request.user or a user instance: anything with is_authenticated, pk and groups.
User = Any


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    IN_REVIEW = "in_review", _("In review")
    APPROVED = "approved", _("Approved")
    PUBLISHED = "published", _("Published")
    ARCHIVED = "archived", _("Archived")


class Action(models.TextChoices):
    EDIT = "edit", _("Edited")
    SUBMIT = "submit", _("Submitted for review")
    APPROVE = "approve", _("Approved")
    REQUEST_CHANGES = "request_changes", _("Changes requested")
    PUBLISH = "publish", _("Published")
    SCHEDULE = "schedule", _("Publishing scheduled")
    WITHDRAW = "withdraw", _("Withdrawn from review")
    ARCHIVE = "archive", _("Archived")
    RESTORE = "restore", _("Revision restored")
    GROUPS_CHANGED = "groups_changed", _("Account's groups changed")


def content_hash(data: dict[str, Any]) -> str:
    canonical = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def display_name(user: User) -> str:
    """How a byline names someone: their full name, else their username."""
    return str(user.get_full_name() or user.get_username())


def in_group(user: User, name: str) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    return bool(user.groups.filter(name=name).exists())


class Revision(models.Model):
    """One saved version of a piece of content, with who saved it."""

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    number = models.PositiveIntegerField()
    data = models.JSONField()
    content_hash = models.CharField(max_length=64)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["content_type", "object_id", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id", "number"], name="one_revision_number"
            ),
        ]
        indexes = [models.Index(fields=["content_type", "object_id"], name="revision_content")]

    def __str__(self) -> str:
        return f"revision {self.number} ({self.content_hash[:8]})"


class InsertOnlyQuerySet(models.QuerySet[Any]):
    """Rows written once and never changed: bulk updates and deletes are refused here, and by
    the database's triggers for every other path (raw SQL, `_base_manager`)."""

    def update(self, **kwargs: Any) -> int:
        raise PermissionDenied(f"{self.model._meta.verbose_name_plural} cannot be changed.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise PermissionDenied(f"{self.model._meta.verbose_name_plural} cannot be deleted.")


class InsertOnly(models.Model):
    """Saving an existing row or deleting one raises; see InsertOnlyQuerySet."""

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise PermissionDenied(f"{self._meta.verbose_name_plural} cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise PermissionDenied(f"{self._meta.verbose_name_plural} cannot be deleted.")


class Approval(InsertOnly):
    """A reviewer's sign-off on one exact revision; never by that revision's authors, nor by
    whoever submitted it. The names are those the people had when the approval was given,
    so renaming an account rewrites no byline."""

    revision = models.OneToOneField(Revision, on_delete=models.PROTECT, related_name="approval")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="approvals"
    )
    reviewer_name = models.CharField(
        _("reviewer's name"), max_length=300, help_text=_("As the byline shows it, at approval.")
    )
    revision_author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    revision_author_name = models.CharField(_("revision author's name"), max_length=300)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        help_text=_("Who submitted the revision for review (empty on approvals before 2026-12)."),
    )
    comment = models.TextField(blank=True)
    approved_at = models.DateTimeField(default=timezone.now)
    evidence = models.JSONField(
        default=dict,
        blank=True,
        help_text=_(
            "The data the content relied on when it was approved (prices, speed, "
            "capabilities), to tell when it has drifted."
        ),
    )

    objects = InsertOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("approval")
        verbose_name_plural = _("approvals")
        # `_base_manager` refuses changes too (related lookups only read through it).
        base_manager_name = "objects"
        constraints = [
            # Four eyes, in the database too: nobody approves what they saved...
            models.CheckConstraint(
                condition=~Q(reviewer=F("revision_author")), name="approver_is_not_the_author"
            ),
            # ...or what they submitted (so automation's drafts need two humans).
            models.CheckConstraint(
                condition=Q(submitted_by__isnull=True) | ~Q(reviewer=F("submitted_by")),
                name="approver_did_not_submit",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.revision} approved by {self.reviewer_name}"


class AuditEntry(InsertOnly):
    """Who moved what from where to where, when, with what comment. Insert-only.

    `by_username` is the account's username when it acted: a later rename changes the
    account, not the history."""

    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    object_id = models.PositiveBigIntegerField()
    action = models.CharField(max_length=20, choices=Action.choices)
    # Empty for entries about accounts (group changes), which have no workflow status.
    from_status = models.CharField(max_length=16, choices=Status.choices, blank=True)
    to_status = models.CharField(max_length=16, choices=Status.choices, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    by_username = models.CharField(_("who"), max_length=150, blank=True)
    at = models.DateTimeField(default=timezone.now, db_index=True)
    comment = models.TextField(blank=True)
    revision_hash = models.CharField(max_length=64, blank=True)

    objects = InsertOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit trail")
        base_manager_name = "objects"
        indexes = [models.Index(fields=["content_type", "object_id"], name="audit_content")]

    def __str__(self) -> str:
        who = self.by_username or "automation"
        return f"{self.get_action_display()} by {who} at {self.at:%Y-%m-%d %H:%M}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.by is not None and not self.by_username:
            self.by_username = self.by.get_username()
        super().save(*args, **kwargs)
