import re

from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path, re_path, register_converter
from django.views.generic import RedirectView

from models_catalog.converters import ModelSlugConverter

from . import health
from .api import api
from .core.media import serve_user_media
from .core.workflow.views import my_work_view, review_queue
from .site.sitemaps import SITEMAPS
from .site.views import robots_txt

register_converter(ModelSlugConverter, "model")

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    # Through the admin site's checks: staff with their second factor (core/two_factor.py).
    path("admin/review-queue/", admin.site.admin_view(review_queue), name="review_queue"),
    path("admin/my-work/", admin.site.admin_view(my_work_view), name="my_work"),
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
    # The address the reference profile links the testbench by, without the language prefix.
    path("live-test", RedirectView.as_view(pattern_name="benchmarks:testbench", permanent=True)),
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

# Uploaded illustrations, with headers that stop a browser from running them. In production
# the proxy serves MEDIA_ROOT at MEDIA_URL with the same headers (README, "Operations").
if settings.SERVE_MEDIA:
    urlpatterns += [
        re_path(
            rf"^{re.escape(settings.MEDIA_URL.lstrip('/'))}(?P<path>.+)$",
            serve_user_media,
            name="user_media",
        )
    ]
