from celery import shared_task
from django.apps import apps

from ..schedule import scheduled_slot_claim
from .reviewable import Reviewable, reviewables_publish_due


def reviewable_models() -> list[type[Reviewable]]:
    """Every content model that goes through the workflow, whichever app defines it."""
    return [model for model in apps.get_models() if issubclass(model, Reviewable)]


@shared_task(name="tokonomix.core.workflow.tasks.publish_due")
def publish_due(scheduled: bool = False) -> int:
    """Carry out scheduled publishing (beat, every five minutes)."""
    if scheduled and not scheduled_slot_claim("tokonomix.core.workflow.tasks.publish_due"):
        return 0
    return reviewables_publish_due(models_with_workflow=reviewable_models())
