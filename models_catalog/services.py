"""Writing the catalogue from a source's entries (the price-map sync and the demo loader)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Protocol

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from . import facts, reference
from .facts import DisputeBook
from .models import (
    CatalogueChange,
    FactClaim,
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
    not_in_catalogue: int = 0
    disputes_opened: int = 0
    changes: list[CatalogueChange] = field(default_factory=list)


class CatalogueWriter:
    """Upserts makers, hosts, models and offerings for one source, then (`facts_write`) the
    source's claims about each model's facts, the facts every source's claims settle, each
    model's reference offering and the disputes between sources.

    Existing rows are loaded once, so a full feed costs a few queries per new or changed
    row and none for an unchanged one. Call it inside a transaction. A source that does not
    `create_models` (genai-prices, models.dev) only speaks about models the catalogue
    already has: an entry for another model is counted and left out.
    """

    def __init__(self, *, source: str, create_models: bool = True, as_of: dt.date | None = None):
        self.source = source
        self.create_models = create_models
        self.as_of = as_of or timezone.localdate()
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
        # The entry of this feed that speaks for each model it names (the best-ranked one).
        self._speaks: dict[int, tuple[tuple[int, str], CatalogueEntry]] = {}
        self._created: set[int] = set()
        self._delisted_models: set[int] = set()

    def apply(self, entry: CatalogueEntry) -> Offering | None:
        """The entry's offering, created or updated; None when the source does not create
        models and the catalogue has none for it."""
        model = self._model_for(entry)
        if model is None:
            self.counts.not_in_catalogue += 1
            return None
        offering = self._offering_for(entry, model)
        rank = (self._rank(offering, model), entry.key)
        speaking = self._speaks.get(model.pk)
        if speaking is None or rank < speaking[0]:
            self._speaks[model.pk] = (rank, entry)
        return offering

    def knows(self, source_key: str) -> bool:
        return source_key in self._offerings

    def model_of(self, offering: Offering) -> Model:
        """The offering's model as this writer holds it (no query)."""
        return self._models_by_id[offering.model_id]

    def touched_model_ids(self) -> set[int]:
        """Models this feed spoke about, or whose offerings it delisted."""
        return set(self._speaks) | self._delisted_models

    def delist_missing(self, seen_keys: set[str]) -> int:
        """Mark offerings the source no longer lists; their history stays."""
        missing = [
            o
            for key, o in self._offerings.items()
            if key not in seen_keys and o.delisted_at is None
        ]
        now = timezone.now()
        Offering.objects.filter(pk__in=[o.pk for o in missing]).update(delisted_at=now)
        for offering in missing:
            offering.delisted_at = now
            self._delisted_models.add(offering.model_id)
        return len(missing)

    def facts_write(self) -> None:
        """After the whole feed: claims, facts, reference offerings and fact disputes."""
        model_ids = self.touched_model_ids()
        claims: dict[int, dict[str, dict[str, FactClaim]]] = {}
        for claim in FactClaim.objects.filter(model_id__in=model_ids):
            claims.setdefault(claim.model_id, {}).setdefault(claim.field, {})[claim.source] = claim
        self._claims_write(claims)
        others = self._other_sources_offerings(model_ids)
        mine: dict[int, list[Offering]] = {}
        for offering in self._offerings.values():
            if offering.delisted_at is None:
                mine.setdefault(offering.model_id, []).append(offering)
        disputes = DisputeBook(model_ids=model_ids, fields=facts.CHECKED)
        self._new_capabilities: list[ModelCapability] = []
        moved: list[Model] = []
        for model_id in sorted(model_ids):
            model = self._models_by_id[model_id]
            by_field = claims.get(model_id, {})
            self._facts_from_claims(model, by_field)
            if self._reference_choose(model, others.get(model_id, []), mine.get(model_id, [])):
                moved.append(model)
            for name in facts.CHECKED:
                disputes.record(
                    model_id=model_id,
                    field=name,
                    values=facts.disputed_values(name, by_field.get(name, {})),
                    day=self.as_of,
                )
        ModelCapability.objects.bulk_create(self._new_capabilities, batch_size=1000)
        Model.objects.bulk_update(moved, ["reference_offering", "facts_source_key"], batch_size=500)
        self.counts.disputes_opened = disputes.opened

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

    def _model_for(self, entry: CatalogueEntry) -> Model | None:
        # An editor's alias for the exact key wins, then one for the dated name.
        for alias in (entry.key, entry.alias_of_dated_snapshot, entry.model_slug):
            if alias and alias in self._aliases:
                return self._models_by_id[self._aliases[alias]]
        model = self._models.get(entry.model_slug)
        if model is None:
            if not self.create_models:
                return None
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
            self._created.add(model.pk)
            self.counts.models_added += 1
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
            if offering.model_id != model.pk:
                self._delisted_models.add(offering.model_id)
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

    # --- which offering speaks for a model ----------------------------------------------

    def _rank(self, offering: Offering, model: Model) -> int:
        """Lower is more authoritative: the maker's own region-free listing first."""
        return _rank(
            source_key=offering.source_key,
            host_slug=self._hosts_by_id[offering.host_id].slug,
            variant=offering.variant,
            regional=bool(self._offering_regions.get(offering.pk)),
            model=model,
            maker_slug=self._provider_slugs[model.provider_id],
        )

    def _other_sources_offerings(self, model_ids: set[int]) -> dict[int, list[_Candidate]]:
        """Listed offerings of other sources for these models (one query)."""
        regional = Offering.regions.through.objects.filter(offering=OuterRef("pk"))
        rows = (
            Offering.objects.listed()
            .filter(model_id__in=model_ids)
            .exclude(source=self.source)
            .annotate(regional=Exists(regional))
            .values_list(
                "pk", "model_id", "source", "source_key", "host__slug", "variant", "regional"
            )
        )
        found: dict[int, list[_Candidate]] = {}
        for pk, model_id, source, key, host_slug, variant, is_regional in rows:
            model = self._models_by_id[model_id]
            rank = _rank(
                source_key=key,
                host_slug=host_slug,
                variant=variant,
                regional=is_regional,
                model=model,
                maker_slug=self._provider_slugs[model.provider_id],
            )
            found.setdefault(model_id, []).append(_Candidate(pk, source, key, rank))
        return found

    def _reference_choose(
        self, model: Model, others: list[_Candidate], mine: list[Offering]
    ) -> bool:
        """The model's reference offering: the best-ranked listed one of any source (prices
        trust litellm first on a tie), so pages quote the same price whatever synced last.
        True when it changed (the caller saves it)."""
        candidates = others + [
            _Candidate(offering.pk, self.source, offering.source_key, self._rank(offering, model))
            for offering in mine
        ]
        if not candidates:
            return False
        best = min(
            candidates,
            key=lambda c: (c.rank, facts.rank_of(c.source, facts.PRICE_PRECEDENCE), c.source_key),
        )
        if model.reference_offering_id == best.pk and model.facts_source_key == best.source_key:
            return False
        model.reference_offering_id = best.pk
        model.facts_source_key = best.source_key
        return True

    # --- facts --------------------------------------------------------------------

    def _claims_write(self, claims: dict[int, dict[str, dict[str, FactClaim]]]) -> None:
        """This source's claims: what its speaking entry states about each model it names;
        nothing about a model it no longer lists."""
        new: list[FactClaim] = []
        gone: list[int] = []
        listed_models = {o.model_id for o in self._offerings.values() if o.delisted_at is None}
        for model_id in self.touched_model_ids():
            by_field = claims.setdefault(model_id, {})
            speaking = self._speaks.get(model_id)
            stated = facts.entry_facts(speaking[1]) if speaking else {}
            if speaking is None and model_id in listed_models:
                continue  # still listed by an entry this feed did not change: keep its claims
            key = speaking[1].key if speaking else ""
            for name, value in stated.items():
                claim = by_field.setdefault(name, {}).get(self.source)
                if claim is None:
                    claim = FactClaim(
                        model_id=model_id,
                        field=name,
                        source=self.source,
                        source_key=key,
                        value=value[:255],
                        since=self.as_of,
                    )
                    by_field[name][self.source] = claim
                    new.append(claim)
                elif claim.value != value[:255] or claim.source_key != key:
                    if claim.value != value[:255]:
                        claim.since = self.as_of
                    claim.value = value[:255]
                    claim.source_key = key
                    claim.save(update_fields=["value", "source_key", "since"])
            for name, by_source in by_field.items():
                claim = by_source.get(self.source)
                if claim is not None and name not in stated and claim.pk is not None:
                    gone.append(claim.pk)
                    del by_source[self.source]
        FactClaim.objects.bulk_create(new, batch_size=1000)
        FactClaim.objects.filter(pk__in=gone).delete()

    def _facts_from_claims(self, model: Model, by_field: dict[str, dict[str, FactClaim]]) -> None:
        """The model's facts: each field from the source it trusts first."""
        record = model.pk not in self._created
        changed: list[str] = []
        for name, convert in _FACT_FIELDS.items():
            claim = facts.winner(name, by_field.get(name, {}))
            if claim is None:
                continue
            new = convert(claim.value)
            old = getattr(model, name)
            if new == old or (name == "release_date" and old is not None):
                continue  # an editor's release date stands
            if record and (old not in (None, "") or self.create_models):
                # A fact another source first states is news, not a change of the model.
                self._record(model, claim, name, old, new)
            setattr(model, name, new)
            changed.append(name)
        deprecated = facts.winner("deprecated", by_field.get("deprecated", {})) is not None
        if deprecated != model.deprecated_by_source:
            model.deprecated_by_source = deprecated
            changed.append("deprecated_by_source")
        successor = facts.winner("successor", by_field.get("successor", {}))
        successor_model = self._models.get(successor.value) if successor else None
        if (
            successor_model is not None
            and successor_model.pk != model.pk
            and model.successor_id != successor_model.pk
        ):
            model.successor = successor_model
            changed.append("successor")
        if changed:
            model.save(update_fields=changed)
        for name, by_source in by_field.items():
            if name.startswith("capability:") and (claim := facts.winner(name, by_source)):
                self._set_capability(model, name.split(":", 1)[1], claim, record=record)

    def _set_capability(self, model: Model, capability: str, claim: FactClaim, *, record: bool):
        supported = claim.value == "true"
        source = f"{claim.source} ({claim.source_key})"
        row = self._capabilities.get((model.pk, capability))
        if row is None:
            row = ModelCapability(
                model=model, capability=capability, supported=supported, source=source
            )
            self._new_capabilities.append(row)
            self._capabilities[(model.pk, capability)] = row
            if record and self.create_models:
                # Only the source that lists the model says a capability was added; one
                # another source first states is news, not a change of the model.
                self._record(model, claim, f"capability:{capability}", None, supported)
        elif (
            row.pk is not None
            and row.supported != supported
            and not row.source.startswith("editor")
        ):
            # An editor's own answer stands until the editor changes it.
            if record:
                self._record(model, claim, f"capability:{capability}", row.supported, supported)
            row.supported = supported
            row.source = source
            row.save(update_fields=["supported", "source", "updated_at"])

    def _record(self, model: Model, claim: FactClaim, name: str, old: object, new: object) -> None:
        change = CatalogueChange.objects.create(
            model=model,
            field=name,
            old_value="" if old is None else str(old),
            new_value="" if new is None else str(new),
            source=claim.source,
            source_key=claim.source_key,
        )
        self.counts.facts_changed += 1
        self.counts.changes.append(change)


