"""Parse litellm's model price map into ``NormalizedEntry`` objects.

The feed (``model_prices_and_context_window.json``) is one JSON object,
``key -> entry``, with prices in US dollars **per token**.  This module is pure
Python (pydantic for validation, no Django).

Feed-level refusal (``FeedRefused``; nothing from the feed may be used)
------------------------------------------------------------------------
* the bytes are not valid UTF-8 JSON (e.g. a truncated download);
* the top level is not a JSON object;
* fewer than ``min_entries`` (50) entries besides ``sample_spec``;
* after validation, fewer than ``min_entries`` valid entries, or more than
  ``max_invalid_ratio`` (half) of the checked entries invalid -- a sign the
  format changed under us.

Entry-level handling (one bad entry never stops the others)
-----------------------------------------------------------
* skipped (counted in ``ParsedFeed.skipped`` / ``skipped_reasons``):
  ``sample_spec`` (documentation); alias-only entries (``alias_of`` and no
  ``litellm_provider``); entries that are not models (no ``litellm_provider``,
  no ``mode``, no per-token price, e.g. ``fallback_generalizations``); entries
  with a provider but no ``mode`` (litellm's pricing tiers such as
  ``fireworks-ai-default``).
* invalid (``ParsedFeed.invalid`` with key and reason): an entry that is not an
  object; ``litellm_provider`` / ``mode`` missing or not a non-empty string; a
  per-token price that is not a JSON number (strings, booleans, null-less
  garbage), negative, not finite, or >= 1 dollar per token; token limits that
  are not non-negative integers; a capability flag that is not a boolean; a
  ``deprecation_date`` that is not a ``YYYY-MM-DD`` string.  Unknown fields are
  ignored.  ``null`` counts as "not stated".

Prices
------
Per-token price fields are ``input_/output_/citation_cost_per[_<unit>]_token[...]``
and ``[explicit_]cache_read|creation_input[_<unit>]_token_cost[...]``.  Canonical
kinds: ``input_cost_per_token`` -> input, ``output_cost_per_token`` -> output,
``cache_read_input_token_cost`` -> cache_read, ``cache_creation_input_token_cost``
-> cache_write, ``input_cost_per_token_batches`` -> batch_input,
``output_cost_per_token_batches`` -> batch_output; every other per-token price
keeps its litellm field name (``input_cost_per_token_priority``,
``output_cost_per_token_above_200k_tokens`` ...).  Per-image, per-second,
per-character, per-query, per-1k-token and Databricks DBU costs are not per-token
dollars and are not included.  JSON is parsed with ``parse_float=Decimal`` so
prices are exact.

Lifecycle
---------
``deprecation_date``; ``successor_model`` (a key, read like any other key into the
successor's slug).

Capabilities (only flags the entry states)
------------------------------------------
tools <- supports_function_calling; vision <- supports_vision; json_schema <-
supports_response_schema; json_mode <- derived from supports_response_schema
(only when true; source recorded as ``derived:supports_response_schema``);
pdf_input <- supports_pdf_input; reasoning <- supports_reasoning;
prompt_caching <- supports_prompt_caching; web_search <- supports_web_search;
audio_in <- supports_audio_input; audio_out <- supports_audio_output.
context_window <- max_input_tokens, else max_tokens.

Each key's model, maker, host, regions and variant come from ``keys.normalize_key``;
the model's display name from ``names.display_name``.
"""

from __future__ import annotations

import json
import re
from datetime import date
from decimal import Decimal
from functools import lru_cache
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    Strict,
    StrictBool,
    ValidationError,
)

from ..base import FeedRefused, InvalidEntry, NormalizedEntry, ParsedFeed, checked_feed
from .keys import _normalize_key
from .names import display_name

DEFAULT_URL = (
    "https://raw.githubusercontent.com/BerriAI/litellm/main/model_prices_and_context_window.json"
)
SOURCE_NAME = "litellm"

# --------------------------------------------------------------------------------------
# Prices and capabilities
# --------------------------------------------------------------------------------------

_PER_TOKEN_RE = re.compile(
    r"^(?:"
    r"(?:input|output|citation)_cost_per_(?:[a-z]+_)?token"
    r"|(?:explicit_)?cache_(?:read|creation)_input_(?:[a-z]+_)?token_cost"
    r")(?:_[a-z0-9_]+)?$"
)

_CANONICAL_PRICE_FIELDS: dict[str, str] = {
    "input_cost_per_token": "input",
    "output_cost_per_token": "output",
    "cache_read_input_token_cost": "cache_read",
    "cache_creation_input_token_cost": "cache_write",
    "input_cost_per_token_batches": "batch_input",
    "output_cost_per_token_batches": "batch_output",
}

