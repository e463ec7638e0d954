"""Download a price feed safely (httpx, synchronous, Django-free).

``fetch_feed`` guarantees, for one call:

* an **overall deadline** (``deadline_s``) covering connect, headers, body and
  the retry: a watchdog shuts the socket down when it passes, so a server that
  drips one byte a second (or stalls mid-body) is cut off on time;
* a **size cap** (``max_bytes``): a ``Content-Length`` above it is refused before
  the body is read, and the (decoded) body is counted while streaming, so a
  large or endless body is never held in memory;
* **one retry** on HTTP 5xx or a connection-level error (refused, reset, timed
  out, dropped), never on 4xx;
* **conditional GET**: ``If-None-Match`` is sent when ``etag`` is given, and a
  ``304`` yields ``FetchResult(not_modified=True, body=None)``.

All its time (the deadline, the watchdog, the pause before the retry) comes from
one ``Clock``, so tests can pass a fake one instead of waiting.

Every failure raises ``FetchError`` (a ``FeedRefused``) with a readable reason.
"""

from __future__ import annotations

import hashlib
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

import httpx

from pricing.sources.base import FeedRefused

__all__ = ["DEFAULT_MAX_BYTES", "SYSTEM_CLOCK", "Clock", "FetchError", "FetchResult", "fetch_feed"]

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
USER_AGENT = "tokonomix-pricing/1.0 (+weekly price sync)"


class FetchError(FeedRefused):
    """The feed could not be downloaded; ``reason`` says why."""

    def __init__(self, reason: str, *, url: str | None = None, status: int | None = None) -> None:
        super().__init__(reason)
        self.url = url
        self.status = status


@dataclass(frozen=True, slots=True)
class FetchResult:
    body: bytes | None
    """The (decoded) body; ``None`` when not modified."""
    sha256: str | None
    """Hex SHA-256 of ``body``; ``None`` when not modified."""
    etag: str | None
    """The server's ETag (on 304, the server's or else the one we sent)."""
    not_modified: bool
    status: int


class Clock(Protocol):
    """Where ``fetch_feed`` reads the time, pauses and sets its watchdog."""

    def monotonic(self) -> float: ...

    def sleep(self, seconds: float) -> None: ...

    def call_later(self, seconds: float, callback: Callable[[], None]) -> Callable[[], None]:
        """Call ``callback`` from another thread after ``seconds``; return a cancel function."""
        ...


class _SystemClock:
    """Real time: ``time.monotonic``, ``time.sleep`` and a daemon ``threading.Timer``."""

    def monotonic(self) -> float:
        return time.monotonic()

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)

    def call_later(self, seconds: float, callback: Callable[[], None]) -> Callable[[], None]:
        timer = threading.Timer(max(seconds, 0.0), callback)
        timer.daemon = True
        timer.start()
        return timer.cancel


SYSTEM_CLOCK: Clock = _SystemClock()


