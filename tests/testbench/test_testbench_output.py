"""What a run shows: untrusted answers escaped, and exports equal to the page."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from benchmarks.models import TestbenchRun as BenchRun
from benchmarks.simulator import SimulatorServer
from benchmarks.testbench.execute import testbench_execute as execute_run

from .conftest import SCRIPT_ANSWER, page_figures, priced_model, start_form

pytestmark = pytest.mark.django_db

FIGURES = ("ttft_ms", "latency_ms", "output_tokens", "tokens_per_second", "cost_usd")


@pytest.fixture
def models(bench_simulator: SimulatorServer) -> list[Any]:
    """Two priced models the simulator answers."""
    return [
        priced_model(base_url=bench_simulator.base_url, api_model=name) for name in ("tb-a", "tb-b")
    ]


def finished_run(client: Client, models: list[Any]) -> BenchRun:
    assert client.post(reverse("benchmarks:testbench"), start_form(models)).status_code == 302
    return execute_run(run_id=BenchRun.objects.get().pk)


def test_a_model_answer_with_html_is_shown_as_text(
    script_server: str, bench_simulator: SimulatorServer, signed_in: Any
) -> None:
    models = [
        priced_model(base_url=script_server, api_model="script"),
        priced_model(base_url=bench_simulator.base_url, api_model="tb-a"),
    ]
    client = signed_in()
    run = finished_run(client, models)
    assert run.results.get(position=0).answer == SCRIPT_ANSWER

    page = client.get(reverse("benchmarks:testbench_run", args=[run.public_id]))
    html = page.content.decode()

    assert "<script>alert" not in html
    assert "<b>bold</b>" not in html
    assert (
        "&lt;script&gt;alert(&#x27;owned&#x27;)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;"
        in html
    )
    assert page_figures(html)[0]["answer"] == SCRIPT_ANSWER
    # status.json carries the text as JSON data; the page script puts it in textContent.
    status = client.get(reverse("benchmarks:testbench_status", args=[run.public_id]))
    assert status.json()["results"][0]["answer"] == SCRIPT_ANSWER
    assert status["Content-Type"] == "application/json"


def test_the_csv_holds_exactly_the_figures_the_page_showed(
    bench_simulator: SimulatorServer, signed_in: Any
) -> None:
    models = [
        priced_model(base_url=bench_simulator.base_url, api_model=name)
        for name in ("tb-a", "tb-broken", "tb-b")
    ]
    client = signed_in()
    run = finished_run(client, models)
    shown = page_figures(
        client.get(reverse("benchmarks:testbench_run", args=[run.public_id])).content.decode()
    )

    # Anyone with the link may download, signed in or not.
    response = Client().get(reverse("benchmarks:testbench_csv", args=[run.public_id]))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))

    assert [int(row["position"]) for row in rows] == sorted(shown)
    for row in rows:
        card = shown[int(row["position"])]
        for name in FIGURES:
            # The page separates thousands; the CSV holds the plain number.
            on_page = card[name].removeprefix("$").replace(",", "")
            assert row[name] == ("" if on_page == "—" else on_page), (name, row, card)
        assert row["status"] == run.results.get(position=int(row["position"])).status
        assert row["error"] == card["error"]
        assert row["answer"] == card["answer"]
    assert rows[1]["status"] == "failed" and rows[1]["ttft_ms"] == ""
    assert rows[0]["cost_usd"] != ""


def test_the_json_export_holds_the_same_figures_as_the_page(
    models: list[Any], signed_in: Any
) -> None:
    client = signed_in()
    run = finished_run(client, models)
    shown = page_figures(
        client.get(reverse("benchmarks:testbench_run", args=[run.public_id])).content.decode()
    )

    data = Client().get(reverse("benchmarks:testbench_json", args=[run.public_id])).json()

    assert data["id"] == str(run.public_id)
    assert data["prompt"] == run.prompt
    for result in data["results"]:
        card = shown[result["position"]]
        for name in FIGURES:
            assert result["shown"][name] == card[name], name
            assert result[name] == card[name].removeprefix("$").replace(",", ""), name


def test_a_spreadsheet_formula_in_an_answer_is_neutralised_in_the_csv(
    models: list[Any], signed_in: Any
) -> None:
    from benchmarks.models import TestbenchResult

    run = finished_run(signed_in(), models)
    TestbenchResult.objects.filter(run=run, position=0).update(answer="=HYPERLINK(1)")

    body = Client().get(reverse("benchmarks:testbench_csv", args=[run.public_id])).content
    rows = list(csv.DictReader(io.StringIO(body.decode())))

    assert rows[0]["answer"] == "'=HYPERLINK(1)"


def test_the_page_without_javascript_asks_for_a_reload_until_the_run_is_done(
    models: list[Any], signed_in: Any
) -> None:
    client = signed_in()
    client.post(reverse("benchmarks:testbench"), start_form(models))
    run = BenchRun.objects.get()
    url = reverse("benchmarks:testbench_run", args=[run.public_id])

    waiting = client.get(url).content.decode()
    assert "reload this page" in waiting
    assert 'data-finished="false"' in waiting

    execute_run(run_id=run.pk)
    done = client.get(url).content.decode()
    assert "reload this page" not in done
    assert 'data-finished="true"' in done


def test_a_run_page_and_its_status_take_two_queries_however_many_models(
    bench_simulator: SimulatorServer,
    signed_in: Any,
    django_assert_num_queries: Any,
) -> None:
    models = [
        priced_model(base_url=bench_simulator.base_url, api_model=name)
        for name in ("tb-a", "tb-b", "tb-c", "tb-broken")
    ]
    run = finished_run(signed_in(), models)
    reader = Client()

    for name in ("testbench_run", "testbench_status", "testbench_csv", "testbench_json"):
        with django_assert_num_queries(2):
            assert (
                reader.get(reverse(f"benchmarks:{name}", args=[run.public_id])).status_code == 200
            )


def test_the_csv_says_which_run_when_what_was_asked_and_at_which_prices(
    models: list[Any], signed_in: Any
) -> None:
    client = signed_in()
    assert (
        client.post(
            reverse("benchmarks:testbench"),
            start_form(models, system_prompt="=cmd|' /C calc'!A0", prompt="Line one,\nline two"),
        ).status_code
        == 302
    )
    run = execute_run(run_id=BenchRun.objects.get().pk)

    body = Client().get(reverse("benchmarks:testbench_csv", args=[run.public_id])).content
    rows = list(csv.DictReader(io.StringIO(body.decode())))

    assert len(rows) == 2 and run.finished_at is not None
    for row in rows:
        assert row["run_id"] == str(run.public_id)
        assert row["run_created_at"] == run.created_at.isoformat()
        assert row["run_finished_at"] == run.finished_at.isoformat()
        assert row["prompt"] == "Line one,\nline two"
        # The formula guard holds for the prompts too.
        assert row["system_prompt"] == "'=cmd|' /C calc'!A0"
        assert row["max_output_tokens"] == "100"
        prices_from = run.results.get(position=int(row["position"])).prices_from
        assert prices_from is not None and row["prices_from"] == prices_from.isoformat()


def test_figures_on_the_page_are_thousands_separated_like_the_rest_of_the_site(
    models: list[Any], signed_in: Any
) -> None:
    from benchmarks.models import TestbenchResult

    client = signed_in()
    run = finished_run(client, models)
    TestbenchResult.objects.filter(run=run, position=0).update(
        ttft_ms=1431.2, latency_ms=12345.6, output_tokens=2048, tokens_per_second=1234.56
    )

    shown = page_figures(
        client.get(reverse("benchmarks:testbench_run", args=[run.public_id])).content.decode()
    )[0]
    status = client.get(reverse("benchmarks:testbench_status", args=[run.public_id])).json()
    rows = list(
        csv.DictReader(
            io.StringIO(
                client.get(
                    reverse("benchmarks:testbench_csv", args=[run.public_id])
                ).content.decode()
            )
        )
    )

    expected = {
        "ttft_ms": "1,431",
        "latency_ms": "12,346",
        "output_tokens": "2,048",
        "tokens_per_second": "1,234.6",
    }
    for name, text in expected.items():
        assert shown[name] == text
        assert status["results"][0]["shown"][name] == text  # what the page polls
    assert rows[0]["ttft_ms"] == "1431" and rows[0]["output_tokens"] == "2048"
