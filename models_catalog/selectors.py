"""Reads for the catalogue's pages and API: each page's queries come from here."""

from __future__ import annotations

from typing import Any

from django.db.models import F

from .models import Model, ModelQuerySet


def model_list(
    *,
    search: str = "",
    provider_id: int | None = None,
    tier_id: int | None = None,
    capabilities: list[str] | tuple[str, ...] = (),
    order_by: list[str] | tuple[str, ...] = ("name",),
    published_only: bool = True,
) -> ModelQuerySet:
    queryset = Model.objects.all()
    if published_only:
        queryset = queryset.published()
    queryset = queryset.search(search).with_capabilities(capabilities)
    if provider_id is not None:
        queryset = queryset.filter(provider_id=provider_id)
    if tier_id is not None:
        queryset = queryset.filter(tier_id=tier_id)
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


def model_header(*, slug: str, published_only: bool = True) -> Model:
    """The model with what its page header and capabilities section show; raises DoesNotExist."""
    queryset = Model.objects.select_related(
        "provider",
        "tier",
        "successor",
        "reference_offering",
        "profile__published_revision",
        "profile__current_revision",
    ).prefetch_related("capabilities", "offerings__regions")
    if published_only:
        queryset = queryset.published()
    return queryset.get(slug=slug)
