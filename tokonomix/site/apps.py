from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SiteConfig(AppConfig):
    """Pages that join every app (home, profile, compare) and the demo loader."""

    name = "tokonomix.site"
    label = "site"
    verbose_name = _("Site")
