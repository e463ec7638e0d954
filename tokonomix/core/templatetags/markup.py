"""The site's markup filters: Markdown through the one sanitising renderer, and the JSON
and table rows every chart carries. Core's library: any layer's templates may load it."""

from typing import Any

from django import template
from django.utils.safestring import SafeString

from tokonomix.core.charts import json_ld_script, json_script_element, table_rows_html
from tokonomix.core.markdown import markdown_html

register = template.Library()


@register.filter
def markdown(text: str) -> SafeString:
    """Markdown through the site's one sanitising renderer."""
    return markdown_html(text or "")


@register.filter
def json_ld(data: Any) -> SafeString:
    return json_ld_script(data)


@register.filter
def chart_json(figure: Any, element_id: str) -> SafeString:
    """Django's json_script, the same markup, without its slow escaping of non-ASCII JSON."""
    return json_script_element(figure, element_id)


@register.filter
def table_rows(rows: Any) -> SafeString:
    """Rows of formatted cells (a chart's table fallback) as escaped <tr> elements."""
    return table_rows_html(rows)
