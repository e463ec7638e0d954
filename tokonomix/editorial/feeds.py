"""Atom feeds of published verdicts: the whole site, and one per model."""

from __future__ import annotations

import datetime as dt

from django.contrib.syndication.views import Feed
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from models_catalog.models import Model, profile_url
from tokonomix.core.markdown import markdown_html
from tokonomix.editorial.figures import data_render
from tokonomix.editorial.selectors import FeedVerdict, verdict_feed_items


class VerdictsFeed(Feed):
    feed_type = Atom1Feed
    title = "Tokonomix: benchmark verdicts"
    subtitle = "Our dated verdicts on large language models, each approved by a second editor."

    def link(self) -> str:
        return reverse("site:home")

    def items(self) -> list[FeedVerdict]:
        return verdict_feed_items(limit=50)

    # Everything below comes from the published revision, subject included, with its live
    # figures written in as they stand today.

    def item_title(self, item: FeedVerdict) -> str:
        return f"{item.subject_name}: {data_render(item.data).get('headline', '')}"

    def item_description(self, item: FeedVerdict) -> str:
        return str(markdown_html(data_render(item.data).get("body", "")))

    def item_link(self, item: FeedVerdict) -> str:
        return profile_url(item.subject_slug) + "#verdicts"

    def item_guid(self, item: FeedVerdict) -> str:
        verdict = item.verdict
        return f"tokonomix-verdict-{verdict.pk}-revision-{verdict.published_revision_id}"

    def item_guid_is_permalink(self, item: FeedVerdict) -> bool:
        return False

    def item_pubdate(self, item: FeedVerdict) -> dt.datetime:
        published = dt.date.fromisoformat(item.data["date"])
        return dt.datetime.combine(published, dt.time(), tzinfo=dt.UTC)

    def item_updateddate(self, item: FeedVerdict) -> dt.datetime | None:
        return item.verdict.published_at


class ModelVerdictsFeed(VerdictsFeed):
    def get_object(self, request: HttpRequest, slug: str) -> Model:  # type: ignore[override]
        return get_object_or_404(Model.objects.published(), slug=slug)

    def title(self, obj: Model) -> str:  # type: ignore[override]
        return f"Tokonomix: {obj.name} verdicts"

    def link(self, obj: Model) -> str:  # type: ignore[override]
        return obj.get_absolute_url() + "#verdicts"

    def items(self, obj: Model) -> list[FeedVerdict]:  # type: ignore[override]
        return verdict_feed_items(model=obj, limit=50)
