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
from .core.workflow.views import review_queue
from .site.sitemaps import SITEMAPS
from .site.views import robots_txt

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

# Each app routes the pages it renders, with their whole paths (README: which app owns
# which URL); the site routes the pages that join every app.
urlpatterns += i18n_patterns(
    path("", include("models_catalog.urls")),
    path("", include("pricing.urls")),
    path("", include("benchmarks.urls")),
    path("", include("tokonomix.editorial.urls")),
    path("", include("tokonomix.site.urls")),
    path("", include("tokonomix.site.accounts")),
    prefix_default_language=True,
)

# Uploaded illustrations; in production the proxy serves MEDIA_ROOT (static() is a no-op then).
urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
