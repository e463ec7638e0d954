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

Capabilities (only flags the entry states)
------------------------------------------
tools <- supports_function_calling; vision <- supports_vision; json_schema <-
supports_response_schema; json_mode <- derived from supports_response_schema
(only when true; source recorded as ``derived:supports_response_schema``);
pdf_input <- supports_pdf_input; reasoning <- supports_reasoning;
prompt_caching <- supports_prompt_caching; web_search <- supports_web_search;
audio_in <- supports_audio_input; audio_out <- supports_audio_output.
context_window <- max_input_tokens, else max_tokens.

Key normalisation (``normalize_key``)
-------------------------------------
The key is split on ``/``; every segment before the model is classified:

1. **host prefix**: a segment equal to the entry's ``litellm_provider`` or its
   host slug (anywhere), or a well-known host name in first position, is dropped.
   Host slug = litellm_provider with families merged: ``bedrock_converse``,
   ``bedrock_mantle`` -> bedrock; ``vertex_ai-*`` -> vertex_ai; ``azure_text`` ->
   azure; ``text-completion-openai`` -> openai; ``codestral``,
   ``text-completion-codestral`` -> mistral; ``cohere_chat`` -> cohere;
   ``fireworks_ai-*`` -> fireworks_ai; ``text-completion-inception`` -> inception.
2. **region**: ``eu``, ``us``, ``global``, ``global-standard`` (Azure data
   zones / deployment types), ``us-gov``, AWS regions ``us-east-1`` ...  Broad
   codes: us-* -> us, eu-* -> eu, ap-* -> apac, ca-* -> ca, sa-*/mx-* -> latam,
   me-*/il-* -> me, af-* -> af.  Government clouds add variant ``government``.
   ``*`` (any region) is dropped.
3. **qualifier** (kept in ``variant``): image quality (``low``, ``medium``,
   ``high``, ``xhigh``, ``max``, ``standard``, ``hd``), size (``1024-x-1024``),
   steps (``50-steps``), commitment (``1-month-commitment``), ``streaming``,
   ``claude_platform``.
4. **noise**: routing/account path parts (``accounts/<name>/models|routers``,
   ``@cf``, ``@hf``, ``@oi``, ``invoke``, ``preset``, ``speech`` ...) are dropped.
5. **vendor**: an organisation segment (``openai``, ``meta-llama``, ``Qwen``,
   ``deepseek-ai``, ``mistralai`` ...) sets the maker; an unknown segment right
   before the model is treated as a Hugging-Face-style organisation.
   Everything after these prefixes is the model (segments joined with ``-``).

The model part is then cleaned, in order:

* ``ft:`` prefix -> variant ``fine-tuned``;
* Bedrock cross-region prefix ``us.``, ``eu.``, ``apac.``, ``au.``, ``jp.``,
  ``in.``, ``ca.``, ``global.``, ``us-gov.`` (au/jp/in -> apac) and dotted vendor
  ``anthropic.claude-...``, ``meta.llama...``, ``deepseek.v3`` (-> deepseek-v3);
* ``@`` tags: ``@20240620`` / ``@2407`` are dates, ``@default``, ``@latest``,
  ``@001`` are dropped;
* Bedrock version suffixes ``-v1:0``, ``-v2:0``, ``-1:0`` (and a bare ``-v1``
  after a dotted vendor) are dropped when the name carries its own version
  number; otherwise they are the model's version and stay readable
  (``claude-v2:1`` -> ``claude-v2.1``, ``titan-embed-text-v2:0`` ->
  ``titan-embed-text-v2``); ``-v0:2`` becomes ``-v0.2``;
* ``-latest`` is dropped (``mistral-large-latest`` -> ``mistral-large``) unless
  only one word would remain (``chat-latest``);
* a trailing date makes the key a dated snapshot: ``-2025-04-16``,
  ``-20240620``, ``-08-2024`` (MM-YYYY), ``-260628`` (YYMMDD), ``-0613`` (MMDD)
  or ``-2407`` (YYMM), each only when it is a valid calendar date in a plausible
  range; the canonical slug drops it and ``alias_of_dated_snapshot`` keeps the
  dated slug;
* host-specific prefixes ``databricks-``, ``system.ai.`` (Databricks),
  ``snowflake-``, ``fw-`` (Azure AI), ``meta-textgeneration-`` (SageMaker) and
  redundant vendor prefixes (``meta-llama-3`` -> ``llama-3``, ``openai-o3`` ->
  ``o3``) are removed; Fireworks' ``v3p1`` spelling becomes ``v3.1``;
