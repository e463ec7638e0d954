"""sitemap.xml: the reader's pages (published content only)."""

from __future__ import annotations

from typing import Any

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from models_catalog.models import Model, Provider
from tokonomix.editorial.models import UseCase

STATIC_PAGES = [
    "site:home",
    "site:leaderboard",
    "site:intelligence_board",
    "models_catalog:model_list",
    "site:compare",
    "site:provider_list",
    "site:usecase_list",
    "site:speed_board",
    "site:methodology",
    "pricing:changes",
]


class StaticPagesSitemap(Sitemap):
    changefreq = "weekly"

    def items(self) -> list[str]:
        return STATIC_PAGES

    def location(self, item: str) -> str:  # type: ignore[override]
        return reverse(item)


class ModelsSitemap(Sitemap):
    changefreq = "weekly"

    def items(self) -> Any:
        return Model.objects.published().order_by("slug").only("slug", "updated_at")

    def lastmod(self, item: Model) -> Any:
        return item.updated_at


class ProvidersSitemap(Sitemap):
    changefreq = "monthly"

    def items(self) -> Any:
        return Provider.objects.filter(models__is_published=True).distinct().order_by("slug")

    def location(self, item: Provider) -> str:  # type: ignore[override]
        return reverse("site:provider_detail", kwargs={"slug": item.slug})


class UseCasesSitemap(Sitemap):
    changefreq = "monthly"

    def items(self) -> Any:
        return UseCase.objects.published().order_by("slug").only("slug", "published_at")

    def lastmod(self, item: UseCase) -> Any:
        return item.published_at


SITEMAPS = {
    "pages": StaticPagesSitemap,
    "models": ModelsSitemap,
    "providers": ProvidersSitemap,
    "usecases": UseCasesSitemap,
}
