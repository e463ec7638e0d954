"""Read a litellm key (``normalize_key``): model slug, maker, host, regions, variant.

The key is split on ``/``; every segment before the model is classified:

1. **host prefix**: a segment equal to the entry's ``litellm_provider`` or its
   host slug (anywhere), or a well-known host name in first position, is dropped.
   Host slug = litellm_provider with families merged (``makers.host_slug_for``).
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

The host/maker rules live in ``makers``, the slug spelling rules in ``slugs``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from .makers import (
    _HOST_MAKERS,
    _KNOWN_HOSTS,
    _OWN_MODELS_HOSTS,
    _VENDORS,
    _maker_from_name,
    _vertex_maker,
    host_slug_for,
)
from .slugs import _family_versions, _slugify, _split_date, _strip_api_version

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

_BARE_VERSION_RE = re.compile(r"^(.*?)-v\d+((?:@.*)?)$")
_AT_DATE_RE = re.compile(r"^(\d{8}|\d{4})(?:-\d{3})?$")
_FIREWORKS_DECIMAL_RE = re.compile(r"(?<=\d)p(?=\d)")


def _norm_segment(seg: str) -> str:
    return seg.lower().replace("_", "-")


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
