"""XSS tests for tokonomix.core.markdown.

Every payload in ``xss_payloads.txt`` is rendered on its own and embedded in
several Markdown contexts; the output is *parsed* with the stdlib HTML parser
and checked against the allow-list below. The allow-list is written out here
on purpose instead of being imported from the module: it is the specification
the renderer must meet, so loosening the module's configuration makes these
tests fail.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tokonomix.core.markdown import _CLEANER, render_markdown

# --------------------------------------------------------------------------- #
# Specification
# --------------------------------------------------------------------------- #

ALLOWED_TAGS = frozenset(
    {
        "p", "br", "hr",
        "h2", "h3", "h4", "h5", "h6",
        "strong", "em", "code", "pre", "blockquote",
        "ul", "ol", "li", "a",
        "table", "thead", "tbody", "tr", "th", "td",
    }
)  # fmt: skip

ALLOWED_ATTRIBUTES: dict[str, frozenset[str]] = {
    "a": frozenset({"href", "title", "rel", "class"}),
    "h2": frozenset({"id"}),
    "h3": frozenset({"id"}),
    "h4": frozenset({"id"}),
    "h5": frozenset({"id"}),
    "h6": frozenset({"id"}),
    "code": frozenset({"class"}),
    "ol": frozenset({"start"}),
}

# Attributes whose *value* is constrained as well.
ATTRIBUTE_VALUE_RULES: dict[tuple[str, str], re.Pattern[str]] = {
    ("a", "rel"): re.compile(r"nofollow noopener noreferrer"),
    ("a", "class"): re.compile(r"headerlink"),
    ("code", "class"): re.compile(r"language-[A-Za-z0-9_+#.-]+"),
    ("ol", "start"): re.compile(r"[0-9]+"),
    **{(h, "id"): re.compile(r"[^\s\"'<>`]+") for h in ("h2", "h3", "h4", "h5", "h6")},
}

URL_ATTRIBUTES = frozenset({"href", "src"})
ALLOWED_SCHEMES = frozenset({"http", "https", "mailto"})

# Every C0/C1 control, all whitespace and invisible formatting characters that
# could hide inside a scheme. Stricter than browsers, which only drop tab/LF/CR
# inside a URL and trim C0 controls and spaces at its ends.
_URL_NOISE_RE = re.compile(
    r"[\x00-\x20\x7f-\x9f\u00a0\u00ad\u1680\u180e\u2000-\u200f\u2028-\u202f"
    r"\u205f-\u2064\u3000\ufeff]|\s"
)
_SCHEME_RE = re.compile(r"([a-z][a-z0-9+.\-]*):")


def url_scheme(value: str) -> str | None:
    """Scheme of an (already entity-decoded) attribute URL, or None if relative."""
    compact = _URL_NOISE_RE.sub("", html.unescape(value)).lower()
    match = _SCHEME_RE.match(compact)
    return match.group(1) if match else None


# --------------------------------------------------------------------------- #
# HTML inspection
# --------------------------------------------------------------------------- #


@dataclass
class ParsedHTML:
    elements: list[tuple[str, list[tuple[str, str | None]]]] = field(default_factory=list)
    end_tags: list[str] = field(default_factory=list)
    comments: list[str] = field(default_factory=list)
    declarations: list[str] = field(default_factory=list)
    text: list[str] = field(default_factory=list)

    @property
    def text_content(self) -> str:
        return "".join(self.text)


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.result = ParsedHTML()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.result.elements.append((tag, attrs))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.result.elements.append((tag, attrs))

    def handle_endtag(self, tag: str) -> None:
        self.result.end_tags.append(tag)

    def handle_data(self, data: str) -> None:
        self.result.text.append(data)

    def handle_comment(self, data: str) -> None:
        self.result.comments.append(data)

    def handle_decl(self, decl: str) -> None:
        self.result.declarations.append(decl)

    def handle_pi(self, data: str) -> None:
        self.result.declarations.append(data)

    def unknown_decl(self, data: str) -> None:
        self.result.declarations.append(data)


def parse_html(markup: str) -> ParsedHTML:
    """Parse with the stdlib parser (attribute values come back entity-decoded)."""
    collector = _Collector()
    collector.feed(markup)
    collector.close()
    return collector.result


def violations(markup: str) -> list[str]:
    """Every way ``markup`` breaks the allow-list; empty if it is clean."""
    parsed = parse_html(markup)
    problems: list[str] = []
    for tag, attrs in parsed.elements:
        if tag not in ALLOWED_TAGS:
            problems.append(f"tag <{tag}> not allowed")
        allowed_attrs = ALLOWED_ATTRIBUTES.get(tag, frozenset())
        names = [name for name, _ in attrs]
        if len(names) != len(set(names)):
            problems.append(f"<{tag}> has duplicate attributes {names}")
        for name, value in attrs:
            if name.startswith("on"):
                problems.append(f"<{tag}> has event attribute {name}={value!r}")
            if name == "style":
                problems.append(f"<{tag}> has style={value!r}")
            if name not in allowed_attrs:
                problems.append(f"<{tag}> attribute {name!r} not allowed")
                continue
            rule = ATTRIBUTE_VALUE_RULES.get((tag, name))
            if rule is not None and (value is None or not rule.fullmatch(value)):
                problems.append(f"<{tag}> {name}={value!r} does not match {rule.pattern!r}")
            if name in URL_ATTRIBUTES:
                scheme = url_scheme(value or "")
                if scheme is not None and scheme not in ALLOWED_SCHEMES:
                    problems.append(f"<{tag}> {name}={value!r} uses scheme {scheme!r}")
        if tag == "a" and dict(attrs).get("href") is not None and "rel" not in names:
            problems.append(f"<a> with href has no rel: {attrs}")
    for tag in parsed.end_tags:
        if tag not in ALLOWED_TAGS:
            problems.append(f"end tag </{tag}> not allowed")
    if parsed.comments:
        problems.append(f"comments survived: {parsed.comments}")
    if parsed.declarations:
        problems.append(f"declarations/PIs survived: {parsed.declarations}")
    return problems


# --------------------------------------------------------------------------- #
# Payloads
# --------------------------------------------------------------------------- #

PAYLOAD_FILE = Path(__file__).with_name("xss_payloads.txt")

# Unicode "Control Pictures" stand for the control characters they picture.
_CONTROL_PICTURES = {0x2400 + i: i for i in range(0x20)} | {0x2421: 0x7F}


def load_payloads() -> list[tuple[int, str]]:
    payloads = []
    for lineno, line in enumerate(PAYLOAD_FILE.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.startswith(";;"):
            continue
        payloads.append((lineno, line.translate(_CONTROL_PICTURES)))
    return payloads


PAYLOADS = load_payloads()


def _payload_id(lineno: int, payload: str) -> str:
    slug = re.sub(r"[^A-Za-z0-9:=()._-]+", "_", payload)[:40].strip("_")
    return f"L{lineno}-{slug}"


# Surrounding Markdown; "@@" is replaced by the payload.
CONTEXTS: dict[str, str] = {
    "bare": "@@",
    "paragraphs": "Intro paragraph with *emphasis*.\n\n@@\n\nClosing paragraph.",
    "inline": "Some text @@ and more text.",
    "list": "- first item\n- @@\n- last item",
    "ordered": "1. one\n2. @@",
    "blockquote": "> quoted\n> @@",
    "heading": "## @@",
    "table": "| a | b |\n|---|---|\n| @@ | x |",
    "emphasis": "**@@**",
    "link_text": "[@@](https://example.com/)",
    "link_url": "[click](@@)",
    "fenced": "```\n@@\n```",
}


@pytest.mark.parametrize(
    "payload",
    [pytest.param(p, id=_payload_id(n, p)) for n, p in PAYLOADS],
)
def test_payload_is_neutralised(payload: str) -> None:
    problems = []
    for context, template in CONTEXTS.items():
        source = template.replace("@@", payload)
        rendered = render_markdown(source)
        problems += [f"[{context}] {p}" for p in violations(rendered.html)]
        # Mutation-XSS smoke test: sanitising the output again must not change
        # it (modulo CR -> LF, which any HTML parser normalises).
        normalised = rendered.html.replace("\r\n", "\n").replace("\r", "\n")
        if _CLEANER.clean(rendered.html) != normalised:
            problems.append(f"[{context}] output is not stable under re-sanitisation")
        for entry in rendered.toc:
            # TOC ids are used as anchors: they must match the heading ids rule.
            if not ATTRIBUTE_VALUE_RULES[("h2", "id")].fullmatch(entry.id):
                problems.append(f"[{context}] bad toc id {entry.id!r}")
    assert not problems, "\n".join([f"payload: {payload!r}", *problems])


def test_payload_file_is_substantial() -> None:
    payloads = [p for _, p in PAYLOADS]
    assert len(payloads) >= 200
    assert len(set(payloads)) == len(payloads), "duplicate payloads"


# --------------------------------------------------------------------------- #
# The checker itself must catch what it is meant to catch.
# --------------------------------------------------------------------------- #


@pytest.mark.parametrize(
    "markup",
    [
        "<script>alert(1)</script>",
        "<img src=x>",
        '<p onclick="x">a</p>',
        '<p style="color:red">a</p>',
        '<a href="javascript:alert(1)" rel="nofollow noopener noreferrer">a</a>',
        '<a href="&#106;avascript:alert(1)" rel="nofollow noopener noreferrer">a</a>',
        '<a href=" java&#x09;script:alert(1)" rel="nofollow noopener noreferrer">a</a>',
        '<a href="&#1;JAVA&#x0A;SCRIPT:alert(1)" rel="nofollow noopener noreferrer">a</a>',
        '<a href="data:text/html,x" rel="nofollow noopener noreferrer">a</a>',
        '<a href="https://example.com">no rel</a>',
        '<a href="https://x" rel="opener">a</a>',
        '<a class="evil">a</a>',
        '<h2 id="a b">a</h2>',
        "<h1>a</h1>",
        '<code class="language-x onclick">a</code>',
        '<ol start="1x"><li>a</li></ol>',
        "<!-- comment -->",
        "<svg><a/></svg>",
        "</iframe>",
    ],
)
def test_checker_rejects(markup: str) -> None:
    assert violations(markup)


@pytest.mark.parametrize(
    "markup",
    [
        '<p><a href="https://x.example/?a=1&amp;b=2" rel="nofollow noopener noreferrer">x</a></p>',
        '<a href="/models/x" rel="nofollow noopener noreferrer">x</a>',
        '<a href="#intro" class="headerlink" rel="nofollow noopener noreferrer">x</a>',
        '<a href="mailto:a@example.com" rel="nofollow noopener noreferrer">x</a>',
        '<a href="page?u=javascript:alert(1)" rel="nofollow noopener noreferrer">x</a>',
        '<h2 id="intro">Intro</h2><pre><code class="language-python">x</code></pre>',
        '<ol start="3"><li>x</li></ol><table><tr><td>x</td></tr></table>',
    ],
)
def test_checker_accepts(markup: str) -> None:
    assert violations(markup) == []


# --------------------------------------------------------------------------- #
# Property tests
# --------------------------------------------------------------------------- #

_FRAGMENTS = [
    "<", ">", "</", "/>", "=", '"', "'", "`", "&", "&#", "&#x", ";", ":", "&colon;",
    "&#106;", "&Tab;", "\t", "\n", "\n\n", "\x00", "\x0b", " ", "    ",
    "[", "]", "(", ")", "](", "![", "[x]: ", "<http://", "<mailto:", "@",
    "javascript:", "JaVaScRiPt:", "java\tscript:", "data:text/html,", "vbscript:",
    "http://example.com", "https://", "mailto:", "//", "#", "?",
    "*", "**", "_", "`", "```", "~~~", "> ", "- ", "1. ", "3. ", "|", "|---|", "---", "===",
    "# ", "## ", "###### ",
    "<script>", "</script>", "<img src=x onerror=alert(1)>", "<svg onload=alert(1)>",
    "<a href=", "<iframe srcdoc=", " onerror=", " onclick=", " style=", "<math>", "<!--", "-->",
    "<![CDATA[", "<?", "<!DOCTYPE", "<style>", "<textarea>", "<noscript>", "<template>",
    "alert(1)", "\\", "\u200b", "\ufeff", "\u2028",
]  # fmt: skip

markdownish_text = st.lists(
    st.one_of(st.sampled_from(_FRAGMENTS), st.text(max_size=8)),
    max_size=40,
).map("".join)

_PROPERTY_SETTINGS = settings(
    max_examples=150,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)


@_PROPERTY_SETTINGS
@given(st.text(max_size=300))
def test_random_text_output_is_clean(text: str) -> None:
    rendered = render_markdown(text)
    assert violations(rendered.html) == []


@_PROPERTY_SETTINGS
@given(markdownish_text)
def test_random_markdownish_output_is_clean(text: str) -> None:
    rendered = render_markdown(text)
    assert violations(rendered.html) == []
    html_ids = [
        dict(attrs)["id"]
        for tag, attrs in parse_html(rendered.html).elements
        if tag in {"h2", "h3", "h4", "h5", "h6"}
    ]
    assert [entry.id for entry in rendered.toc] == html_ids
    assert len(set(html_ids)) == len(html_ids)


def test_chart_table_rows_escape_every_cell():
    from tokonomix.core.charts import table_rows_html

    html = str(table_rows_html([("<script>alert(1)</script>", 'a"b', "1 & 2"), ("2026-01-05", 3)]))

    assert "<script>" not in html
    assert "<td>&lt;script&gt;alert(1)&lt;/script&gt;</td>" in html
    assert "<td>a&quot;b</td><td>1 &amp; 2</td>" in html
    assert html.count("<tr>") == 2 and "<td>3</td>" in html


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=12,
)


@_PROPERTY_SETTINGS
@given(json_values, st.text(max_size=12) | st.none())
def test_json_script_elements_are_djangos_json_script(data, element_id) -> None:
    """Charts' figures and structured data escape like Django's json_script (same bytes),
    whatever the text: "</script>", "&", non-ASCII dashes and all."""
    from django.utils.html import json_script

    from tokonomix.core.charts import json_script_element

    assert str(json_script_element(data, element_id)) == str(json_script(data, element_id))


def test_json_script_elements_cannot_close_their_script():
    from tokonomix.core.charts import json_ld_script, json_script_element

    figure = {"name": "</script><script>alert(1)</script> & — ·"}
    for element in (json_script_element(figure, "chart"), json_ld_script(figure)):
        body = str(element).split(">", 1)[1].rsplit("</script>", 1)[0]
        assert "<" not in body and ">" not in body and "&" not in body
        assert "\\u003C/script\\u003E" in body
    assert str(json_ld_script(figure)).startswith('<script type="application/ld+json">')
