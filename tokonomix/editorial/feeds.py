"""Atom feeds of published verdicts: the whole site, and one per model."""

from __future__ import annotations

import datetime as dt

from django.contrib.syndication.views import Feed
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from models_catalog.models import Model
from tokonomix.core.markdown import markdown_html
from tokonomix.editorial.figures import data_render
from tokonomix.editorial.models import Verdict
from tokonomix.editorial.selectors import verdict_feed_items


class VerdictsFeed(Feed):
    feed_type = Atom1Feed
    title = "Tokonomix: benchmark verdicts"
    subtitle = "Our dated verdicts on large language models, each approved by a second editor."

    def link(self) -> str:
        return reverse("site:home")

    def items(self) -> list[Verdict]:
        return verdict_feed_items(limit=50)

    def item_title(self, item: Verdict) -> str:
        data = data_render(item.published_data() or {})
        return f"{item.model.name}: {data.get('headline', '')}"

    def item_description(self, item: Verdict) -> str:
        data = data_render(item.published_data() or {})
        return str(markdown_html(data.get("body", "")))

    def item_link(self, item: Verdict) -> str:
        return item.model.get_absolute_url() + "#verdicts"

    def item_guid(self, item: Verdict) -> str:
        return f"tokonomix-verdict-{item.pk}-revision-{item.published_revision_id}"

    def item_guid_is_permalink(self, item: Verdict) -> bool:
        return False

    def item_pubdate(self, item: Verdict) -> dt.datetime:
        data = item.published_data() or {}
        return dt.datetime.combine(dt.date.fromisoformat(data["date"]), dt.time(), tzinfo=dt.UTC)

    def item_updateddate(self, item: Verdict) -> dt.datetime | None:
        return item.published_at


class ModelVerdictsFeed(VerdictsFeed):
    def get_object(self, request: HttpRequest, slug: str) -> Model:  # type: ignore[override]
        return get_object_or_404(Model.objects.published(), slug=slug)

    def title(self, obj: Model) -> str:  # type: ignore[override]
        return f"Tokonomix: {obj.name} verdicts"

    def link(self, obj: Model) -> str:  # type: ignore[override]
        return obj.get_absolute_url() + "#verdicts"

    def items(self, obj: Model) -> list[Verdict]:  # type: ignore[override]
        return verdict_feed_items(model=obj, limit=50)
