from celery import shared_task
from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from ..schedule import scheduled_slot_claim
from .models import Status
from .reviewable import Reviewable


def reviewable_models() -> list[type[Reviewable]]:
    """Every content model that goes through the workflow, whichever app defines it."""
    return [model for model in apps.get_models() if issubclass(model, Reviewable)]


@shared_task(name="tokonomix.core.workflow.tasks.publish_due")
def publish_due(scheduled: bool = False) -> int:
    """Carry out scheduled publishing (beat, every five minutes)."""
    if scheduled and not scheduled_slot_claim("tokonomix.core.workflow.tasks.publish_due"):
        return 0
    return reviewables_publish_due(models_with_workflow=reviewable_models())


def reviewables_publish_due(*, models_with_workflow: list[type[Reviewable]]) -> int:
    """Publish everything whose scheduled time has come (beat calls this)."""
    published = 0
    now = timezone.now()
    for model in models_with_workflow:
        due = model.objects.filter(status=Status.APPROVED, publish_at__lte=now)
        for item in due.select_related("publish_scheduled_by"):
            scheduler = item.publish_scheduled_by
            if scheduler is None:
                continue
            try:
                item.publish(by=scheduler)
            except (PermissionDenied, ValidationError):
                continue  # no longer allowed: the audit trail shows it stayed unpublished
            published += 1
    return published
