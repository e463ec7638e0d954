from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ModelsCatalogConfig(AppConfig):
    name = "models_catalog"
    verbose_name = _("Catalogue")

    def ready(self) -> None:
        from tokonomix.core.pagecache import pages_depend_on

        from . import models

        pages_depend_on(
            models.Provider,
            models.Tier,
            models.Model,
            models.ModelCapability,
            models.ModelAlias,
            models.Region,
            models.Host,
            models.Offering,
            models.CatalogueChange,
        )
