from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EditorialConfig(AppConfig):
    """Reviewed content: profiles, use cases, verdicts, evaluation scores."""

    name = "tokonomix.editorial"
    label = "editorial"
    verbose_name = _("Editorial")

    def ready(self) -> None:
        from pricing.services import sync_follow_up_register
        from tokonomix.core.pagecache import pages_depend_on

        from . import models
        from .tasks import open_verdict_drafts

        pages_depend_on(*(getattr(models, name) for name in models.__all__))
        # After an applied price sync: drafts for the published models it changed.
        sync_follow_up_register(open_verdict_drafts.delay)
