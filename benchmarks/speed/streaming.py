"""Measure streamed chat completions from any OpenAI-compatible endpoint.

The rules behind the figures are in docs/speed-measurement.md; in short: no retries inside a
timed request, TTFT at the first chunk that carries text (answer or reasoning), the end
stamped inside the loop, token counts only from the usage chunk, and every failure
recorded as a sample rather than raised, so that a series always completes.
"""

from __future__ import annotations

import asyncio
import inspect
import re
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal, Protocol, cast

import openai
from openai import AsyncOpenAI

from .errors import EXPECTED_ERRORS, Failure, SampleStatus, classify_failure

__all__ = [
    "Clock",
    "FixedPrompt",
    "OutputLimitParam",
    "PromptSource",
    "SampleResult",
    "SampleStatus",
    "StreamedAnswer",
    "decode_speed",
    "measure_series",
    "measure_series_sync",
    "measure_stream",
    "measure_stream_text",
    "scrub_secrets",
]

MAX_ERROR_CHARS = 300
# Which request field carries the output limit: some OpenAI models accept only
# max_completion_tokens, some other servers only max_tokens.
OutputLimitParam = Literal["max_tokens", "max_completion_tokens"]
# A warm-up only has to open the connection and warm the code paths; a few tokens
# do that without paying for a full answer.
WARMUP_MAX_TOKENS = 16


@dataclass(frozen=True, slots=True)
class SampleResult:
    """One timed request.

    Figures are only set for ok samples, so that a failed sample can never leak a
    partial timing into an aggregate. Times are milliseconds from just before the
    request was handed to the SDK. ``decode_tokens_per_second`` is (output tokens - 1)
    over the time from the first to the last token; ``e2e_tokens_per_second`` is output
    tokens over the whole request. ``reasoning_tokens`` is None when the server did not
    report it. When the server reports reasoning tokens but streamed no reasoning text (it
    kept its thinking hidden), the decode figure counts the answer tokens only: the hidden
    ones were produced before the first streamed token, outside the decode window.
    """

    started_at: datetime
    status: SampleStatus
    http_status: int | None = None
    ttft_ms: float | None = None
    ttfat_ms: float | None = None
    latency_ms: float | None = None
    output_tokens: int | None = None
    reasoning_tokens: int | None = None
    decode_tokens_per_second: float | None = None
    e2e_tokens_per_second: float | None = None
    error: str = ""
    retry_after_s: float | None = None
    # The prompt's length as the usage report says (set whenever a usage chunk arrived).
    input_tokens: int | None = None
    cached_input_tokens: int | None = None

    @property
    def ok(self) -> bool:
        return self.status is SampleStatus.OK


# --- keeping secrets out of stored messages ------------------------------------------

_SECRET_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"(?i)\bbearer\s+[^\s'\",;]+"), "Bearer [redacted]"),
    (re.compile(r"\bsk-[A-Za-z0-9_\-\*\.]{3,}"), "sk-[redacted]"),
    (
        re.compile(r"(?i)\b(api[_-]?key|access[_-]?token|token|key)=[^&\s'\"]+"),
        r"\1=[redacted]",
    ),
)
# Shorter "keys" (e.g. "none" for a local server) would only mangle ordinary words.
_MIN_SECRET_CHARS = 4


def scrub_secrets(text: str, secrets: tuple[str, ...] = (), limit: int = MAX_ERROR_CHARS) -> str:
    """Remove the given secrets and anything that looks like a key, then shorten.

    Scrubbing happens before shortening so that a cut can never leave half a key.
    """
    secrets = tuple(s for s in secrets if len(s) >= _MIN_SECRET_CHARS)
    # Known secrets first, while they are still whole.
    for secret in secrets:
        text = text.replace(secret, "[redacted]")
    for pattern, replacement in _SECRET_PATTERNS:
        text = pattern.sub(replacement, text)
    text = " ".join(text.split())
    # The markers and the whitespace clean-up could spell a secret again with their
    # neighbours; deleting always shortens the text, so these loops end.
    for secret in secrets:
        while secret in text:
            text = text.replace(secret, "")
    if len(text) > limit:
        text = text[: limit - 1].rstrip() + "…"
    return text


# --- noticing whether the stream really ended with [DONE] ----------------------------

# The SDK stops quietly both at [DONE] and when a connection without framing is closed
# early; only the decoder sees the difference. None means "not observed".
_done_flag: ContextVar[list[bool] | None] = ContextVar("_done_flag", default=None)