* lower case; ``_ : @ space`` -> ``-``; anything outside ``[a-z0-9.-]`` dropped;
* version numbers are spelled the way the family's maker does (applied to the
  canonical and the dated slug): ``claude-3.5-sonnet`` -> ``claude-3-5-sonnet``,
  ``claude-opus-4.5`` -> ``claude-opus-4-5`` (but ``claude-2.1`` stays);
  ``gpt-5-2`` -> ``gpt-5.2``; ``glm-4-7``, ``gemini-2-5``, ``grok-4-1``,
  ``kimi-k2-6``, ``minimax-m2-7``, ``mimo-v2-6``, ``deepseek-v4-1``, ``step-3-5``,
  ``jamba-1-5``, ``qwen3-5`` get a dot; ``llama3-1``, ``llama-v3p1``, ``llama3.1`` ->
  ``llama-3.1``; ``qwen-3`` -> ``qwen3``; ``grok4.6`` -> ``grok-4.6``;
  ``nova-lite-v1`` -> ``nova-lite``.

Maker (``provider_slug``), first match wins: vendor segment or dotted vendor;
the maker implied by a ``vertex_ai-<maker>_models`` provider; a host that only
sells its own models (deepgram, elevenlabs, voyage ...); model-name patterns
(gpt-/o1/o3/o4/chatgpt/dall-e/whisper -> openai; claude -> anthropic;
gemini/gemma/imagen/veo -> google; llama -> meta; mistral/mixtral/codestral/
magistral/devstral/ministral/pixtral/voxtral -> mistral; deepseek; qwen/qwq/wan
-> alibaba; grok -> xai; command/aya/embed-/rerank- -> cohere; phi/mai- ->
microsoft; nova/titan -> amazon; jamba -> ai21; kimi/moonshot -> moonshot;
glm -> zhipu; minimax; ernie -> baidu; hunyuan -> tencent; doubao/seed ->
bytedance; nemotron -> nvidia; granite -> ibm; sonar -> perplexity; mimo ->
xiaomi; palmyra -> writer; flux -> black-forest-labs; ...); the host when it is
itself a model maker (openai, anthropic, mistral, gemini -> google, dashscope ->
alibaba ...); finally the host slug itself.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
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

from .base import FeedRefused, InvalidEntry, NormalizedEntry, ParsedFeed

__all__ = [
    "DEFAULT_URL",
    "SOURCE_CLASS",
    "KeyInfo",
    "LiteLLMSource",
    "display_name",
    "normalize_key",
]

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
    prices: dict[str, PerTokenPrice] = Field(default_factory=dict)
    capabilities: dict[str, StrictBool] = Field(default_factory=dict)


