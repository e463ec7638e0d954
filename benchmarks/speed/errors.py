"""Classify why a timed request failed: a ``SampleStatus`` with the HTTP status, a reason."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from enum import StrEnum

import httpx
import openai

__all__ = ["EXPECTED_ERRORS", "Failure", "SampleStatus", "classify_failure"]


class SampleStatus(StrEnum):
    OK = "ok"
    TIMEOUT = "timeout"
    RATE_LIMITED = "rate_limited"
    SERVER_ERROR = "server_error"
    AUTH_ERROR = "auth_error"
    BAD_RESPONSE = "bad_response"
    CONNECTION_ERROR = "connection_error"


def _retry_after_s(headers: Mapping[str, str] | None) -> float | None:
    if not headers:
        return None
    millis = headers.get("retry-after-ms")
    if millis:
        try:
            value = float(millis) / 1000
            if math.isfinite(value) and value >= 0:
                return value
        except ValueError:
            pass
    raw = headers.get("retry-after")
    if not raw:
        return None
    try:
        value = float(raw)
        return value if math.isfinite(value) and value >= 0 else None
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(raw)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def _api_message(exc: openai.APIError) -> str:
    body = exc.body
    if isinstance(body, Mapping):
        inner = body.get("error", body)
        if isinstance(inner, Mapping) and isinstance(inner.get("message"), str):
            return str(inner["message"])
        if isinstance(inner, str):
            return inner
    return exc.message


def _describe(exc: BaseException) -> str:
    text = f"{type(exc).__name__}: {exc}"
    cause = exc.__cause__ or exc.__context__
    if cause is not None and str(cause) and str(cause) not in text:
        text += f" ({type(cause).__name__}: {cause})"
    return text


@dataclass(slots=True)
class Failure:
    status: SampleStatus
    http_status: int | None
    error: str
    retry_after_s: float | None = None


def _status_failure(exc: openai.APIStatusError) -> Failure:
    code = exc.status_code
    message = f"HTTP {code}: {_api_message(exc)}"
    if code in (401, 403):
        return Failure(SampleStatus.AUTH_ERROR, code, message)
    if code == 429:
        return Failure(
            SampleStatus.RATE_LIMITED, code, message, _retry_after_s(exc.response.headers)
        )
    if code >= 500:
        return Failure(SampleStatus.SERVER_ERROR, code, message)
    return Failure(SampleStatus.BAD_RESPONSE, code, message)


def classify_failure(
    exc: BaseException, http_status: int | None, timeout_s: float, stall_timeout_s: float
) -> Failure:
    # Order matters: the SDK's timeout error is a connection error, and both are
    # APIErrors, as is a status error.
    if isinstance(exc, TimeoutError):
        return Failure(
            SampleStatus.TIMEOUT, http_status, f"no complete answer within {timeout_s:g} s"
        )
    if isinstance(exc, openai.APITimeoutError | httpx.TimeoutException):
        where = "between chunks" if http_status is not None else "for the response"
        return Failure(
            SampleStatus.TIMEOUT,
            http_status,
            f"no data for {stall_timeout_s:g} s {where}: {_describe(exc)}",
        )
    if isinstance(exc, openai.APIConnectionError | httpx.TransportError | OSError):
        return Failure(SampleStatus.CONNECTION_ERROR, http_status, _describe(exc))
    if isinstance(exc, openai.APIStatusError):
        return _status_failure(exc)
    if isinstance(exc, openai.APIResponseValidationError):
        return Failure(SampleStatus.BAD_RESPONSE, exc.status_code, _describe(exc))
    if isinstance(exc, openai.APIError):
        # An error object inside a stream that had already started with HTTP 200.
        return Failure(
            SampleStatus.SERVER_ERROR,
            http_status if http_status is not None else 200,
            f"error in stream: {_api_message(exc)}",
        )
    # Malformed JSON (a ValueError), or chunks that do not have the expected shape.
    return Failure(SampleStatus.BAD_RESPONSE, http_status, _describe(exc))


# Everything a misbehaving server or network can make the SDK raise; programming
# errors outside this list still surface.
EXPECTED_ERRORS: tuple[type[BaseException], ...] = (
    TimeoutError,
    openai.OpenAIError,
    httpx.HTTPError,
    ValueError,
    TypeError,
    AttributeError,
    KeyError,
    ConnectionError,
    OSError,
)
