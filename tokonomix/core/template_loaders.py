"""The project's template loader: Django's file-system loader, without indentation.

Indentation keeps the templates readable and was about a sixth of a model page's bytes.
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
