"""What a simulated model does: its timing, its answer's length and which fault it shows.

Settings arrive as JSON over the simulator's control endpoint as well as from Python, so a
SimulatedModel checks them once, when it is made, rather than failing inside a stream.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields, replace
from typing import Any, Literal, get_args

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

_WORDS = ("lorem", "ipsum", "dolor", "sit", "amet", "consectetur", "adipiscing", "elit")


@dataclass(frozen=True, slots=True)
class SimulatedModel:
    """How one simulated model behaves.

    ``stall_after_tokens`` is used by the ``stall`` fault; ``fault_after_tokens`` by the
    faults that break a stream part-way (``error_in_stream``, ``drop_connection``,
    ``malformed_json``). Both count answer and reasoning tokens alike.

    ``ttft_spread`` makes each request's time to first token vary: it is ``ttft_ms`` times
    a log-normal factor with that sigma, whose median is 1, so the true median TTFT stays
    ``ttft_ms``. ``seed`` fixes the draws (one series per model, in request order).
    ``hide_reasoning`` keeps the reasoning out of the stream, as OpenAI's reasoning models
    do: it still takes its time and is counted in the usage report.
    """

    ttft_ms: float = 200.0
    inter_token_ms: float = 10.0
    tokens: int = 100
    reasoning_tokens: int = 0
    fault: Fault | None = None
    retry_after_s: float = 1.0
    stall_after_tokens: int = 3
    fault_after_tokens: int = 5
    ttft_spread: float = 0.0
    seed: int | None = None
    hide_reasoning: bool = False

    def __post_init__(self) -> None:
        # Settings arrive as JSON over the control endpoint, so check them here once
        # instead of failing later inside a stream.
        for name in ("ttft_ms", "inter_token_ms", "retry_after_s", "ttft_spread"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise ValueError(f"{name} must be a number")
            if not math.isfinite(value) or value < 0:
                raise ValueError(f"{name} must be a finite number >= 0")
        for name in ("tokens", "reasoning_tokens", "stall_after_tokens", "fault_after_tokens"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise ValueError(f"{name} must be an integer >= 0")
        if self.seed is not None and (
            isinstance(self.seed, bool) or not isinstance(self.seed, int)
        ):
            raise ValueError("seed must be an integer or null")
        if not isinstance(self.hide_reasoning, bool):
            raise ValueError("hide_reasoning must be true or false")
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


@dataclass(frozen=True, slots=True)
class AnswerPlan:
    reasoning: int
    content: int
    finish_reason: str

    @property
    def total(self) -> int:
        return self.reasoning + self.content


def prompt_tokens_estimate(messages: object) -> int:
    # About four characters per token is close enough for a simulator.
    chars = 0
    if isinstance(messages, list):
        for message in messages:
            if isinstance(message, Mapping):
                content = message.get("content")
                chars += len(content) if isinstance(content, str) else len(str(content or ""))
    return max(1, chars // 4)


def answer_word(index: int) -> str:
    return " " + _WORDS[index % len(_WORDS)]
