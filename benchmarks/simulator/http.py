"""Just enough HTTP/1.1 for an OpenAI-compatible streaming server: reading a request
(with a Content-Length or chunked body) and writing heads, chunks and server-sent events.

Written on raw asyncio streams so that it adds no dependency and so that nothing between
the timer and the socket buffers or delays the tokens.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any

MAX_BODY_BYTES = 8 * 1024 * 1024


class BadRequest(Exception):
    pass


@dataclass(slots=True)
class Request:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes
    keep_alive: bool
    reader: asyncio.StreamReader


async def read_request(reader: asyncio.StreamReader) -> Request | None:
    try:
        head = await reader.readuntil(b"\r\n\r\n")
    except asyncio.IncompleteReadError as exc:
        if exc.partial.strip():
            raise BadRequest("incomplete request head") from exc
        return None  # the client closed an idle keep-alive connection
    except asyncio.LimitOverrunError as exc:
        raise BadRequest("request head too large") from exc

    lines = head.decode("latin-1").split("\r\n")
    try:
        method, target, version = lines[0].split(" ", 2)
    except ValueError as exc:
        raise BadRequest("malformed request line") from exc
    headers: dict[str, str] = {}
    for line in lines[1:]:
        if line:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()

    if "chunked" in headers.get("transfer-encoding", "").lower():
        body = await read_chunked_body(reader)
    else:
        try:
            length = int(headers.get("content-length", "0") or "0")
        except ValueError as exc:
            raise BadRequest("bad content-length") from exc
        if not 0 <= length <= MAX_BODY_BYTES:
            raise BadRequest("bad content-length")
        body = await reader.readexactly(length)

    connection = headers.get("connection", "").lower()
    if version.strip().upper() == "HTTP/1.0":
        keep_alive = "keep-alive" in connection
    else:
        keep_alive = "close" not in connection
    return Request(method.upper(), target.split("?", 1)[0], headers, body, keep_alive, reader)


async def read_chunked_body(reader: asyncio.StreamReader) -> bytes:
    body = bytearray()
    while True:
        size_line = await reader.readuntil(b"\r\n")
        try:
            size = int(size_line.split(b";", 1)[0].strip(), 16)
        except ValueError as exc:
            raise BadRequest("bad chunk size") from exc
        if size == 0:
            # Skip trailers up to the blank line that ends the body.
            while (await reader.readuntil(b"\r\n")) != b"\r\n":
                pass
            return bytes(body)
        if len(body) + size > MAX_BODY_BYTES:
            raise BadRequest("body too large")
        body += await reader.readexactly(size)
        await reader.readexactly(2)


def response_head(status: int, headers: Iterable[tuple[str, str]]) -> bytes:
    lines = [f"HTTP/1.1 {status} {HTTPStatus(status).phrase}"]
    lines += [f"{name}: {value}" for name, value in headers]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


def http_chunk(data: bytes) -> bytes:
    return b"%x\r\n%s\r\n" % (len(data), data)


def sse_event(payload: Mapping[str, Any] | str) -> bytes:
    text = payload if isinstance(payload, str) else json.dumps(payload, separators=(",", ":"))
    return http_chunk(f"data: {text}\n\n".encode())
