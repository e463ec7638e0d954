"""The feed fetcher against a real local HTTP server (127.0.0.1, ephemeral port)."""

from __future__ import annotations

import hashlib
import socket
import threading
import time
import tracemalloc
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler

import pytest

from pricing.fetch import FetchError, FetchResult, fetch_feed
from pricing.sources.base import FeedRefused
from tests.pricing.local_server import reply

BODY = b'{"gpt-4o": {"litellm_provider": "openai", "mode": "chat"}}'
FIFTY_MB = 50 * 1024 * 1024


def test_a_200_returns_the_body_its_sha256_and_etag(server):
    server.routes["/feed"] = lambda h, n: reply(h, 200, BODY, {"ETag": '"v1"'})
    result = fetch_feed(server.url("/feed"))
    assert result == FetchResult(
        body=BODY,
        sha256=hashlib.sha256(BODY).hexdigest(),
        etag='"v1"',
        not_modified=False,
        status=200,
        hops=(server.url("/feed"),),
    )


def test_a_500_then_a_200_succeeds_after_one_retry(server):
    server.routes["/flaky"] = lambda h, n: reply(h, 500, b"oops") if n == 1 else reply(h, 200, BODY)
    result = fetch_feed(server.url("/flaky"), retry_delay_s=0.05)
    assert result.body == BODY and result.status == 200
    assert server.hits["/flaky"] == 2


def test_a_500_twice_fails_with_a_clear_reason(server):
    server.routes["/down"] = lambda h, n: reply(h, 503, b"down")
    with pytest.raises(FetchError, match=r"HTTP 503.*failed twice") as caught:
        fetch_feed(server.url("/down"), retry_delay_s=0.05)
    assert caught.value.status == 503
    assert server.hits["/down"] == 2


def test_a_4xx_is_not_retried(server):
    server.routes["/gone"] = lambda h, n: reply(h, 404, b"gone")
    with pytest.raises(FetchError, match="HTTP 404") as caught:
        fetch_feed(server.url("/gone"), retry_delay_s=0.05)
    assert caught.value.status == 404 and server.hits["/gone"] == 1


def test_fetch_errors_are_feed_refusals():
    assert issubclass(FetchError, FeedRefused)


def test_a_dropped_connection_is_retried_once(server):
    def drop_first(h: BaseHTTPRequestHandler, n: int) -> None:
        if n == 1:
            h.close_connection = True
            h.connection.shutdown(socket.SHUT_RDWR)  # hang up without a response
        else:
            reply(h, 200, BODY)

    server.routes["/drop"] = drop_first
    assert fetch_feed(server.url("/drop"), retry_delay_s=0.05).body == BODY
    assert server.hits["/drop"] == 2


def test_a_refused_connection_fails_after_one_retry():
    with socket.socket() as s:  # find a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(FetchError, match=r"connection error.*failed twice"):
        fetch_feed(f"http://127.0.0.1:{port}/feed", retry_delay_s=0.05, connect_timeout=1.0)


class FakeClock:
    """A clock that moves only when told to, firing the callbacks that fall due.

    The server's handler thread advances it as it sends, so a "slow" server costs
    no real time and the deadline passes exactly where the test says.
    """

    def __init__(self) -> None:
        self.now = 0.0
        self._lock = threading.Lock()
        self._due: list[tuple[float, Callable[[], None]]] = []

    def monotonic(self) -> float:
        with self._lock:
            return self.now

    def sleep(self, seconds: float) -> None:
        self.advance(seconds)

    def call_later(self, seconds: float, callback: Callable[[], None]) -> Callable[[], None]:
        entry = (self.monotonic() + seconds, callback)
        with self._lock:
            self._due.append(entry)

        def cancel() -> None:
            with self._lock:
                if entry in self._due:
                    self._due.remove(entry)

        return cancel

    def advance(self, seconds: float) -> None:
        with self._lock:
            self.now += seconds
            due = [entry for entry in self._due if entry[0] <= self.now]
            self._due = [entry for entry in self._due if entry[0] > self.now]
        for _, callback in due:
            callback()


