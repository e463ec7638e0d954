"""Comparisons of speed say "not distinguishable" when the 95% intervals overlap: the speed
board and the leaderboard sorted by speed, the compare page, and a model's offerings side
by side."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from pricing.models import PricePoint
from tests import factories
from tests.benchmarks.conftest import recorded_run
from tests.site.conftest import priced

pytestmark = pytest.mark.django_db


def measure_into(model, latencies: list[float], **options) -> None:  # type: ignore[no-untyped-def]
    at = timezone.now() - dt.timedelta(days=1)
    recorded_run(model, [{"started_at": at, "latency_ms": v} for v in latencies], **options)


def spread(centre: float) -> list[float]:
    """Thirty latencies around `centre`, ±5%."""
    return [centre * (0.95 + 0.1 * i / 29) for i in range(30)]


@pytest.fixture
def three():  # type: ignore[no-untyped-def]
    """Quick (1,000 ms), Close (1,010 ms: within Quick's interval) and Slow (3,000 ms)."""
    quick = priced(name="Quick", slug="quick")
    close = priced(name="Close", slug="close")
    slow = priced(name="Slow", slug="slow")
    measure_into(quick, spread(1000.0))
    measure_into(close, spread(1010.0))
    measure_into(slow, spread(3000.0))
    return quick, close, slow


def row_of(page: str, name: str) -> str:
    start = page.index(f">{name}</a>")
    return page[start : page.index("</tr>", start)]


def test_the_speed_board_says_which_neighbours_cannot_be_told_apart(client, three) -> None:  # type: ignore[no-untyped-def]
    page = client.get("/en/benchmarks/speed/").content.decode()

    assert page.index(">Quick<") < page.index(">Close<") < page.index(">Slow<")
    assert "not distinguishable from the row above" in row_of(page, "Close")
    assert "not distinguishable" not in row_of(page, "Slow")
    assert "not distinguishable" not in row_of(page, "Quick")
    assert "95% CI" in row_of(page, "Quick") and "n 30" in row_of(page, "Quick")


def test_the_leaderboard_sorted_by_latency_says_so_too(client, three) -> None:  # type: ignore[no-untyped-def]
    by_latency = client.get("/en/?sort=latency").content.decode()
    by_name = client.get("/en/?sort=name").content.decode()

    assert "not distinguishable from the row above" in row_of(by_latency, "Close")
    assert "not distinguishable" not in row_of(by_latency, "Slow")
    assert "not distinguishable" not in by_name  # sorted by name, there is nothing to say
    assert "95% CI" in row_of(by_name, "Quick")


def test_the_compare_page_says_faster_only_when_the_intervals_do_not_overlap(client, three) -> None:  # type: ignore[no-untyped-def]
    tied = client.get("/en/compare/?models=quick,close").content.decode()
    apart = client.get("/en/compare/?models=quick,slow").content.decode()

    assert "Faster on P50 latency?" in tied
    assert tied.count("not distinguishable from") == 2
    assert "fastest" not in tied
    assert "fastest" in apart and "slower than Quick" in apart
    assert "95% CI" in apart and "n 30" in apart


def test_a_model_with_several_tested_offerings_compares_them_side_by_side(client) -> None:  # type: ignore[no-untyped-def]
    model = factories.model(slug="two-hosts", name="Two Hosts")
    direct = factories.offering(model=model, host=factories.host(name="Maker Cloud"))
    reseller = factories.offering(model=model, host=factories.host(name="Resale Inc"))
    for offering, price in ((direct, "2"), (reseller, "1.5")):
        PricePoint.objects.create(
            offering=offering,
            effective_from=timezone.localdate() - dt.timedelta(days=10),
            input_per_million=Decimal(price),
            output_per_million=Decimal("8"),
        )
    model.reference_offering = direct
    model.save()
    measure_into(model, spread(800.0), offering=direct)
    at = timezone.now() - dt.timedelta(days=1)
    recorded_run(
        model,
        [{"started_at": at, "latency_ms": v} for v in spread(2000.0)]
        + [{"started_at": at, "status": "server_error", "error": "HTTP 500"}],
        offering=reseller,
    )

    page = client.get("/en/models/two-hosts/").content.decode()

    assert "The same model from each provider we test" in page
    table = page[page.index('class="speed-offerings"') :]
    table = table[: table.index("</table>")]
    assert table.index("Maker Cloud") < table.index("Resale Inc")
    assert "800 ms" in row_of_offering(table, "Maker Cloud")
    assert "$2.00 / $8.00" in row_of_offering(table, "Maker Cloud")
    assert "$1.50 / $8.00" in row_of_offering(table, "Resale Inc")
    assert "100.0%" in row_of_offering(table, "Maker Cloud")
    assert "96.8%" in row_of_offering(table, "Resale Inc")  # 30 of 31
    assert "2,000 ms" in row_of_offering(table, "Resale Inc")


def row_of_offering(table: str, host: str) -> str:
    start = table.index(host)
    return table[start : table.index("</tr>", start)]


def test_a_model_with_one_tested_offering_shows_no_offering_table(client) -> None:  # type: ignore[no-untyped-def]
    model = factories.model(slug="one-host")
    measure_into(model, spread(800.0), offering=factories.offering(model=model))

    page = client.get("/en/models/one-host/").content.decode()

    assert "The same model from each provider we test" not in page


def test_the_leaderboard_downloads_carry_the_interval_and_the_count(client, three) -> None:  # type: ignore[no-untyped-def]
    body = client.get("/en/leaderboard.json?sort=latency").json()
    quick = next(m for m in body["models"] if m["slug"] == "quick")

    assert quick["p50_latency_ms_30d"] == pytest.approx(1000.0)
    assert quick["p50_latency_ms_30d_low"] < 1000.0 < quick["p50_latency_ms_30d_high"]
    assert quick["speed_samples_30d"] == 30
    header = client.get("/en/leaderboard.csv").content.decode().splitlines()[0]
    assert "p50_latency_ms_30d_low,p50_latency_ms_30d_high,speed_samples_30d" in header
