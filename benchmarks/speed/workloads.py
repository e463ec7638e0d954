"""The named workloads a speed test sends, and the prompts that make them.

`standard` is the original test, the one every listing shows ("typical conversation"): the
target's fixed prompt (its prompt set) and its own output limit. The others are sized by
input and output tokens, as Artificial Analysis and LLMPerf size theirs, and `parallel`
sends ten medium requests at once. Every prompt starts with a nonce, so no two requests
share a prefix and no provider's prompt cache can answer one: the cache would make time to
first token look shorter than a fresh request's.
"""

from __future__ import annotations

import random
import secrets
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from .prompts import prompt_messages


class WorkloadCode(models.TextChoices):
    STANDARD = "standard", _("Typical conversation")
    SHORT = "short", _("Short")
    MEDIUM = "medium", _("Medium")
    LONG = "long", _("Long")
    PARALLEL = "parallel", _("Parallel")


@dataclass(frozen=True, slots=True)
class Workload:
    code: str
    label: str
    # None: the target's fixed prompt and its own output limit (the standard workload).
    input_tokens: int | None
    output_tokens: int | None
    # Requests sent at the same moment; the samples of a run come in waves of this many.
    concurrency: int = 1

    @property
    def description(self) -> str:
        if self.input_tokens is None:
            return str(_("the standard prompt: about 30 tokens in, up to 200 out"))
        text = f"{self.input_tokens:,} tokens in, up to {self.output_tokens:,} out"
        if self.concurrency > 1:
            text += f", {self.concurrency} requests at once"
        return text


DEFAULT_WORKLOAD = WorkloadCode.STANDARD.value
WORKLOADS: dict[str, Workload] = {
    WorkloadCode.STANDARD: Workload(
        WorkloadCode.STANDARD, str(WorkloadCode.STANDARD.label), None, None
    ),
    WorkloadCode.SHORT: Workload(WorkloadCode.SHORT, str(WorkloadCode.SHORT.label), 100, 200),
    WorkloadCode.MEDIUM: Workload(WorkloadCode.MEDIUM, str(WorkloadCode.MEDIUM.label), 1_000, 500),
    WorkloadCode.LONG: Workload(WorkloadCode.LONG, str(WorkloadCode.LONG.label), 10_000, 500),
    WorkloadCode.PARALLEL: Workload(
        WorkloadCode.PARALLEL, str(WorkloadCode.PARALLEL.label), 1_000, 500, concurrency=10
    ),
}

# A sized prompt's reported input may differ from the workload's target by this much before
# the run notes it (tokenizers differ; the warm-up calibrates the length for each server).
INPUT_TOLERANCE = 0.10

_INSTRUCTION = "Ignore the words below; write a long essay on the history of bridges."
# Besides the filler: the nonce, the instruction, and what the server's chat template adds.
_FIXED_TOKENS_ESTIMATE = (len("Request 0123456789abcdef. ") + len(_INSTRUCTION)) // 4 + 10
# Common English words, nearly all one token in the usual tokenizers, so a prompt's length in
# tokens is close to its length in words before the warm-up calibrates it.
_WORD_TEXT = """
the of and to in is it that was for on are as with his they at be this from have or by one
had not but what all were when we there can an your which their said if do will each about
how up out them then she many some so these would other into has more her two like him see
time could no make than first been its who now people my made over did down only way find
use may water long little very after words called just where most know get through back
much go good new write our me man too any day same right look think also around another
came come work three word must because does part even place well such here take why things
help put years different away again off went old number great tell men say small every
found still between name should home big give air line set own under read last never us
left end along while might next sound below saw something thought both few those always
looked show large often together asked house world going want school important until form
food keep children feet land side without boy once animals life enough took sometimes four
head above kind began almost live page got earth need far hand high year mother light
"""
_WORDS = tuple(_WORD_TEXT.split())


def nonce() -> str:
    return secrets.token_hex(8)


class WorkloadPrompts:
    """The messages of each request of one run, each with a nonce of its own.

    For a sized workload the filler is calibrated once the server has reported a prompt's
    length (`observe`, fed the warm-up's usage): the filler is scaled so the next prompts
    come out at the workload's input tokens for this server's tokenizer.
    """

    def __init__(
        self, workload: Workload, *, prompt_set: str = "standard", seed: str | None = None
    ) -> None:
        self.workload = workload
        self.prompt_set = prompt_set
        # The words change with each request too; seeded per run, so a test can repeat it.
        self._rng = random.Random(seed or nonce())  # noqa: S311 - filler text, not a secret
        # Nearly every filler word is one token; the warm-up corrects the rest (observe).
        self._filler_words = (
            max(1, workload.input_tokens - _FIXED_TOKENS_ESTIMATE) if workload.input_tokens else 0
        )
        self._calibrated = False
        self._last_filler_words = 0

    def messages(self) -> list[dict[str, Any]]:
        tag = f"Request {nonce()}."
        if self.workload.input_tokens is None:
            messages = prompt_messages(self.prompt_set)
            messages[0]["content"] = f"{tag} {messages[0]['content']}"
            return messages
        words = " ".join(self._rng.choice(_WORDS) for _ in range(self._filler_words))
        self._last_filler_words = self._filler_words
        return [{"role": "user", "content": f"{tag} {_INSTRUCTION}\n\n{words}"}]

    def observe(self, input_tokens: int | None) -> None:
        """Scale the filler to the workload's length once, from a reported prompt length."""
        target = self.workload.input_tokens
        if target is None or self._calibrated or not input_tokens or not self._last_filler_words:
            return
        self._calibrated = True
        per_word = (input_tokens - _FIXED_TOKENS_ESTIMATE) / self._last_filler_words
        if per_word < 0.2:  # a length that cannot be right: keep the guess
            return
        self._filler_words = max(1, round((target - _FIXED_TOKENS_ESTIMATE) / per_word))

    @property
    def output_tokens(self) -> int | None:
        return self.workload.output_tokens


def input_off_target(workload: Workload, input_tokens: list[int]) -> str:
    """A note when the reported input lengths miss the workload's by more than the tolerance."""
    target = workload.input_tokens
    if target is None or not input_tokens:
        return ""
    off = [n for n in input_tokens if abs(n - target) > target * INPUT_TOLERANCE]
    if not off:
        return ""
    ordered = sorted(input_tokens)
    middle = ordered[len(ordered) // 2]
    return (
        f"input tokens off target in {len(off)} of {len(input_tokens)} samples "
        f"(median {middle:,}, target {target:,} \N{PLUS-MINUS SIGN} {INPUT_TOLERANCE:.0%})"
    )
