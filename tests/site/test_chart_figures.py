"""Every figure the site emits is a valid Plotly figure that the site's own plotly-basic
bundle can draw, and the new charts (home scatter, compare, speed board) carry what a
reader needs: tier colours, links, sample counts, flags, and a table beside each."""

from __future__ import annotations

import json
from html.parser import HTMLParser

import plotly.graph_objects as go
import pytest
from django.core.management import call_command
from django.urls import reverse

from models_catalog.models import Model
from tests import factories
from tests.site.conftest import measured, priced

pytestmark = pytest.mark.django_db

# What static/vendor/plotly-basic draws: a trace of another type would fail in the browser.
BASIC_TRACES = {"scatter", "bar", "pie"}
COMPARED = "o4-mini,gpt-4.1-mini,deepseek-chat"


class JsonScripts(HTMLParser):
    """The page's json_script elements: id -> their text."""

    def __init__(self) -> None:
        super().__init__()
        self.found: dict[str, str] = {}
        self._open: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "script" and attributes.get("type") == "application/json":
            self._open = attributes.get("id") or ""
            self.found[self._open] = ""

    def handle_data(self, data: str) -> None:
        if self._open is not None:
            self.found[self._open] += data

    def handle_endtag(self, tag: str) -> None:
        self._open = None


def figures(html: str) -> dict[str, dict]:
    """Every chart's figure on the page: the json_script elements charts.js draws from."""
    parser = JsonScripts()
    parser.feed(html)
    return {
        chart_id: json.loads(text)
        for chart_id, text in parser.found.items()
        if chart_id.startswith("tx-chart-")
    }