_SCALAR_FIELDS = (
    "litellm_provider",
    "mode",
    "max_input_tokens",
    "max_output_tokens",
    "max_tokens",
    "deprecation_date",
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
# Hosts, makers, vendors
# --------------------------------------------------------------------------------------

_HOST_ALIASES: dict[str, str] = {
    "bedrock_converse": "bedrock",
    "bedrock_mantle": "bedrock",
    "azure_text": "azure",
    "text-completion-openai": "openai",
    "text-completion-codestral": "mistral",
    "codestral": "mistral",
    "cohere_chat": "cohere",
    "text-completion-inception": "inception",
}

#: Well-known hosts recognised as a first key segment even when the entry's
#: litellm_provider is spelled differently.
_KNOWN_HOSTS = frozenset(
    {
        "openrouter", "azure", "azure_ai", "bedrock", "bedrock_converse", "bedrock_mantle",
        "vertex_ai", "gemini", "groq", "together_ai", "fireworks_ai", "deepinfra",
        "anyscale", "perplexity", "replicate", "cloudflare", "databricks", "sagemaker",
        "watsonx", "ollama", "novita", "nebius", "github_copilot", "vercel_ai_gateway",
        "amazon-nova", "amazon_nova", "fal_ai", "oci", "snowflake", "baseten",
    }
)  # fmt: skip

#: Hosts whose catalogue is (almost) only their own models: the host is the maker.
_OWN_MODELS_HOSTS: dict[str, str] = {
    "deepgram": "deepgram",
    "elevenlabs": "elevenlabs",
    "assemblyai": "assemblyai",
    "soniox": "soniox",
    "voyage": "voyage",
    "jina_ai": "jina",
    "aws_polly": "amazon",
    "stability": "stability",
    "black_forest_labs": "black-forest-labs",
    "recraft": "recraft",
    "runwayml": "runway",
    "morph": "morph",
}

#: Hosts that also make models: their own maker slug, used after name patterns.
_HOST_MAKERS: dict[str, str] = {
    "openai": "openai",
    "chatgpt": "openai",
    "azure": "microsoft",
    "azure_ai": "microsoft",
    "anthropic": "anthropic",
    "mistral": "mistral",
    "cohere": "cohere",
    "xai": "xai",
    "deepseek": "deepseek",
    "gemini": "google",
    "vertex_ai": "google",
    "ai21": "ai21",
    "moonshot": "moonshot",
    "zai": "zhipu",
    "bigmodel": "zhipu",
    "dashscope": "alibaba",
    "qwen_ai_platform": "alibaba",
    "qwencloud": "alibaba",
    "volcengine": "bytedance",
    "minimax": "minimax",
    "perplexity": "perplexity",
    "meta_llama": "meta",
    "amazon_nova": "amazon",
    "bedrock": "amazon",
    "tencent": "tencent",
    "xiaomi_mimo": "xiaomi",
    "gigachat": "sber",
    "inception": "inception",
    "sarvam": "sarvam",
    "nvidia_nim": "nvidia",
    "watsonx": "ibm",
    "databricks": "databricks",
    "snowflake": "snowflake",
}

#: Organisation spellings (lower case, ``_`` as ``-``) -> maker slug.
_VENDORS: dict[str, str] = {
    "openai": "openai",
    "anthropic": "anthropic",
    "google": "google",
    "google-deepmind": "google",
    "meta": "meta",
    "meta-llama": "meta",
    "meta-models": "meta",
    "facebook": "meta",
    "codellama": "meta",
    "mistral": "mistral",
    "mistralai": "mistral",
    "deepseek": "deepseek",
    "deepseek-ai": "deepseek",
    "qwen": "alibaba",
    "alibaba": "alibaba",
    "alibaba-nlp": "alibaba",
    "zai": "zhipu",
    "zai-org": "zhipu",
    "z-ai": "zhipu",
    "thudm": "zhipu",
    "zhipuai": "zhipu",
    "moonshot": "moonshot",
    "moonshotai": "moonshot",
    "xai": "xai",
    "x-ai": "xai",
    "nvidia": "nvidia",
    "microsoft": "microsoft",
    "cohere": "cohere",
    "cohereforai": "cohere",
    "coherelabs": "cohere",
    "ibm": "ibm",
    "ibm-granite": "ibm",
    "amazon": "amazon",
    "amazon-nova": "amazon",
    "minimax": "minimax",
    "minimaxai": "minimax",
    "bytedance": "bytedance",
    "bytedance-seed": "bytedance",
    "baidu": "baidu",
    "tencent": "tencent",
    "xiaomi": "xiaomi",
    "xiaomimimo": "xiaomi",
    "nousresearch": "nousresearch",
    "ai21": "ai21",
    "ai21labs": "ai21",
    "stability": "stability",
    "stabilityai": "stability",
    "black-forest-labs": "black-forest-labs",
    "allenai": "allenai",
    "baai": "baai",
    "stepfun": "stepfun",
    "stepfun-ai": "stepfun",
    "perplexity": "perplexity",
    "perplexity-ai": "perplexity",
    "writer": "writer",
    "inclusionai": "inclusionai",
    "twelvelabs": "twelvelabs",
    "luma": "luma",
    "01-ai": "01-ai",
}

_VERTEX_SUFFIX_MAKERS: dict[str, str] = {
    "anthropic": "anthropic",
    "mistral": "mistral",
    "llama": "meta",
    "ai21": "ai21",
    "deepseek": "deepseek",
    "qwen": "alibaba",
    "zai": "zhipu",
    "openai": "openai",
    "minimax": "minimax",
    "moonshot": "moonshot",
}

_NAME_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(p), maker)
    for p, maker in (
        (r"^(?:gpt-|gpt$|o[1-9](?:-|$)|chatgpt|dall-e|whisper|tts-1|davinci|babbage"
         r"|text-embedding-(?:3|ada)|omni-moderation|text-moderation|codex|sora"
         r"|computer-use-preview)", "openai"),
        (r"^claude", "anthropic"),
        (r"^(?:gemini|gemma|codegemma|palm|(?:chat|text|code|codechat)-bison|code-gecko|imagen|veo"
         r"|learnlm|lyria|text-unicorn|multimodalembedding|textembedding|medlm|nano-banana"
         r"|text-embedding-(?:00|preview|gecko)|text-multilingual-embedding)", "google"),
        (r"^(?:code-?llama|llama|muse-spark)", "meta"),
        (r"^(?:open-)?(?:mistral|mixtral|codestral|magistral|devstral|ministral|pixtral"
         r"|voxtral|mathstral)", "mistral"),
        (r"^deepseek", "deepseek"),
        (r"^(?:qwen|qwq|qvq|code-?qwen|wan\d)", "alibaba"),
        (r"^grok", "xai"),
        (r"^(?:command|c4ai|aya-|embed-(?:english|multilingual|v\d)"
         r"|rerank-(?:english|multilingual|v\d))", "cohere"),
        (r"^(?:phi-?\d|mai-)", "microsoft"),
        (r"^(?:nova-(?:micro|lite|pro|premier|canvas|reel|sonic|\d)|titan-)", "amazon"),
        (r"^(?:jamba|j2-)", "ai21"),
        (r"^(?:kimi|moonshot)", "moonshot"),
        (r"^(?:glm|chatglm|codegeex|cogview|cogvideo)", "zhipu"),
        (r"^(?:minimax|abab|hailuo)", "minimax"),
        (r"^ernie", "baidu"),
        (r"^hunyuan", "tencent"),
        (r"^(?:doubao|seed-|seedance|seedream)", "bytedance"),
        (r"^nemotron", "nvidia"),
        (r"^granite", "ibm"),
        (r"^(?:sonar|pplx)", "perplexity"),
        (r"^yi-", "01-ai"),
        (r"^mimo", "xiaomi"),
        (r"^palmyra", "writer"),
        (r"^step-?\d", "stepfun"),
        (r"^mercury", "inception"),
        (r"^flux", "black-forest-labs"),
        (r"^(?:stable-|sd3|sdxl)", "stability"),
        (r"^voyage", "voyage"),
        (r"^jina", "jina"),
        (r"^(?:olmo|tulu|molmo)", "allenai"),
        (r"^hermes", "nousresearch"),
        (r"^dbrx", "databricks"),
        (r"^gigachat", "sber"),
        (r"^falcon", "tii"),
        (r"^(?:marengo|pegasus)", "twelvelabs"),
        (r"^longcat", "meituan"),
        (r"^lfm", "liquid"),
    )
)  # fmt: skip

