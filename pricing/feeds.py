"""Atom feeds of price changes: the whole catalogue, and one per model."""

from __future__ import annotations

import datetime as dt

from django.contrib.syndication.views import Feed
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from models_catalog.models import Model

from . import selectors
from .costs import format_usd


class PriceChangesFeed(Feed):
    feed_type = Atom1Feed
    title = "Tokonomix: price changes"
    subtitle = "Per-million-token price changes synced weekly from public price maps."

    def link(self) -> str:
        return reverse("pricing:changes")

    def items(self) -> list[selectors.PriceChange]:
        return selectors.price_changes(limit=50)

    def item_title(self, item: selectors.PriceChange) -> str:
        template = _(
            "%(model)s on %(host)s: input %(old_in)s → %(new_in)s, "
            "output %(old_out)s → %(new_out)s per million"
        )
        return template % {
            "model": item.offering.model.name,
            "host": item.offering.host.name,
            "old_in": format_usd(item.previous_input),
            "new_in": format_usd(item.point.input_per_million),
            "old_out": format_usd(item.previous_output),
            "new_out": format_usd(item.point.output_per_million),
        }

    def item_description(self, item: selectors.PriceChange) -> str:
        return _("Offering %(key)s, in force from %(day)s (source: %(source)s).") % {
            "key": item.offering.source_key,
            "day": item.point.effective_from.isoformat(),
            "source": item.offering.source,
        }

    def item_link(self, item: selectors.PriceChange) -> str:
        return item.offering.model.get_absolute_url() + "#pricing"

    def item_guid(self, item: selectors.PriceChange) -> str:
        return f"tokonomix-price-point-{item.point.pk}"

    def item_guid_is_permalink(self, item: selectors.PriceChange) -> bool:
        return False

    def item_updateddate(self, item: selectors.PriceChange) -> dt.datetime:
        return item.point.created_at

    def item_pubdate(self, item: selectors.PriceChange) -> dt.datetime:
        return dt.datetime.combine(item.point.effective_from, dt.time(), tzinfo=dt.UTC)


class ModelPriceChangesFeed(PriceChangesFeed):
    def get_object(self, request: HttpRequest, slug: str) -> Model:  # type: ignore[override]
        return get_object_or_404(Model.objects.published(), slug=slug)

    def title(self, obj: Model) -> str:  # type: ignore[override]
        return f"Tokonomix: {obj.name} price changes"

    def link(self, obj: Model) -> str:  # type: ignore[override]
        return obj.get_absolute_url() + "#pricing"

    def items(self, obj: Model) -> list[selectors.PriceChange]:  # type: ignore[override]
        return selectors.price_changes(model=obj, limit=50)
