from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkflowConfig(AppConfig):
    """The review workflow every piece of editorial content goes through."""

    name = "tokonomix.workflow"
    label = "workflow"
    verbose_name = _("Review workflow")