class _Retryable(Exception):
    def __init__(self, reason: str, status: int | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.status = status


class _Watchdog:
    """Shuts the connection's socket down when the deadline passes.

    httpx only offers per-operation timeouts; this turns them into one overall
    deadline.  The socket is captured through httpcore's ``trace`` extension as
    soon as the TCP connection exists, so slow headers are covered too.
    """

    def __init__(self) -> None:
        self.fired = False
        self._stream: Any = None
        self._cancel: Callable[[], None] | None = None
        self._lock = threading.Lock()

    def trace(self, event_name: str, info: dict[str, Any]) -> None:
        if event_name.endswith(("connect_tcp.complete", "start_tls.complete")):
            with self._lock:
                self._stream = info.get("return_value")
                if self.fired:
                    self._shutdown()

    def start(self, seconds: float, clock: Clock) -> None:
        self._cancel = clock.call_later(seconds, self._fire)

    def cancel(self) -> None:
        if self._cancel is not None:
            self._cancel()

    def _fire(self) -> None:
        with self._lock:
            self.fired = True
            self._shutdown()

    def _shutdown(self) -> None:
        stream = self._stream
        if stream is None:
            return
        try:
            sock = stream.get_extra_info("socket")
            if sock is not None:
                sock.shutdown(socket.SHUT_RDWR)
        except Exception:  # noqa: S110 - already closed: nothing left to cut
            pass


def fetch_feed(
    url: str,
    *,
    etag: str | None = None,
    connect_timeout: float = 5.0,
    deadline_s: float = 60.0,
    max_bytes: int = DEFAULT_MAX_BYTES,
    retry_delay_s: float = 1.0,
    transport: httpx.BaseTransport | None = None,
    clock: Clock = SYSTEM_CLOCK,
) -> FetchResult:
    """GET ``url`` within ``deadline_s`` seconds and at most ``max_bytes`` bytes.

    ``retry_delay_s`` is the pause before the single retry (capped by the time
    left); ``transport`` lets tests inject an ``httpx.MockTransport``, ``clock`` a
    fake clock (its seconds are also the socket timeouts).
    Raises ``FetchError`` on any failure.
    """
    deadline = clock.monotonic() + deadline_s
    last: _Retryable | None = None
    for attempt in (1, 2):
        remaining = deadline - clock.monotonic()
        if remaining <= 0:
            reason = f"deadline of {deadline_s:g} s passed before the feed was fetched"
            if last is not None:
                reason += f"; last error: {last.reason}"
            raise FetchError(reason, url=url, status=last.status if last else None)
        try:
            return _attempt(
                url,
                etag=etag,
                connect_timeout=connect_timeout,
                deadline=deadline,
                deadline_s=deadline_s,
                max_bytes=max_bytes,
                transport=transport,
                clock=clock,
            )
        except _Retryable as exc:
            last = exc
            if attempt == 2:
                raise FetchError(
                    f"{exc.reason} (failed twice, giving up)", url=url, status=exc.status
                ) from exc
            pause = min(retry_delay_s, max(deadline - clock.monotonic(), 0.0))
            if pause > 0:
                clock.sleep(pause)
    raise AssertionError("unreachable")  # pragma: no cover


def _attempt(
    url: str,
    *,
    etag: str | None,
    connect_timeout: float,
    deadline: float,
    deadline_s: float,
    max_bytes: int,
    transport: httpx.BaseTransport | None,
    clock: Clock,
) -> FetchResult:
    remaining = max(deadline - clock.monotonic(), 0.001)
    timeout = httpx.Timeout(
        connect=min(connect_timeout, remaining), read=remaining, write=remaining, pool=remaining
    )
    headers = {"User-Agent": USER_AGENT, "Accept": "application/json"}
    if etag:
        headers["If-None-Match"] = etag

    watchdog = _Watchdog()
    watchdog.start(remaining, clock)
    deadline_msg = f"deadline of {deadline_s:g} s passed while downloading {url}"
    try:
        with (
            httpx.Client(
                timeout=timeout, follow_redirects=True, max_redirects=5, transport=transport
            ) as client,
            client.stream(
                "GET", url, headers=headers, extensions={"trace": watchdog.trace}
            ) as response,
        ):
            status = response.status_code
            if status == 304:
                return FetchResult(
                    body=None,
                    sha256=None,
                    etag=response.headers.get("etag") or etag,
                    not_modified=True,
                    status=status,
                )
            if status >= 500:
                raise _Retryable(f"server error HTTP {status} from {url}", status)
            if status != 200:
                raise FetchError(f"HTTP {status} from {url} (not retried)", url=url, status=status)
            length = response.headers.get("content-length")
            if length is not None and length.strip().isdigit() and int(length) > max_bytes:
                raise FetchError(
                    f"feed at {url} announces {int(length):,} bytes, more than the "
                    f"{max_bytes:,}-byte limit; not downloaded",
                    url=url,
                    status=status,
                )
            digest = hashlib.sha256()
            chunks: list[bytes] = []
            total = 0
            for chunk in response.iter_bytes():
                total += len(chunk)
                if total > max_bytes:
                    raise FetchError(
                        f"feed at {url} is larger than the {max_bytes:,}-byte limit; "
                        "download stopped",
                        url=url,
                        status=status,
                    )
                if clock.monotonic() > deadline:
                    raise FetchError(deadline_msg, url=url, status=status)
                digest.update(chunk)
                chunks.append(chunk)
            if watchdog.fired or clock.monotonic() > deadline:
                raise FetchError(deadline_msg, url=url, status=status)
            body = b"".join(chunks)
            return FetchResult(
                body=body,
                sha256=digest.hexdigest(),
                etag=response.headers.get("etag"),
                not_modified=False,
                status=status,
            )
    except FetchError:
        raise
    except httpx.TransportError as exc:
        if watchdog.fired or clock.monotonic() > deadline:
            raise FetchError(deadline_msg, url=url) from exc
        if isinstance(exc, httpx.UnsupportedProtocol | httpx.ProxyError):
            raise FetchError(f"cannot fetch {url}: {exc}", url=url) from exc
        raise _Retryable(f"connection error fetching {url}: {type(exc).__name__}: {exc}") from exc
    except httpx.InvalidURL as exc:
        raise FetchError(f"invalid feed URL {url!r}: {exc}", url=url) from exc
    except httpx.HTTPError as exc:  # e.g. too many redirects, decoding errors
        if watchdog.fired:
            raise FetchError(deadline_msg, url=url) from exc
        raise FetchError(f"cannot fetch {url}: {type(exc).__name__}: {exc}", url=url) from exc
    finally:
        watchdog.cancel()