# --------------------------------------------------------------------------------------
# Regions and qualifiers
# --------------------------------------------------------------------------------------

_REGION_SEGMENTS: dict[str, tuple[str, bool]] = {
    # segment -> (broad code, government cloud?)
    "eu": ("eu", False),
    "us": ("us", False),
    "global": ("global", False),
    "global-standard": ("global", False),
    "apac": ("apac", False),
    "us-gov": ("us", True),
}
_AWS_REGION_RE = re.compile(r"^(us|eu|ap|ca|sa|me|af|il|mx)(-gov)?-[a-z]+-\d+$")
_AWS_PREFIX_CODES = {
    "us": "us", "eu": "eu", "ap": "apac", "ca": "ca", "sa": "latam", "mx": "latam",
    "me": "me", "il": "me", "af": "af",
}  # fmt: skip
_DOT_GEO: dict[str, tuple[str, bool]] = {
    "us": ("us", False),
    "us-gov": ("us", True),
    "eu": ("eu", False),
    "apac": ("apac", False),
    "au": ("apac", False),
    "jp": ("apac", False),
    "in": ("apac", False),
    "ca": ("ca", False),
    "global": ("global", False),
}
_DOTTED_VENDOR_HOSTS = frozenset({"bedrock", "oci", "sagemaker"})

_QUALITY_SEGMENTS = frozenset({"low", "medium", "high", "xhigh", "max", "standard", "hd"})
_SIZE_RE = re.compile(r"^(\d+|max)-x-(\d+|max)$")
_STEPS_RE = re.compile(r"^(\d+|max)-steps$")
_COMMITMENT_RE = re.compile(r"^\d+-(?:month|year)-commitment$")
_VARIANT_SEGMENTS = {"streaming": "streaming", "claude_platform": "claude-platform"}
_NOISE_SEGMENTS = frozenset(
    {"@cf", "@hf", "@oi", "invoke", "preset", "speech", "doc-intelligence",
     "decision-models", "ps", "fal-ai", "*"}
)  # fmt: skip