@dataclass(frozen=True)
class _Candidate:
    pk: int
    source: str
    source_key: str
    rank: int


def _rank(
    *, source_key: str, host_slug: str, variant: str, regional: bool, model: Model, maker_slug: str
) -> int:
    first_party = source_key == model.slug or host_slug == maker_slug
    return (4 if variant else 0) + (0 if first_party else 2) + (1 if regional else 0)


def _int(value: str) -> int | None:
    return int(value) if value.isdigit() else None


def _date(value: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None


def _bool(value: str) -> bool | None:
    return {"true": True, "false": False}.get(value)


# Model fields a sync keeps from claims, and how a claim's text becomes each.
_FACT_FIELDS: dict[str, Callable[[str], object]] = {
    "context_window": _int,
    "max_output_tokens": _int,
    "deprecation_date": _date,
    "release_date": _date,
    "knowledge_cutoff": lambda value: value[:10],
    "open_weights": _bool,
}


def catalogue_apply_entries(*, source: str, entries: list[CatalogueEntry]) -> CatalogueCounts:
    """Apply a whole feed's entries to the catalogue in one transaction."""
    with transaction.atomic():
        writer = CatalogueWriter(source=source)
        for entry in entries:
            writer.apply(entry)
        writer.facts_write()
    return writer.counts
