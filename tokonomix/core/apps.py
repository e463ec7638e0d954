from django.apps import AppConfig

# The module, not the class: a class imported here would count as this module's default.
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """Core's app: its template tags (markup), the scheduled-slot table, and the Celery
    heartbeats /readyz reports."""

    default = True
    name = "tokonomix.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from celery.signals import beat_init, worker_ready

        from . import checks  # noqa: F401  (registers the deployment checks)

        worker_ready.connect(_worker_heartbeat, weak=False, dispatch_uid="tokonomix-worker")
        beat_init.connect(_beat_heartbeat, weak=False, dispatch_uid="tokonomix-beat")


def _worker_heartbeat(sender: object = None, **kwargs: object) -> None:
    from .heartbeat import heartbeat_start

    heartbeat_start("worker", str(getattr(sender, "hostname", "") or ""))


def _beat_heartbeat(sender: object = None, **kwargs: object) -> None:
    from .heartbeat import heartbeat_start

    heartbeat_start("beat")


class StaffAdminConfig(admin_apps.AdminConfig):
    """Django's admin, on the site's own admin site: a second factor for staff."""

    default = False  # named in INSTALLED_APPS by its dotted path
    default_site = "tokonomix.core.two_factor.StaffAdminSite"
