"""One truth per fact, from several sources: which source each fact trusts first, how far
sources may differ before a value is disputed, and how claims become a model's facts.

Every source a sync reads says something about a model's facts (context window, limits,
capabilities, lifecycle); each statement is a `FactClaim` (source, value, since when).
The model's own field holds the value of the first source in that field's `PRECEDENCE`
that says anything, so pages read one value and can show who else says what. Values that
differ beyond `agree`'s tolerance open a `Dispute`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any, Protocol

from .models import Dispute

# Which source a fact trusts first. models.dev keeps limits, modalities, release dates and
# open weights by hand; litellm is the only one with deprecation dates and successors, and
# states the most capabilities.
PRECEDENCE: dict[str, tuple[str, ...]] = {
    "context_window": ("models.dev", "litellm", "genai-prices"),
    "max_output_tokens": ("models.dev", "litellm"),
    "release_date": ("models.dev",),
    "knowledge_cutoff": ("models.dev",),
    "open_weights": ("models.dev",),
    "deprecation_date": ("litellm",),
    "successor": ("litellm",),
    "deprecated": ("litellm", "genai-prices", "models.dev"),
}
CAPABILITY_PRECEDENCE = ("litellm", "models.dev")
# Prices and the reference offering: litellm lists the most hosts.
PRICE_PRECEDENCE = ("litellm", "genai-prices", "models.dev")

# Facts compared across sources, with the share two numbers may differ by and still agree
# (models.dev writes 1,047,576 tokens where others round to 1,000,000: under 5%).
CHECKED: dict[str, Decimal] = {
    "context_window": Decimal("0.05"),
    "capability:tools": Decimal(0),
    "capability:vision": Decimal(0),
    "capability:reasoning": Decimal(0),
}
# Prices agree within 2%, or within a cent per million (sources round cheap prices).
PRICE_SHARE = Decimal("0.02")
PRICE_CENT = Decimal("0.01")


def rank_of(source: str, order: tuple[str, ...]) -> int:
    return order.index(source) if source in order else len(order)


def agree(values: Iterable[str], *, share: Decimal, cent: Decimal = Decimal(0)) -> bool:
    """Whether every value is within `share` (of the largest) or `cent` of the others."""
    texts = list(values)
    try:
        numbers = [Decimal(text) for text in texts]
    except InvalidOperation:
        return len(set(texts)) <= 1
    if not numbers:
        return True
    low, high = min(numbers), max(numbers)
    return high - low <= max(high * share, cent)


class FactEntry(Protocol):
    @property
    def context_window(self) -> int | None: ...
    @property
    def max_output_tokens(self) -> int | None: ...
    @property
    def deprecation_date(self) -> dt.date | None: ...
    @property
    def capabilities(self) -> Mapping[str, bool]: ...


def entry_facts(entry: Any) -> dict[str, str]:
    """What one source entry states, as claim values (text)."""
    facts: dict[str, str] = {}
    for name in ("context_window", "max_output_tokens"):
        if getattr(entry, name, None):
            facts[name] = str(getattr(entry, name))
    for name in ("deprecation_date", "release_date"):
        value = getattr(entry, name, None)
        if value is not None:
            facts[name] = value.isoformat()
    if getattr(entry, "successor_slug", None):
        facts["successor"] = entry.successor_slug
    if getattr(entry, "knowledge_cutoff", None):
        facts["knowledge_cutoff"] = entry.knowledge_cutoff
    if getattr(entry, "open_weights", None) is not None:
        facts["open_weights"] = "true" if entry.open_weights else "false"
    if getattr(entry, "deprecated", None):
        facts["deprecated"] = "true"
    for capability, supported in entry.capabilities.items():
        facts[f"capability:{capability}"] = "true" if supported else "false"
    return facts


def winner(field: str, claims: Mapping[str, Any]) -> Any:
    """The claim a field trusts first among `claims` (source -> claim), or None."""
    order = CAPABILITY_PRECEDENCE if field.startswith("capability:") else PRECEDENCE.get(field)
    if field == "deprecated":
        return next((claims[s] for s in sorted(claims) if claims[s].value == "true"), None)
    if order is None:
        order = PRICE_PRECEDENCE
    ranked = sorted(claims, key=lambda source: (rank_of(source, order), source))
    return claims[ranked[0]] if ranked else None


def disputed_values(field: str, claims: Mapping[str, Any]) -> dict[str, str] | None:
    """What each source says, when they disagree on a checked fact; else None."""
    if field not in CHECKED or len(claims) < 2:
        return None
    values = {source: claim.value for source, claim in claims.items()}
    if agree(values.values(), share=CHECKED[field]):
        return None
    return values


class DisputeBook:
    """The live disputes of some models, loaded once, and the rule that opens, updates,
    reopens and resolves them; used for catalogue facts here and for prices by pricing.
    A model has at most one live dispute a field (a price's: on the host its pages quote)."""

    def __init__(self, *, model_ids: Iterable[int], fields: Iterable[str] | None = None) -> None:
        queryset = Dispute.objects.filter(
            model_id__in=list(model_ids),
            status__in=[Dispute.Status.OPEN, Dispute.Status.CONFIRMED],
        )
        if fields is not None:
            queryset = queryset.filter(field__in=list(fields))
        self._live: dict[tuple[int, str], list[Dispute]] = {}
        for dispute in queryset:
            self._live.setdefault((dispute.model_id, dispute.field), []).append(dispute)
        self.opened = 0

    def record(
        self,
        *,
        model_id: int,
        field: str,
        host: str = "",
        values: dict[str, str] | None,
        day: dt.date,
        offering_ids: Iterable[int] = (),
    ) -> None:
        """`values` is what each source says when they disagree, None when they agree."""
        live = self._live.get((model_id, field), [])
        keep = None
        for dispute in live:
            if values is not None and dispute.host == host:
                keep = dispute
                continue
            dispute.status = Dispute.Status.RESOLVED
            dispute.closed_on = day
            dispute.save(update_fields=["status", "closed_on"])
        self._live[(model_id, field)] = [keep] if keep else []
        if values is None:
            return
        if keep is None:
            keep = Dispute.objects.create(
                model_id=model_id, field=field, host=host, values=values, opened_on=day
            )
            self._live[(model_id, field)] = [keep]
            self.opened += 1
            if offering_ids:
                keep.offerings.set(list(offering_ids))
            return
        if keep.values != values:
            # New figures: whatever an editor confirmed was about the old ones.
            keep.values = values
            keep.status = Dispute.Status.OPEN
            keep.decided_by = None
            keep.decided_at = None
            keep.save(update_fields=["values", "status", "decided_by", "decided_at"])
            if offering_ids:
                keep.offerings.set(list(offering_ids))
