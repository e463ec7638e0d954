"""Rendering behaviour of tokonomix.core.markdown (the XSS side is in test_markdown_xss.py)."""

from __future__ import annotations

import dataclasses
import hashlib
import pickle
import re
import subprocess
import sys
import textwrap
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from markdown.inlinepatterns import LinkInlineProcessor

import tokonomix.core.markdown as md_module
from tests.core.test_markdown_xss import parse_html, violations
from tokonomix.core.markdown import (
    LINK_REL,
    MAX_BRACKETS_PER_BLOCK,
    RENDERER_VERSION,
    RenderedMarkdown,
    TocEntry,
    markdown_html,
    render_markdown,
    render_markdown_cached,
)

HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}


def elements(markup: str, tag: str | None = None) -> list[tuple[str, dict[str, str | None]]]:
    found = [(t, dict(attrs)) for t, attrs in parse_html(markup).elements]
    return [e for e in found if tag is None or e[0] == tag]


def headings(markup: str) -> list[tuple[str, str | None]]:
    """(tag, id) of every heading, in document order."""
    return [(t, a.get("id")) for t, a in elements(markup) if t in HEADINGS]


def render(text: str) -> RenderedMarkdown:
    rendered = render_markdown(textwrap.dedent(text))
    assert violations(rendered.html) == []
    return rendered


# --------------------------------------------------------------------------- #
# Headings and table of contents
# --------------------------------------------------------------------------- #


def test_headings_get_ids_and_a_toc() -> None:
    r = render(
        """\
        # Overview

        Text.

        ## Pricing & limits

        ### Rate limits
        """
    )
    assert headings(r.html) == [
        ("h2", "overview"),
        ("h3", "pricing-limits"),
        ("h4", "rate-limits"),
    ]
    assert r.toc == [
        TocEntry(level=2, id="overview", title="Overview"),
        TocEntry(level=3, id="pricing-limits", title="Pricing & limits"),
        TocEntry(level=4, id="rate-limits", title="Rate limits"),
    ]


def test_duplicate_headings_get_unique_ids() -> None:
    r = render("## Notes\n\n## Notes\n\n## Notes\n\n### Notes\n")
    ids = [i for _, i in headings(r.html)]
    assert ids == ["notes", "notes_1", "notes_2", "notes_3"]
    assert [e.id for e in r.toc] == ids
    assert [e.title for e in r.toc] == ["Notes"] * 4


def test_toc_ids_match_html_ids() -> None:
    r = render("# A\n\n## B b\n\n# A\n\n#### C\n")
    assert [e.id for e in r.toc] == [i for _, i in headings(r.html)]
    assert [e.level for e in r.toc] == [int(t[1]) for t, _ in headings(r.html)]


def test_h1_is_never_emitted_and_levels_shift_to_start_at_h2() -> None:
    # ATX and setext h1 become h2; the rest keeps its relative depth.
    r = render("# One\n\nTwo\n===\n\n## Three\n\n###### Six\n")
    assert [t for t, _ in headings(r.html)] == ["h2", "h2", "h3", "h6"]  # h7 is capped at h6
    assert [e.level for e in r.toc] == [2, 2, 3, 6]


def test_documents_that_already_start_at_h2_keep_their_levels() -> None:
    r = render("## Section\n\n### Sub\n")
    assert [t for t, _ in headings(r.html)] == ["h2", "h3"]


def test_documents_starting_deeper_are_lifted_to_h2() -> None:
    r = render("### Section\n\n#### Sub\n")
    assert [t for t, _ in headings(r.html)] == ["h2", "h3"]


def test_heading_has_a_permalink() -> None:
    r = render("## Benchmarks\n")
    links = elements(r.html, "a")
    assert links == [
        (
            "a",
            {
                "class": "headerlink",
                "href": "#benchmarks",
                "title": "Permanent link",
                "rel": LINK_REL,
            },
        )
    ]
    # The permalink text does not leak into the toc title.
    assert r.toc == [TocEntry(2, "benchmarks", "Benchmarks")]


def test_toc_title_is_plain_text() -> None:
    r = render("## A & B <c> *d* `e`\n")
    assert r.toc[0].title == "A & B <c> d e"
    # ... while the heading itself shows the raw HTML as text.
    assert "A & B <c> d e" in parse_html(r.html).text_content


def test_unicode_and_symbol_only_headings_get_usable_ids() -> None:
    r = render("## 中文 标题\n\n## !!!\n\n## ???\n")
    assert [i for _, i in headings(r.html)] == ["中文-标题", "section", "section_1"]