# --------------------------------------------------------------------------------------
# Dates and suffixes
# --------------------------------------------------------------------------------------

_API_VERSION_RE = re.compile(r"^(.*?)-(v?)(\d+):(\d+)$")
_BARE_VERSION_RE = re.compile(r"^(.*?)-v\d+((?:@.*)?)$")


def _strip_api_version(slug: str) -> str:
    """Bedrock-style ``-v1:0`` suffixes.

    Dropped when the name carries its own version (``claude-3-5-sonnet-20241022-v2:0``,
    ``nova-2-lite-v1:0``, ``gpt-oss-20b-1:0``); otherwise the suffix *is* the model
    version and is kept readable: ``claude-v2:1`` -> ``claude-v2.1``,
    ``titan-embed-text-v2:0`` -> ``titan-embed-text-v2``.  ``-v0:2`` (Mistral's
    v0.2 releases) always becomes ``-v0.2``.
    """
    m = _API_VERSION_RE.match(slug)
    if not m:
        return slug
    base, v, major, minor = m.groups()
    if v and major == "0":
        return f"{base}-v0.{minor}"
    if re.search(r"\d", base):
        return base
    if not v:
        return slug
    return f"{base}-v{major}" if minor == "0" else f"{base}-v{major}.{minor}"


_FAMILY_DOT_RE = re.compile(
    r"^(gpt-|glm-|gemini-|grok-|step-|jamba-|deepseek-v|kimi-k|minimax-m|mimo-v|qwen|muse-spark-)"
    r"(\d+)-(\d{1,2})(?=-|$)"
)
_CLAUDE_DOTTED_RE = re.compile(r"^claude-(?:\d\.\d-|[a-z]+-\d\.\d)")
_LLAMA_RE = re.compile(r"^llama-?v?(\d+)(?:[.-](\d))?(?=-|$)")


def _family_versions(slug: str) -> str:
    """Spell version numbers the way each family's maker does.

    Anthropic uses dashes (``claude-3.5-sonnet`` -> ``claude-3-5-sonnet``); OpenAI,
    Zhipu, Google, xAI, Alibaba, Moonshot, MiniMax, DeepSeek, Xiaomi, StepFun and AI21 use
    dots (``gpt-5-2`` -> ``gpt-5.2``, ``glm-4-7`` -> ``glm-4.7``, ``kimi-k2-6`` ->
    ``kimi-k2.6``); Llama is ``llama-3.1`` (``llama3-1``, ``llama-v3p1``, ``llama3.1``
    all map there); ``qwen-3`` -> ``qwen3``; ``grok4.6`` -> ``grok-4.6``; Nova v1
    models drop their ``-v1``.
    """
    if _CLAUDE_DOTTED_RE.match(slug):  # not claude-2.1 / claude-instant-1.2: those are dotted
        return re.sub(r"(?<=\d)\.(?=\d)", "-", slug)
    if slug.startswith("claude"):
        return slug
    m = _LLAMA_RE.match(slug)
    if m:
        version = m.group(1) + (f".{m.group(2)}" if m.group(2) else "")
        return f"llama-{version}{slug[m.end() :]}"
    slug = re.sub(r"^qwen-(\d)", r"qwen\1", slug)
    slug = re.sub(r"^grok(\d)", r"grok-\1", slug)
    slug = re.sub(r"^nova-(micro|lite|pro|premier)-v1$", r"nova-\1", slug)
    return _FAMILY_DOT_RE.sub(r"\1\2.\3", slug)


_DATE_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"^(.*[a-z].*?)-(\d{4})-(\d{2})-(\d{2})$"), "ymd"),
    (re.compile(r"^(.*[a-z].*?)-(\d{4})(\d{2})(\d{2})$"), "ymd"),
    (re.compile(r"^(.*[a-z].*?)-(\d{2})-(\d{4})$"), "my"),
    (re.compile(r"^(.*[a-z].*?)-(\d{2})(\d{2})(\d{2})$"), "yymmdd"),
    (re.compile(r"^(.*[a-z].*?)-(\d{2})(\d{2})$"), "4"),
)
_AT_DATE_RE = re.compile(r"^(\d{8}|\d{4})(?:-\d{3})?$")


def _valid(y: int, m: int, d: int) -> bool:
    try:
        date(y, m, d)
    except ValueError:
        return False
    return True


