from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """Core's app: its template tags (markup), the scheduled-slot table, and the Celery
    heartbeats /readyz reports."""

    name = "tokonomix.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from celery.signals import beat_init, worker_ready

        worker_ready.connect(_worker_heartbeat, weak=False, dispatch_uid="tokonomix-worker")
        beat_init.connect(_beat_heartbeat, weak=False, dispatch_uid="tokonomix-beat")


def _worker_heartbeat(sender: object = None, **kwargs: object) -> None:
    from .heartbeat import heartbeat_start

    heartbeat_start("worker", str(getattr(sender, "hostname", "") or ""))


def _beat_heartbeat(sender: object = None, **kwargs: object) -> None:
    from .heartbeat import heartbeat_start

    heartbeat_start("beat")
