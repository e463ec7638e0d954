"""What every chart on the site is built from: its figure as JSON in the page, and its data
as a table beside it.

Plotly draws each chart in the browser from a `<script type="application/json">` element
(static/js/charts.js); readers without JavaScript and screen readers get the same data as
a table (templates/chart_table.html). Both are built here, in Python, in one pass: a chart
table runs to hundreds of cells, and a template loop of variable nodes costs many times
more than the string building below.
"""

from __future__ import annotations

import html
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.utils.functional import Promise
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe


@dataclass(frozen=True)
class ChartTable:
    """A chart's data as a table, for readers without JavaScript and for screen readers
    (templates/chart_table.html): column headings, the first one labelling the rows, and
    rows of cells already formatted for reading."""

    columns: tuple[str | Promise, ...]
    rows: Sequence[tuple[str, ...]]


# A colour for each model of a comparison, the same in each of its charts (compare shows at
# most four); readable on the light and the dark theme alike.
COMPARE_COLOURS = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd")


# What Django's json_script escapes, so no text inside can close the script element.
_JSON_SCRIPT_ESCAPES = (("<", "\\u003C"), (">", "\\u003E"), ("&", "\\u0026"))


def json_script_element(
    data: Any,
    element_id: str | None = None,
    *,
    script_type: str = "application/json",
    nonce: Any = None,
) -> SafeString:
    """``<script type="application/json">`` holding `data`, escaped as Django's
    ``json_script`` escapes it (``<``, ``>`` and ``&`` become ``\\u003C`` and friends).

    With ``str.replace`` rather than Django's ``str.translate``: translate leaves its fast
    path on any non-ASCII text, and a chart's figure (dashes, middle dots) then cost about
    1 ms a chart to escape, against a few microseconds."""
    text = json.dumps(data, cls=DjangoJSONEncoder)
    for character, escaped in _JSON_SCRIPT_ESCAPES:
        text = text.replace(character, escaped)
    id_attribute = f' id="{escape(element_id)}"' if element_id else ""
    # `is not None`: Django's lazy nonce is falsy until read, and reading it here is the point.
    nonce_attribute = f' nonce="{escape(str(nonce))}"' if nonce is not None else ""
    return mark_safe(  # noqa: S308 -- JSON escaped as above, attributes escaped
        f'<script{id_attribute} type="{script_type}"{nonce_attribute}>{text}</script>'
    )


def json_ld_script(data: Any, *, nonce: Any = None) -> SafeString:
    """A ``<script type="application/ld+json">`` element for structured data (FAQPage...)."""
    return json_script_element(data, script_type="application/ld+json", nonce=nonce)


def table_rows_html(rows: Iterable[Sequence[object]]) -> SafeString:
    """Table body rows (``<tr>``) of formatted cells, every cell escaped: the first a
    label, the others figures (the stylesheet right-aligns every cell after the first in
    a chart table, so no cell repeats a class).

    For the tables behind charts, which run to hundreds of cells: built in one pass here
    they cost a small part of what a template loop of variable nodes costs.
    """
    escape_cell = html.escape
    body = "".join(
        "<tr><td>"
        + escape_cell(str(label))
        + "</td>"
        + "".join("<td>" + escape_cell(str(cell)) + "</td>" for cell in cells)
        + "</tr>"
        for label, *cells in rows
    )
    return mark_safe(body)  # noqa: S308 -- every cell escaped above
