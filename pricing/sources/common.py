"""What the JSON sources besides litellm share: loading, number checks, key reading.

genai-prices and models.dev publish prices in US dollars **per million** tokens; a
``NormalizedEntry`` carries dollars per token, so their prices are divided here. Their
model ids are read with litellm's key rules (``litellm.normalize_key``), given the litellm
provider that sells like the source's provider, so that one model gets one slug whichever
source names it.
"""

from __future__ import annotations

import json
import re
from datetime import date
from decimal import Decimal
from typing import Any

from .base import FeedRefused, NormalizedEntry
from .litellm import normalize_key
from .litellm.names import display_name

MILLION = Decimal(1_000_000)
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_MONTH_RE = re.compile(r"^\d{4}-\d{2}(-\d{2})?$")


class EntryError(ValueError):
    """One entry is invalid; the message says which field and why."""


def load_json(raw: bytes, source: str) -> Any:
    try:
        return json.loads(raw, parse_float=Decimal, parse_constant=Decimal)
    except UnicodeDecodeError as exc:
        raise FeedRefused(f"{source} feed is not UTF-8 text: {exc}") from exc
    except json.JSONDecodeError as exc:
        hint = " (truncated download?)" if exc.pos >= len(raw.rstrip()) - 1 else ""
        raise FeedRefused(f"{source} feed is not valid JSON{hint}: {exc}") from exc
    except RecursionError as exc:
        raise FeedRefused(f"{source} feed is nested too deeply to be a price list") from exc


def price_per_token(value: Any, where: str) -> Decimal:
    """A $/M price from the feed as exact $/token; a non-number or a negative is an error."""
    if isinstance(value, bool) or not isinstance(value, int | Decimal):
        raise EntryError(f"{where}: must be a number (got {value!r})")
    number = Decimal(value)
    if not number.is_finite() or number < 0 or number >= MILLION:
        raise EntryError(f"{where}: must be between 0 and 1,000,000 $/M (got {value!r})")
    return number / MILLION


def token_count(value: Any, where: str) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | Decimal) or value != int(value):
        raise EntryError(f"{where}: must be a whole number of tokens (got {value!r})")
    if value < 0:
        raise EntryError(f"{where}: must not be negative (got {value!r})")
    return int(value) or None


def flag(value: Any, where: str) -> bool | None:
    if value is None:
        return None
    if not isinstance(value, bool):
        raise EntryError(f"{where}: must be true or false (got {value!r})")
    return value


def day(value: Any, where: str) -> date | None:
    if value is None:
        return None
    if not isinstance(value, str) or not _DATE_RE.match(value):
        raise EntryError(f"{where}: must be a YYYY-MM-DD date (got {value!r})")
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise EntryError(f"{where}: {exc}") from exc


def month_or_day(value: Any, where: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not _MONTH_RE.match(value):
        raise EntryError(f"{where}: must be YYYY-MM or YYYY-MM-DD (got {value!r})")
    return value


def entry(
    *,
    source: str,
    key: str,
    model_id: str,
    litellm_provider: str,
    name: str | None,
    prices: dict[str, Decimal],
    **facts: Any,
) -> NormalizedEntry:
    """A NormalizedEntry for a model id the source lists under one of its providers."""
    info = normalize_key(f"{litellm_provider}/{model_id}", litellm_provider)
    return NormalizedEntry(
        source=source,
        key=key,
        mode=facts.pop("mode", "chat"),
        model_slug=info.model_slug,
        model_name=name or display_name(info.model_slug),
        alias_of_dated_snapshot=info.alias_of_dated_snapshot,
        provider_slug=info.provider_slug,
        host_slug=info.host_slug,
        regions=info.regions,
        prices=prices,
        context_window=facts.pop("context_window", None),
        max_output_tokens=facts.pop("max_output_tokens", None),
        capabilities=facts.pop("capabilities", {}),
        capability_sources=facts.pop("capability_sources", {}),
        deprecation_date=facts.pop("deprecation_date", None),
        variant=info.variant,
        **facts,
    )