class _DoneWatchingDecoder:
    def __init__(self, inner: Any, flag: list[bool]) -> None:
        self._inner = inner
        self._flag = flag

    def iter_bytes(self, iterator: Iterator[bytes]) -> Iterator[Any]:
        for sse in self._inner.iter_bytes(iterator):
            self._note(sse)
            yield sse

    async def aiter_bytes(self, iterator: AsyncIterator[bytes]) -> AsyncIterator[Any]:
        async for sse in self._inner.aiter_bytes(iterator):
            self._note(sse)
            yield sse

    def _note(self, sse: Any) -> None:
        if str(getattr(sse, "data", "")).startswith("[DONE]"):
            self._flag[-1] = True


class _MeasuringClient(AsyncOpenAI):
    # _make_sse_decoder is private SDK API: if it disappears the override is simply
    # never called, the flag stays None and the [DONE] check is skipped.
    def _make_sse_decoder(self) -> Any:
        decoder = super()._make_sse_decoder()
        flag = _done_flag.get()
        if flag is None or not hasattr(decoder, "aiter_bytes"):
            return decoder
        flag.append(False)
        return _DoneWatchingDecoder(decoder, flag)


def _make_client(
    base_url: str, api_key: str, timeout_s: float, stall_timeout_s: float
) -> AsyncOpenAI:
    return _MeasuringClient(
        base_url=base_url,
        api_key=api_key,
        # A retry inside a timed request would be measured as one slow request.
        max_retries=0,
        # The read timeout is the longest silence allowed between two chunks
        # (including before the first: hidden reasoning needs a generous value);
        # the overall deadline is enforced around the whole request.
        # openai.Timeout is the Timeout class of whichever httpx the SDK is built on.
        timeout=openai.Timeout(
            timeout_s,
            connect=min(timeout_s, 10.0),
            read=stall_timeout_s,
            write=min(timeout_s, 30.0),
            pool=min(timeout_s, 10.0),
        ),
    )


# --- measuring -------------------------------------------------------------------------


def _reasoning_text(delta: Any) -> str:
    # Servers disagree on the name; the SDK keeps unknown fields as extras.
    for name in ("reasoning_content", "reasoning"):
        value = getattr(delta, name, None)
        if value is None:
            extra = getattr(delta, "model_extra", None) or {}
            value = extra.get(name)
        if isinstance(value, str) and value:
            return value
    return ""


def _as_int(value: object) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        return None
    return value


Clock = Callable[[], float]


async def _measure(
    client: AsyncOpenAI,
    *,
    api_model: str,
    api_key: str,
    messages: list[dict[str, Any]],
    max_tokens: int,
    timeout_s: float,
    stall_timeout_s: float,
    output_limit_param: OutputLimitParam,
    collector: _TextCollector | None = None,
    clock: Clock = time.perf_counter,
) -> SampleResult:
    started_at = datetime.now(UTC)
    http_status: int | None = None
    first_token: float | None = None
    first_answer: float | None = None
    last_token: float | None = None
    end: float | None = None
    usage: Any = None
    streamed_reasoning = False
    done_flag: list[bool] = []
    flag_token = _done_flag.set(done_flag)

    def failed(failure: Failure) -> SampleResult:
        return SampleResult(
            started_at=started_at,
            status=failure.status,
            http_status=failure.http_status,
            error=scrub_secrets(failure.error, (api_key,)) or failure.status.value,
            retry_after_s=failure.retry_after_s,
        )

    t0 = clock()
    try:
        async with asyncio.timeout(timeout_s):
            stream = await client.chat.completions.create(
                model=api_model,
                messages=cast(Any, messages),
                stream=True,
                stream_options={"include_usage": True},
                max_tokens=max_tokens if output_limit_param == "max_tokens" else openai.omit,
                max_completion_tokens=(
                    max_tokens if output_limit_param == "max_completion_tokens" else openai.omit
                ),
            )
            http_status = stream.response.status_code
            async with stream:
                async for chunk in stream:
                    now = clock()
                    for choice in chunk.choices or ():
                        delta = choice.delta
                        if delta is None:
                            continue
                        content = delta.content
                        reasoning = _reasoning_text(delta)
                        streamed_reasoning = streamed_reasoning or bool(reasoning)
                        if content or reasoning:
                            if first_token is None:
                                first_token = now
                            last_token = end = now
                            if content and first_answer is None:
                                first_answer = now
                            if content and collector is not None:
                                collector.add(content)
                    if chunk.usage is not None:
                        usage = chunk.usage
                        end = now
                        if collector is not None:
                            collector.prompt_tokens = _as_int(getattr(usage, "prompt_tokens", None))
    except EXPECTED_ERRORS as exc:
        return failed(classify_failure(exc, http_status, timeout_s, stall_timeout_s))
    finally:
        _done_flag.reset(flag_token)

    if done_flag and not done_flag[-1]:
        return failed(
            Failure(SampleStatus.CONNECTION_ERROR, http_status, "stream ended before data: [DONE]")
        )
    if usage is None:
        return failed(
            Failure(SampleStatus.BAD_RESPONSE, http_status, "stream ended without a usage chunk")
        )
    output_tokens = _as_int(getattr(usage, "completion_tokens", None))
    if output_tokens is None:
        return failed(
            Failure(SampleStatus.BAD_RESPONSE, http_status, "usage chunk has no completion_tokens")
        )
    if first_token is None or last_token is None or end is None:
        return failed(Failure(SampleStatus.BAD_RESPONSE, http_status, "stream carried no tokens"))
    details = getattr(usage, "completion_tokens_details", None)
    reasoning_tokens = _as_int(getattr(details, "reasoning_tokens", None))
    input_tokens, cached_input_tokens = _input_tokens(usage)

    total_s = end - t0
    return SampleResult(
        started_at=started_at,
        status=SampleStatus.OK,
        http_status=http_status,
        ttft_ms=(first_token - t0) * 1000,
        ttfat_ms=None if first_answer is None else (first_answer - t0) * 1000,
        latency_ms=total_s * 1000,
        output_tokens=output_tokens,
        reasoning_tokens=reasoning_tokens,
        decode_tokens_per_second=decode_speed(
            output_tokens=output_tokens,
            reasoning_tokens=reasoning_tokens,
            reasoning_streamed=streamed_reasoning,
            decode_s=last_token - first_token,
        ),
        e2e_tokens_per_second=output_tokens / total_s if total_s > 0 else None,
        input_tokens=input_tokens,
        cached_input_tokens=cached_input_tokens,
    )