def _split_date(slug: str) -> tuple[str, str | None]:
    """``("o4-mini", "o4-mini-2025-04-16")`` for a dated slug, else ``(slug, None)``."""
    for pattern, kind in _DATE_PATTERNS:
        m = pattern.match(slug)
        if not m:
            continue
        base = m.group(1)
        if kind == "ymd":
            y, mo, d = int(m.group(2)), int(m.group(3)), int(m.group(4))
            ok = 2015 <= y <= 2039 and _valid(y, mo, d)
        elif kind == "my":
            mo, y = int(m.group(2)), int(m.group(3))
            ok = 2015 <= y <= 2039 and 1 <= mo <= 12
        elif kind == "yymmdd":
            y, mo, d = int(m.group(2)), int(m.group(3)), int(m.group(4))
            ok = 20 <= y <= 39 and _valid(2000 + y, mo, d)
        else:  # 4 digits: MMDD, or YYMM when the first pair cannot be a month
            a, b = int(m.group(2)), int(m.group(3))
            ok = _valid(2024, a, b) or (20 <= a <= 39 and 1 <= b <= 12)
        if ok:
            return base, slug
        return slug, None
    return slug, None


_SLUG_DROP_RE = re.compile(r"[^a-z0-9.-]+")
_SLUG_DASH_RE = re.compile(r"[\s_:@/]+")
_MULTI_DASH_RE = re.compile(r"-{2,}")
_FIREWORKS_DECIMAL_RE = re.compile(r"(?<=\d)p(?=\d)")


def _slugify(text: str) -> str:
    s = _SLUG_DASH_RE.sub("-", text.lower())
    s = _SLUG_DROP_RE.sub("", s)
    s = _MULTI_DASH_RE.sub("-", s)
    return s.strip("-.")


def _norm_segment(seg: str) -> str:
    return seg.lower().replace("_", "-")


def host_slug_for(litellm_provider: str) -> str:
    """The host slug for a litellm_provider value (families merged)."""
    lp = litellm_provider.strip().lower()
    if lp in _HOST_ALIASES:
        return _HOST_ALIASES[lp]
    if lp.startswith("vertex_ai"):
        return "vertex_ai"
    if lp.startswith("fireworks_ai"):
        return "fireworks_ai"
    return re.sub(r"[^a-z0-9_.-]+", "-", lp) or "unknown"


def _maker_from_name(slug: str) -> str | None:
    for pattern, maker in _NAME_PATTERNS:
        if pattern.match(slug):
            return maker
    return None


@dataclass(frozen=True, slots=True)
class KeyInfo:
    """What ``normalize_key`` derives from one key."""

    model_slug: str
    alias_of_dated_snapshot: str | None
    provider_slug: str
    host_slug: str
    regions: tuple[str, ...]
    variant: str | None


def normalize_key(key: str, litellm_provider: str) -> KeyInfo:
    """Derive model, maker, host, regions and variant from a litellm key."""
    return _normalize_key(key, litellm_provider)


