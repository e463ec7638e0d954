from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkflowConfig(AppConfig):
    """The review workflow every piece of editorial content goes through."""

    name = "tokonomix.core.workflow"
    label = "workflow"
    verbose_name = _("Review workflow")

    def ready(self) -> None:
        from tokonomix.core.pagecache import pages_depend_on

        from .models import Approval
        from .roles import roles_audit_connect

        # Revisions and audit entries are written by every edit; readers see approvals
        # (the reviewer's byline) and the published revisions their content points at.
        pages_depend_on(Approval)
        # Changes to who is an editor or a reviewer go to the audit trail and the admins.
        roles_audit_connect()
