"""models.dev's ``api.json`` as a price source (``get_source("models.dev")``).

The feed (https://models.dev/api.json, MIT licence) is a JSON object of providers, each
with ``models`` (an object of model id -> model). A model carries ``cost`` (US dollars per
million tokens: ``input``, ``output``, ``cache_read``, ``cache_write``, and others kept
under their own names, ``reasoning``, ``input_audio``...), ``limit`` (``context``,
``output``), ``modalities``, ``tool_call``, ``reasoning``, ``structured_output``,
``release_date``, ``knowledge``, ``open_weights`` and ``status`` (``deprecated``). It gives
no price dates.

Capabilities it states: tools <- tool_call; reasoning <- reasoning; json_schema <-
structured_output; vision <- "image" among the input modalities (stated either way, as the
list is the model's whole input); pdf_input, audio_in and audio_out only when listed (a
missing "pdf" is not a "no").

Each model becomes one entry keyed ``<provider id>/<model id>``; slug, maker, host and
regions come from litellm's key rules, given the litellm provider that matches the
models.dev provider (``google`` is litellm's ``gemini``, ``amazon-bedrock`` its
``bedrock``). Refused whole: not JSON, not an object, fewer than 50 valid models, more than
half of them invalid.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from . import common
from .base import FeedRefused, InvalidEntry, NormalizedEntry, ParsedFeed, checked_feed

SOURCE_NAME = "models.dev"
DEFAULT_URL = "https://models.dev/api.json"

#: models.dev provider id -> the litellm provider that sells the same way.
LITELLM_PROVIDERS: dict[str, str] = {
    "alibaba": "dashscope",
    "amazon-bedrock": "bedrock",
    "fireworks-ai": "fireworks_ai",
    "github-copilot": "github_copilot",
    "google": "gemini",
    "google-vertex": "vertex_ai",
    "google-vertex-anthropic": "vertex_ai",
    "moonshotai": "moonshot",
    "togetherai": "together_ai",
    "vercel": "vercel_ai_gateway",
}

_CANONICAL: dict[str, str] = {
    "input": "input",
    "output": "output",
    "cache_read": "cache_read",
    "cache_write": "cache_write",
}


def _litellm_provider(provider_id: str) -> str:
    return LITELLM_PROVIDERS.get(provider_id, provider_id.replace("-", "_"))


def _prices(cost: Any) -> dict[str, Decimal]:
    if cost is None:
        return {}
    if not isinstance(cost, dict):
        raise common.EntryError("cost: must be an object")
    prices: dict[str, Decimal] = {}
    for field, value in cost.items():
        if isinstance(value, dict | list) or value is None:
            continue  # tiers and long-context prices: not a flat per-token price
        prices[_CANONICAL.get(str(field), str(field))] = common.price_per_token(
            value, f"cost.{field}"
        )
    return prices


def _capabilities(model: dict[str, Any]) -> tuple[dict[str, bool], dict[str, str]]:
    capabilities: dict[str, bool] = {}
    sources: dict[str, str] = {}
    for field, capability in (
        ("tool_call", "tools"),
        ("reasoning", "reasoning"),
        ("structured_output", "json_schema"),
    ):
        value = common.flag(model.get(field), field)
        if value is not None:
            capabilities[capability] = value
            sources[capability] = field
    modalities = model.get("modalities")
    if modalities is not None:
        if not isinstance(modalities, dict):
            raise common.EntryError("modalities: must be an object")
        inputs = modalities.get("input") or []
        outputs = modalities.get("output") or []
        if not isinstance(inputs, list) or not isinstance(outputs, list):
            raise common.EntryError("modalities: input and output must be lists")
        capabilities["vision"] = "image" in inputs
        sources["vision"] = "modalities.input"
        for listed, kind, capability in (
            (inputs, "pdf", "pdf_input"),
            (inputs, "audio", "audio_in"),
            (outputs, "audio", "audio_out"),
        ):
            if kind in listed:
                capabilities[capability] = True
                sources[capability] = f"modalities.{'input' if listed is inputs else 'output'}"
    return capabilities, sources


class ModelsDevSource:
    """models.dev's ``api.json``."""

    name = SOURCE_NAME
    default_url = DEFAULT_URL
    creates_models = False

    def __init__(self, *, min_entries: int = 50, max_invalid_ratio: float = 0.5) -> None:
        self.min_entries = min_entries
        self.max_invalid_ratio = max_invalid_ratio

    def parse(self, raw: bytes) -> ParsedFeed:
        data = common.load_json(raw, SOURCE_NAME)
        if not isinstance(data, dict):
            raise FeedRefused("the models.dev feed is not a JSON object of providers")
        entries: list[NormalizedEntry] = []
        invalid: list[InvalidEntry] = []
        skipped: dict[str, int] = {}
        total = 0
        for provider_id, provider in data.items():
            models = provider.get("models") if isinstance(provider, dict) else None
            if not isinstance(models, dict):
                invalid.append(InvalidEntry(provider_id, "models: must be an object"))
                continue
            for model_id, model in models.items():
                total += 1
                key = f"{provider_id}/{model_id}"
                try:
                    entries.append(self._entry(provider_id, model_id, model, key))
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

    def _entry(self, provider_id: str, model_id: str, model: Any, key: str) -> NormalizedEntry:
        if not isinstance(model, dict):
            raise common.EntryError("entry: must be an object")
        limit = model.get("limit") or {}
        if not isinstance(limit, dict):
            raise common.EntryError("limit: must be an object")
        capabilities, capability_sources = _capabilities(model)
        status = model.get("status")
        return common.entry(
            source=SOURCE_NAME,
            key=key,
            model_id=model_id,
            litellm_provider=_litellm_provider(provider_id),
            name=None,
            prices=_prices(model.get("cost")),
            context_window=common.token_count(limit.get("context"), "limit.context"),
            max_output_tokens=common.token_count(limit.get("output"), "limit.output"),
            capabilities=capabilities,
            capability_sources=capability_sources,
            release_date=_release_date(model.get("release_date")),
            knowledge_cutoff=common.month_or_day(model.get("knowledge"), "knowledge"),
            open_weights=common.flag(model.get("open_weights"), "open_weights"),
            deprecated=True if status == "deprecated" else None,
        )


def _release_date(value: Any) -> Any:
    """A full date, or nothing: ``2025-04`` says the month, not the day."""
    if isinstance(value, str) and len(value) == 7:
        return None
    return common.day(value, "release_date")


SOURCE_CLASS = ModelsDevSource