@lru_cache(maxsize=16384)
def _normalize_key(key: str, litellm_provider: str) -> KeyInfo:
    host = host_slug_for(litellm_provider)
    host_names = {_norm_segment(litellm_provider), _norm_segment(host)}
    regions: list[str] = []
    variant: list[str] = []
    vendor: str | None = None

    segments = [s for s in key.strip().split("/") if s]
    if not segments:
        segments = [key]
    prefix, model_segments = segments[:-1], [segments[-1]]

    i = 0
    while i < len(prefix):
        seg = prefix[i]
        low = seg.lower()
        norm = _norm_segment(seg)
        i += 1
        if norm in host_names or (i == 1 and low in _KNOWN_HOSTS and norm not in _VENDORS):
            continue
        if low in _REGION_SEGMENTS:
            code, gov = _REGION_SEGMENTS[low]
            regions.append(code)
            if gov:
                variant.append("government")
            continue
        aws = _AWS_REGION_RE.match(low)
        if aws:
            regions.append(_AWS_PREFIX_CODES[aws.group(1)])
            if aws.group(2):
                variant.append("government")
            continue
        if low in _QUALITY_SEGMENTS:
            variant.append(f"quality={low}")
            continue
        if m := _SIZE_RE.match(low):
            variant.append(f"size={m.group(1)}x{m.group(2)}")
            continue
        if m := _STEPS_RE.match(low):
            variant.append(f"steps={m.group(1)}")
            continue
        if _COMMITMENT_RE.match(low):
            variant.append(low)
            continue
        if low in _VARIANT_SEGMENTS:
            variant.append(_VARIANT_SEGMENTS[low])
            continue
        if low in _NOISE_SEGMENTS:
            continue
        if low == "accounts":  # fireworks: accounts/<account>/models|routers/<model>
            i += 1
            if i < len(prefix) and prefix[i].lower() in ("models", "routers"):
                i += 1
            continue
        if norm in _VENDORS:
            vendor = _VENDORS[norm]
            continue
        if i == len(prefix) and vendor is None and host != "fal_ai":
            # an unknown organisation right before the model: Hugging Face style
            vendor = _slugify(seg) or vendor
            continue
        # anything else starts the model name (fal.ai style multi-segment names)
        model_segments = prefix[i - 1 :] + model_segments
        break

    model = "-".join(model_segments).strip()
    low_model = model.lower()

    if low_model.startswith("ft:"):
        variant.append("fine-tuned")
        model = model[3:]
        model = model.split(":", 1)[0]  # ft:gpt-4o-2024-08-06:org:suffix -> base model
        low_model = model.lower()

    # Bedrock-style dotted prefixes: [geo.]vendor.model
    if "." in low_model and (
        host in _DOTTED_VENDOR_HOSTS or low_model.split(".", 1)[0] in _DOT_GEO
    ):
        parts = low_model.split(".")
        if len(parts) >= 3 and parts[0] in _DOT_GEO and parts[1] in _VENDORS:
            code, gov = _DOT_GEO[parts[0]]
            regions.append(code)
            if gov:
                variant.append("government")
            parts = parts[1:]
        if len(parts) >= 2 and parts[0] in _VENDORS:
            vendor = _VENDORS[parts[0]]
            rest = ".".join(parts[1:])
            if re.match(r"^[a-z]?\d", rest) and _maker_from_name(rest) is None:
                # deepseek.v3.2 -> deepseek-v3.2, deepseek.r1 -> deepseek-r1
                rest = f"{parts[0]}-{rest}"
            # a bare API version after a versioned name: claude-opus-4-6-v1 -> claude-opus-4-6
            bare = _BARE_VERSION_RE.match(rest)
            if bare and re.search(r"\d", bare.group(1)):
                rest = bare.group(1) + bare.group(2)
            low_model = rest

    # @ tags (Vertex AI): @20240620 / @2407 are dates; @default, @latest, @001 dropped
    at_date: str | None = None
    if "@" in low_model:
        base, tag = low_model.rsplit("@", 1)
        if _AT_DATE_RE.match(tag):
            at_date = tag.split("-", 1)[0]
        elif tag not in ("default", "latest") and not re.fullmatch(r"\d{1,3}", tag):
            base = f"{base}-{tag}"
        low_model = base

    low_model = _strip_api_version(low_model)

    if host == "fireworks_ai":
        low_model = _FIREWORKS_DECIMAL_RE.sub(".", low_model)

    slug = _slugify(low_model)
    for prefix_to_drop, only_host in (("databricks-", "databricks"), ("system.ai.", "databricks"),
                                      ("snowflake-", "snowflake"), ("fw-", "azure_ai"),
                                      ("meta-textgeneration-", "sagemaker")):  # fmt: skip
        if (
            host == only_host
            and slug.startswith(prefix_to_drop)
            and len(slug) > len(prefix_to_drop)
        ):
            slug = slug[len(prefix_to_drop) :]
    # redundant vendor prefix: meta-llama-3 -> llama-3, openai-o3-mini -> o3-mini
    head, _, tail = slug.partition("-")
    if tail:
        for vendor_prefix in (head, "-".join(slug.split("-")[:2])):
            maker = _VENDORS.get(vendor_prefix)
            if maker is None:
                continue
            rest = slug[len(vendor_prefix) + 1 :]
            if rest and _maker_from_name(rest) == maker:
                slug = rest
                break

    if slug.endswith("-latest") and "-" in slug[: -len("-latest")]:
        slug = slug[: -len("-latest")]  # mistral-large-latest -> mistral-large; chat-latest stays

    dated: str | None = None
    if at_date is not None:
        candidate = f"{slug}-{at_date}"
        base, dated = _split_date(candidate)
        slug = candidate if dated is None else base
    else:
        slug, dated = _split_date(slug)

    slug = _family_versions(slug)
    if dated is not None:
        dated = _family_versions(dated)
    if not slug:
        slug = _slugify(key) or "unknown"

    maker = (
        vendor
        or _vertex_maker(litellm_provider)
        or _OWN_MODELS_HOSTS.get(host)
        or _maker_from_name(slug)
        or _HOST_MAKERS.get(host)
        or host
    )

    return KeyInfo(
        model_slug=slug,
        alias_of_dated_snapshot=dated,
        provider_slug=maker,
        host_slug=host,
        regions=tuple(dict.fromkeys(regions)),
        variant=" ".join(dict.fromkeys(variant)) or None,
    )