def test_toc_marker_is_not_expanded() -> None:
    r = render("[TOC]\n\n## A\n")
    assert elements(r.html, "ul") == []
    assert "[TOC]" in parse_html(r.html).text_content


# --------------------------------------------------------------------------- #
# Tables, code, lists
# --------------------------------------------------------------------------- #


def test_tables_render_without_alignment_styles() -> None:
    r = render(
        """\
        | Model | Price |
        |:------|------:|
        | A     | $1    |
        | B     | $2    |
        """
    )
    tags = [t for t, _ in elements(r.html)]
    assert tags[:3] == ["table", "thead", "tr"]
    assert tags.count("th") == 2
    assert tags.count("td") == 4
    assert "tbody" in tags
    assert all(attrs == {} for t, attrs in elements(r.html) if t in {"th", "td"})


def test_fenced_code_renders_with_language_class_and_escaped_content() -> None:
    r = render(
        """\
        ```python
        if a < b and c > d:
            print("<script>")
        ```
        """
    )
    assert [t for t, _ in elements(r.html)] == ["pre", "code"]
    assert elements(r.html, "code")[0][1] == {"class": "language-python"}
    assert 'print("<script>")' in parse_html(r.html).text_content


def test_fenced_code_without_language_has_no_class() -> None:
    r = render("```\nx = 1\n```\n")
    assert elements(r.html, "code") == [("code", {})]


def test_inline_code() -> None:
    r = render("Use `<b>` tags.\n")
    assert [t for t, _ in elements(r.html)] == ["p", "code"]
    assert "Use <b> tags." in parse_html(r.html).text_content


def test_sane_lists_keep_start_number_and_do_not_merge_types() -> None:
    r = render("3. three\n4. four\n\n* bullet\n")
    assert elements(r.html, "ol") == [("ol", {"start": "3"})]
    assert len(elements(r.html, "ul")) == 1


def test_basic_inline_formatting() -> None:
    r = render("**bold** *em* line  \nbreak\n\n> quote\n\n---\n")
    tags = {t for t, _ in elements(r.html)}
    assert {"strong", "em", "br", "blockquote", "hr"} <= tags


# --------------------------------------------------------------------------- #
# Links
# --------------------------------------------------------------------------- #


def test_links_get_rel_and_keep_title() -> None:
    r = render('[OpenAI](https://openai.com/ "Their site") and <https://example.com/x?a=1&b=2>\n')
    assert elements(r.html, "a") == [
        ("a", {"href": "https://openai.com/", "title": "Their site", "rel": LINK_REL}),
        ("a", {"href": "https://example.com/x?a=1&b=2", "rel": LINK_REL}),
    ]


def test_mailto_links_are_allowed() -> None:
    r = render("[Write](mailto:editors@example.com) or <editors@example.com>\n")
    hrefs = [a["href"] for _, a in elements(r.html, "a")]
    assert hrefs == ["mailto:editors@example.com", "mailto:editors@example.com"]
    assert all(a["rel"] == LINK_REL for _, a in elements(r.html, "a"))


@pytest.mark.parametrize(
    "url",
    ["/models/gpt-5/", "../compare/", "#pricing", "?page=2", "notes.html", "//cdn.example.com/x"],
)
def test_relative_links_are_kept(url: str) -> None:
    r = render(f"[link]({url})\n")
    assert elements(r.html, "a") == [("a", {"href": url, "rel": LINK_REL})]


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        "data:text/html,hi",
        "vbscript:x",
        "ftp://example.com/",
    ],
)
def test_other_schemes_lose_their_href_but_keep_the_text(url: str) -> None:
    r = render(f"[click me]({url})\n")
    assert all("href" not in a for _, a in elements(r.html, "a"))
    assert "click me" in parse_html(r.html).text_content


def test_reference_links_work() -> None:
    r = render('See [the docs][d].\n\n[d]: https://example.com/docs "Docs"\n')
    assert elements(r.html, "a") == [
        ("a", {"href": "https://example.com/docs", "title": "Docs", "rel": LINK_REL})
    ]


def test_images_become_links() -> None:
    r = render('![Price chart](https://example.com/chart.png "Chart") ![](/static/x.png)\n')
    assert elements(r.html, "img") == []
    assert elements(r.html, "a") == [
        ("a", {"href": "https://example.com/chart.png", "title": "Chart", "rel": LINK_REL}),
        ("a", {"href": "/static/x.png", "rel": LINK_REL}),
    ]
    assert "Price chart" in parse_html(r.html).text_content