def test_a_server_dripping_a_byte_a_second_is_cut_off_at_the_deadline(server):
    clock = FakeClock()

    def drip(h: BaseHTTPRequestHandler, n: int) -> None:
        h.send_response(200)
        h.send_header("Content-Length", "100")
        h.end_headers()
        for _ in range(100):
            server.write(h, "/drip", b" ")
            clock.advance(1.0)

    server.routes["/drip"] = drip
    with pytest.raises(FetchError, match="deadline of 2 s passed"):
        fetch_feed(server.url("/drip"), deadline_s=2.0, retry_delay_s=0.05, clock=clock)
    assert server.hits["/drip"] == 1  # a deadline is not retried


def test_a_server_that_stalls_is_cut_off_at_the_deadline_not_when_it_hangs_up(server):
    clock = FakeClock()
    released = threading.Event()
    hung_up = threading.Event()

    def stall(h: BaseHTTPRequestHandler, n: int) -> None:
        h.send_response(200)
        h.send_header("Content-Length", "100")
        h.end_headers()
        clock.advance(60.0)  # the deadline passes while the server sends nothing
        released.wait(10)
        h.close_connection = True
        hung_up.set()

    server.routes["/stall"] = stall
    try:
        # No byte arrives after the deadline and the socket timeouts follow the clock's
        # 60 s, so only the watchdog can end this download before the server hangs up.
        with pytest.raises(FetchError, match="deadline of 60 s passed"):
            fetch_feed(server.url("/stall"), deadline_s=60.0, clock=clock)
        assert not hung_up.is_set()
    finally:
        released.set()


