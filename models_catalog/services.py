"""Writing the catalogue from a source's entries (the price-map sync and the demo loader)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Protocol

from django.db import transaction
from django.utils import timezone

from . import reference
from .models import (
    CatalogueChange,
    Host,
    Model,
    ModelAlias,
    ModelCapability,
    Offering,
    Provider,
    Region,
)

PUBLISHED_MODES = frozenset({"chat"})


class CatalogueEntry(Protocol):
    """What the catalogue needs to know about one source entry (pricing.sources.NormalizedEntry)."""

    @property
    def source(self) -> str: ...
    @property
    def key(self) -> str: ...
    @property
    def mode(self) -> str: ...
    @property
    def model_slug(self) -> str: ...
    @property
    def model_name(self) -> str: ...
    @property
    def alias_of_dated_snapshot(self) -> str | None: ...
    @property
    def provider_slug(self) -> str: ...
    @property
    def host_slug(self) -> str: ...
    @property
    def regions(self) -> tuple[str, ...]: ...
    @property
    def context_window(self) -> int | None: ...
    @property
    def max_output_tokens(self) -> int | None: ...
    @property
    def capabilities(self) -> Mapping[str, bool]: ...
    @property
    def capability_sources(self) -> Mapping[str, str]: ...
    @property
    def deprecation_date(self) -> dt.date | None: ...
    @property
    def variant(self) -> str | None: ...


@dataclass
class CatalogueCounts:
    models_added: int = 0
    offerings_added: int = 0
    facts_changed: int = 0
    changes: list[CatalogueChange] = field(default_factory=list)


class CatalogueWriter:
    """Upserts makers, hosts, models, capabilities and offerings for one source.

    Existing rows are loaded once, so a full feed costs a few queries per new or
    changed row and none for an unchanged one. Call it inside a transaction.
    """

    def __init__(self, *, source: str) -> None:
        self.source = source
        self.counts = CatalogueCounts()
        self._providers = {p.slug: p for p in Provider.objects.all()}
        self._provider_slugs = {p.pk: p.slug for p in self._providers.values()}
        self._hosts = {h.slug: h for h in Host.objects.all()}
        self._hosts_by_id = {h.pk: h for h in self._hosts.values()}
        self._regions = {r.code: r for r in Region.objects.all()}
        self._models = {m.slug: m for m in Model.objects.all()}
        self._models_by_id = {m.pk: m for m in self._models.values()}
        self._aliases = dict(ModelAlias.objects.values_list("alias", "model_id"))
        self._offerings = {o.source_key: o for o in Offering.objects.filter(source=source)}
        self._offerings_by_id = {o.pk: o for o in self._offerings.values()}
        self._offering_regions: dict[int, set[str]] = {}
        for offering_id, code in Offering.regions.through.objects.filter(
            offering__source=source
        ).values_list("offering_id", "region__code"):
            self._offering_regions.setdefault(offering_id, set()).add(code)
        self._capabilities = {(c.model_id, c.capability): c for c in ModelCapability.objects.all()}

    def apply(self, entry: CatalogueEntry) -> Offering:
        model = self._model_for(entry)
        offering = self._offering_for(entry, model)
        if self._follows(model, offering):
            self._update_facts(model, entry)
        return offering

    def knows(self, source_key: str) -> bool:
        return source_key in self._offerings

    def model_of(self, offering: Offering) -> Model:
        """The offering's model as this writer holds it (no query)."""
        return self._models_by_id[offering.model_id]

    def delist_missing(self, seen_keys: set[str]) -> int:
        """Mark offerings the source no longer lists; their history stays."""
        missing = [
            o.pk
            for key, o in self._offerings.items()
            if key not in seen_keys and o.delisted_at is None
        ]
        now = timezone.now()
        Offering.objects.filter(pk__in=missing).update(delisted_at=now)
        return len(missing)

    # --- rows ---------------------------------------------------------------------

    def _provider(self, slug: str) -> Provider:
        provider = self._providers.get(slug)
        if provider is None:
            provider = Provider.objects.create(slug=slug, **reference.provider_defaults(slug))
            self._providers[slug] = provider
            self._provider_slugs[provider.pk] = slug
        return provider

    def _host(self, slug: str) -> Host:
        host = self._hosts.get(slug)
        if host is None:
            host = Host.objects.create(slug=slug, **reference.host_defaults(slug))
            self._hosts[slug] = host
            self._hosts_by_id[host.pk] = host
        return host

    def _region(self, code: str) -> Region:
        region = self._regions.get(code)
        if region is None:
            region = Region.objects.create(code=code, name=reference.region_name(code))
            self._regions[code] = region
        return region

    def _model_for(self, entry: CatalogueEntry) -> Model:
        # An editor's alias for the exact key wins, then one for the dated name.
        for alias in (entry.key, entry.alias_of_dated_snapshot, entry.model_slug):
            if alias and alias in self._aliases:
                return self._models_by_id[self._aliases[alias]]
        model = self._models.get(entry.model_slug)
        if model is None:
            model = Model.objects.create(
                slug=entry.model_slug,
                name=entry.model_name,
                provider=self._provider(entry.provider_slug),
                context_window=entry.context_window,
                max_output_tokens=entry.max_output_tokens,
                deprecation_date=entry.deprecation_date,
                is_published=entry.mode in PUBLISHED_MODES,
            )
            self._models[model.slug] = model
            self._models_by_id[model.pk] = model
            self.counts.models_added += 1
            self._set_capabilities(model, entry, record=False)
        snapshot = entry.alias_of_dated_snapshot
        if snapshot and snapshot not in self._aliases and snapshot != model.slug:
            ModelAlias.objects.create(
                alias=snapshot, model=model, origin=ModelAlias.Origin.SNAPSHOT
            )
            self._aliases[snapshot] = model.pk
        return model

    def _offering_for(self, entry: CatalogueEntry, model: Model) -> Offering:
        offering = self._offerings.get(entry.key)
        host = self._host(entry.host_slug)
        if offering is None:
            offering = Offering.objects.create(
                model=model,
                host=host,
                source=self.source,
                source_key=entry.key,
                mode=entry.mode,
                variant=entry.variant or "",
            )
            self._offerings[entry.key] = offering
            self._offerings_by_id[offering.pk] = offering
            self.counts.offerings_added += 1
        elif (
            offering.model_id != model.pk
            or offering.host_id != host.pk
            or offering.mode != entry.mode
            or offering.variant != (entry.variant or "")
            or offering.delisted_at is not None
        ):
            offering.model = model
            offering.host = host
            offering.mode = entry.mode
            offering.variant = entry.variant or ""
            offering.delisted_at = None
            offering.save(update_fields=["model", "host", "mode", "variant", "delisted_at"])
        wanted = set(entry.regions)
        if self._offering_regions.get(offering.pk, set()) != wanted:
            offering.regions.set([self._region(code) for code in sorted(wanted)])
            self._offering_regions[offering.pk] = wanted
        return offering

    # --- facts --------------------------------------------------------------------

    def _rank(self, offering: Offering, model: Model) -> int:
        """Lower is more authoritative: the maker's own region-free listing first."""
        first_party = offering.source_key == model.slug or (
            self._hosts_by_id[offering.host_id].slug == self._provider_slug(model)
        )
        regional = bool(self._offering_regions.get(offering.pk))
        return (4 if offering.variant else 0) + (0 if first_party else 2) + (1 if regional else 0)

    def _provider_slug(self, model: Model) -> str:
        return self._provider_slugs[model.provider_id]

    def _follows(self, model: Model, offering: Offering) -> bool:
        """Whether this offering speaks for the model: its facts and its reference price."""
        current = self._offerings_by_id.get(model.reference_offering_id or 0)
        if current is not None and current.pk == offering.pk:
            return True
        if current is not None and self._rank(offering, model) >= self._rank(current, model):
            return False
        model.reference_offering = offering
        model.facts_source_key = offering.source_key
        model.save(update_fields=["reference_offering", "facts_source_key"])
        return True

    def _update_facts(self, model: Model, entry: CatalogueEntry) -> None:
        changed: list[str] = []
        for name in ("context_window", "max_output_tokens", "deprecation_date"):
            new = getattr(entry, name)
            old = getattr(model, name)
            if new is not None and new != old:
                self._record(model, entry, name, old, new)
                setattr(model, name, new)
                changed.append(name)
        if changed:
            model.save(update_fields=changed)
        self._set_capabilities(model, entry, record=True)

    def _set_capabilities(self, model: Model, entry: CatalogueEntry, *, record: bool) -> None:
        for capability, supported in entry.capabilities.items():
            source = f"{self.source} ({entry.capability_sources.get(capability, capability)})"
            row = self._capabilities.get((model.pk, capability))
            if row is None:
                row = ModelCapability.objects.create(
                    model=model, capability=capability, supported=supported, source=source
                )
                self._capabilities[(model.pk, capability)] = row
                if record:
                    self._record(model, entry, f"capability:{capability}", None, supported)
            elif row.supported != supported and not row.source.startswith("editor"):
                # An editor's own answer stands until the editor changes it.
                self._record(model, entry, f"capability:{capability}", row.supported, supported)
                row.supported = supported
                row.source = source
                row.save(update_fields=["supported", "source", "updated_at"])

    def _record(
        self, model: Model, entry: CatalogueEntry, name: str, old: object, new: object
    ) -> None:
        change = CatalogueChange.objects.create(
            model=model,
            field=name,
            old_value="" if old is None else str(old),
            new_value="" if new is None else str(new),
            source=self.source,
            source_key=entry.key,
        )
        self.counts.facts_changed += 1
        self.counts.changes.append(change)


def catalogue_apply_entries(*, source: str, entries: list[CatalogueEntry]) -> CatalogueCounts:
    """Apply a whole feed's entries to the catalogue in one transaction."""
    with transaction.atomic():
        writer = CatalogueWriter(source=source)
        for entry in entries:
            writer.apply(entry)
    return writer.counts
