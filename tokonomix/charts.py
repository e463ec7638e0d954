"""What every chart on the site has beside it: its data as a table."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.functional import Promise


@dataclass(frozen=True)
class ChartTable:
    """A chart's data as a table, for readers without JavaScript and for screen readers
    (templates/chart_table.html): column headings, the first one labelling the rows, and
    rows of cells already formatted for reading."""

    columns: tuple[str | Promise, ...]
    rows: Sequence[tuple[str, ...]]
