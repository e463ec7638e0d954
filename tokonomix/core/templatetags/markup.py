"""The site's markup tags: Markdown through the one sanitising renderer, the flags every
figure and text carries, and the JSON and table rows every chart carries. Core's library:
any layer's templates may load it.

The JSON elements carry the request's CSP nonce (`csp_nonce`, from the csp context
processor), as every inline script element on the site does."""

from collections.abc import Iterable
from typing import Any

from django import template
from django.template import Context
from django.utils.safestring import SafeString

from tokonomix.core.charts import json_ld_script, json_script_element, table_rows_html
from tokonomix.core.flags import Badge
from tokonomix.core.html import format_html_join
from tokonomix.core.markdown import markdown_html

register = template.Library()


@register.filter
def markdown(text: str, top_level: int = 2) -> SafeString:
    """Markdown through the site's one sanitising renderer. `{{ body|markdown:4 }}` for text
    shown under an <h3>: its top-most heading becomes <h4>, whatever level it was written at."""
    return markdown_html(text or "", top_level=int(top_level))


@register.simple_tag(name="flags")
def flags_tag(badges: Iterable[Badge] | None) -> SafeString:
    """The one way a page shows flags (`tokonomix.core.flags.Badge`): ``{% flags badges %}``
    draws each as ``<span class="flag flag-NAME" title="WHY">label</span>``.

    A tag in Python rather than an included template: a leaderboard page draws it about
    150 times, and the include cost 3 ms of the home page's 40 (measured in process on
    bench_home's data, 2026-12-02)."""
    return format_html_join(
        "",
        '<span class="flag flag-{}" title="{}">{}</span>',
        ((badge.flag.value, badge.title, badge.label) for badge in badges or ()),
    )


@register.simple_tag(takes_context=True)
def json_ld(context: Context, data: Any) -> SafeString:
    """Structured data (schema.org) as a ``<script type="application/ld+json">`` element."""
    return json_ld_script(data, nonce=context.get("csp_nonce"))


@register.simple_tag(takes_context=True)
def chart_json(context: Context, figure: Any, element_id: str) -> SafeString:
    """Django's json_script, the same markup, without its slow escaping of non-ASCII JSON."""
    return json_script_element(figure, element_id, nonce=context.get("csp_nonce"))


@register.filter
def table_rows(rows: Any) -> SafeString:
    """Rows of formatted cells (a chart's table fallback) as escaped <tr> elements."""
    return table_rows_html(rows)
