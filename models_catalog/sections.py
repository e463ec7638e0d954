"""The catalogue's sections of a model page: its facts, each with what every source says
and whether they disagree, its lifecycle and its capabilities."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.contrib.humanize.templatetags.humanize import intcomma
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tokonomix.core import flags

from .models import CapabilityRow, Dispute, FactClaim, Model

LABELS = {
    "context_window": _("Context window"),
    "max_output_tokens": _("Max output"),
    "deprecation_date": _("Deprecation"),
    "release_date": _("Released"),
    "knowledge_cutoff": _("Knowledge cut-off"),
    "open_weights": _("Open weights"),
    "successor": _("Successor"),
}


def fact_text(name: str, value: str) -> str:
    """A claim's value as readers read it: 200,000 tokens, yes, 2026-10-23."""
    if name in ("context_window", "max_output_tokens") and value.isdigit():
        return str(_("%(n)s tokens")) % {"n": intcomma(int(value))}
    if value in ("true", "false"):
        return str(_("yes") if value == "true" else _("no"))
    return value


@dataclass(frozen=True)
class SourceSays:
    source: str
    value: str
    since: dt.date


@dataclass(frozen=True)
class Fact:
    """One fact of a model: what each source says, and whether they disagree."""

    name: str
    sources: list[SourceSays] = field(default_factory=list)
    badges: list[flags.Badge] = field(default_factory=list)

    @property
    def label(self) -> str:
        return str(LABELS.get(self.name, self.name))

    @property
    def source_names(self) -> str:
        return ", ".join(s.source for s in self.sources)

    @property
    def disputed(self) -> bool:
        return bool(self.badges)


def disputed_badges(dispute: Dispute | None) -> list[flags.Badge]:
    if dispute is None:
        return []
    return flags.disputed_badges(
        {source: fact_text(dispute.field, value) for source, value in dispute.values.items()}
    )


def model_facts(model: Model) -> dict[str, Fact]:
    """Each fact some source states, from the claims and disputes model_header loaded."""
    claims: dict[str, list[FactClaim]] = {}
    for claim in model.claims.all():
        claims.setdefault(claim.field, []).append(claim)
    disputes = {d.field: d for d in open_disputes(model) if not d.host}
    return {
        name: Fact(
            name=name,
            sources=[
                SourceSays(c.source, fact_text(name, c.value), c.since)
                for c in sorted(rows, key=lambda c: c.source)
            ],
            badges=disputed_badges(disputes.get(name)),
        )
        for name, rows in claims.items()
    }


def open_disputes(model: Model) -> list[Dispute]:
    """The model's open disputes, as model_header prefetched them (else one query)."""
    loaded = getattr(model, "open_disputes", None)
    if loaded is None:
        loaded = list(Dispute.objects.open().filter(model=model))
    return list(loaded)


def lifecycle_badges(model: Model, *, today: dt.date) -> list[flags.Badge]:
    return flags.lifecycle_badges(
        deprecation_date=model.deprecation_date,
        deprecated_by_source=model.deprecated_by_source,
        retired_on=model.retired_on,
        today=today,
    )


def model_flags(model: Model, *, today: dt.date | None = None) -> list[flags.Badge]:
    """The model's own flags: its lifecycle, and disputed when sources disagree on a fact
    or a price of it (from prefetched disputes)."""
    badges = lifecycle_badges(model, today=today or timezone.localdate())
    disputes = open_disputes(model)
    if disputes:
        badges += flags.disputed_badges(
            {
                f"{d.field}": "; ".join(f"{s} {v}" for s, v in sorted(d.values.items()))
                for d in disputes
            }
        )[:1]
    return badges


def catalogue_context(*, model: Model, today: dt.date) -> dict[str, Any]:
    """The header's facts, lifecycle flags and capability rows with their disputes."""
    facts = model_facts(model)
    rows: list[tuple[CapabilityRow, Fact | None]] = [
        (row, facts.get(f"capability:{row.capability}")) for row in model.capability_rows()
    ]
    return {
        "facts": facts,
        "lifecycle_badges": lifecycle_badges(model, today=today),
        "capability_rows": rows,
    }
