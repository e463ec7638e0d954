"""Spell a model name as a slug: version suffixes, version numbers, trailing dates."""

from __future__ import annotations

import re
from datetime import date

_API_VERSION_RE = re.compile(r"^(.*?)-(v?)(\d+):(\d+)$")


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


def _slugify(text: str) -> str:
    s = _SLUG_DASH_RE.sub("-", text.lower())
    s = _SLUG_DROP_RE.sub("", s)
    s = _MULTI_DASH_RE.sub("-", s)
    return s.strip("-.")
