"""Shared, Django-free types for price sources.

A *price source* turns the raw bytes of a published price feed into
``NormalizedEntry`` objects.  Nothing in this package imports Django: the sync
service (written separately) maps these plain objects onto Provider / Model /
Offering rows and price points.

Vocabulary used throughout:

* **maker** (``provider_slug``): the organisation that built the model
  (``openai``, ``anthropic``, ``meta`` ...).
* **host** (``host_slug``): who sells access to it (``openai``, ``azure``,
  ``bedrock``, ``vertex_ai``, ``openrouter`` ...).  Host slugs keep the source's
  own spelling, which may contain ``_``.
* **model slug** (``model_slug``): the canonical model, lower case, limited to
  ``[a-z0-9.-]`` so it is safe in URLs.

All prices are exact ``Decimal`` US dollars **per token**.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Protocol, runtime_checkable

__all__ = [
    "CANONICAL_CAPABILITIES",
    "CANONICAL_PRICE_KINDS",
    "FeedRefused",
    "InvalidEntry",
    "NormalizedEntry",
    "ParsedFeed",
    "PriceSource",
]

#: Price kinds every source maps onto when it can; any other per-token price is
#: kept under the source's own field name.
CANONICAL_PRICE_KINDS: tuple[str, ...] = (
    "input",
    "output",
    "cache_read",
    "cache_write",
    "batch_input",
    "batch_output",
)

#: Capability names a source may report (only those the feed actually states).
CANONICAL_CAPABILITIES: tuple[str, ...] = (
    "tools",
    "vision",
    "json_schema",
    "json_mode",
    "pdf_input",
    "reasoning",
    "prompt_caching",
    "web_search",
    "audio_in",
    "audio_out",
)


class FeedRefused(Exception):
    """The whole feed is rejected; nothing from it may be written.

    ``reason`` is a human-readable explanation suitable for an admin screen or
    a log line, e.g. ``"feed is not valid JSON (truncated?): ..."``.
    """

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason

    def __str__(self) -> str:
        return self.reason


@dataclass(frozen=True, slots=True)
class NormalizedEntry:
    """One priced offering from a feed, normalised.

    ``prices``, ``capabilities`` and ``capability_sources`` are plain dicts (so
    the object is frozen but not hashable); treat them as read-only.
    """

    source: str
    """Name of the source that produced the entry, e.g. ``"litellm"``."""
    key: str
    """The entry's original key in the feed, e.g. ``"azure/eu/o4-mini-2025-04-16"``.
    Unique within one feed: use ``(source, key)`` as the offering's external id."""
    mode: str
    """``"chat"``, ``"embedding"``, ``"image_generation"`` ... as the feed says."""
    model_slug: str
    """Canonical model slug (``[a-z0-9.-]``), dates and host/region/vendor parts removed."""
    model_name: str
    """Display name, e.g. ``"Claude 3.5 Sonnet"`` or ``"o4-mini"``."""
    alias_of_dated_snapshot: str | None
    """The dated slug (``"o4-mini-2025-04-16"``) when the key named a dated
    snapshot of ``model_slug``; ``None`` otherwise."""
    provider_slug: str
    """The model's maker."""
    host_slug: str
    """Who sells this offering."""
    regions: tuple[str, ...]
    """Broad region codes the key pins the offering to (``"eu"``, ``"us"``,
    ``"apac"``, ``"ca"``, ``"latam"``, ``"me"``, ``"af"``, ``"global"``);
    empty when the key says nothing about regions."""
    prices: dict[str, Decimal]
    """Per-token prices in USD: canonical kinds (see ``CANONICAL_PRICE_KINDS``)
    plus every other per-token price under the source's own field name."""
    context_window: int | None
    max_output_tokens: int | None
    capabilities: dict[str, bool]
    """Only the capabilities the feed states (see ``CANONICAL_CAPABILITIES``)."""
    capability_sources: dict[str, str]
    """For each capability, the source field it came from; a derived value is
    written ``"derived:<field>"``."""
    deprecation_date: date | None
    variant: str | None = None
    """A price-relevant qualifier that was stripped from the key and makes this
    offering differ from the plain one: ``"fine-tuned"``, ``"government"``,
    ``"1-month-commitment"``, ``"quality=high size=1024x1024"`` ...  ``None`` for
    the plain offering.  The sync should not let a variant set the headline
    price of a model."""
    price_changes: tuple[tuple[date, dict[str, Decimal]], ...] = ()
    """Later price lists with the day the source says each took effect, oldest first
    (genai-prices dates its changes); ``prices`` are those in force before the first."""
    successor_slug: str | None = None
    """The model the source names as this one's successor (a canonical slug)."""
    release_date: date | None = None
    knowledge_cutoff: str | None = None
    """``YYYY-MM`` or ``YYYY-MM-DD``, as the source states it."""
    open_weights: bool | None = None
    deprecated: bool | None = None
    """The source marks the model deprecated, with or without a date."""

    def prices_on(self, day: date) -> tuple[dict[str, Decimal], date | None]:
        """The price list in force on ``day`` and the day the source says it took effect
        (None when the source gives no date for it)."""
        dated = [(since, prices) for since, prices in self.price_changes if since <= day]
        if dated:
            return dated[-1][1], dated[-1][0]
        return self.prices, None


