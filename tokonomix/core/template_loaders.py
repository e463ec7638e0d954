"""The project's template loader: Django's file-system loader, without indentation.

Indentation keeps the templates readable, and costs bytes on every page. Measured by
tests/bench/bench_template_whitespace.py on the demo (one run): the o4-mini profile is
51,698 bytes as written and 40,214 stripped (22% less; 7.6% less even after gzip), the
leaderboard 45,303 and 28,761 (37%; 8.9% after gzip), for the same render time. No
library does this (compression, which the site leaves to the proxy, keeps 8-9% of it), so
this stays: twenty lines, run once per template load by the cached loader.

HTML renders a line break the same with or without the spaces after it, so pages look the
same; no template keeps meaningful spaces at the start of a line (each <pre> holds a single
variable, whose own text is untouched: only template source is stripped).
"""

from __future__ import annotations

import re

from django.template import Origin
from django.template.loaders import filesystem

_INDENTATION = re.compile(r"\n[ \t]+")


class Loader(filesystem.Loader):
    def get_contents(self, origin: Origin) -> str:
        return _INDENTATION.sub("\n", super().get_contents(origin))
