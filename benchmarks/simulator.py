"""An OpenAI-compatible chat server whose timing and failures are set per model.

It exists to check the measuring code against known truth: with a real model nobody
knows what the true time to first token was, here it is whatever was configured.
Written on raw asyncio streams so that it adds no dependency and so that nothing
between the timer and the socket buffers or delays the tokens.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import json
import logging
import math
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import asdict, dataclass, fields, replace
from http import HTTPStatus
from typing import Any, Literal, Self, get_args

__all__ = [
    "FAULTS",
    "Fault",
    "SimulatedModel",
    "SimulatorServer",
    "serve_forever",
]

logger = logging.getLogger(__name__)

Fault = Literal[
    "rate_limit",
    "server_error",
    "error_in_stream",
    "drop_connection",
    "missing_usage",
    "stall",
    "malformed_json",
]
FAULTS: frozenset[str] = frozenset(get_args(Fault))

# Long enough that any sane client timeout fires first; the task is cancelled on stop.
_STALL_S = 3600.0
_MAX_BODY_BYTES = 8 * 1024 * 1024
_SPIN_S = 0.0015
_WORDS = ("lorem", "ipsum", "dolor", "sit", "amet", "consectetur", "adipiscing", "elit")


@dataclass(frozen=True, slots=True)
class SimulatedModel:
    """How one simulated model behaves.

    ``stall_after_tokens`` is used by the ``stall`` fault; ``fault_after_tokens`` by the
    faults that break a stream part-way (``error_in_stream``, ``drop_connection``,
    ``malformed_json``). Both count answer and reasoning tokens alike.
    """

    ttft_ms: float = 200.0
    inter_token_ms: float = 10.0
    tokens: int = 100
    reasoning_tokens: int = 0
    fault: Fault | None = None
    retry_after_s: float = 1.0
    stall_after_tokens: int = 3
    fault_after_tokens: int = 5

    def __post_init__(self) -> None:
        # Settings arrive as JSON over the control endpoint, so check them here once
        # instead of failing later inside a stream.
        for name in ("ttft_ms", "inter_token_ms", "retry_after_s"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise ValueError(f"{name} must be a number")
            if not math.isfinite(value) or value < 0:
                raise ValueError(f"{name} must be a finite number >= 0")
        for name in ("tokens", "reasoning_tokens", "stall_after_tokens", "fault_after_tokens"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise ValueError(f"{name} must be an integer >= 0")
        if self.fault is not None and self.fault not in FAULTS:
            raise ValueError(f"fault must be one of {sorted(FAULTS)} or null")

    @classmethod
    def from_dict(
        cls, data: Mapping[str, Any], base: SimulatedModel | None = None
    ) -> SimulatedModel:
        """Settings from JSON, merged over ``base`` (or the defaults)."""
        known = {f.name for f in fields(cls)}
        unknown = set(data) - known
        if unknown:
            raise ValueError(f"unknown settings: {', '.join(sorted(unknown))}")
        return replace(base or cls(), **dict(data))

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


class _BadRequest(Exception):
    pass


@dataclass(slots=True)
class _Request:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes
    keep_alive: bool
    reader: asyncio.StreamReader


@dataclass(frozen=True, slots=True)
class _Plan:
    reasoning: int
    content: int
    finish_reason: str

    @property
    def total(self) -> int:
        return self.reasoning + self.content


async def _read_request(reader: asyncio.StreamReader) -> _Request | None:
    try:
        head = await reader.readuntil(b"\r\n\r\n")
    except asyncio.IncompleteReadError as exc:
        if exc.partial.strip():
            raise _BadRequest("incomplete request head") from exc
        return None  # the client closed an idle keep-alive connection
    except asyncio.LimitOverrunError as exc:
        raise _BadRequest("request head too large") from exc

    lines = head.decode("latin-1").split("\r\n")
    try:
        method, target, version = lines[0].split(" ", 2)
    except ValueError as exc:
        raise _BadRequest("malformed request line") from exc
    headers: dict[str, str] = {}
    for line in lines[1:]:
        if line:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()

    if "chunked" in headers.get("transfer-encoding", "").lower():
        body = await _read_chunked_body(reader)
    else:
        try:
            length = int(headers.get("content-length", "0") or "0")
        except ValueError as exc:
            raise _BadRequest("bad content-length") from exc
        if not 0 <= length <= _MAX_BODY_BYTES:
            raise _BadRequest("bad content-length")
        body = await reader.readexactly(length)

    connection = headers.get("connection", "").lower()
    if version.strip().upper() == "HTTP/1.0":
        keep_alive = "keep-alive" in connection
    else:
        keep_alive = "close" not in connection
    return _Request(method.upper(), target.split("?", 1)[0], headers, body, keep_alive, reader)


async def _read_chunked_body(reader: asyncio.StreamReader) -> bytes:
    body = bytearray()
    while True:
        size_line = await reader.readuntil(b"\r\n")
        try:
            size = int(size_line.split(b";", 1)[0].strip(), 16)
        except ValueError as exc:
            raise _BadRequest("bad chunk size") from exc
        if size == 0:
            # Skip trailers up to the blank line that ends the body.
            while (await reader.readuntil(b"\r\n")) != b"\r\n":
                pass
            return bytes(body)
        if len(body) + size > _MAX_BODY_BYTES:
            raise _BadRequest("body too large")
        body += await reader.readexactly(size)
        await reader.readexactly(2)


def _head(status: int, headers: Iterable[tuple[str, str]]) -> bytes:
    lines = [f"HTTP/1.1 {status} {HTTPStatus(status).phrase}"]
    lines += [f"{name}: {value}" for name, value in headers]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


def _http_chunk(data: bytes) -> bytes:
    return b"%x\r\n%s\r\n" % (len(data), data)


def _sse(payload: Mapping[str, Any] | str) -> bytes:
    text = payload if isinstance(payload, str) else json.dumps(payload, separators=(",", ":"))
    return _http_chunk(f"data: {text}\n\n".encode())


def _error_body(message: str, type_: str, code: str | None = None) -> dict[str, Any]:
    return {"error": {"message": message, "type": type_, "param": None, "code": code}}


async def _sleep_until(loop: asyncio.AbstractEventLoop, due: float) -> None:
    # Absolute times keep per-token lateness from adding up over a long stream.
    # The event loop wakes up to ~1 ms late (epoll rounds its timeout up to whole
    # milliseconds), which would show up as client error; so sleep to just short of
    # the due time and spin the rest, at the cost of <= _SPIN_S of CPU per token.
    delay = due - loop.time() - _SPIN_S
    if delay > 0:
        await asyncio.sleep(delay)
    while loop.time() < due:
        pass


async def _stall(reader: asyncio.StreamReader) -> None:
    # Ends early when the client gives up and closes, so that stalled streams do not
    # pile up in a long-running simulator; the client sends nothing else meanwhile.
    with contextlib.suppress(TimeoutError, ConnectionError):
        await asyncio.wait_for(reader.read(1), _STALL_S)


def _prompt_tokens(messages: object) -> int:
    # About four characters per token is close enough for a simulator.
    chars = 0
    if isinstance(messages, list):
        for message in messages:
            if isinstance(message, Mapping):
                content = message.get("content")
                chars += len(content) if isinstance(content, str) else len(str(content or ""))
    return max(1, chars // 4)


def _word(index: int) -> str:
    return " " + _WORDS[index % len(_WORDS)]


class _Simulator:
    """Protocol and behaviour, independent of which thread or loop serves it."""

    def __init__(
        self,
        models: Mapping[str, SimulatedModel] | None,
        api_key: str | None,
        default_model: SimulatedModel | None,
    ) -> None:
        self._lock = threading.Lock()  # settings and counters are read from other threads
        self._models: dict[str, SimulatedModel] = dict(models or {})
        self._default = default_model or SimulatedModel()
        self._api_key = api_key
        self._counts: Counter[str] = Counter()
        self._connections = 0
        self._tasks: set[asyncio.Task[Any]] = set()

    # -- settings and counters, safe from any thread --------------------------------

    def model_for(self, name: str) -> SimulatedModel:
        with self._lock:
            return self._models.get(name, self._default)

    def set_model(self, name: str, model: SimulatedModel | None) -> None:
        with self._lock:
            if model is None:
                self._models.pop(name, None)
            else:
                self._models[name] = model

    def models(self) -> dict[str, SimulatedModel]:
        with self._lock:
            return dict(self._models)

    def request_counts(self) -> dict[str, int]:
        with self._lock:
            return dict(self._counts)

    def reset_counts(self) -> None:
        with self._lock:
            self._counts.clear()

    def connections_accepted(self) -> int:
        with self._lock:
            return self._connections

    # -- connection handling --------------------------------------------------------

    async def handle_connection(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        task = asyncio.current_task()
        if task is not None:
            self._tasks.add(task)
        with self._lock:
            self._connections += 1
        try:
            while True:
                try:
                    request = await _read_request(reader)
                except _BadRequest as exc:
                    await self._send_json(
                        writer, 400, _error_body(str(exc), "invalid_request_error"), False
                    )
                    break
                if request is None:
                    break
                if not await self._dispatch(request, writer):
                    break
        except (ConnectionError, asyncio.IncompleteReadError):
            pass  # the client went away; nothing to answer
        except asyncio.CancelledError:
            pass  # server shutdown
        except Exception:
            logger.exception("simulator: unexpected error while serving a connection")
        finally:
            if task is not None:
                self._tasks.discard(task)
            if not writer.transport.is_closing():
                writer.transport.abort()

    async def shutdown(self) -> None:
        tasks = list(self._tasks)
        for task in tasks:
            task.cancel()
        if tasks:
            await asyncio.gather(*tasks, return_exceptions=True)

    async def _send_json(
        self,
        writer: asyncio.StreamWriter,
        status: int,
        payload: Mapping[str, Any],
        keep_alive: bool,
        extra_headers: Iterable[tuple[str, str]] = (),
    ) -> bool:
        body = json.dumps(payload, separators=(",", ":")).encode()
        headers = [
            ("Content-Type", "application/json"),
            ("Content-Length", str(len(body))),
            ("Connection", "keep-alive" if keep_alive else "close"),
            ("x-request-id", f"req_{uuid.uuid4().hex[:16]}"),
            *extra_headers,
        ]
        writer.write(_head(status, headers) + body)
        await writer.drain()
        return keep_alive

    async def _dispatch(self, request: _Request, writer: asyncio.StreamWriter) -> bool:
        path = request.path.rstrip("/")
        if path.startswith("/v1/"):
            path = path[3:]
        routes: dict[str, dict[str, Callable[[_Request, asyncio.StreamWriter], Any]]] = {
            "/chat/completions": {"POST": self._chat},
            "/models": {"GET": self._list_models},
            "/_control/models": {"GET": self._get_control, "POST": self._post_control},
            "/_control/requests": {"GET": self._get_counts},
        }
        handlers = routes.get(path)
        if handlers is None:
            body = _error_body(f"Unknown path {request.path}", "invalid_request_error")
            return await self._send_json(writer, 404, body, request.keep_alive)
        handler = handlers.get(request.method)
        if handler is None:
            body = _error_body(f"{request.method} not allowed", "invalid_request_error")
            return await self._send_json(writer, 405, body, request.keep_alive)
        # Chat requests check the key themselves, after counting the request.
        if handler != self._chat and not await self._authorised(request, writer):
            return request.keep_alive
        result: bool = await handler(request, writer)
        return result

    async def _authorised(self, request: _Request, writer: asyncio.StreamWriter) -> bool:
        if self._api_key is None:
            return True
        header = request.headers.get("authorization", "")
        scheme, _, presented = header.partition(" ")
        presented = presented.strip()
        if scheme.lower() == "bearer" and hmac.compare_digest(
            presented.encode(), self._api_key.encode()
        ):
            return True
        if presented:
            # Echoes the presented key, as some real providers do, so that tests can
            # prove the client scrubs it from what it stores.
            message = f"Incorrect API key provided: {presented}."
        else:
            message = "You didn't provide an API key."
        body = _error_body(message, "invalid_request_error", "invalid_api_key")
        await self._send_json(writer, 401, body, request.keep_alive)
        return False

    async def _list_models(self, request: _Request, writer: asyncio.StreamWriter) -> bool:
        data = [
            {"id": name, "object": "model", "created": 0, "owned_by": "tokonomix-simulator"}
            for name in sorted(self.models())
        ]
        return await self._send_json(
            writer, 200, {"object": "list", "data": data}, request.keep_alive
        )

    async def _get_control(self, request: _Request, writer: asyncio.StreamWriter) -> bool:
        payload = {name: model.to_dict() for name, model in self.models().items()}
        return await self._send_json(writer, 200, payload, request.keep_alive)

    async def _get_counts(self, request: _Request, writer: asyncio.StreamWriter) -> bool:
        return await self._send_json(writer, 200, self.request_counts(), request.keep_alive)

    async def _post_control(self, request: _Request, writer: asyncio.StreamWriter) -> bool:
        try:
            payload = json.loads(request.body or b"{}")
            if not isinstance(payload, dict):
                raise ValueError("expected a JSON object of model name -> settings")
            # Validate everything before applying anything, so a bad entry changes nothing.
            updates: dict[str, SimulatedModel | None] = {}
            current = self.models()
            for name, settings in payload.items():
                if settings is None:
                    updates[name] = None
                elif isinstance(settings, dict):
                    updates[name] = SimulatedModel.from_dict(settings, current.get(name))
                else:
                    raise ValueError(f"settings for {name!r} must be an object or null")
        except (ValueError, TypeError) as exc:
            body = _error_body(str(exc), "invalid_request_error")
            return await self._send_json(writer, 400, body, request.keep_alive)
        for name, model in updates.items():
            self.set_model(name, model)
        return await self._get_control(request, writer)

    async def _chat(self, request: _Request, writer: asyncio.StreamWriter) -> bool:
        # The clock starts once the whole request is in: that is the earliest moment a
        # real server could start work, and what the configured TTFT is relative to.
        t_request = asyncio.get_running_loop().time()
        try:
            payload = json.loads(request.body)
        except ValueError:
            payload = None
        name = payload.get("model") if isinstance(payload, dict) else None
        if isinstance(name, str) and name:
            with self._lock:
                self._counts[name] += 1
        if not await self._authorised(request, writer):
            return request.keep_alive
        try:
            if not isinstance(payload, dict):
                raise ValueError("body must be a JSON object")
            if not isinstance(name, str) or not name:
                raise ValueError("'model' is required")
            if not isinstance(payload.get("messages"), list):
                raise ValueError("'messages' must be a list")
            cap = payload.get("max_completion_tokens")
            if cap is None:
                cap = payload.get("max_tokens")
            if cap is not None and (isinstance(cap, bool) or not isinstance(cap, int) or cap < 1):
                raise ValueError("max_tokens must be a positive integer")
            stream_options = payload.get("stream_options") or {}
            if not isinstance(stream_options, dict):
                raise ValueError("'stream_options' must be an object")
        except ValueError as exc:  # json.JSONDecodeError is a ValueError
            body = _error_body(str(exc), "invalid_request_error")
            return await self._send_json(writer, 400, body, request.keep_alive)

        model = self.model_for(name)

        if model.fault == "rate_limit":
            retry_s = model.retry_after_s
            headers = [
                ("Retry-After", str(math.ceil(retry_s))),
                ("retry-after-ms", str(round(retry_s * 1000))),
            ]
            body = _error_body(
                f"Rate limit reached for {name}. Please try again in {retry_s:g}s.",
                "requests",
                "rate_limit_exceeded",
            )
            return await self._send_json(writer, 429, body, request.keep_alive, headers)
        if model.fault == "server_error":
            body = _error_body("The server had an error processing your request.", "server_error")
            return await self._send_json(writer, 500, body, request.keep_alive)

        # Like OpenAI's max_completion_tokens, the cap counts reasoning tokens too.
        reasoning = model.reasoning_tokens if cap is None else min(model.reasoning_tokens, cap)
        content = model.tokens if cap is None else min(model.tokens, cap - reasoning)
        capped = reasoning + content < model.reasoning_tokens + model.tokens
        plan = _Plan(reasoning, content, "length" if capped else "stop")
        prompt_tokens = _prompt_tokens(payload.get("messages"))

        if payload.get("stream"):
            include_usage = bool(stream_options.get("include_usage"))
            return await self._stream(
                writer, request, name, model, plan, prompt_tokens, include_usage, t_request
            )
        return await self._complete(writer, request, name, model, plan, prompt_tokens, t_request)

    @staticmethod
    def _usage(plan: _Plan, prompt_tokens: int) -> dict[str, Any]:
        return {
            "prompt_tokens": prompt_tokens,
            "completion_tokens": plan.total,
            "total_tokens": prompt_tokens + plan.total,
            "prompt_tokens_details": {"cached_tokens": 0},
            "completion_tokens_details": {"reasoning_tokens": plan.reasoning},
        }

    async def _stream(
        self,
        writer: asyncio.StreamWriter,
        request: _Request,
        name: str,
        model: SimulatedModel,
        plan: _Plan,
        prompt_tokens: int,
        include_usage: bool,
        t_request: float,
    ) -> bool:
        loop = asyncio.get_running_loop()
        completion_id = f"chatcmpl-sim{uuid.uuid4().hex[:20]}"
        created = int(time.time())

        def chunk(delta: dict[str, Any], finish_reason: str | None = None) -> dict[str, Any]:
            body: dict[str, Any] = {
                "id": completion_id,
                "object": "chat.completion.chunk",
                "created": created,
                "model": name,
                "system_fingerprint": None,
                "choices": [
                    {"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish_reason}
                ],
            }
            if include_usage:
                body["usage"] = None
            return body

        headers = [
            ("Content-Type", "text/event-stream; charset=utf-8"),
            ("Cache-Control", "no-cache"),
            # Chunked framing lets the connection be reused after [DONE], and lets a
            # client tell a dropped connection from a finished body.
            ("Transfer-Encoding", "chunked"),
            ("Connection", "keep-alive" if request.keep_alive else "close"),
            ("x-request-id", f"req_{uuid.uuid4().hex[:16]}"),
        ]
        role = chunk({"role": "assistant", "content": "", "refusal": None})
        writer.write(_head(200, headers) + _sse(role))
        await writer.drain()

        first_due = t_request + model.ttft_ms / 1000
        inter_s = model.inter_token_ms / 1000
        break_at = min(model.fault_after_tokens, plan.total)
        stall_at = min(model.stall_after_tokens, plan.total)
        for index in range(plan.total + 1):
            if model.fault == "stall" and index == stall_at:
                await _stall(request.reader)
                return False
            if index == break_at:
                if model.fault == "drop_connection":
                    writer.transport.abort()
                    return False
                if model.fault == "error_in_stream":
                    error = _error_body(
                        "The server had an error while processing your request.", "server_error"
                    )
                    writer.write(_sse(error) + b"0\r\n\r\n")
                    await writer.drain()
                    return request.keep_alive
                if model.fault == "malformed_json":
                    writer.write(_sse('{"id": "truncated", "choices": [{"delta": {"content": "x'))
                    await writer.drain()
            if index == plan.total:
                break
            await _sleep_until(loop, first_due + index * inter_s)
            key = "reasoning_content" if index < plan.reasoning else "content"
            writer.write(_sse(chunk({key: _word(index)})))
            await writer.drain()

        tail = _sse(chunk({}, plan.finish_reason))
        if include_usage and model.fault != "missing_usage":
            usage_chunk = chunk({})
            usage_chunk["choices"] = []
            usage_chunk["usage"] = self._usage(plan, prompt_tokens)
            tail += _sse(usage_chunk)
        tail += _sse("[DONE]") + b"0\r\n\r\n"
        writer.write(tail)
        await writer.drain()
        return request.keep_alive

    async def _complete(
        self,
        writer: asyncio.StreamWriter,
        request: _Request,
        name: str,
        model: SimulatedModel,
        plan: _Plan,
        prompt_tokens: int,
        t_request: float,
    ) -> bool:
        loop = asyncio.get_running_loop()
        if model.fault == "stall":
            await _stall(request.reader)
            return False
        # A non-streaming answer arrives when the last token would have.
        last_index = max(plan.total - 1, 0)
        await _sleep_until(
            loop, t_request + (model.ttft_ms + last_index * model.inter_token_ms) / 1000
        )
        if model.fault == "drop_connection":
            writer.transport.abort()
            return False
        if model.fault in ("error_in_stream", "malformed_json"):
            body = _error_body("The server had an error processing your request.", "server_error")
            return await self._send_json(writer, 500, body, request.keep_alive)

        message: dict[str, Any] = {
            "role": "assistant",
            "content": "".join(_word(i) for i in range(plan.reasoning, plan.total)).strip(),
            "refusal": None,
        }
        if plan.reasoning:
            message["reasoning_content"] = "".join(_word(i) for i in range(plan.reasoning)).strip()
        payload: dict[str, Any] = {
            "id": f"chatcmpl-sim{uuid.uuid4().hex[:20]}",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": name,
            "system_fingerprint": None,
            "choices": [
                {
                    "index": 0,
                    "message": message,
                    "logprobs": None,
                    "finish_reason": plan.finish_reason,
                }
            ],
        }
        if model.fault != "missing_usage":
            payload["usage"] = self._usage(plan, prompt_tokens)
        return await self._send_json(writer, 200, payload, request.keep_alive)


class SimulatorServer:
    """The simulator on its own event loop in a daemon thread, for tests and scripts.

    Timing is only as good as that loop is free: keep the simulator out of the event
    loop whose timing is being measured.
    """

    def __init__(
        self,
        models: dict[str, SimulatedModel] | None = None,
        api_key: str | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        default_model: SimulatedModel | None = None,
    ) -> None:
        self._core = _Simulator(models, api_key, default_model)
        self._host = host
        self._requested_port = port
        self._port: int | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._ready = threading.Event()
        self._start_error: BaseException | None = None

    @property
    def port(self) -> int:
        if self._port is None:
            raise RuntimeError("the simulator is not running; call start() first")
        return self._port

    @property
    def base_url(self) -> str:
        host = f"[{self._host}]" if ":" in self._host else self._host
        return f"http://{host}:{self.port}/v1"

    def start(self) -> Self:
        if self._thread is not None:
            raise RuntimeError("the simulator is already started")
        self._ready.clear()
        self._thread = threading.Thread(target=self._run, name="llm-simulator", daemon=True)
        self._thread.start()
        self._ready.wait()
        if self._start_error is not None:
            self._thread.join()
            self._thread = None
            raise self._start_error
        return self

    def stop(self, timeout_s: float = 5.0) -> None:
        loop, thread = self._loop, self._thread
        if loop is None or thread is None:
            return
        with contextlib.suppress(RuntimeError):  # the loop may already be closed
            loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout_s)
        self._thread = None
        self._port = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def set_model(self, name: str, model: SimulatedModel | None) -> None:
        """Replace one model's settings (None removes it); safe while serving."""
        self._core.set_model(name, model)

    @property
    def models(self) -> dict[str, SimulatedModel]:
        return self._core.models()

    @property
    def request_counts(self) -> dict[str, int]:
        """Chat completion requests received per requested model name."""
        return self._core.request_counts()

    def requests_for(self, model_name: str) -> int:
        return self._core.request_counts().get(model_name, 0)

    def reset_counts(self) -> None:
        self._core.reset_counts()

    @property
    def connections_accepted(self) -> int:
        return self._core.connections_accepted()

    def _run(self) -> None:
        loop = asyncio.new_event_loop()
        self._loop = loop
        asyncio.set_event_loop(loop)
        try:
            server = loop.run_until_complete(
                asyncio.start_server(self._core.handle_connection, self._host, self._requested_port)
            )
        except BaseException as exc:  # handed to the thread that called start()
            self._start_error = exc
            self._ready.set()
            loop.close()
            return
        self._port = server.sockets[0].getsockname()[1]
        self._ready.set()
        try:
            loop.run_forever()
        finally:
            server.close()
            loop.run_until_complete(self._core.shutdown())
            loop.run_until_complete(server.wait_closed())
            loop.close()


def serve_forever(
    host: str = "127.0.0.1",
    port: int = 8000,
    models: dict[str, SimulatedModel] | None = None,
    api_key: str | None = None,
    *,
    default_model: SimulatedModel | None = None,
    on_ready: Callable[[int], None] | None = None,
) -> None:
    """Serve in the calling thread until interrupted (Ctrl-C returns normally).

    ``on_ready`` gets the bound port, which is how a caller learns it when port=0.
    """
    core = _Simulator(models, api_key, default_model)

    async def main() -> None:
        server = await asyncio.start_server(core.handle_connection, host, port)
        try:
            if on_ready is not None:
                on_ready(server.sockets[0].getsockname()[1])
            await asyncio.Event().wait()
        finally:
            server.close()
            await core.shutdown()
            await server.wait_closed()

    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(main())


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description="OpenAI-compatible LLM simulator")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--api-key", default=None)
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO)
    serve_forever(
        args.host,
        args.port,
        api_key=args.api_key,
        on_ready=lambda bound: print(f"simulator listening on http://{args.host}:{bound}/v1"),
    )
