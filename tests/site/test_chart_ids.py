"""Chart data ids no Markdown heading can produce: a reviewed heading can never take a chart's
data element's id, so charts.js (getElementById) always reads the chart's own JSON."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from models_catalog.models import Model
from pricing.services import prices_sync
from tests import factories
from tests.pricing.feeds import feed, write
from tokonomix.core.markdown import SITE_ID_PREFIX, render_markdown
from tokonomix.editorial.models import FAQ

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
CHART_IDS = sorted(
    {
        match
        for template in TEMPLATES.rglob("*.html")
        for match in re.findall(r'chart_id="([^"]+)"', template.read_text())
    }
)


def test_every_chart_id_carries_the_sites_prefix():
    assert len(CHART_IDS) >= 4
    assert all(chart_id.startswith(SITE_ID_PREFIX) for chart_id in CHART_IDS), CHART_IDS


@pytest.mark.parametrize("chart_id", CHART_IDS)
def test_no_heading_takes_a_charts_id(chart_id):
    words = chart_id.replace("-", " ")
    text = "\n\n".join(
        f"## {heading}"
        for heading in (words, words.upper(), chart_id, f"tx {words}", f"{SITE_ID_PREFIX} {words}")
    )

    rendered = render_markdown(text)

    ids = re.findall(r'<h\d id="([^"]+)"', rendered.html)
    assert len(ids) == 5
    assert not [i for i in ids if i.startswith(SITE_ID_PREFIX)], ids
    assert not [entry for entry in rendered.toc if entry.id.startswith(SITE_ID_PREFIX)]
    assert f'href="#{chart_id}"' not in rendered.html


@pytest.mark.django_db
def test_a_reviewed_heading_named_after_a_chart_leaves_the_chart_its_data(
    client, editor, reviewer, tmp_path
):
    prices_sync(path=write(tmp_path / "a.json", feed()), as_of=dt.date(2026, 1, 5))
    model = Model.objects.get(slug="o4-mini")
    profile = factories.profile(by=editor, model=model)
    headings = "\n\n".join(
        f"## {name}\n\nText."
        for chart_id in CHART_IDS
        for name in (chart_id.replace("-", " "), chart_id.removeprefix(SITE_ID_PREFIX) + " data")
    )
    # The chart ids the site used before the prefix, as headings an editor might write.
    headings += "\n\n## Price chart data\n\n## Speed availability chart data"
    FAQ.objects.create(profile=profile, question="Which charts?", answer=headings)
    factories.publish(profile, editor=editor, reviewer=reviewer)

    page = client.get("/en/models/o4-mini/").content.decode()

    charts = re.findall(r'data-chart="([^"]+)"', page)
    assert "tx-chart-price" in charts
    for chart_id in charts:
        elements = re.findall(rf'<(\w+)[^>]* id="{re.escape(chart_id)}"', page)
        assert elements == ["script"], (chart_id, elements)
