"""Reads for the catalogue's pages and API: each page's queries come from here."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import models
from django.db.models import F, Prefetch

from .models import Dispute, Model, ModelQuerySet, Offering, Provider, Tier


def model_list(
    *,
    search: str = "",
    provider_id: int | None = None,
    tier_id: int | None = None,
    capabilities: list[str] | tuple[str, ...] = (),
    order_by: list[str] | tuple[str, ...] = ("name",),
    published_only: bool = True,
    provider_slug: str = "",
    tier_code: str = "",
) -> ModelQuerySet:
    queryset = Model.objects.all()
    if published_only:
        queryset = queryset.published()
    queryset = queryset.search(search).with_capabilities(capabilities)
    if provider_id is not None:
        queryset = queryset.filter(provider_id=provider_id)
    if tier_id is not None:
        queryset = queryset.filter(tier_id=tier_id)
    if provider_slug:
        queryset = queryset.filter(provider__slug=provider_slug)
    if tier_code:
        queryset = queryset.filter(tier__code=tier_code)
    ordering: list[Any] = []
    for field in order_by:
        name = field.lstrip("-")
        expression = F(name)
        ordering.append(
            expression.desc(nulls_last=True)
            if field.startswith("-")
            else expression.asc(nulls_last=True)
        )
    return queryset.for_listing().order_by(*ordering, "pk")


def model_header(
    *,
    slug: str,
    published_only: bool = True,
    also: Sequence[str | Prefetch[Any]] = (),
    sources: bool = True,
) -> Model:
    """The model with what its page shows of it: header, capabilities, offerings (with host
    and regions), peers, what each source says of its facts (`claims`) and the open
    disputes between sources (`open_disputes`, unless `sources` is false); 7 queries (5
    without the sources, 1 more for a model with a successor), plus one per lookup in
    `also` (what layers above add to the page: the editorial profile, say).
    Raises DoesNotExist."""
    related: list[str | Prefetch[Any]] = [
        "capabilities",
        Prefetch("offerings", queryset=Offering.objects.select_related("host")),
        "offerings__regions",
        "peers",
    ]
    if sources:
        related += [
            "claims",
            Prefetch("disputes", queryset=Dispute.objects.open(), to_attr="open_disputes"),
        ]
    related += also
    # The successor (rare) is read when there is one; the reference offering comes with
    # the offerings.
    queryset = Model.objects.select_related("provider", "tier").prefetch_related(*related)
    if published_only:
        queryset = queryset.published()
    return queryset.get(slug=slug)


def provider_list() -> list[Provider]:
    """Every provider with at least one published model, by name; one query."""
    return list(
        Provider.objects.filter(models__is_published=True).distinct().order_by("name", "pk")
    )


def provider_detail(*, slug: str) -> tuple[Provider, list[Model]]:
    """A provider with a published model and its published models; 2 queries.

    Raises Provider.DoesNotExist for an unknown provider or one with nothing published.
    """
    provider = Provider.objects.filter(models__is_published=True).distinct().get(slug=slug)
    models = list(provider.models.published().order_by("name", "pk"))
    return provider, models


def offering_list(
    *, model_slug: str = "", host_slug: str = "", region_code: str = "", source: str = ""
) -> models.QuerySet[Offering]:
    """Listed offerings of published models, by source key; paginate it (2 queries a page
    plus the count: the page with model and host, then its regions)."""
    queryset = Offering.objects.listed().filter(model__is_published=True)
    if model_slug:
        queryset = queryset.filter(model__slug=model_slug)
    if host_slug:
        queryset = queryset.filter(host__slug=host_slug)
    if region_code:
        queryset = queryset.filter(regions__code=region_code)
    if source:
        queryset = queryset.filter(source=source)
    return (
        queryset.select_related("model", "host")
        .prefetch_related("regions")
        .order_by("source", "source_key")
    )


def loaded_offerings(model: Model) -> list[Offering] | None:
    """The model's offerings as model_header loaded them (with host and regions), so other
    sections need not read them again; None when they were not loaded with the model."""
    if "offerings" not in getattr(model, "_prefetched_objects_cache", {}):
        return None
    return list(model.offerings.all())


def tier_list() -> list[Tier]:
    """The tiers, from the flagship down, with what each means (the methodology page)."""
    return list(Tier.objects.order_by("rank", "code"))