def decode_speed(
    *,
    output_tokens: int,
    reasoning_tokens: int | None,
    reasoning_streamed: bool,
    decode_s: float,
) -> float | None:
    """(tokens streamed - 1) / the seconds from the first streamed token to the last.

    The tokens are answer and reasoning tokens, as the usage report counts them; but
    reasoning the server kept hidden (reported, never streamed) was produced before the
    first streamed token, outside the window, so only the answer's tokens count then.
    """
    streamed = output_tokens
    if reasoning_tokens and not reasoning_streamed:
        streamed = max(0, output_tokens - reasoning_tokens)
    return (streamed - 1) / decode_s if streamed >= 2 and decode_s > 0 else None


def _input_tokens(usage: Any) -> tuple[int | None, int | None]:
    details = getattr(usage, "prompt_tokens_details", None)
    return _as_int(getattr(usage, "prompt_tokens", None)), _as_int(
        getattr(details, "cached_tokens", None)
    )


class _TextCollector:
    """Gathers the answer text of one stream beside its timing (for the testbench)."""

    def __init__(self, on_text: Callable[[str], object] | None, max_chars: int) -> None:
        self.parts: list[str] = []
        self.chars = 0
        self.prompt_tokens: int | None = None
        self._on_text = on_text
        self._max_chars = max_chars

    def add(self, content: str) -> None:
        # A server that ignores max_tokens must not fill the memory: keep a bounded prefix.
        room = self._max_chars - self.chars
        if room <= 0:
            return
        content = content[:room]
        self.parts.append(content)
        self.chars += len(content)
        if self._on_text is not None:
            self._on_text(content)

    @property
    def text(self) -> str:
        return "".join(self.parts)


@dataclass(frozen=True, slots=True)
class StreamedAnswer:
    """A timed request together with the answer it streamed and the prompt's token count.

    ``prompt_tokens`` comes from the usage chunk (None when the server did not report it);
    ``text`` is the answer content (not hidden reasoning), also when the request failed
    part-way.
    """

    sample: SampleResult
    text: str
    prompt_tokens: int | None


def _closed_keep_alive(result: SampleResult) -> bool:
    return (
        result.status is SampleStatus.CONNECTION_ERROR
        and result.http_status is None
        and "without sending a response" in result.error
    )


async def measure_stream(
    *,
    base_url: str,
    api_model: str,
    api_key: str,
    messages: list[dict[str, Any]],
    max_tokens: int,
    timeout_s: float = 60.0,
    stall_timeout_s: float = 15.0,
    output_limit_param: OutputLimitParam = "max_tokens",
) -> SampleResult:
    """Time one streamed completion. Never raises for API or network failures."""
    answer = await measure_stream_text(
        base_url=base_url,
        api_model=api_model,
        api_key=api_key,
        messages=messages,
        max_tokens=max_tokens,
        timeout_s=timeout_s,
        stall_timeout_s=stall_timeout_s,
        output_limit_param=output_limit_param,
    )
    return answer.sample


