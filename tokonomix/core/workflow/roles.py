"""Who may write and who may sign off is itself on record: every change to an account's groups
(a superuser creating a reviewer, adding someone to Editors, taking them out) writes an audit
entry about that account and tells the site's admins (ADMINS, and the log).

A receiver of `m2m_changed` on the groups relation, because that is the one place every path
goes through (the admin, a shell, a script). It records; it decides nothing. Who made the
change is known when the admin made it (`acting_as`, entered by the user admin); otherwise
the entry says it happened outside the admin.
"""

from __future__ import annotations

import contextvars
import logging
import smtplib
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core.mail import mail_admins
from django.db import transaction
from django.db.models.signals import m2m_changed

from .models import Action, AuditEntry

logger = logging.getLogger("tokonomix.accounts")

_acting_user: contextvars.ContextVar[Any] = contextvars.ContextVar("acting_user", default=None)


@contextmanager
def acting_as(user: Any) -> Iterator[None]:
    """Group changes made inside this block are recorded as made by `user`."""
    token = _acting_user.set(user)
    try:
        yield
    finally:
        _acting_user.reset(token)


def groups_change_record(*, account: Any, added: list[str], removed: list[str]) -> AuditEntry:
    """One audit entry about `account`'s groups, and a notice to the admins after commit."""
    by = _acting_user.get()
    changes = [f"added to {name}" for name in added] + [f"removed from {name}" for name in removed]
    who = by.get_username() if by is not None else "someone outside the admin"
    summary = f"{account.get_username()}: {'; '.join(changes)} (by {who})"
    entry = AuditEntry.objects.create(
        content_type=ContentType.objects.get_for_model(account, for_concrete_model=True),
        object_id=account.pk,
        action=Action.GROUPS_CHANGED,
        by=by,
        comment=summary,
    )
    logger.warning("Account groups changed: %s", summary)
    transaction.on_commit(lambda: _admins_told(summary))
    return entry


def _admins_told(summary: str) -> None:
    # After commit, and never failing the change itself: the entry and the log line stand.
    try:
        mail_admins(f"Groups changed: {summary}", summary)
    except (OSError, smtplib.SMTPException):
        logger.exception("Could not mail the admins about: %s", summary)


def _groups_changed(
    sender: Any, instance: Any, action: str, reverse: bool, pk_set: set[int] | None, **kwargs: Any
) -> None:
    if action not in ("post_add", "post_remove", "pre_clear"):
        return
    User = get_user_model()
    if action == "pre_clear":
        # After the clear there is nothing left to name: read what goes now.
        if reverse:
            pairs = [(user, [instance.name]) for user in instance.user_set.all()]
        else:
            pairs = [(instance, list(instance.groups.values_list("name", flat=True)))]
        for account, names in pairs:
            if names:
                groups_change_record(account=account, added=[], removed=names)
        return
    if not pk_set:
        return
    if reverse:  # group.user_set.add(...) / .remove(...): instance is the group
        accounts = list(User.objects.filter(pk__in=pk_set))
        names_by_account = [(account, [instance.name]) for account in accounts]
    else:
        names = sorted(Group.objects.filter(pk__in=pk_set).values_list("name", flat=True))
        names_by_account = [(instance, names)]
    for account, names in names_by_account:
        if action == "post_add":
            groups_change_record(account=account, added=names, removed=[])
        else:
            groups_change_record(account=account, added=[], removed=names)


def roles_audit_connect() -> None:
    """Called from the workflow app's ready()."""
    m2m_changed.connect(
        _groups_changed,
        sender=get_user_model().groups.through,
        dispatch_uid="tokonomix.workflow.groups_changed",
    )