def get(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


@pytest.fixture
def demo(settings) -> None:
    settings.DEBUG = True
    call_command("load_demo", "--no-live-test", verbosity=0)
    settings.DEBUG = False


def test_every_figure_on_every_page_with_charts_is_valid_for_plotly(client, demo) -> None:
    pages = [
        reverse("site:home"),
        reverse("site:home") + "?deprecated=on",
        reverse("site:compare") + f"?models={COMPARED}",
        reverse("site:speed_board"),
        reverse("site:speed_board") + "?sort=tps",
        *(m.get_absolute_url() for m in Model.objects.published()),
    ]
    seen: dict[str, int] = {}
    for url in pages:
        html = get(client, url)
        for chart_id, spec in figures(html).items():
            seen[chart_id] = seen.get(chart_id, 0) + 1
            go.Figure(spec)  # raises on any property Plotly's schema does not know
            types = {trace.get("type", "scatter") for trace in spec["data"]}
            assert types <= BASIC_TRACES, (url, chart_id, types)
            if chart_id in ("tx-chart-price-speed", "tx-chart-speed-board"):
                # The demo's speed is all simulated: every legend entry says so.
                assert all("simulated" in trace["name"] for trace in spec["data"]), url
            # Every chart has its canvas once, and its table in the same figure.
            assert html.count('data-chart="' + chart_id + '"') == 1
            figure = html[html.index('data-chart="' + chart_id + '"') :]
            assert '<details class="chart-table">' in figure[: figure.index("</figure>")]
    for chart_id in (
        "tx-chart-price-speed",
        "tx-chart-compare-prices",
        "tx-chart-compare-latency",
        "tx-chart-speed-board",
        "tx-chart-price",
        "tx-chart-speed-latency",
    ):
        assert seen.get(chart_id), (chart_id, seen)


def test_an_invalid_figure_is_caught_by_the_check() -> None:
    with pytest.raises(ValueError):
        go.Figure({"data": [{"type": "scatter", "x": [1], "colour": "red"}], "layout": {}})


@pytest.fixture
def two_tiers():
    fast = priced(name="Fast One", input_price="1", output_price="4", tier=factories.tier())
    cheap = priced(name="Cheap One", input_price="0.1", output_price="0.4", tier=factories.tier())
    unmeasured = priced(name="Unmeasured")
    measured(fast, median_decode_tps_30d=150.0, p50_latency_ms_30d=900.0, ok_30d=40)
    measured(cheap, median_decode_tps_30d=60.0, p50_latency_ms_30d=2100.0, ok_30d=5)
    return fast, cheap, unmeasured


def test_the_home_scatter_plots_cost_against_speed_by_tier_with_links(client, two_tiers) -> None:
    fast, _cheap, _unmeasured = two_tiers

    html = get(client, reverse("site:home"))
    scatter = figures(html)["tx-chart-price-speed"]

    assert (
        scatter["layout"]["xaxis"]["type"] == "log" and scatter["layout"]["yaxis"]["type"] == "log"
    )
    traces = {trace["name"]: trace for trace in scatter["data"]}
    assert len(traces) == 2  # one colour a tier
    assert len({trace["marker"]["color"] for trace in traces.values()}) == 2
    points = {
        name: (x, y, data)
        for trace in traces.values()
        for name, x, y, data in zip(
            trace["text"], trace["x"], trace["y"], trace["customdata"], strict=True
        )
    }
    assert set(points) == {"Fast One", "Cheap One"}  # the unmeasured model is left out
    x, y, data = points["Fast One"]
    assert y == 150.0 and x == pytest.approx((600 * 1 + 200 * 4) / 1_000_000)
    assert data[0] == fast.get_absolute_url()  # what a click opens
    canvas = html[html.index('data-chart="tx-chart-price-speed"') :]
    assert canvas[: canvas.index(">")].count("data-chart-links") == 1
    # Cheap One has five samples: preliminary, said on its hover as everywhere else.
    assert "preliminary" in points["Cheap One"][2][4]
    assert "preliminary" not in points["Fast One"][2][4]
    assert "1 model without a price or a speed figure yet is not plotted" in " ".join(html.split())
    # The table beside it has the same points.
    table = html[html.index("Price against speed as a table") :]
    assert "Fast One" in table[: table.index("</table>")]


def test_the_speed_board_chart_shows_p50_and_p95_with_sample_counts(client, two_tiers) -> None:
    fast, cheap, _unmeasured = two_tiers
    for summary in (fast.speed_breakdowns.get(), cheap.speed_breakdowns.get()):
        summary.p95_latency_ms_30d = (summary.p50_latency_ms_30d or 0) * 2
        summary.save()

    html = get(client, reverse("site:speed_board"))
    board = figures(html)["tx-chart-speed-board"]

    p50, p95 = board["data"]
    assert p50["type"] == p95["type"] == "bar"
    # The board's order; a flag only some bars carry is in their label, seen without a hover.
    assert p50["y"] == ["Fast One<br>n = 40", "Cheap One<br>n = 5, preliminary"]
    assert p50["x"] == [900.0, 2100.0] and p95["x"] == [1800.0, 4200.0]
    assert [data[0] for data in p50["customdata"]] == [
        f"{fast.get_absolute_url()}#speed",
        f"{cheap.get_absolute_url()}#speed",
    ]
    assert "preliminary" in p50["customdata"][1][2]


def test_compare_overlays_price_histories_and_latency_distributions(client, demo) -> None:
    html = get(client, reverse("site:compare") + f"?models={COMPARED}")
    charts = figures(html)

    history = charts["tx-chart-compare-prices"]
    names = [trace["name"] for trace in history["data"]]
    assert "o4-mini, output" in names and "DeepSeek Chat, input" in names
    assert all(trace["line"]["shape"] == "hv" for trace in history["data"])
    distribution = charts["tx-chart-compare-latency"]
    assert len(distribution["data"]) == 3
    for trace in distribution["data"]:
        assert "(simulated" in trace["name"]  # the demo's speed is simulated: the legend says so
        assert trace["y"][-1] == 100.0 and trace["x"] == sorted(trace["x"])
    assert "Latency distributions as a table" in html
    # A model keeps its colour from one chart to the other.
    price_colours = {trace["legendgroup"]: trace["line"]["color"] for trace in history["data"]}
    for trace in distribution["data"]:
        name = trace["name"].split(" (")[0]
        assert trace["line"]["color"] == price_colours[name], name


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ([0.0002, 0.0016], [0.0001, 0.0002, 0.0005, 0.001, 0.002]),
        ([0.00001, 0.5], [0.00001, 0.0001, 0.001, 0.01, 0.1, 1.0]),
        ([89.0, 148.0], [40.0, 50.0, 60.0, 80.0, 100.0, 120.0, 150.0, 200.0, 250.0, 300.0]),
    ],
)
def test_log_axis_labels_are_whole_figures_a_phone_can_fit(values, expected) -> None:
    from tokonomix.site.charts import log_ticks

    assert log_ticks(values) == pytest.approx(expected)


def test_the_speed_board_chart_shows_the_boards_first_models_and_says_so(
    client, monkeypatch
) -> None:
    from benchmarks.speed import sections

    monkeypatch.setattr(sections, "BOARD_CHART_MODELS", 2)
    for latency in (900.0, 1200.0, 1500.0):
        measured(priced(), p50_latency_ms_30d=latency)

    html = get(client, reverse("site:speed_board"))

    bars = figures(html)["tx-chart-speed-board"]["data"][0]
    assert bars["x"] == [900.0, 1200.0]
    assert "The chart shows the first 2 models in the board" in " ".join(html.split())


def test_a_flag_every_speed_board_bar_carries_is_said_once_in_the_legend(client, demo) -> None:
    board = figures(get(client, reverse("site:speed_board")))["tx-chart-speed-board"]

    p50 = board["data"][0]
    assert "(simulated" in p50["name"]  # the demo's speed is simulated, every bar of it
    assert p50["y"] and not any("simulated" in label for label in p50["y"])
    assert all("simulated" in data[2] for data in p50["customdata"])  # and each hover
