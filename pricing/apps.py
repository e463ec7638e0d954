from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PricingConfig(AppConfig):
    name = "pricing"
    verbose_name = _("Pricing")

    def ready(self) -> None:
        from tokonomix.core.pagecache import pages_depend_on

        from .models import HeldPriceChange, PricePoint

        # Sync runs and the sync lock are bookkeeping; an applied sync drops pages itself.
        pages_depend_on(PricePoint, HeldPriceChange)
