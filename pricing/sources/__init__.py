"""Registry of price sources.

Each source lives in its own module (or package, as ``litellm`` does) of this
package and exposes a ``SOURCE_CLASS`` attribute: a class whose instances satisfy
``pricing.sources.base.PriceSource``.  Adding a source (say ``openrouter``)
therefore means adding one module, ``pricing/sources/openrouter.py``; nothing
here needs editing.  A source's name may hold ``-`` and ``.``, which a module
name cannot: its module is the name with both written ``_`` (``genai-prices``
is ``genai_prices``, ``models.dev`` is ``models_dev``).

    >>> from pricing.sources import get_source
    >>> get_source("litellm").name
    'litellm'
    >>> get_source("models.dev").name
    'models.dev'
"""

from __future__ import annotations

import importlib
import pkgutil
import re
from functools import cache

from .base import FeedRefused, InvalidEntry, NormalizedEntry, ParsedFeed, PriceSource

__all__ = [
    "FeedRefused",
    "InvalidEntry",
    "NormalizedEntry",
    "ParsedFeed",
    "PriceSource",
    "available_sources",
    "get_source",
    "module_name",
]

_NOT_SOURCES = frozenset({"base", "common"})
_NAME_RE = re.compile(r"^[a-z][a-z0-9_.-]*$")


def module_name(name: str) -> str:
    """The module of the source called ``name``: ``-`` and ``.`` written ``_``."""
    return name.replace("-", "_").replace(".", "_")


def _modules() -> tuple[str, ...]:
    return tuple(
        sorted(
            info.name
            for info in pkgutil.iter_modules(__path__)
            if not info.name.startswith("_") and info.name not in _NOT_SOURCES
        )
    )


@cache
def available_sources() -> tuple[str, ...]:
    """Names of the sources shipped in this package (as each calls itself), sorted."""
    names = []
    for module in _modules():
        source_class = importlib.import_module(f"{__name__}.{module}").SOURCE_CLASS
        names.append(source_class.name)
    return tuple(sorted(names))


def get_source(name: str) -> PriceSource:
    """Return a fresh instance of the source called ``name``.

    Raises ``KeyError`` (listing the known names) for an unknown source.
    """
    module_of = module_name(name)
    if not _NAME_RE.match(name) or module_of in _NOT_SOURCES or module_of not in _modules():
        raise KeyError(
            f"unknown price source {name!r}; available: {', '.join(available_sources())}"
        )
    module = importlib.import_module(f"{__name__}.{module_of}")
    source_class = getattr(module, "SOURCE_CLASS", None)
    if source_class is None:
        raise KeyError(f"module {module.__name__} does not define SOURCE_CLASS")
    source = source_class()
    if not isinstance(source, PriceSource):
        raise TypeError(f"{source_class!r} does not implement the PriceSource protocol")
    if source.name != name:
        raise KeyError(f"module {module.__name__} holds the source {source.name!r}, not {name!r}")
    return source
