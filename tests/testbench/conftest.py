"""Live testbench helpers: simulated models with prices, a signed-in client, page parsing."""

from __future__ import annotations

import datetime as dt
import json
import threading
from collections.abc import Callable, Iterator
from decimal import Decimal
from html.parser import HTMLParser
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client

from benchmarks.simulator import SimulatedModel, SimulatorServer
from tests import factories

# Quick but clearly streamed: the first token after 30 ms, then 20 tokens 5 ms apart.
QUICK: dict[str, Any] = {"ttft_ms": 30.0, "inter_token_ms": 5.0, "tokens": 20}
SCRIPT_ANSWER = "<script>alert('owned')</script> & <b>bold</b>"


@pytest.fixture(scope="session")
def bench_simulator() -> Iterator[SimulatorServer]:
    models = {
        "tb-a": SimulatedModel(**QUICK),
        "tb-b": SimulatedModel(**QUICK),
        "tb-c": SimulatedModel(**QUICK),
        "tb-broken": SimulatedModel(**QUICK, fault="server_error"),
        # Slow enough (about 3 s) for polls to see its answer grow, even on a busy machine.
        "tb-slow": SimulatedModel(ttft_ms=50.0, inter_token_ms=50.0, tokens=60),
    }
    with SimulatorServer(models, default_model=SimulatedModel(**QUICK)) as server:
        yield server


class _ScriptHandler(BaseHTTPRequestHandler):
    """An OpenAI-compatible stream whose answer is an HTML attack, for the escaping test."""

    protocol_version = "HTTP/1.0"

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length", "0"))
        self.rfile.read(length)
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.end_headers()

        def event(payload: dict[str, Any]) -> bytes:
            return f"data: {json.dumps(payload)}\n\n".encode()

        base = {"id": "x", "object": "chat.completion.chunk", "created": 0, "model": "script"}
        pieces = [SCRIPT_ANSWER[:10], SCRIPT_ANSWER[10:]]
        for piece in pieces:
            chunk = dict(base, choices=[{"index": 0, "delta": {"content": piece}}])
            self.wfile.write(event(chunk))
        usage = {"prompt_tokens": 5, "completion_tokens": 12, "total_tokens": 17}
        self.wfile.write(event(dict(base, choices=[], usage=usage)))
        self.wfile.write(b"data: [DONE]\n\n")

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        pass


@pytest.fixture(scope="session")
def script_server() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _ScriptHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    server.shutdown()
    server.server_close()


@pytest.fixture(autouse=True)
def _testbench_settings(settings: Any) -> None:
    settings.SPEEDTEST_TIMEOUT = 5.0
    settings.SPEEDTEST_STALL_TIMEOUT = 1.0
    settings.TESTBENCH_RUNS_PER_HOUR = 20
    settings.TESTBENCH_DAILY_BUDGET_USD = Decimal("5.00")
    # The rate-limit counters live in the cache; each test starts with none.
    cache.clear()


def priced_model(
    *,
    base_url: str,
    api_model: str,
    input_per_million: str | None = "1.00",
    output_per_million: str | None = "2.00",
    is_simulated: bool = True,
    **target_fields: Any,
) -> Any:
    """A published model with an enabled target on `base_url` and prices in force."""
    from benchmarks.models import SpeedTarget
    from pricing.models import PricePoint

    model = factories.model(name=f"Model {api_model}")
    offering = factories.offering(model=model)
    model.reference_offering = offering
    model.save(update_fields=["reference_offering"])
    if input_per_million is not None:
        PricePoint.objects.create(
            offering=offering,
            effective_from=dt.date.today() - dt.timedelta(days=30),
            input_per_million=Decimal(input_per_million),
            output_per_million=Decimal(output_per_million or "0"),
        )
    SpeedTarget.objects.create(
        offering=offering,
        base_url=base_url,
        api_model=api_model,
        is_simulated=is_simulated,
        **target_fields,
    )
    return model


@pytest.fixture
def signed_in() -> Callable[..., Client]:
    def build(*, address: str = "203.0.113.7", user: Any = None) -> Client:
        client = Client(REMOTE_ADDR=address)
        client.force_login(user or factories.user())
        return client

    return build


def start_form(picked: list[Any], **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "models": [m.pk for m in picked],
        "system_prompt": "Answer briefly.",
        "prompt": "Explain what a token is.",
        "max_output_tokens": 100,
    }
    data.update(overrides)
    return data


class _FigureParser(HTMLParser):
    """Collects, per result card, the text of every element that has data-field."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.cards: dict[int, dict[str, str]] = {}
        self._position: int | None = None
        self._field: str | None = None
        self._depth = 0
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "article" and "data-position" in values:
            self._position = int(values["data-position"] or 0)
            self.cards[self._position] = {}
        elif self._position is not None and "data-field" in values and self._field is None:
            self._field = values["data-field"]
            self._depth = 0
            self._text = []
        elif self._field is not None:
            self._depth += 1

    def handle_endtag(self, tag: str) -> None:
        if self._field is not None:
            if self._depth == 0:
                assert self._position is not None
                self.cards[self._position][self._field] = "".join(self._text)
                self._field = None
            else:
                self._depth -= 1
        elif tag == "article":
            self._position = None

    def handle_data(self, data: str) -> None:
        if self._field is not None:
            self._text.append(data)


def page_figures(html: str) -> dict[int, dict[str, str]]:
    """What a run's page shows, per column: {position: {field: text}} (figures stripped)."""
    parser = _FigureParser()
    parser.feed(html)
    return {
        position: {
            name: value if name == "answer" else value.strip() for name, value in fields.items()
        }
        for position, fields in parser.cards.items()
    }
