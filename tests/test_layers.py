"""Templates keep to the layers the import contract holds the Python code to (make lint):
a template may load tag libraries and include templates of its own layer or a lower one."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"

# The layers of docs/architecture.md, bottom first.
CORE, CATALOGUE, PRICING, BENCHMARKS, EDITORIAL, SITE = range(6)

# Template folders (and the shared files at the top) by the layer that renders them.
FOLDER_LAYERS = {
    "models_catalog": CATALOGUE,
    "pricing": PRICING,
    "benchmarks": BENCHMARKS,
    "editorial": EDITORIAL,
    "site": SITE,
    "registration": SITE,
    "widgets": CORE,
    "admin": CORE,
}
# base.html is the frame every page of every app extends.
TOP_LEVEL_LAYERS = {"chart_canvas.html": CORE, "chart_table.html": CORE, "base.html": CORE}

# The project's tag libraries by the layer that defines them; Django's own are below all.
LIBRARY_LAYERS = {
    "markup": CORE,
    "workflow": CORE,
    "prices": PRICING,
    "speed": BENCHMARKS,
    "leaderboard": SITE,
}
DJANGO_LIBRARIES = {"i18n", "static", "humanize", "l10n", "tz", "cache", "admin_urls"}

LOAD = re.compile(r"{%\s*load\s+([^%]+?)\s*%}")
INCLUDE = re.compile(r"""{%\s*(?:include|extends)\s+["']([^"']+)["']""")


def layer_of(relative: str) -> int:
    first, _, rest = relative.partition("/")
    if not rest:
        return TOP_LEVEL_LAYERS.get(first, SITE)
    return FOLDER_LAYERS[first]


def project_templates() -> list[str]:
    return sorted(str(path.relative_to(TEMPLATES)) for path in TEMPLATES.rglob("*.html"))


@pytest.mark.parametrize("template", project_templates())
def test_a_template_uses_nothing_from_a_layer_above_its_own(template: str) -> None:
    text = (TEMPLATES / template).read_text()
    own = layer_of(template)
    for libraries in LOAD.findall(text):
        for library in libraries.split():
            if library in DJANGO_LIBRARIES:
                continue
            assert library in LIBRARY_LAYERS, f"{template} loads an unknown library {library}"
            assert LIBRARY_LAYERS[library] <= own, f"{template} loads {library} from above"
    for included in INCLUDE.findall(text):
        if (TEMPLATES / included).exists():
            assert layer_of(included) <= own, f"{template} uses {included} from above"


def test_the_layer_check_sees_an_upward_use() -> None:
    assert layer_of("pricing/pricing_section.html") == PRICING
    assert LIBRARY_LAYERS["speed"] > layer_of("pricing/alternatives.html")