def test_a_declared_50_mb_body_is_refused_before_it_is_read(server):
    def huge(h: BaseHTTPRequestHandler, n: int) -> None:
        h.send_response(200)
        h.send_header("Content-Length", str(FIFTY_MB))
        h.end_headers()
        chunk = b"0" * 65536
        for _ in range(FIFTY_MB // len(chunk)):
            server.write(h, "/huge", chunk)

    server.routes["/huge"] = huge
    with pytest.raises(FetchError, match="announces 52,428,800 bytes"):
        fetch_feed(server.url("/huge"))
    assert server.hits["/huge"] == 1


def test_an_undeclared_50_mb_body_is_cut_off_at_the_limit_without_holding_it(server):
    def endless(h: BaseHTTPRequestHandler, n: int) -> None:
        h.protocol_version = "HTTP/1.0"  # no Content-Length: the body ends when we close
        h.send_response(200)
        h.end_headers()
        h.close_connection = True
        chunk = b"0" * 65536
        for _ in range(FIFTY_MB // len(chunk)):
            server.write(h, "/endless", chunk)

    server.routes["/endless"] = endless
    tracemalloc.start()
    try:
        with pytest.raises(FetchError, match="larger than the 20,971,520-byte limit"):
            fetch_feed(server.url("/endless"))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 30 * 1024 * 1024, f"peak {peak:,} bytes"
    time.sleep(0.2)  # let the server notice the hang-up
    assert server.sent["/endless"] < FIFTY_MB


def test_a_small_max_bytes_is_honoured(server):
    server.routes["/feed"] = lambda h, n: reply(h, 200, BODY)
    with pytest.raises(FetchError, match="limit"):
        fetch_feed(server.url("/feed"), max_bytes=10)


def test_an_etag_is_sent_as_if_none_match_and_a_304_means_not_modified(server):
    def conditional(h: BaseHTTPRequestHandler, n: int) -> None:
        if h.headers.get("If-None-Match") == '"v1"':
            h.send_response(304)
            h.send_header("ETag", '"v1"')
            h.end_headers()
        else:
            reply(h, 200, BODY, {"ETag": '"v1"'})

    server.routes["/feed"] = conditional
    first = fetch_feed(server.url("/feed"))
    assert first.etag == '"v1"' and first.body == BODY and not first.not_modified
    assert "If-None-Match" not in server.seen_headers[0]

    second = fetch_feed(server.url("/feed"), etag=first.etag)
    assert second == FetchResult(
        body=None,
        sha256=None,
        etag='"v1"',
        not_modified=True,
        status=304,
        hops=(server.url("/feed"),),
    )
    assert server.seen_headers[1]["If-None-Match"] == '"v1"'


def test_an_invalid_url_is_a_fetch_error():
    with pytest.raises(FetchError):
        fetch_feed("ftp://example.invalid/feed.json")
    with pytest.raises(FetchError):
        fetch_feed("http://")


# --- where the fetcher may be sent ----------------------------------------------------


def redirect_to(location: str):
    return lambda h, n: reply(h, 302, b"", {"Location": location})


def test_a_redirect_to_another_port_of_this_machine_is_not_followed(server):
    """The attack: the feed's server sends the sync to another service on the same machine
    (the site's own API, an admin port), over plain HTTP."""
    server.routes["/feed"] = redirect_to("http://127.0.0.1:8000/api/v1/models")

    with pytest.raises(FetchError, match=r"not following the redirect.*not https"):
        fetch_feed(server.url("/feed"))


def test_a_redirect_to_a_host_the_source_does_not_name_is_not_followed(server):
    server.routes["/feed"] = redirect_to("https://evil.example/prices.json")

    with pytest.raises(FetchError, match="leaves the source's hosts"):
        fetch_feed(server.url("/feed"), redirect_hosts=frozenset({"feeds.example"}))


def test_a_redirect_to_an_allowed_name_that_resolves_privately_is_not_followed(server):
    server.routes["/feed"] = redirect_to("https://feeds.example/prices.json")

    with pytest.raises(FetchError, match=r"non-public address \(10\.0\.0\.5\)"):
        fetch_feed(
            server.url("/feed"),
            redirect_hosts=frozenset({"feeds.example"}),
            resolve=lambda host, port: ["10.0.0.5"],
        )


def test_an_allowed_https_redirect_is_followed_and_every_hop_recorded():
    import httpx

    def answer(request: httpx.Request) -> httpx.Response:
        if request.url.host == "origin.example":
            return httpx.Response(301, headers={"Location": "https://cdn.example/v2/map.json"})
        return httpx.Response(200, stream=httpx.ByteStream(BODY))

    result = fetch_feed(
        "https://origin.example/map.json",
        redirect_hosts=frozenset({"cdn.example"}),
        resolve=lambda host, port: ["93.184.216.34"],
        transport=httpx.MockTransport(answer),
    )

    assert result.body == BODY
    assert result.hops == ("https://origin.example/map.json", "https://cdn.example/v2/map.json")


def test_a_gzip_bomb_stops_at_the_cap_without_filling_memory(server):
    """The attack: 100 MB of zeros compressed to about 100 KB; the limit counts what it
    decompresses to, and never more than about one cap is held."""
    import gzip

    bomb = gzip.compress(bytes(100 * 1024 * 1024), 9)
    server.routes["/feed"] = lambda h, n: reply(h, 200, bomb, {"Content-Encoding": "gzip"})

    tracemalloc.start()
    try:
        with pytest.raises(FetchError, match="larger than the 1,048,576-byte limit"):
            fetch_feed(server.url("/feed"), max_bytes=1024 * 1024)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert len(bomb) < 1024 * 1024
    assert peak < 8 * 1024 * 1024


def test_a_gzip_feed_within_the_cap_decodes_to_the_same_body(server):
    import gzip

    server.routes["/feed"] = lambda h, n: reply(
        h, 200, gzip.compress(BODY), {"Content-Encoding": "gzip"}
    )

    result = fetch_feed(server.url("/feed"))

    assert result.body == BODY and result.sha256 == hashlib.sha256(BODY).hexdigest()
