"""Core's one table: which scheduled task ran in which slot (tokonomix.core.schedule)."""

from __future__ import annotations

from django.db import models


class ScheduledSlot(models.Model):
    """A scheduled task's claim on one slot of its schedule: the first send runs, any
    other send for the same slot (a second beat, a redelivery) finds it taken."""

    task = models.CharField(max_length=200)
    slot = models.DateTimeField(help_text="The start of the slot (a minute), UTC.")
    claimed_at = models.DateTimeField(auto_now_add=True)
    refused = models.PositiveIntegerField(
        default=0, help_text="Later sends for the same slot that found it taken."
    )

    class Meta:
        ordering = ["-slot"]
        constraints = [
            models.UniqueConstraint(fields=["task", "slot"], name="one_run_per_task_slot"),
        ]

    def __str__(self) -> str:
        return f"{self.task} at {self.slot:%Y-%m-%d %H:%M}"
