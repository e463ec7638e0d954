"""The limits of the live testbench: sign-in, sizes, model count, hourly rates, daily budget."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from benchmarks.models import TestbenchResult as BenchResult
from benchmarks.models import TestbenchRun as BenchRun
from benchmarks.simulator import SimulatorServer
from benchmarks.testbench.execute import testbench_execute as execute_run
from tests import factories

from .conftest import priced_model, start_form

pytestmark = pytest.mark.django_db
URL = "/en/live-test/"


@pytest.fixture
def two_models(bench_simulator: SimulatorServer) -> list[Any]:
    return [
        priced_model(base_url=bench_simulator.base_url, api_model=name) for name in ("tb-a", "tb-b")
    ]


def test_the_live_test_is_at_its_address() -> None:
    assert reverse("benchmarks:testbench") == URL


def test_anonymous_readers_see_the_page_with_a_sign_in_prompt_and_cannot_run(
    client: Client, bench_simulator: SimulatorServer
) -> None:
    models = [
        priced_model(base_url=bench_simulator.base_url, api_model=name) for name in ("tb-a", "tb-b")
    ]

    response = client.get(URL)

    page = response.content.decode()
    assert response.status_code == 200
    # What a run offers is there to read, greyed out, with the way to an account.
    assert models[0].name in page and 'name="prompt"' in page
    assert '<fieldset class="testbench-fields" disabled>' in page
    assert f'href="/en/accounts/login/?next={URL}"' in page
    assert f'href="/en/accounts/signup/?next={URL}"' in page
    assert ">Run</button>" not in page and "Sign out" not in page
    refused = client.post(URL, start_form(models))
    assert refused.status_code == 403
    assert "Sign in to run a live test" in refused.content.decode()
    assert BenchRun.objects.count() == 0


def test_the_form_offers_only_models_with_an_enabled_target_and_a_key(
    bench_simulator: SimulatorServer, signed_in: Any, two_models: list[Any], monkeypatch: Any
) -> None:
    disabled = priced_model(base_url=bench_simulator.base_url, api_model="tb-c", enabled=False)
    keyless = priced_model(
        base_url=bench_simulator.base_url, api_model="tb-c", api_key_env="TB_UNSET_KEY"
    )
    monkeypatch.delenv("TB_UNSET_KEY", raising=False)

    page = signed_in().get(URL).content.decode()

    for model in two_models:
        assert model.name in page
    assert disabled.name not in page
    assert keyless.name not in page


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"prompt": "x" * 8001}, "at most 8000 characters"),
        ({"prompt": "x" * 7990, "system_prompt": "y" * 20}, "8,000 characters together"),
        ({"prompt": "   "}, "Write a prompt"),
        ({"max_output_tokens": 1001}, "less than or equal to 1000"),
        ({"max_output_tokens": 0}, "greater than or equal to 1"),
        ({"max_output_tokens": "many"}, "Enter a whole number"),
        ({"models": ["not-a-number"]}, "Select a valid choice"),
        ({"models": [999_999, 999_998]}, "Select a valid choice"),
    ],
)
def test_a_bad_form_is_shown_again_with_a_message_and_starts_nothing(
    signed_in: Any, two_models: list[Any], overrides: dict[str, Any], message: str
) -> None:
    response = signed_in().post(URL, start_form(two_models, **overrides))

    assert response.status_code == 200
    assert message in response.content.decode()
    assert BenchRun.objects.count() == 0


def test_it_takes_two_to_four_different_models(
    bench_simulator: SimulatorServer, signed_in: Any
) -> None:
    models = [
        priced_model(base_url=bench_simulator.base_url, api_model=f"tb-n{i}") for i in range(5)
    ]
    client = signed_in()

    for picked in (models[:1], models[:5], [models[0], models[0]]):
        response = client.post(URL, start_form(picked))
        assert response.status_code == 200
        assert BenchRun.objects.count() == 0
    assert "Pick between 2 and 4 models" in client.post(URL, start_form(models)).content.decode()
    assert "Pick each model once" in client.post(URL, start_form([models[0]] * 2)).content.decode()
    assert client.post(URL, start_form(models[:4])).status_code == 302


def test_a_model_without_a_current_price_cannot_be_picked(
    bench_simulator: SimulatorServer, signed_in: Any, two_models: list[Any]
) -> None:
    unpriced = priced_model(
        base_url=bench_simulator.base_url,
        api_model="tb-c",
        input_per_million=None,
        is_simulated=False,
    )

    response = signed_in().post(URL, start_form([two_models[0], unpriced]))

    assert "No current price for" in response.content.decode()
    assert BenchRun.objects.count() == 0


def test_each_reader_has_an_hourly_limit(
    signed_in: Any, two_models: list[Any], settings: Any
) -> None:
    settings.TESTBENCH_RUNS_PER_HOUR = 2
    user = factories.user()
    # Different addresses, so only the per-account limit can apply.
    for address in ("198.51.100.1", "198.51.100.2"):
        assert (
            signed_in(user=user, address=address).post(URL, start_form(two_models)).status_code
            == 302
        )

    response = signed_in(user=user, address="198.51.100.3").post(URL, start_form(two_models))

    assert response.status_code == 429
    assert "You have started 2 testbench runs in the last hour" in response.content.decode()
    assert BenchRun.objects.count() == 2


def test_each_client_address_has_an_hourly_limit(
    signed_in: Any, two_models: list[Any], settings: Any
) -> None:
    settings.TESTBENCH_RUNS_PER_HOUR = 2
    for _ in range(2):
        assert signed_in(address="192.0.2.9").post(URL, start_form(two_models)).status_code == 302

    # A fresh account from the same address is still refused.
    response = signed_in(address="192.0.2.9").post(URL, start_form(two_models))

    assert response.status_code == 429
    assert "Your network address has started 2 testbench runs" in response.content.decode()
    assert BenchRun.objects.count() == 2
    assert signed_in(address="192.0.2.10").post(URL, start_form(two_models)).status_code == 302


def test_a_run_that_could_overspend_the_daily_budget_is_refused_and_writes_nothing(
    bench_simulator: SimulatorServer, signed_in: Any, settings: Any
) -> None:
    # $10/M output: 100 tokens at worst cost $0.001 per model, $0.002 for two (plus input).
    models = [
        priced_model(
            base_url=bench_simulator.base_url,
            api_model=name,
            input_per_million="1.00",
            output_per_million="10.00",
        )
        for name in ("tb-a", "tb-b")
    ]
    settings.TESTBENCH_DAILY_BUDGET_USD = Decimal("0.0030")
    client = signed_in()

    first = client.post(URL, start_form(models))
    assert first.status_code == 302
    reserved = sum(r.budget_usd for r in BenchResult.objects.all())
    assert reserved > Decimal("0.002")  # the worst case is held while it runs

    refused = client.post(URL, start_form(models))

    assert refused.status_code == 429
    text = refused.content.decode()
    assert "Today&#x27;s testbench budget of $0.0030 is used up" in text
    assert "midnight UTC" in text
    assert BenchRun.objects.count() == 1
    assert BenchResult.objects.count() == 2


def test_the_budget_counts_what_finished_runs_cost_not_their_worst_case(
    bench_simulator: SimulatorServer, signed_in: Any, settings: Any
) -> None:
    models = [
        priced_model(
            base_url=bench_simulator.base_url,
            api_model=name,
            input_per_million="1.00",
            output_per_million="10.00",
        )
        for name in ("tb-a", "tb-broken")
    ]
    settings.TESTBENCH_DAILY_BUDGET_USD = Decimal("0.0030")
    client = signed_in()
    client.post(URL, start_form(models))
    execute_run(run_id=BenchRun.objects.get().pk)

    ok, broken = BenchResult.objects.order_by("position")
    assert ok.budget_usd == ok.cost_usd  # 20 tokens, far below the worst case of 100
    assert broken.budget_usd == 0  # HTTP 500 before any answer: nothing billed
    assert client.post(URL, start_form(models)).status_code == 302


def test_unknown_runs_are_not_found(client: Client) -> None:
    for suffix in ("/", "/status.json", ".csv", ".json"):
        path = "/en/live-test/00000000-0000-0000-0000-000000000000" + suffix
        assert client.get(path).status_code == 404


@pytest.mark.django_db(transaction=True)
def test_forty_concurrent_runs_from_one_account_start_exactly_twenty(
    bench_simulator, settings, eager_tasks
):
    """The attack: parallel POSTs racing the hourly limit, then a second burst right after
    the hour turns. The limit is a sliding window checked and recorded atomically."""
    import threading

    from django.db import connections

    from tokonomix.core.ratelimit import limiter

    settings.CELERY_TASK_ALWAYS_EAGER = True  # the accepted runs stream in threads here
    a = priced_model(base_url=bench_simulator.base_url, api_model="tb-a", input_per_million=None)
    b = priced_model(base_url=bench_simulator.base_url, api_model="tb-b", input_per_million=None)
    user = factories.user()
    now = [3600.0 * 9 - 60]  # 08:59:00
    limiter.clock = lambda: now[0]
    statuses: list[int] = []
    barrier = threading.Barrier(8)

    def post_five(address: str) -> None:
        client = Client(REMOTE_ADDR=address)
        client.force_login(user)
        barrier.wait()
        for _ in range(5):
            statuses.append(client.post("/en/live-test/", start_form([a, b])).status_code)
        connections.close_all()

    # Eight threads, five POSTs each, one account from eight addresses.
    threads = [threading.Thread(target=post_five, args=(f"198.51.100.{n}",)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert statuses.count(302) == 20
    assert statuses.count(429) == 20
    assert BenchRun.objects.filter(user=user).count() == 20

    now[0] += 62  # 09:00:02, a new clock hour
    again = Client(REMOTE_ADDR="198.51.100.99")
    again.force_login(user)
    assert again.post("/en/live-test/", start_form([a, b])).status_code == 429
    assert BenchRun.objects.filter(user=user).count() == 20
    # The twenty runs stream in threads of their own: let them end before the test's
    # tables are emptied under them.
    import time

    deadline = time.monotonic() + 60
    while BenchRun.objects.filter(status__in=["queued", "running"]).exists():
        assert time.monotonic() < deadline, "the accepted runs never finished"
        time.sleep(0.2)