_CAPABILITY_FIELDS: dict[str, str] = {
    "supports_function_calling": "tools",
    "supports_vision": "vision",
    "supports_response_schema": "json_schema",
    "supports_pdf_input": "pdf_input",
    "supports_reasoning": "reasoning",
    "supports_prompt_caching": "prompt_caching",
    "supports_web_search": "web_search",
    "supports_audio_input": "audio_in",
    "supports_audio_output": "audio_out",
}


@lru_cache(maxsize=4096)
def _price_kind(field_name: str) -> str | None:
    """The price kind for a per-token price field, or None if it is not one."""
    if field_name in _CANONICAL_PRICE_FIELDS:
        return _CANONICAL_PRICE_FIELDS[field_name]
    if _PER_TOKEN_RE.match(field_name):
        return field_name
    return None


def _json_number(value: Any) -> Any:
    """Accept only JSON numbers (int or Decimal); booleans and strings are errors."""
    if isinstance(value, bool):
        raise ValueError("must be a number, not a boolean")
    if isinstance(value, str):
        raise ValueError("must be a number, not a string")
    if not isinstance(value, int | Decimal | float):
        raise ValueError(f"must be a number, not {type(value).__name__}")
    return value


def _date_string(value: Any) -> Any:
    if not isinstance(value, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        raise ValueError("must be a YYYY-MM-DD string")
    return value


PerTokenPrice = Annotated[Decimal, BeforeValidator(_json_number), Field(ge=0, lt=1)]
TokenCount = Annotated[int, Strict(), Field(ge=0)]
NonEmptyStr = Annotated[str, Strict(), Field(min_length=1)]
IsoDate = Annotated[date, BeforeValidator(_date_string)]


class _Entry(BaseModel):
    """The validated subset of one litellm entry (prepared by ``_prepare``)."""

    model_config = ConfigDict(extra="ignore")

    litellm_provider: NonEmptyStr
    mode: NonEmptyStr
    max_input_tokens: TokenCount | None = None
    max_output_tokens: TokenCount | None = None
    max_tokens: TokenCount | None = None
    deprecation_date: IsoDate | None = None
    successor_model: NonEmptyStr | None = None
    prices: dict[str, PerTokenPrice] = Field(default_factory=dict)
    capabilities: dict[str, StrictBool] = Field(default_factory=dict)


_SCALAR_FIELDS = (
    "litellm_provider",
    "mode",
    "max_input_tokens",
    "max_output_tokens",
    "max_tokens",
    "deprecation_date",
    "successor_model",
)


def _prepare(raw: dict[str, Any]) -> dict[str, Any]:
    """Pick the fields we validate; ``null`` means "not stated"."""
    out: dict[str, Any] = {k: raw[k] for k in _SCALAR_FIELDS if raw.get(k) is not None}
    prices: dict[str, Any] = {}
    caps: dict[str, Any] = {}
    for name, value in raw.items():
        if value is None:
            continue
        if name in _CAPABILITY_FIELDS:
            caps[name] = value
        elif _price_kind(name) is not None:
            prices[name] = value
    out["prices"] = prices
    out["capabilities"] = caps
    return out


def _format_errors(exc: ValidationError, limit: int = 3) -> str:
    parts = []
    for err in exc.errors()[:limit]:
        loc = [str(p) for p in err["loc"]]
        if loc and loc[0] in ("prices", "capabilities"):
            loc = loc[1:]
        where = ".".join(loc) or "entry"
        msg = err["msg"].removeprefix("Value error, ")
        if err["type"] == "missing":
            parts.append(f"{where}: missing")
        else:
            parts.append(f"{where}: {msg} (got {err.get('input')!r})")
    extra = len(exc.errors()) - limit
    if extra > 0:
        parts.append(f"and {extra} more")
    return "; ".join(parts)


# --------------------------------------------------------------------------------------
# The source
# --------------------------------------------------------------------------------------


class LiteLLMSource:
    """litellm's ``model_prices_and_context_window.json``."""

    name = SOURCE_NAME
    default_url = DEFAULT_URL
    creates_models = True

    def __init__(self, *, min_entries: int = 50, max_invalid_ratio: float = 0.5) -> None:
        self.min_entries = min_entries
        self.max_invalid_ratio = max_invalid_ratio

    def parse(self, raw: bytes) -> ParsedFeed:
        """Parse the whole map.  Raises ``FeedRefused`` if it must be rejected whole."""
        data = _load(raw)
        if not isinstance(data, dict):
            raise FeedRefused(
                f"top level of the litellm feed is a JSON {_json_type(data)}, expected an object"
            )
        model_count = len(data) - (1 if "sample_spec" in data else 0)
        if model_count < self.min_entries:
            raise FeedRefused(
                f"litellm feed has only {model_count} entries, expected at least "
                f"{self.min_entries} (truncated or wrong file?)"
            )

        entries: list[NormalizedEntry] = []
        invalid: list[InvalidEntry] = []
        skipped: dict[str, int] = {}

        validate = _Entry.model_validate
        for key, value in data.items():
            if key == "sample_spec":
                _count(skipped, "sample_spec (documentation entry)")
                continue
            if not isinstance(value, dict):
                invalid.append(
                    InvalidEntry(key, f"entry is a JSON {_json_type(value)}, not an object")
                )
                continue
            skip_reason = _skip_reason(value)
            if skip_reason:
                _count(skipped, skip_reason)
                continue
            try:
                entry = validate(_prepare(value))
            except ValidationError as exc:
                invalid.append(InvalidEntry(key, _format_errors(exc)))
                continue
            try:
                entries.append(_normalize(key, entry))
            except Exception as exc:  # never let one odd key stop the feed
                invalid.append(InvalidEntry(key, f"could not normalise key: {exc}"))

        return checked_feed(
            source=SOURCE_NAME,
            entries=entries,
            invalid=invalid,
            skipped=skipped,
            entry_count=len(data),
            min_entries=self.min_entries,
            max_invalid_ratio=self.max_invalid_ratio,
        )


SOURCE_CLASS = LiteLLMSource


def _load(raw: bytes) -> Any:
    if isinstance(raw, str):  # tolerate text input
        raw = raw.encode("utf-8")
    try:
        return json.loads(raw, parse_float=Decimal, parse_constant=Decimal)
    except UnicodeDecodeError as exc:
        raise FeedRefused(f"litellm feed is not UTF-8 text: {exc}") from exc
    except json.JSONDecodeError as exc:
        hint = " (truncated download?)" if exc.pos >= len(raw.rstrip()) - 1 else ""
        raise FeedRefused(f"litellm feed is not valid JSON{hint}: {exc}") from exc
    except RecursionError as exc:
        raise FeedRefused("litellm feed is nested too deeply to be a price map") from exc


def _json_type(value: Any) -> str:
    if isinstance(value, list):
        return "array"
    if isinstance(value, str):
        return "string"
    if isinstance(value, bool):
        return "boolean"
    if value is None:
        return "null"
    if isinstance(value, int | float | Decimal):
        return "number"
    return type(value).__name__


def _skip_reason(value: dict[str, Any]) -> str | None:
    if value.get("litellm_provider") is None:
        if "alias_of" in value:
            return "alias entry (alias_of, no litellm_provider)"
        if value.get("mode") is None and not any(_price_kind(k) for k in value):
            return "not a model entry (no litellm_provider, mode or price)"
    elif value.get("mode") is None:
        return "no mode (litellm pricing tier or placeholder)"
    return None


def _count(counter: dict[str, int], reason: str) -> None:
    counter[reason] = counter.get(reason, 0) + 1


def _normalize(key: str, entry: _Entry) -> NormalizedEntry:
    info = _normalize_key(key, entry.litellm_provider)

    prices: dict[str, Decimal] = {}
    for name, value in entry.prices.items():
        kind = _price_kind(name)
        if kind is not None:
            prices[kind] = value

    capabilities: dict[str, bool] = {}
    capability_sources: dict[str, str] = {}
    for field_name, flag in entry.capabilities.items():
        canonical = _CAPABILITY_FIELDS[field_name]
        capabilities[canonical] = flag
        capability_sources[canonical] = field_name
    if capabilities.get("json_schema") is True:
        capabilities["json_mode"] = True
        capability_sources["json_mode"] = "derived:supports_response_schema"

    context_window = (
        entry.max_input_tokens if entry.max_input_tokens is not None else entry.max_tokens
    )
    return NormalizedEntry(
        source=SOURCE_NAME,
        key=key,
        mode=entry.mode,
        model_slug=info.model_slug,
        model_name=_display_name_cached(info.model_slug),
        alias_of_dated_snapshot=info.alias_of_dated_snapshot,
        provider_slug=info.provider_slug,
        host_slug=info.host_slug,
        regions=info.regions,
        prices=prices,
        context_window=context_window,
        max_output_tokens=entry.max_output_tokens,
        capabilities=capabilities,
        capability_sources=capability_sources,
        deprecation_date=entry.deprecation_date,
        variant=info.variant,
        successor_slug=(
            _normalize_key(entry.successor_model, entry.litellm_provider).model_slug
            if entry.successor_model
            else None
        ),
    )


@lru_cache(maxsize=8192)
def _display_name_cached(slug: str) -> str:
    return display_name(slug)
