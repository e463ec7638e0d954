"""The simulator speaks the OpenAI protocol closely enough to measure clients against."""

from __future__ import annotations

import json
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest

from benchmarks.simulator import SimulatedModel, SimulatorServer

from .clocks import HeldClock, MeetingClock, StoppedClock
from .conftest import FAST

CHAT = "/chat/completions"


@pytest.fixture
def client(simulator: SimulatorServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=simulator.base_url, timeout=5.0) as http:
        yield http


def chat(model: str, **extra: Any) -> dict[str, Any]:
    return {"model": model, "messages": [{"role": "user", "content": "Hello there"}], **extra}


def stream_events(client: httpx.Client, body: dict[str, Any]) -> list[Any]:
    """The SSE data payloads of one streamed request, JSON-decoded except [DONE]."""
    events: list[Any] = []
    with client.stream("POST", CHAT, json={**body, "stream": True}) as response:
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        for line in response.iter_lines():
            if line.startswith("data: "):
                data = line.removeprefix("data: ")
                events.append(data if data == "[DONE]" else json.loads(data))
    return events


def test_the_models_endpoint_lists_the_configured_models(client: httpx.Client) -> None:
    response = client.get("/models")

    assert response.status_code == 200
    ids = {entry["id"] for entry in response.json()["data"]}
    assert {"fast", "reasoner", "stalls"} <= ids


def test_a_non_streaming_completion_returns_the_whole_message_and_usage(
    client: httpx.Client,
) -> None:
    response = client.post(CHAT, json=chat("fast"))

    assert response.status_code == 200
    body = response.json()
    assert body["object"] == "chat.completion"
    assert body["choices"][0]["message"]["role"] == "assistant"
    assert len(body["choices"][0]["message"]["content"].split()) == 20
    assert body["choices"][0]["finish_reason"] == "stop"
    assert body["usage"]["completion_tokens"] == 20
    assert body["usage"]["total_tokens"] == body["usage"]["prompt_tokens"] + 20


def test_a_non_streaming_reasoning_answer_reports_its_reasoning_tokens(
    client: httpx.Client,
) -> None:
    body = client.post(CHAT, json=chat("reasoner")).json()

    assert body["choices"][0]["message"]["reasoning_content"]
    assert body["usage"]["completion_tokens"] == 25
    assert body["usage"]["completion_tokens_details"]["reasoning_tokens"] == 15


def test_a_non_streaming_answer_arrives_when_the_last_token_would() -> None:
    clock = StoppedClock()
    model = SimulatedModel(ttft_ms=100, inter_token_ms=10, tokens=11)
    with (
        SimulatorServer(default_model=model, clock=clock) as server,
        httpx.Client(base_url=server.base_url, timeout=5.0) as http,
    ):
        assert http.post(CHAT, json=chat("slow-whole")).status_code == 200

    # The first token is due after 100 ms, the eleventh ten gaps of 10 ms later.
    assert clock.waits == [pytest.approx(0.2)]


def test_a_stream_opens_with_a_role_only_chunk_and_ends_with_usage_then_done(
    client: httpx.Client,
) -> None:
    events = stream_events(client, chat("fast", stream_options={"include_usage": True}))

    assert events[0]["choices"][0]["delta"] == {"role": "assistant", "content": "", "refusal": None}
    contents = [e["choices"][0]["delta"].get("content") for e in events[1:-3]]
    assert len(contents) == 20 and all(contents)
    assert events[-3]["choices"][0]["finish_reason"] == "stop"
    assert events[-2]["choices"] == []
    assert events[-2]["usage"]["completion_tokens"] == 20
    assert events[-1] == "[DONE]"


def test_the_usage_chunk_is_sent_only_when_asked_for(client: httpx.Client) -> None:
    events = stream_events(client, chat("fast"))

    assert events[-1] == "[DONE]"
    assert all("usage" not in e for e in events[:-1])


def test_a_reasoning_stream_sends_its_reasoning_before_its_answer(client: httpx.Client) -> None:
    events = stream_events(client, chat("reasoner", stream_options={"include_usage": True}))

    deltas = [e["choices"][0]["delta"] for e in events[1:-3]]
    kinds = ["reasoning" if "reasoning_content" in d else "content" for d in deltas]
    assert kinds == ["reasoning"] * 15 + ["content"] * 10
    assert events[-2]["usage"]["completion_tokens_details"]["reasoning_tokens"] == 15


def test_max_completion_tokens_caps_a_stream_and_reasoning_counts_against_it(
    client: httpx.Client,
) -> None:
    events = stream_events(
        client, chat("reasoner", max_completion_tokens=18, stream_options={"include_usage": True})
    )

    assert events[-3]["choices"][0]["finish_reason"] == "length"
    assert events[-2]["usage"]["completion_tokens"] == 18
    assert events[-2]["usage"]["completion_tokens_details"]["reasoning_tokens"] == 15


