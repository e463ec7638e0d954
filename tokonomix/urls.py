from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path, register_converter
from django.views.generic import RedirectView

from models_catalog.converters import ModelSlugConverter

from . import health
from .api import api
from .workflow.views import review_queue

register_converter(ModelSlugConverter, "model")

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("admin/review-queue/", review_queue, name="review_queue"),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("", RedirectView.as_view(url="/en/", permanent=False)),
]

urlpatterns += i18n_patterns(
    path("models/", include("models_catalog.urls")),
    path("pricing/", include("pricing.urls")),
    path("", include("tokonomix.site.urls")),
    prefix_default_language=True,
)