def _vertex_maker(litellm_provider: str) -> str | None:
    m = re.match(r"^vertex_ai-([a-z0-9]+)_models$", litellm_provider)
    if m:
        return _VERTEX_SUFFIX_MAKERS.get(m.group(1))
    return None


# --------------------------------------------------------------------------------------
# Display names
# --------------------------------------------------------------------------------------

_BRANDS = {
    "gpt": "GPT", "claude": "Claude", "gemini": "Gemini", "gemma": "Gemma", "llama": "Llama",
    "deepseek": "DeepSeek", "qwen": "Qwen", "qwq": "QwQ", "grok": "Grok", "glm": "GLM",
    "kimi": "Kimi", "phi": "Phi", "minimax": "MiniMax", "chatgpt": "ChatGPT",
    "dall": "DALL", "codellama": "CodeLlama", "mimo": "MiMo",
}  # fmt: skip
_ACRONYMS = frozenset(
    {"oss", "vl", "tts", "ocr", "hd", "ai", "api", "fp8", "fp16", "int8", "int4", "awq", "it",
     "xl", "moe", "gguf", "stt", "sd", "rag", "nim", "lora"}
)  # fmt: skip
_SIZE_TOKEN_RE = re.compile(r"^(?:a?\d+(?:\.\d+)?|\d+x\d+)[bkmte]$")


def display_name(slug: str) -> str:
    """A tidy display name: ``claude-3-5-sonnet`` -> ``Claude 3.5 Sonnet``."""
    if re.match(r"^o\d", slug):  # OpenAI o-series keep their lower-case names
        return slug
    raw = [t for t in slug.split("-") if t]
    tokens: list[str] = []
    for tok in raw:  # merge claude-3-5 / gpt-5-2 style versions
        if (
            tokens
            and tok.isdigit()
            and len(tok) <= 2
            and tokens[-1].isdigit()
            and len(tokens[-1]) <= 2
        ):
            tokens[-1] = f"{tokens[-1]}.{tok}"
        else:
            tokens.append(tok)
    words: list[str] = []
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        if (
            tok == "gpt"
            and i + 1 < len(tokens)
            and (tokens[i + 1][:1].isdigit() or tokens[i + 1] == "oss")
        ):
            nxt = tokens[i + 1]
            words.append("GPT-" + (nxt.upper() if nxt in _ACRONYMS else nxt))
            i += 2
            continue
        words.append(_word(tok))
        i += 1
    return " ".join(words) or slug


def _word(tok: str) -> str:
    if tok in _BRANDS:
        return _BRANDS[tok]
    if tok in _ACRONYMS:
        return tok.upper()
    if _SIZE_TOKEN_RE.match(tok):
        return tok.upper()
    if tok[:1].isdigit():
        return tok
    return tok[:1].upper() + tok[1:]


# --------------------------------------------------------------------------------------
# The source
# --------------------------------------------------------------------------------------


class LiteLLMSource:
    """litellm's ``model_prices_and_context_window.json``."""

    name = SOURCE_NAME
    default_url = DEFAULT_URL

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

        checked = len(entries) + len(invalid)
        if len(entries) < self.min_entries:
            raise FeedRefused(
                f"only {len(entries)} of {len(data)} litellm entries are valid, expected at least "
                f"{self.min_entries}; first problems: {_first_reasons(invalid)}"
            )
        if checked and len(invalid) / checked > self.max_invalid_ratio:
            raise FeedRefused(
                f"{len(invalid)} of {checked} litellm entries are invalid (more than "
                f"{self.max_invalid_ratio:.0%}); the format may have changed. "
                f"First problems: {_first_reasons(invalid)}"
            )
        return ParsedFeed(
            entries=entries,
            invalid=invalid,
            entry_count=len(data),
            skipped=sum(skipped.values()),
            skipped_reasons=skipped,
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


def _first_reasons(invalid: list[InvalidEntry], limit: int = 3) -> str:
    return "; ".join(f"{e.key}: {e.reason}" for e in invalid[:limit]) or "none"


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
    )


@lru_cache(maxsize=8192)
def _display_name_cached(slug: str) -> str:
    return display_name(slug)
