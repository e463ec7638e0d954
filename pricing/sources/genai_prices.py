"""pydantic's genai-prices data as a price source (``get_source("genai-prices")``).

The feed (``prices/new_data/v2/data.json``, MIT licence) is a JSON list of providers,
each with ``models``. A model's ``prices`` is one price set, or a list of conditional
sets: a set with ``constraint.start_date`` is a dated change (o3's cut took effect on
2025-06-10), which this source keeps with its date (``NormalizedEntry.price_changes``) so
the sync can date the point by it; sets constrained by time of day (DeepSeek's off-peak
hours) are left out, the unconstrained set stands. Prices are US dollars per million
tokens (``input_mtok``, ``output_mtok``, ``cache_read_mtok``, ``cache_write_mtok``,
others kept under their own names); a tiered price (``{"base": 3, "tiers": [{"start":
200000, "price": 6}]}``) is its base price, each tier kept as ``<field>_above_<start>``.
Per-request and per-search prices (``*_kcount``) are not per token and are left out.

Each model becomes one entry keyed ``<provider id>/<model id>``; its slug, maker, host and
regions come from litellm's key rules, given the litellm provider that matches the
genai-prices provider (``google`` sells as litellm's ``gemini``, ``aws`` as ``bedrock``).
Facts: ``context_window``; ``deprecated``.

Refused whole: not JSON, not a list, fewer than 50 valid models, or more than half of the
models invalid. An invalid model (a price that is not a non-negative number, a malformed
constraint) is reported with its key; the others still count.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from . import common
from .base import FeedRefused, InvalidEntry, NormalizedEntry, ParsedFeed, checked_feed

SOURCE_NAME = "genai-prices"
DEFAULT_URL = (
    "https://raw.githubusercontent.com/pydantic/genai-prices/refs/heads/main/"
    "prices/new_data/v2/data.json"
)

#: genai-prices provider id -> the litellm provider that sells the same way.
LITELLM_PROVIDERS: dict[str, str] = {
    "aws": "bedrock",
    "fireworks": "fireworks_ai",
    "google": "gemini",
    "moonshotai": "moonshot",
    "together": "together_ai",
    "voyageai": "voyage",
    "x-ai": "xai",
}

_CANONICAL: dict[str, str] = {
    "input_mtok": "input",
    "output_mtok": "output",
    "cache_read_mtok": "cache_read",
    "cache_write_mtok": "cache_write",
}


def _litellm_provider(provider_id: str) -> str:
    if provider_id.startswith("huggingface_"):
        return "huggingface"
    return LITELLM_PROVIDERS.get(provider_id, provider_id.replace("-", "_"))


def _price_set(raw: Any, where: str) -> dict[str, Decimal]:
    if not isinstance(raw, dict):
        raise common.EntryError(f"{where}: must be an object of prices")
    prices: dict[str, Decimal] = {}
    for field, value in raw.items():
        if not field.endswith("_mtok"):
            continue  # per request or per thousand searches: not a per-token price
        kind = _CANONICAL.get(str(field), str(field))
        if isinstance(value, dict):
            prices[kind] = common.price_per_token(value.get("base"), f"{where}.{field}.base")
            tiers = value.get("tiers", [])
            if not isinstance(tiers, list):
                raise common.EntryError(f"{where}.{field}.tiers: must be a list")
            for tier in tiers:
                if not isinstance(tier, dict) or not isinstance(tier.get("start"), int):
                    raise common.EntryError(f"{where}.{field}.tiers: each needs a start")
                prices[f"{field}_above_{tier['start']}"] = common.price_per_token(
                    tier.get("price"), f"{where}.{field}.tiers"
                )
        elif value is not None:
            prices[kind] = common.price_per_token(value, f"{where}.{field}")
    return prices


def _prices(raw: Any) -> tuple[dict[str, Decimal], tuple[tuple[date, dict[str, Decimal]], ...]]:
    """The undated price set and the dated changes after it, oldest first."""
    if isinstance(raw, dict):
        return _price_set(raw, "prices"), ()
    if not isinstance(raw, list) or not raw:
        raise common.EntryError("prices: must be an object or a non-empty list")
    base: dict[str, Decimal] | None = None
    changes: list[tuple[date, dict[str, Decimal]]] = []
    for n, conditional in enumerate(raw):
        if not isinstance(conditional, dict):
            raise common.EntryError(f"prices[{n}]: must be an object")
        constraint = conditional.get("constraint") or {}
        if not isinstance(constraint, dict):
            raise common.EntryError(f"prices[{n}].constraint: must be an object")
        prices = _price_set(conditional.get("prices"), f"prices[{n}].prices")
        if not constraint:
            base = prices
        elif set(constraint) == {"start_date"}:
            since = common.day(constraint["start_date"], f"prices[{n}].constraint.start_date")
            if since is None:
                raise common.EntryError(f"prices[{n}].constraint.start_date: missing")
            changes.append((since, prices))
        # Other constraints (time of day) price the same model differently by the hour.
    if base is None:
        raise common.EntryError("prices: no unconstrained price set")
    changes.sort(key=lambda change: change[0])
    return base, tuple(changes)


class GenaiPricesSource:
    """genai-prices' ``data.json``."""

    name = SOURCE_NAME
    default_url = DEFAULT_URL
    creates_models = False

    def __init__(self, *, min_entries: int = 50, max_invalid_ratio: float = 0.5) -> None:
        self.min_entries = min_entries
        self.max_invalid_ratio = max_invalid_ratio

    def parse(self, raw: bytes) -> ParsedFeed:
        data = common.load_json(raw, SOURCE_NAME)
        if not isinstance(data, list):
            raise FeedRefused("the genai-prices feed is not a JSON list of providers")
        entries: list[NormalizedEntry] = []
        invalid: list[InvalidEntry] = []
        skipped: dict[str, int] = {}
        total = 0
        for provider in data:
            if not isinstance(provider, dict) or not isinstance(provider.get("id"), str):
                invalid.append(InvalidEntry("?", "a provider that is not an object with an id"))
                continue
            models = provider.get("models")
            if not isinstance(models, list):
                invalid.append(InvalidEntry(provider["id"], "models: must be a list"))
                continue
            for model in models:
                total += 1
                key = f"{provider['id']}/{model.get('id') if isinstance(model, dict) else '?'}"
                try:
                    entries.append(self._entry(provider["id"], model, key))
                except common.EntryError as error:
                    invalid.append(InvalidEntry(key, str(error)))
        return checked_feed(
            source=SOURCE_NAME,
            entries=entries,
            invalid=invalid,
            skipped=skipped,
            entry_count=total,
            min_entries=self.min_entries,
            max_invalid_ratio=self.max_invalid_ratio,
        )

    def _entry(self, provider_id: str, model: Any, key: str) -> NormalizedEntry:
        if not isinstance(model, dict) or not isinstance(model.get("id"), str) or not model["id"]:
            raise common.EntryError("entry: must be an object with an id")
        base, changes = _prices(model.get("prices"))
        return common.entry(
            source=SOURCE_NAME,
            key=key,
            model_id=model["id"],
            litellm_provider=_litellm_provider(provider_id),
            name=None,
            prices=base,
            price_changes=changes,
            context_window=common.token_count(model.get("context_window"), "context_window"),
            deprecated=common.flag(model.get("deprecated"), "deprecated"),
        )


SOURCE_CLASS = GenaiPricesSource