def test_image_inside_link_becomes_its_alt_text() -> None:
    r = render("[![build passing](https://ci.example/badge.svg)](https://ci.example/)\n")
    assert elements(r.html, "a") == [("a", {"href": "https://ci.example/", "rel": LINK_REL})]
    assert parse_html(r.html).text_content == "build passing"


# --------------------------------------------------------------------------- #
# Bracket bombs (Python-Markdown's link matching is quadratic in unclosed "[")
# --------------------------------------------------------------------------- #


@pytest.mark.parametrize("bomb", ["[" * 20_000, "![" * 10_000, "- " + "[" * 20_000])
def test_bracket_bomb_is_never_scanned_for_links_and_renders_as_text(
    bomb: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Python-Markdown scans from every "[" to the end of its block for the closing
    # bracket (getText): quadratic, about a minute for this bomb unguarded.
    scanned: list[str] = []
    scan = LinkInlineProcessor.getText

    def recording_scan(self: LinkInlineProcessor, data: str, index: int) -> Any:
        scanned.append(data)
        return scan(self, data, index)

    monkeypatch.setattr(LinkInlineProcessor, "getText", recording_scan)
    r = render(f"Before [ok](/ok).\n\n{bomb}\n\nAfter [ok](/ok).\n")

    assert scanned  # the neighbours' links were scanned ...
    assert all(text.count("[") <= MAX_BRACKETS_PER_BLOCK for text in scanned)  # ... the bomb not
    # Neighbouring blocks still get inline Markdown; the bomb block is text.
    assert [a["href"] for _, a in elements(r.html, "a")] == ["/ok", "/ok"]
    assert bomb.lstrip("- ") in parse_html(r.html).text_content


def test_blocks_under_the_bracket_limit_keep_inline_markdown() -> None:
    links = " ".join(f"[l{i}](/p/{i})" for i in range(MAX_BRACKETS_PER_BLOCK))
    r = render(links + "\n")
    assert len(elements(r.html, "a")) == MAX_BRACKETS_PER_BLOCK
    r = render(links + " [\n")
    assert elements(r.html, "a") == []  # one bracket over: shown as text


# --------------------------------------------------------------------------- #
# Raw HTML
# --------------------------------------------------------------------------- #


def test_inline_raw_html_is_shown_as_text() -> None:
    r = render("Hello <b onclick=alert(1)>world</b>!\n")
    assert [t for t, _ in elements(r.html)] == ["p"]
    assert parse_html(r.html).text_content == "Hello <b onclick=alert(1)>world</b>!"


def test_block_raw_html_is_shown_as_text() -> None:
    r = render("<div class=x>\n<script>alert(1)</script>\n</div>\n")
    assert [t for t, _ in elements(r.html)] == ["p"]
    assert "<script>alert(1)</script>" in parse_html(r.html).text_content


def test_entities_are_preserved() -> None:
    r = render("AT&amp;T &copy; 2025 &lt;tag&gt; & more\n")
    assert parse_html(r.html).text_content == "AT&T © 2025 <tag> & more"


def test_lone_surrogates_do_not_crash() -> None:
    r = render("## a \ud800 b\n\ntext \udfff\n")
    assert parse_html(r.html).text_content.count("\ufffd") == 2
    assert r.toc[0].title == "a \ufffd b"


def test_empty_input() -> None:
    assert render_markdown("") == RenderedMarkdown(html="", toc=[])


# --------------------------------------------------------------------------- #
# Result type, threads, module hygiene
# --------------------------------------------------------------------------- #


def test_result_is_frozen_and_picklable() -> None:
    r = render("## A\n\ntext\n")
    with pytest.raises(dataclasses.FrozenInstanceError):
        r.html = "<script>"  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        r.toc[0].id = "x"  # type: ignore[misc]
    assert pickle.loads(pickle.dumps(r)) == r


def test_rendering_is_deterministic_across_threads() -> None:
    texts = [f"# Title {i}\n\n## Title {i}\n\n[x](/a/{i}) `c{i}`\n" for i in range(40)]
    expected = [render_markdown(t) for t in texts]
    with ThreadPoolExecutor(max_workers=4) as pool:
        got = list(pool.map(render_markdown, texts * 3))
    assert got == expected * 3


def test_module_does_not_import_django(tmp_path: Path) -> None:
    # Load the file on its own (not via the tokonomix package, whose __init__
    # wires up Celery/Django) in a fresh interpreter.
    module_path = Path(md_module.__file__).resolve()
    code = textwrap.dedent(
        f"""
        import importlib.util, sys
        spec = importlib.util.spec_from_file_location("standalone_markdown", {str(module_path)!r})
        m = sys.modules[spec.name] = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(m)
        m.render_markdown("# hi\\n\\n[x](https://example.com)")
        bad = [n for n in sys.modules if n == "django" or n.startswith("django.")]
        assert not bad, bad
        """
    )
    proc = subprocess.run(
        [sys.executable, "-c", code],
        cwd=tmp_path,  # not tokonomix/, where markdown.py would shadow the library
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr


# --------------------------------------------------------------------------- #
# Django helpers (the cache is faked, so no settings are needed)
# --------------------------------------------------------------------------- #


class FakeCache:
    """Dict cache that pickles like real backends do."""

    def __init__(self) -> None:
        self.data: dict[str, bytes] = {}
        self.gets: list[str] = []
        self.sets: list[tuple[str, int | None]] = []

    def get(self, key: str, default: Any = None) -> Any:
        self.gets.append(key)
        return pickle.loads(self.data[key]) if key in self.data else default

    def set(self, key: str, value: Any, timeout: int | None = None) -> None:
        self.sets.append((key, timeout))
        self.data[key] = pickle.dumps(value)


class BrokenCache:
    def get(self, key: str, default: Any = None) -> Any:
        raise ConnectionError("cache down")

    def set(self, key: str, value: Any, timeout: int | None = None) -> None:
        raise ConnectionError("cache down")


@pytest.fixture
def fake_cache(monkeypatch: pytest.MonkeyPatch) -> FakeCache:
    django_cache = pytest.importorskip("django.core.cache")
    cache = FakeCache()
    monkeypatch.setattr(django_cache, "cache", cache)
    return cache


def test_cached_render_uses_content_and_version_key(
    fake_cache: FakeCache, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = "## Cached\n\n[x](javascript:alert(1))\n"
    first = render_markdown_cached(text)
    assert first == render_markdown(text)
    digest = hashlib.sha256(text.encode()).hexdigest()
    assert len(fake_cache.sets) == 1
    key, timeout = fake_cache.sets[0]
    assert digest in key and RENDERER_VERSION in key
    assert timeout is not None and timeout > 0

    # Second call is served from the cache.
    monkeypatch.setattr(md_module, "render_markdown", lambda t: pytest.fail("re-rendered"))
    assert render_markdown_cached(text) == first
    assert len(fake_cache.sets) == 1


def test_cache_key_changes_with_renderer_version(
    fake_cache: FakeCache, monkeypatch: pytest.MonkeyPatch
) -> None:
    render_markdown_cached("same text")
    monkeypatch.setattr(md_module, "RENDERER_VERSION", "999-test")
    render_markdown_cached("same text")
    keys = [k for k, _ in fake_cache.sets]
    assert len(keys) == 2 and keys[0] != keys[1]
    assert "999-test" in keys[1]


def test_cache_outage_still_renders(monkeypatch: pytest.MonkeyPatch) -> None:
    django_cache = pytest.importorskip("django.core.cache")
    monkeypatch.setattr(django_cache, "cache", BrokenCache())
    assert render_markdown_cached("## Still works\n") == render_markdown("## Still works\n")


def test_markdown_html_returns_safestring(fake_cache: FakeCache) -> None:
    safestring = pytest.importorskip("django.utils.safestring")
    out = markdown_html("Hello <script>alert(1)</script> [x](https://example.com)")
    assert isinstance(out, safestring.SafeString)
    assert (
        str(out) == render_markdown("Hello <script>alert(1)</script> [x](https://example.com)").html
    )
    assert violations(str(out)) == []


def test_headings_shift_under_the_section_they_appear_in() -> None:
    # A verdict's body under the verdict's <h3>: its `## Summary` becomes an <h4>.
    html = render_markdown("## Summary\n\nText.\n\n### Detail\n\nMore.", top_level=4).html
    assert re.findall(r"<(h\d)", html) == ["h4", "h5"]
    # Never beyond h6, and never above h2 whatever is asked.
    deep = render_markdown("# A\n\n## B\n\n### C", top_level=5).html
    assert re.findall(r"<(h\d)", deep) == ["h5", "h6", "h6"]
    assert re.findall(r"<(h\d)", render_markdown("# A", top_level=1).html) == ["h2"]


def test_the_same_text_at_two_levels_is_cached_apart(settings) -> None:
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    assert "<h2" in render_markdown_cached("## Summary").html
    assert "<h4" in render_markdown_cached("## Summary", top_level=4).html
    assert "<h2" in render_markdown_cached("## Summary").html


def test_the_template_filter_takes_the_level() -> None:
    from django.template import engines

    template = engines["django"].from_string("{% load markup %}{{ body|markdown:4 }}")
    assert "<h4" in template.render({"body": "## Summary"})