def test_the_first_token_comes_after_ttft_and_the_role_chunk_at_once() -> None:
    clock = HeldClock()
    model = SimulatedModel(ttft_ms=120, inter_token_ms=1, tokens=3)
    with (
        SimulatorServer(default_model=model, clock=clock) as server,
        httpx.Client(base_url=server.base_url, timeout=5.0) as http,
        http.stream("POST", CHAT, json=chat("timed", stream=True)) as response,
    ):
        lines = (line for line in response.iter_lines() if line.startswith("data: "))
        role = json.loads(next(lines).removeprefix("data: "))
        # The role chunk arrived while the simulator held back the first token, due at TTFT.
        assert clock.holding.wait(5)
        assert clock.waits == [pytest.approx(0.12)]
        clock.release()
        rest = list(lines)

    assert role["choices"][0]["delta"]["role"] == "assistant"
    assert not clock.gave_up
    assert len(rest) == 3 + 1 + 1  # the tokens, the finish chunk, [DONE]
    assert clock.waits == pytest.approx([0.12, 0.121, 0.122])


def test_a_rate_limit_answers_429_with_retry_after_and_an_openai_error(
    client: httpx.Client,
) -> None:
    response = client.post(CHAT, json=chat("rate-limited"))

    assert response.status_code == 429
    assert response.headers["retry-after"] == "3"
    assert response.headers["retry-after-ms"] == "2500"
    assert response.json()["error"]["code"] == "rate_limit_exceeded"


def test_a_server_error_answers_500_with_an_openai_error(client: httpx.Client) -> None:
    response = client.post(CHAT, json=chat("server-error", stream=True))

    assert response.status_code == 500
    assert response.json()["error"]["type"] == "server_error"


def test_an_error_in_stream_follows_some_tokens_and_replaces_done(client: httpx.Client) -> None:
    events = stream_events(client, chat("error-in-stream"))

    assert "error" in events[-1]
    assert "[DONE]" not in events
    assert len(events) == 1 + 5 + 1


def test_a_dropped_connection_ends_the_body_early(client: httpx.Client) -> None:
    with pytest.raises(httpx.RemoteProtocolError):
        stream_events(client, chat("drops-connection"))


def test_missing_usage_ends_with_done_but_no_usage(client: httpx.Client) -> None:
    events = stream_events(client, chat("missing-usage", stream_options={"include_usage": True}))

    assert events[-1] == "[DONE]"
    assert all(e.get("usage") is None for e in events[:-1])


def test_a_stall_sends_a_few_tokens_then_nothing(simulator: SimulatorServer) -> None:
    with (
        httpx.Client(base_url=simulator.base_url, timeout=httpx.Timeout(5.0, read=0.3)) as http,
        pytest.raises(httpx.ReadTimeout),
    ):
        received: list[str] = []
        with http.stream("POST", CHAT, json=chat("stalls", stream=True)) as response:
            for line in response.iter_lines():
                if line.startswith("data: "):
                    received.append(line)
    assert len(received) == 1 + 3


def test_a_required_key_turns_away_requests_without_it() -> None:
    with (
        SimulatorServer(api_key="sk-server-key", default_model=SimulatedModel(**FAST)) as server,
        httpx.Client(base_url=server.base_url) as http,
    ):
        missing = http.post(CHAT, json=chat("any"))
        wrong = http.post(CHAT, json=chat("any"), headers={"Authorization": "Bearer nope"})
        right = http.post(CHAT, json=chat("any"), headers={"Authorization": "Bearer sk-server-key"})
        models = http.get("/models")

    assert missing.status_code == wrong.status_code == models.status_code == 401
    assert wrong.json()["error"]["code"] == "invalid_api_key"
    assert right.status_code == 200


def test_unknown_models_use_the_default_settings() -> None:
    with (
        SimulatorServer(default_model=SimulatedModel(**{**FAST, "tokens": 4})) as server,
        httpx.Client(base_url=server.base_url) as http,
    ):
        body = http.post(CHAT, json=chat("never-configured")).json()

    assert body["usage"]["completion_tokens"] == 4


def test_the_control_endpoint_merges_settings_into_a_model(
    simulator: SimulatorServer, client: httpx.Client
) -> None:
    simulator.set_model("controlled", SimulatedModel(**FAST))

    response = client.post("/_control/models", json={"controlled": {"tokens": 3}})

    assert response.status_code == 200
    assert simulator.models["controlled"] == SimulatedModel(**{**FAST, "tokens": 3})
    assert client.post(CHAT, json=chat("controlled")).json()["usage"]["completion_tokens"] == 3


def test_the_control_endpoint_rejects_unknown_settings_and_changes_nothing(
    simulator: SimulatorServer, client: httpx.Client
) -> None:
    simulator.set_model("guarded", SimulatedModel(**FAST))

    response = client.post(
        "/_control/models", json={"guarded": {"tokens": 2}, "other": {"colour": "red"}}
    )

    assert response.status_code == 400
    assert simulator.models["guarded"].tokens == FAST["tokens"]
    assert "other" not in simulator.models


