"""tokonomix.core.html: Django's format_html, faster, escaping exactly as Django does."""

from __future__ import annotations

import pytest
from django.utils import html as django_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy

from tokonomix.core import html

TEMPLATE = '<a title="{}">{}</a>{}'
HOSTILE = [
    ("<script>alert(1)</script>", "\"' onmouseover=alert(1) x='", "&amp; already?"),
    (mark_safe("<b>safe</b>"), 12.5, None),
    (gettext_lazy("Yes"), "Ünïcode — “quotes”", 0),
]


@pytest.mark.parametrize("args", HOSTILE)
def test_format_html_escapes_as_django_does(args) -> None:
    ours = html.format_html(TEMPLATE, *args)

    assert ours == django_html.format_html(TEMPLATE, *args)
    assert isinstance(ours, SafeString)
    assert "<script>" not in ours and "\"' onmouseover" not in ours


def test_format_html_join_escapes_every_row() -> None:
    rows = [(a, b) for a, b, _ in HOSTILE]

    ours = html.format_html_join("\n", "<td>{}</td><td>{}</td>", rows)

    assert ours == django_html.format_html_join("\n", "<td>{}</td><td>{}</td>", rows)
    assert "<script>" not in ours