@dataclass(frozen=True, slots=True)
class InvalidEntry:
    """An entry that failed validation; it is left out, the others still count."""

    key: str
    reason: str


@dataclass(slots=True)
class ParsedFeed:
    """The result of parsing one feed.

    ``entry_count == len(entries) + len(invalid) + skipped`` always holds.
    """

    entries: list[NormalizedEntry]
    invalid: list[InvalidEntry]
    entry_count: int
    """Number of top-level entries in the feed."""
    skipped: int
    """Entries deliberately not parsed (documentation, alias-only, not a model)."""
    skipped_reasons: dict[str, int] = field(default_factory=dict)
    """How many entries were skipped for each reason."""


@runtime_checkable
class PriceSource(Protocol):
    """What a price source module provides (see ``pricing.sources.get_source``)."""

    name: str
    """Short identifier stored with every entry, e.g. ``"litellm"``."""
    default_url: str
    """Where the live feed is published."""
    creates_models: bool
    """Whether its entries add models to the catalogue (litellm's); a source that does not
    only adds offerings and facts to models the catalogue already has."""
    min_entries: int
    """Fewer valid entries than this refuse the feed (a truncated download)."""

    def parse(self, raw: bytes) -> ParsedFeed:
        """Parse a whole feed; raise ``FeedRefused`` if it must be rejected whole."""
        ...


def checked_feed(
    *,
    source: str,
    entries: list[NormalizedEntry],
    invalid: list[InvalidEntry],
    skipped: dict[str, int],
    entry_count: int,
    min_entries: int,
    max_invalid_ratio: float,
) -> ParsedFeed:
    """The parsed feed, or FeedRefused when too little of it is usable: every source's
    whole-feed check."""
    checked = len(entries) + len(invalid)
    first = "; ".join(f"{e.key}: {e.reason}" for e in invalid[:3]) or "none"
    if len(entries) < min_entries:
        raise FeedRefused(
            f"only {len(entries)} of {entry_count} {source} entries are valid, expected at "
            f"least {min_entries}; first problems: {first}"
        )
    if checked and len(invalid) / checked > max_invalid_ratio:
        raise FeedRefused(
            f"{len(invalid)} of {checked} {source} entries are invalid (more than "
            f"{max_invalid_ratio:.0%}); the format may have changed. First problems: {first}"
        )
    return ParsedFeed(
        entries=entries,
        invalid=invalid,
        entry_count=entry_count,
        skipped=sum(skipped.values()),
        skipped_reasons=skipped,
    )
