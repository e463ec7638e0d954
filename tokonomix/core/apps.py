from django.apps import AppConfig

# The module, not the class: a class imported here would count as this module's default.
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """Core holds no models; it is an app so that its template tags (markup) load."""

    default = True
    name = "tokonomix.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from . import checks  # noqa: F401  (registers the deployment checks)


class StaffAdminConfig(admin_apps.AdminConfig):
    """Django's admin, on the site's own admin site: a second factor for staff."""

    default = False  # named in INSTALLED_APPS by its dotted path
    default_site = "tokonomix.core.two_factor.StaffAdminSite"
