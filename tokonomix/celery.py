"""The Celery app. Its beat schedule is CELERY_BEAT_SCHEDULE in settings.py."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tokonomix.settings")

app = Celery("tokonomix")
app.config_from_object("django.conf:settings", namespace="CELERY")
# Each installed app's tasks module, and those of the benchmarks app's two packages.
app.autodiscover_tasks()
app.autodiscover_tasks(["benchmarks.speed", "benchmarks.testbench"])


@app.task(name="tokonomix.ping")
def ping(value: str) -> str:
    """A round trip through the broker and a worker, for readiness checks and tests."""
    return f"pong:{value}"
