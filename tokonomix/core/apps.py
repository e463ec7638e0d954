from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """Core holds no models; it is an app so that its template tags (markup) load."""

    name = "tokonomix.core"
    label = "core"
    verbose_name = _("Core")
