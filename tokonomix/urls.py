from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.conf.urls.static import static
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path, register_converter
from django.views.generic import RedirectView

from models_catalog.converters import ModelSlugConverter

from . import health
from .api import api
from .site.sitemaps import SITEMAPS
from .site.views import robots_txt
from .workflow.views import review_queue

register_converter(ModelSlugConverter, "model")

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("admin/review-queue/", review_queue, name="review_queue"),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path(
        "sitemap.xml",
        sitemap,
        {"sitemaps": SITEMAPS, "template_name": "site/sitemap.xml"},
        name="sitemap",
    ),
    path("robots.txt", robots_txt, name="robots_txt"),
    path("", RedirectView.as_view(url="/en/", permanent=False)),
]

urlpatterns += i18n_patterns(
    path("models/", include("models_catalog.urls")),
    path("pricing/", include("pricing.urls")),
    path("accounts/", include("tokonomix.accounts")),
    path("", include("benchmarks.urls")),
    path("", include("tokonomix.site.urls")),
    prefix_default_language=True,
)

# Uploaded illustrations; in production the proxy serves MEDIA_ROOT (static() is a no-op then).
urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
