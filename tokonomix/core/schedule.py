"""Scheduled tasks run once per slot, however many times they are sent.

Beat sends a scheduled task with `scheduled=True`; the task first claims its slot (the
minute it was due in) with `scheduled_slot_claim`. The claim is a row under a unique
constraint, so of two sends for one slot (two beats started by mistake, a send repeated
after a broker hiccup) exactly one gets True, whichever process or machine it runs on.
"""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from .models import ScheduledSlot

SLOT = dt.timedelta(minutes=1)


def slot_start(now: dt.datetime) -> dt.datetime:
    return now.replace(second=0, microsecond=0)


def scheduled_slot_claim(task: str, *, now: dt.datetime | None = None) -> bool:
    """True for the first claim of `task`'s current slot, False for every later one."""
    slot = slot_start(now or timezone.now())
    try:
        with transaction.atomic():
            ScheduledSlot.objects.create(task=task, slot=slot)
    except IntegrityError:
        ScheduledSlot.objects.filter(task=task, slot=slot).update(refused=F("refused") + 1)
        return False
    return True