def test_requests_are_counted_per_model(simulator: SimulatorServer, client: httpx.Client) -> None:
    for _ in range(3):
        client.post(CHAT, json=chat("counted"))

    assert simulator.requests_for("counted") == 3
    assert client.get("/_control/requests").json()["counted"] == 3


def test_one_keep_alive_connection_serves_many_requests() -> None:
    with (
        SimulatorServer(
            {
                "fast": SimulatedModel(**FAST),
                "limited": SimulatedModel(**FAST, fault="rate_limit"),
                "in-stream-error": SimulatedModel(**FAST, fault="error_in_stream"),
            }
        ) as server,
        httpx.Client(base_url=server.base_url) as http,
    ):
        for _ in range(2):
            http.post(CHAT, json=chat("fast"))
            stream_events(http, chat("fast", stream_options={"include_usage": True}))
            assert http.post(CHAT, json=chat("limited")).status_code == 429
            stream_events(http, chat("in-stream-error"))

        assert server.connections_accepted == 1


def test_concurrent_streams_are_served_side_by_side() -> None:
    clock = MeetingClock(parties=5)
    model = SimulatedModel(ttft_ms=150, inter_token_ms=5, tokens=10)
    with SimulatorServer(default_model=model, clock=clock) as server:

        def one_stream(_: int) -> int:
            with httpx.Client(base_url=server.base_url, timeout=10.0) as http:
                return len(stream_events(http, chat("parallel")))

        with ThreadPoolExecutor(max_workers=5) as pool:
            counts = list(pool.map(one_stream, range(5)))

    assert counts == [1 + 10 + 1 + 1] * 5
    # Served side by side, not one after another: all five waited for a token at once.
    assert clock.most_waiting == 5


def test_a_malformed_request_gets_a_400_json_error(client: httpx.Client) -> None:
    response = client.post(CHAT, content=b"{not json", headers={"Content-Type": "application/json"})

    assert response.status_code == 400
    assert "error" in response.json()


def test_stopping_the_server_ends_a_stalled_stream() -> None:
    server = SimulatorServer({"stalls": SimulatedModel(**FAST, fault="stall")}).start()
    http = httpx.Client(base_url=server.base_url, timeout=httpx.Timeout(5.0))
    try:
        with http.stream("POST", CHAT, json=chat("stalls", stream=True)) as response:
            lines = response.iter_lines()
            next(lines)
            server.stop()
            with pytest.raises(httpx.HTTPError) as ended:
                for _ in lines:
                    pass
        # Ended by the server going away, not by the client's 5 s read timeout.
        assert not isinstance(ended.value, httpx.TimeoutException)
    finally:
        http.close()
        server.stop()


def first_token_waits(model: SimulatedModel, requests: int) -> list[float]:
    """When each request's first token fell due, by a stopped clock (seconds)."""
    clock = StoppedClock()
    with (
        SimulatorServer({"spread": model}, clock=clock) as server,
        httpx.Client(base_url=server.base_url, timeout=5.0) as http,
    ):
        for _ in range(requests):
            http.post(CHAT, json=chat("spread", stream=True, max_tokens=1)).read()
    return clock.waits


def test_a_spread_draws_each_requests_ttft_around_the_configured_median_from_its_seed() -> None:
    model = SimulatedModel(ttft_ms=300.0, ttft_spread=0.5, tokens=1, seed=11)

    waits = first_token_waits(model, 200)

    assert waits == first_token_waits(model, 200)  # the same seed, the same series
    assert waits != first_token_waits(SimulatedModel(**{**model.to_dict(), "seed": 12}), 200)
    assert len(set(waits)) == 200
    ordered = sorted(waits)
    assert 0.25 < ordered[100] < 0.35  # the median stays near 300 ms


def test_without_a_spread_every_request_waits_the_configured_ttft() -> None:
    assert first_token_waits(SimulatedModel(ttft_ms=50.0, tokens=1), 5) == [0.05] * 5


@pytest.mark.parametrize(
    "bad",
    [{"ttft_spread": -1}, {"seed": "seven"}, {"hide_reasoning": "yes"}, {"seed": True}],
)
def test_bad_spread_seed_and_hidden_reasoning_settings_are_refused(bad: dict[str, Any]) -> None:
    with pytest.raises(ValueError):
        SimulatedModel.from_dict(bad)


def test_the_prompts_sent_are_kept_for_tests_to_read() -> None:
    with (
        SimulatorServer() as server,
        httpx.Client(base_url=server.base_url, timeout=5.0) as http,
    ):
        for text in ("first prompt", "second prompt"):
            body = chat("kept")
            body["messages"] = [{"role": "user", "content": text}]
            http.post(CHAT, json=body)

        assert server.prompts_seen("kept") == ["first prompt", "second prompt"]
        assert server.prompts_seen("other") == []