async def measure_stream_text(
    *,
    base_url: str,
    api_model: str,
    api_key: str,
    messages: list[dict[str, Any]],
    max_tokens: int,
    timeout_s: float = 60.0,
    stall_timeout_s: float = 15.0,
    output_limit_param: OutputLimitParam = "max_tokens",
    on_text: Callable[[str], object] | None = None,
    max_chars: int = 100_000,
) -> StreamedAnswer:
    """measure_stream that also keeps the answer: ``on_text`` gets each piece as it arrives.

    The timing is measured exactly as measure_stream does; ``on_text`` is called inside
    the read loop, so it must be quick (append to a buffer; never touch a database).
    """
    collector = _TextCollector(on_text, max_chars)
    client = _make_client(base_url, api_key, timeout_s, stall_timeout_s)
    try:
        sample = await _measure(
            client,
            api_model=api_model,
            api_key=api_key,
            messages=messages,
            max_tokens=max_tokens,
            timeout_s=timeout_s,
            stall_timeout_s=stall_timeout_s,
            output_limit_param=output_limit_param,
            collector=collector,
        )
    finally:
        await client.close()
    return StreamedAnswer(sample=sample, text=collector.text, prompt_tokens=collector.prompt_tokens)


class PromptSource(Protocol):
    """The messages of each request of a series (a workload gives every request a nonce)."""

    def messages(self) -> list[dict[str, Any]]: ...

    def observe(self, input_tokens: int | None) -> None:
        """Told each answered request's prompt length, as the server reported it."""


class FixedPrompt:
    """The same messages for every request."""

    def __init__(self, messages: list[dict[str, Any]]) -> None:
        self._messages = messages

    def messages(self) -> list[dict[str, Any]]:
        return [dict(message) for message in self._messages]

    def observe(self, input_tokens: int | None) -> None:
        return None


async def measure_series(
    *,
    base_url: str,
    api_model: str,
    api_key: str,
    max_tokens: int,
    samples: int,
    messages: list[dict[str, Any]] | None = None,
    prompts: PromptSource | None = None,
    concurrency: int = 1,
    timeout_s: float = 60.0,
    stall_timeout_s: float = 15.0,
    warmup: bool = True,
    on_sample: Callable[[SampleResult], object | Awaitable[object]] | None = None,
    max_retry_wait_s: float = 60.0,
    output_limit_param: OutputLimitParam = "max_tokens",
    sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
    clock: Clock = time.perf_counter,
) -> list[SampleResult]:
    """One discarded warm-up, then ``samples`` requests, in waves of ``concurrency``.

    Each request's messages come from ``prompts`` (or are ``messages`` every time). With a
    concurrency of 1 the requests go one after another; otherwise each wave's requests are
    sent at the same moment. All share one client, so they reuse its connections, as a
    real caller's requests would. ``on_sample`` gets each result as soon as it exists; it
    may be a coroutine function (e.g. an ORM save wrapped for async use), and is awaited
    then. After a 429 the next wave waits for Retry-After (at most ``max_retry_wait_s``),
    since sampling again at once would only measure the rate limit; ``sleep`` does the
    waiting (tests pass one that only records it). ``clock`` times every request (tests
    pass the simulator's virtual clock).
    """
    if prompts is None:
        if messages is None:
            raise ValueError("give messages or prompts")
        prompts = FixedPrompt(messages)
    client = _make_client(base_url, api_key, timeout_s, stall_timeout_s)
    common: dict[str, Any] = {
        "api_model": api_model,
        "api_key": api_key,
        "timeout_s": timeout_s,
        "stall_timeout_s": stall_timeout_s,
        "output_limit_param": output_limit_param,
        "clock": clock,
    }

    async def one(limit: int) -> SampleResult:
        result = await _measure(client, messages=prompts.messages(), max_tokens=limit, **common)
        if _closed_keep_alive(result):
            # The server had closed the kept-alive connection before this request: no
            # response, nothing timed. One fresh try is not a retry inside a timing.
            result = await _measure(client, messages=prompts.messages(), max_tokens=limit, **common)
        prompts.observe(result.input_tokens)
        return result

    width = max(1, concurrency)
    results: list[SampleResult] = []
    try:
        if warmup:
            await one(min(max_tokens, WARMUP_MAX_TOKENS))
        while len(results) < samples:
            size = min(width, samples - len(results))
            if size == 1:
                wave = [await one(max_tokens)]
            else:
                wave = list(await asyncio.gather(*(one(max_tokens) for _ in range(size))))
            for result in wave:
                results.append(result)
                if on_sample is not None:
                    outcome = on_sample(result)
                    if inspect.isawaitable(outcome):
                        await outcome
            limited = [r for r in wave if r.status is SampleStatus.RATE_LIMITED]
            if limited and len(results) < samples:
                wait_s = max(1.0 if r.retry_after_s is None else r.retry_after_s for r in limited)
                await sleep(max(0.0, min(wait_s, max_retry_wait_s)))
    finally:
        await client.close()
    return results


def measure_series_sync(**kwargs: Any) -> list[SampleResult]:
    """measure_series for synchronous callers (a management command, a Celery task)."""
    return asyncio.run(measure_series(**kwargs))
