"""Query-string forms of the reader's pages: every value optional, bad ones explained."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from models_catalog.forms import CatalogueFilters
from models_catalog.models import MODEL_SLUG_PATTERN
from tokonomix.core.widgets import OneTemplateSelect

MIN_COMPARED = 2
MAX_COMPARED = 4
_SLUG = re.compile(rf"^{MODEL_SLUG_PATTERN}\Z")


class LeaderboardForm(CatalogueFilters):
    """The leaderboard's filters (the catalogue's, plus the EU and a price cap) and sort."""

    SORTS = [
        ("name", _("Name (A to Z)")),
        ("price", _("Input price, lowest first")),
        ("typical", _("Typical conversation, cheapest first")),
        ("latency", _("P50 latency, fastest first")),
        ("tps", _("Tokens per second, fastest first")),
        ("availability", _("Availability, highest first")),
        ("tier", _("Tier")),
    ]

    field_order = ["provider", "tier", "max_price", "sort", "eu", "deprecated", "capability"]

    eu = forms.BooleanField(label=_("Offered in the EU"), required=False)
    deprecated = forms.BooleanField(
        label=_("Include deprecated and retired models"), required=False
    )
    max_price = forms.DecimalField(
        label=_("Max input $/M"),
        required=False,
        min_value=Decimal(0),
        max_value=Decimal(1_000_000),
        max_digits=12,
        decimal_places=4,
        widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}),
    )
    sort = forms.ChoiceField(
        label=_("Sort by"), choices=SORTS, required=False, widget=OneTemplateSelect
    )

    def filters(self) -> dict[str, Any]:
        """The selector's keyword arguments from the fields that were valid."""
        data = self.cleaned_data if self.is_bound else {}
        provider = data.get("provider")
        tier = data.get("tier")
        return {
            "provider_id": provider.pk if provider else None,
            "tier_id": tier.pk if tier else None,
            "capabilities": data.get("capability") or [],
            "offered_in_eu": bool(data.get("eu")),
            "max_input_price": data.get("max_price"),
            "include_out_of_service": bool(data.get("deprecated")),
            "sort": data.get("sort") or "name",
        }


class CompareForm(forms.Form):
    models = forms.CharField(
        label=_("Models (comma-separated)"),
        required=False,
        max_length=400,
        help_text=_("Two to four model slugs, e.g. o4-mini,gpt-4.1-mini"),
    )

    def clean_models(self) -> list[str]:
        raw = self.cleaned_data.get("models") or ""
        slugs: list[str] = []
        for part in raw.replace(" ", ",").split(","):
            slug = part.strip().lower()
            if slug and slug not in slugs:
                if not _SLUG.match(slug):
                    raise ValidationError(
                        _("“%(slug)s” is not a model slug."), params={"slug": slug}
                    )
                slugs.append(slug)
        if len(slugs) > MAX_COMPARED:
            raise ValidationError(
                _("Compare at most %(max)d models at a time; you asked for %(n)d."),
                params={"max": MAX_COMPARED, "n": len(slugs)},
            )
        return slugs


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
