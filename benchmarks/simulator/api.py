"""The simulator's OpenAI-compatible API: /models, chat completions streamed or not, the
control endpoint that changes a model's behaviour, and the faults each model may show."""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import json
import logging
import math
import random
import threading
import time
import uuid
from collections import Counter, deque
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from .behaviour import AnswerPlan, SimulatedModel, answer_word, prompt_tokens_estimate
from .clock import LoopClock, SimulatorClock
from .http import BadRequest, Request, read_request, response_head, sse_event

logger = logging.getLogger(__name__)

# Long enough that any sane client timeout fires first; the task is cancelled on stop.
_STALL_S = 3600.0
_PROMPTS_KEPT = 1000
_PROMPT_CHARS_KEPT = 80


def _error_body(message: str, type_: str, code: str | None = None) -> dict[str, Any]:
    return {"error": {"message": message, "type": type_, "param": None, "code": code}}


async def _stall(reader: asyncio.StreamReader) -> None:
    # Ends early when the client gives up and closes, so that stalled streams do not
    # pile up in a long-running simulator; the client sends nothing else meanwhile.
    with contextlib.suppress(TimeoutError, ConnectionError):
        await asyncio.wait_for(reader.read(1), _STALL_S)


class SimulatorAPI:
    """Protocol and behaviour, independent of which thread or loop serves it."""

    def __init__(
        self,
        models: Mapping[str, SimulatedModel] | None,
        api_key: str | None,
        default_model: SimulatedModel | None,
        clock: SimulatorClock | None = None,
    ) -> None:
        self._lock = threading.Lock()  # settings and counters are read from other threads
        self._models: dict[str, SimulatedModel] = dict(models or {})
        self._default = default_model or SimulatedModel()
        self._api_key = api_key
        self._counts: Counter[str] = Counter()
        # One seeded series of TTFT draws per model name, in the order requests arrive.
        self._draws: dict[str, random.Random] = {}
        # The start of each recent prompt (its last message), for tests of what was sent.
        self._prompts: deque[tuple[str, str]] = deque(maxlen=_PROMPTS_KEPT)
        self._connections = 0
        self._tasks: set[asyncio.Task[Any]] = set()
        self._clock: SimulatorClock = clock or LoopClock()

    # -- settings and counters, safe from any thread --------------------------------

    def model_for(self, name: str) -> SimulatedModel:
        with self._lock:
            return self._models.get(name, self._default)

    def set_model(self, name: str, model: SimulatedModel | None) -> None:
        with self._lock:
            self._draws.pop(name, None)
            if model is None:
                self._models.pop(name, None)
            else:
                self._models[name] = model

    def _ttft_s(self, name: str, model: SimulatedModel) -> float:
        """This request's time to first token: the configured one, or a draw around it."""
        if not model.ttft_spread:
            return model.ttft_ms / 1000
        with self._lock:
            rng = self._draws.get(name)
            if rng is None:
                seed = model.seed if model.seed is not None else random.randrange(2**32)  # noqa: S311
                rng = self._draws[name] = random.Random(seed)  # noqa: S311 - timings, not secrets
            factor = rng.lognormvariate(0.0, model.ttft_spread)
        return model.ttft_ms * factor / 1000

    def models(self) -> dict[str, SimulatedModel]:
        with self._lock:
            return dict(self._models)

    def request_counts(self) -> dict[str, int]:
        with self._lock:
            return dict(self._counts)

    def reset_counts(self) -> None:
        with self._lock:
            self._counts.clear()
            self._prompts.clear()

    def prompts_seen(self, name: str) -> list[str]:
        """The first characters of the recent prompts sent to one model, oldest first."""
        with self._lock:
            return [prompt for model, prompt in self._prompts if model == name]

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
                    request = await read_request(reader)
                except BadRequest as exc:
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
        writer.write(response_head(status, headers) + body)
        await writer.drain()
        return keep_alive

    async def _dispatch(self, request: Request, writer: asyncio.StreamWriter) -> bool:
        path = request.path.rstrip("/")
        if path.startswith("/v1/"):
            path = path[3:]
        routes: dict[str, dict[str, Callable[[Request, asyncio.StreamWriter], Any]]] = {
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

    async def _authorised(self, request: Request, writer: asyncio.StreamWriter) -> bool:
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

    async def _list_models(self, request: Request, writer: asyncio.StreamWriter) -> bool:
        data = [
            {"id": name, "object": "model", "created": 0, "owned_by": "tokonomix-simulator"}
            for name in sorted(self.models())
        ]
        return await self._send_json(
            writer, 200, {"object": "list", "data": data}, request.keep_alive
        )

    async def _get_control(self, request: Request, writer: asyncio.StreamWriter) -> bool:
        payload = {name: model.to_dict() for name, model in self.models().items()}
        return await self._send_json(writer, 200, payload, request.keep_alive)

    async def _get_counts(self, request: Request, writer: asyncio.StreamWriter) -> bool:
        return await self._send_json(writer, 200, self.request_counts(), request.keep_alive)

    async def _post_control(self, request: Request, writer: asyncio.StreamWriter) -> bool:
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

    async def _chat(self, request: Request, writer: asyncio.StreamWriter) -> bool:
        # The clock starts once the whole request is in: that is the earliest moment a
        # real server could start work, and what the configured TTFT is relative to.
        t_request = self._clock.now()
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
        messages = payload["messages"]
        last = messages[-1] if messages and isinstance(messages[-1], dict) else {}
        with self._lock:
            self._prompts.append((name, str(last.get("content", ""))[:_PROMPT_CHARS_KEPT]))

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
        plan = AnswerPlan(reasoning, content, "length" if capped else "stop")
        prompt_tokens = prompt_tokens_estimate(payload.get("messages"))

        ttft_s = self._ttft_s(name, model)
        if payload.get("stream"):
            include_usage = bool(stream_options.get("include_usage"))
            return await self._stream(
                writer, request, name, model, plan, prompt_tokens, include_usage, t_request, ttft_s
            )
        return await self._complete(
            writer, request, name, model, plan, prompt_tokens, t_request, ttft_s
        )

    @staticmethod
    def _usage(plan: AnswerPlan, prompt_tokens: int) -> dict[str, Any]:
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
        request: Request,
        name: str,
        model: SimulatedModel,
        plan: AnswerPlan,
        prompt_tokens: int,
        include_usage: bool,
        t_request: float,
        ttft_s: float,
    ) -> bool:
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
        writer.write(response_head(200, headers) + sse_event(role))
        await writer.drain()

        first_due = t_request + ttft_s
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
                    writer.write(sse_event(error) + b"0\r\n\r\n")
                    await writer.drain()
                    return request.keep_alive
                if model.fault == "malformed_json":
                    writer.write(
                        sse_event('{"id": "truncated", "choices": [{"delta": {"content": "x')
                    )
                    await writer.drain()
            if index == plan.total:
                break
            thinking = index < plan.reasoning
            if thinking and model.hide_reasoning:
                continue  # it takes its time all the same: later tokens are due later
            await self._clock.sleep_until(first_due + index * inter_s)
            key = "reasoning_content" if thinking else "content"
            writer.write(sse_event(chunk({key: answer_word(index)})))
            await writer.drain()

        tail = sse_event(chunk({}, plan.finish_reason))
        if include_usage and model.fault != "missing_usage":
            usage_chunk = chunk({})
            usage_chunk["choices"] = []
            usage_chunk["usage"] = self._usage(plan, prompt_tokens)
            tail += sse_event(usage_chunk)
        tail += sse_event("[DONE]") + b"0\r\n\r\n"
        writer.write(tail)
        await writer.drain()
        return request.keep_alive

    async def _complete(
        self,
        writer: asyncio.StreamWriter,
        request: Request,
        name: str,
        model: SimulatedModel,
        plan: AnswerPlan,
        prompt_tokens: int,
        t_request: float,
        ttft_s: float,
    ) -> bool:
        if model.fault == "stall":
            await _stall(request.reader)
            return False
        # A non-streaming answer arrives when the last token would have.
        last_index = max(plan.total - 1, 0)
        await self._clock.sleep_until(t_request + ttft_s + last_index * model.inter_token_ms / 1000)
        if model.fault == "drop_connection":
            writer.transport.abort()
            return False
        if model.fault in ("error_in_stream", "malformed_json"):
            body = _error_body("The server had an error processing your request.", "server_error")
            return await self._send_json(writer, 500, body, request.keep_alive)

        message: dict[str, Any] = {
            "role": "assistant",
            "content": "".join(answer_word(i) for i in range(plan.reasoning, plan.total)).strip(),
            "refusal": None,
        }
        if plan.reasoning and not model.hide_reasoning:
            message["reasoning_content"] = "".join(
                answer_word(i) for i in range(plan.reasoning)
            ).strip()
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
