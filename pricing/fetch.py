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
  ``304`` yields ``FetchResult(not_modified=True, body=None)``;
* **redirects that stay where they were sent**: at most five, each only to an
  ``https`` URL on ``redirect_hosts`` (the source's own hosts) whose addresses are all
  public (never loopback, private, link-local or reserved), unless
  ``allow_any_redirect`` (tests); every URL visited is in ``FetchResult.hops``;
* **decompressed bytes count against the cap**: gzip and deflate bodies are
  decoded here, a bounded piece at a time, so a small compression bomb stops at
  ``max_bytes`` instead of filling memory.

All its time (the deadline, the watchdog, the pause before the retry) comes from
one ``Clock``, so tests can pass a fake one instead of waiting.

Every failure raises ``FetchError`` (a ``FeedRefused``) with a readable reason.
"""

from __future__ import annotations

import hashlib
import ipaddress
import socket
import threading
import time
import zlib
from collections.abc import Callable, Iterator
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
        self.hops: tuple[str, ...] = ()  # the URLs requested before it failed


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
    hops: tuple[str, ...] = ()
    """Every URL requested, the first one first (more than one after redirects)."""


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


def _addresses(host: str, port: int) -> list[str]:
    return [str(info[4][0]) for info in socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)]


Resolver = Callable[[str, int], list[str]]


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
    redirect_hosts: frozenset[str] = frozenset(),
    allow_any_redirect: bool = False,
    resolve: Resolver = _addresses,
    transport: httpx.BaseTransport | None = None,
    clock: Clock = SYSTEM_CLOCK,
) -> FetchResult:
    """GET ``url`` within ``deadline_s`` seconds and at most ``max_bytes`` bytes.

    ``retry_delay_s`` is the pause before the single retry (capped by the time
    left); ``redirect_hosts`` the hosts a redirect may lead to besides ``url``'s own;
    ``transport`` lets tests inject an ``httpx.MockTransport``, ``resolve`` a fake DNS,
    ``clock`` a fake clock (its seconds are also the socket timeouts).
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
                redirect_policy=_RedirectPolicy(
                    hosts=redirect_hosts | {httpx.URL(url).host},
                    allow_any=allow_any_redirect,
                    resolve=resolve,
                ),
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


REDIRECTS = {301, 302, 303, 307, 308}
MAX_REDIRECTS = 5
# How much compressed input is decoded at a time: a bomb's output is checked against the
# cap after each piece, and zlib's max_length bounds what one piece can produce.
DECODE_PIECE = 64 * 1024


@dataclass(frozen=True)
class _RedirectPolicy:
    hosts: frozenset[str] | set[str]
    allow_any: bool
    resolve: Resolver = _addresses

    def refusal(self, target: httpx.URL) -> str:
        """Why a redirect to `target` is not followed ('' when it may be)."""
        if self.allow_any:
            return ""
        if target.scheme != "https":
            return f"a redirect to {target} is not https"
        if target.host not in self.hosts:
            allowed = ", ".join(sorted(self.hosts))
            return f"a redirect to {target.host} leaves the source's hosts ({allowed})"
        try:
            addresses = self.resolve(target.host, target.port or 443)
        except OSError as error:
            return f"the redirect's host {target.host} does not resolve ({error})"
        for text in addresses:
            address = ipaddress.ip_address(text)
            if not address.is_global:
                return f"a redirect to {target.host} reaches a non-public address ({address})"
        return ""


class _Decoder:
    """Content-Encoding undone here, a bounded piece at a time (see the module docstring)."""

    def __init__(self, encoding: str, url: str) -> None:
        encoding = encoding.strip().lower()
        if encoding in {"", "identity"}:
            self._zlib = None
        elif encoding in {"gzip", "x-gzip"}:
            self._zlib = zlib.decompressobj(16 + zlib.MAX_WBITS)
        elif encoding == "deflate":
            self._zlib = zlib.decompressobj()
        else:
            raise FetchError(f"feed at {url} uses an unsupported encoding {encoding!r}", url=url)

    def pieces(self, data: bytes, room: int) -> Iterator[bytes]:
        """`data` decoded, never more than `room + 1` bytes at once (the caller stops
        as soon as the total passes its cap)."""
        if self._zlib is None:
            yield data
            return
        pending = data
        while pending:
            piece = self._zlib.decompress(pending, room + 1)
            pending = self._zlib.unconsumed_tail
            yield piece
            if not piece and pending:  # no progress: corrupt input
                raise zlib.error("the compressed stream does not decode")

    def tail(self) -> bytes:
        return self._zlib.flush() if self._zlib is not None else b""


def _attempt(
    url: str,
    *,
    etag: str | None,
    connect_timeout: float,
    deadline: float,
    deadline_s: float,
    max_bytes: int,
    redirect_policy: _RedirectPolicy,
    transport: httpx.BaseTransport | None,
    clock: Clock,
) -> FetchResult:
    remaining = max(deadline - clock.monotonic(), 0.001)
    timeout = httpx.Timeout(
        connect=min(connect_timeout, remaining), read=remaining, write=remaining, pool=remaining
    )
    headers = {
        "User-Agent": USER_AGENT,
        "Accept": "application/json",
        "Accept-Encoding": "gzip, deflate",
    }
    if etag:
        headers["If-None-Match"] = etag

    watchdog = _Watchdog()
    watchdog.start(remaining, clock)
    deadline_msg = f"deadline of {deadline_s:g} s passed while downloading {url}"
    hops = [url]
    try:
        with httpx.Client(timeout=timeout, follow_redirects=False, transport=transport) as client:
            while True:
                with client.stream(
                    "GET", hops[-1], headers=headers, extensions={"trace": watchdog.trace}
                ) as response:
                    if response.status_code in REDIRECTS and "location" in response.headers:
                        target = response.url.join(response.headers["location"])
                        refusal = redirect_policy.refusal(target)
                        if refusal:
                            raise FetchError(
                                f"not following the redirect from {hops[-1]}: {refusal}",
                                url=url,
                                status=response.status_code,
                            )
                        if len(hops) > MAX_REDIRECTS:
                            raise FetchError(f"more than {MAX_REDIRECTS} redirects from {url}")
                        hops.append(str(target))
                        continue
                    return _read(
                        response,
                        url=hops[-1],
                        etag=etag,
                        max_bytes=max_bytes,
                        deadline=deadline,
                        deadline_msg=deadline_msg,
                        watchdog=watchdog,
                        clock=clock,
                        hops=tuple(hops),
                    )
    except FetchError as error:
        error.hops = tuple(hops)
        raise
    except httpx.TransportError as exc:
        if watchdog.fired or clock.monotonic() > deadline:
            raise FetchError(deadline_msg, url=url) from exc
        if isinstance(exc, httpx.UnsupportedProtocol | httpx.ProxyError):
            raise FetchError(f"cannot fetch {url}: {exc}", url=url) from exc
        raise _Retryable(f"connection error fetching {url}: {type(exc).__name__}: {exc}") from exc
    except httpx.InvalidURL as exc:
        raise FetchError(f"invalid feed URL {url!r}: {exc}", url=url) from exc
    except (httpx.HTTPError, zlib.error) as exc:  # decoding errors and the like
        if watchdog.fired:
            raise FetchError(deadline_msg, url=url) from exc
        raise FetchError(f"cannot fetch {url}: {type(exc).__name__}: {exc}", url=url) from exc
    finally:
        watchdog.cancel()


def _read(
    response: httpx.Response,
    *,
    url: str,
    etag: str | None,
    max_bytes: int,
    deadline: float,
    deadline_msg: str,
    watchdog: _Watchdog,
    clock: Clock,
    hops: tuple[str, ...],
) -> FetchResult:
    status = response.status_code
    if status == 304:
        return FetchResult(
            body=None,
            sha256=None,
            etag=response.headers.get("etag") or etag,
            not_modified=True,
            status=status,
            hops=hops,
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
    too_large = FetchError(
        f"feed at {url} is larger than the {max_bytes:,}-byte limit; download stopped",
        url=url,
        status=status,
    )
    decoder = _Decoder(response.headers.get("content-encoding", ""), url)
    digest = hashlib.sha256()
    chunks: list[bytes] = []
    total = 0
    for raw in response.iter_raw(DECODE_PIECE):
        for piece in decoder.pieces(raw, max_bytes - total):
            total += len(piece)
            if total > max_bytes:
                raise too_large
            digest.update(piece)
            chunks.append(piece)
        if clock.monotonic() > deadline:
            raise FetchError(deadline_msg, url=url, status=status)
    last = decoder.tail()
    total += len(last)
    if total > max_bytes:
        raise too_large
    digest.update(last)
    chunks.append(last)
    if watchdog.fired or clock.monotonic() > deadline:
        raise FetchError(deadline_msg, url=url, status=status)
    return FetchResult(
        body=b"".join(chunks),
        sha256=digest.hexdigest(),
        etag=response.headers.get("etag"),
        not_modified=False,
        status=status,
        hops=hops,
    )
