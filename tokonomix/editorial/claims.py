"""Claims in reviewed text, checked against the data beside it.

`claims_check` reads texts (a profile's sections, strengths, weaknesses and FAQs, a
verdict, a use case's introduction and notes) sentence by sentence for the numeric
claims it can test, and returns each one the data contradicts, naming the claim and the
figure:

* **price**: "$1.10 per million input tokens", "about $0.0015" for a conversation;
* **ratio**: "a tenth of o3's", "half the price of X", "a quarter of the input price";
* **cheapest**: "cheapest", "lowest price", "best reasoning per dollar in OpenAI's range"
  (checked within the scope the text names: a maker's range, or a use case's ranking);
* **speed**: "faster", "slower", "latency", "first token", "in our own tests": the model
  must have measured figures, real (not simulated) and not preliminary, and a comparison
  with another named model must hold;
* **context**: "a 200,000-token context window";
* **deprecation**: a deprecation spoken of as still to come once its date has passed, a
  model called deprecated that is not, a successor other than the one a source names or
  one that is itself deprecated; a use case ranking a deprecated or retired model.

A live figure (`{{ price:o4-mini.input }}`, see `figures.py`) is the data itself and is
never checked. Flags come from `tokonomix.core.flags`, figures from `figures.FigureBook`,
so a claim is judged by what the pages show.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from benchmarks.speed.formats import format_ms
from models_catalog.models import Capability, Model
from pricing.costs import format_usd

from .figures import TOKEN_RE, FigureBook, ModelFigures


@dataclass(frozen=True)
class Text:
    """One piece of reviewed text, what it is about, and where it sits."""

    where: str
    text: str
    subject: str | None = None  # the slug of the model it is about
    scope: tuple[str, ...] = ()  # slugs a "cheapest" or "slower" compares within


@dataclass(frozen=True)
class Contradiction:
    where: str
    claim: str
    figure: str
    rule: str
    since: dt.date | None = None

    def __str__(self) -> str:
        return f"“{self.claim}” ({self.where}): {self.figure}"


RATIOS = {
    "tenth": Decimal("0.1"),
    "fifth": Decimal("0.2"),
    "quarter": Decimal("0.25"),
    "third": Decimal("1") / 3,
    "half": Decimal("0.5"),
    "twice": Decimal(2),
    "double": Decimal(2),
}
WORD_NUMBERS = {"two": 2, "three": 3, "four": 4, "five": 5, "ten": 10}
RATIO_TOLERANCE = Decimal("0.25")  # a claimed ratio holds within 25% of the real one
CONTEXT_TOLERANCE = Decimal("0.05")

_SENTENCE_RE = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9$*“\"(])")
_AMOUNT_RE = re.compile(r"(about |around |roughly |~)?\$(\d+(?:,\d{3})*(?:\.\d+)?)")
_RATIO_RE = re.compile(
    r"\b(?:(?:a|one)\s+(tenth|fifth|quarter|third)|(half)|(twice|double)|"
    r"(\d+|two|three|four|five|ten)\s+times)\b",
    re.IGNORECASE,
)
_CHEAPEST_RE = re.compile(
    r"\b(cheapest|lowest[- ]priced?|lowest price|least expensive|most affordable|"
    r"best(?:\s+(\w+))?\s+(?:value\s+)?per\s+dollar|best value)\b",
    re.IGNORECASE,
)
_RANGE_RE = re.compile(
    r"\b(?:in|across|of|among)\s+([A-Z][\w.\-]*(?:\s[A-Z][\w.\-]*)?)['\u2019]s\s+"
    r"(?:range|line-?up|models|family|catalogue)",
)
_SPEED_RE = re.compile(
    r"\b(faster|slower|quicker|latency|first (?:visible )?token|tokens? per second|tok/s|"
    r"in our (?:own )?tests|we measured|our measurements)\b",
    re.IGNORECASE,
)
_SLOWER_RE = re.compile(r"\b(slower|longer|higher latency)\b", re.IGNORECASE)
_FASTER_RE = re.compile(r"\b(faster|quicker|shorter|lower latency)\b", re.IGNORECASE)
_CONTEXT_RE = re.compile(
    r"(\d+(?:[.,]\d+)*)\s*(k|K|M|million|thousand)?[- ]?tokens?[- ]context|"
    r"context(?: window)? of (\d+(?:[.,]\d+)*)\s*(k|K|M|million|thousand)?",
)
_UPCOMING_RE = re.compile(
    r"\b(will be (?:deprecated|retired)|to be (?:deprecated|retired)|deprecation (?:is |has been )?"
    r"announced|announced (?:a |its )?deprecation|plan for (?:its|the|a) successor|"
    r"upcoming (?:deprecation|retirement)|scheduled for (?:deprecation|retirement))",
    re.IGNORECASE,
)
_IS_DEPRECATED_RE = re.compile(
    r"\b(?:is|has been|was) (?:now )?(deprecated|retired)\b", re.IGNORECASE
)
_SUCCESSOR_RE = re.compile(
    r"(?P<before>.*?)\b(?:replaces it|is its successor)\b"
    r"|\b(?:replaced by|successor(?: is|,)?)\s+(?P<after>.+)",
    re.IGNORECASE,
)
_CAPABILITIES = {str(c.label).lower(): c.value for c in Capability} | {
    "reasoning": Capability.REASONING.value,
    "vision": Capability.VISION.value,
}


def sentences(text: str) -> list[str]:
    """Paragraphs, list items, then sentences; Markdown emphasis left in."""
    found = []
    for line in text.splitlines():
        line = line.strip().lstrip("-*> ").strip()
        if line:
            found += [s.strip() for s in _SENTENCE_RE.split(line) if s.strip()]
    return found


def _number(text: str) -> Decimal | None:
    try:
        return Decimal(text.replace(",", ""))
    except InvalidOperation:
        return None


class _Reader:
    """One text's sentences with the models each names, read against a FigureBook."""

    def __init__(self, book: FigureBook, item: Text) -> None:
        self.book = book
        self.item = item
        self.found: list[Contradiction] = []

    def flag(self, claim: str, figure: str, rule: str, since: dt.date | None = None) -> None:
        self.found.append(
            Contradiction(where=self.item.where, claim=claim, figure=figure, rule=rule, since=since)
        )

    def mentions(self, sentence: str) -> list[tuple[int, ModelFigures]]:
        """The models a sentence names, by position (longest spelling wins)."""
        taken: list[tuple[int, int]] = []
        found: list[tuple[int, ModelFigures]] = []
        for spelling, figures in self.book.names():
            pattern = rf"(?<![\w.\-]){re.escape(spelling)}(?![\w\-]|\.\d)"
            for match in re.finditer(pattern, sentence, re.IGNORECASE):
                span = (match.start(), match.end())
                if any(a < span[1] and span[0] < b for a, b in taken):
                    continue
                taken.append(span)
                found.append((match.start(), figures))
        return sorted(found, key=lambda item: item[0])

    def subject(self) -> ModelFigures | None:
        return self.book.get(self.item.subject) if self.item.subject else None

    def scope(self) -> list[ModelFigures]:
        return [f for slug in self.item.scope if (f := self.book.get(slug)) is not None]

    def read(self) -> list[Contradiction]:
        for sentence in sentences(TOKEN_RE.sub(" ", self.item.text)):
            named = self.mentions(sentence)
            self.prices(sentence, named)
            self.ratios(sentence, named)
            self.cheapest(sentence, named)
            self.speed(sentence, named)
            self.context(sentence, named)
            self.deprecation(sentence, named)
        return self.found

    def _about(self, named: list[tuple[int, ModelFigures]], position: int) -> ModelFigures | None:
        """The model a figure at `position` speaks of: the last one named before it, else
        the text's subject."""
        before = [figures for at, figures in named if at < position]
        return before[-1] if before else self.subject()

    # --- prices ----------------------------------------------------------------------

    def prices(self, sentence: str, named: list[tuple[int, ModelFigures]]) -> None:
        amounts = list(_AMOUNT_RE.finditer(sentence))
        if not amounts:
            return
        lowered = sentence.lower()
        pair = len(amounts) >= 2 and "input" in lowered and "output" in lowered
        for index, match in enumerate(amounts):
            about = self._about(named, match.start())
            claimed = _number(match.group(2))
            if about is None or claimed is None:
                continue
            after = lowered[match.end() : match.end() + 60]
            if "conversation" in lowered and "million" not in after:
                self._typical(sentence, match, about, claimed)
                continue
            if "million" not in lowered:
                continue
            kind = (
                ("input" if index == 0 else "output" if index == 1 else None)
                if pair
                else "cache_read"
                if re.search(r"\bcach", after)
                else "output"
                if "output" in after[:40]
                else "input"
                if "input" in after[:40]
                else None
            )
            if kind is None:
                continue
            actual = _price(about, kind)
            quoted = _clip(sentence, match)
            if actual is None:
                self.flag(quoted, f"{about.name} lists no {kind} price", "price")
            elif format_usd(actual) != format_usd(claimed) and abs(actual - claimed) > Decimal(
                "0.005"
            ):
                self.flag(
                    quoted,
                    f"{about.name}'s {kind} price is {format_usd(actual)} per million",
                    "price",
                    about.price.effective_from if about.price else None,
                )

    def _typical(
        self, sentence: str, match: re.Match[str], about: ModelFigures, claimed: Decimal
    ) -> None:
        actual = about.typical
        if actual is None:
            return
        slack = Decimal("0.15") if match.group(1) else Decimal("0.02")
        if abs(actual - claimed) > actual * slack:
            self.flag(
                _clip(sentence, match),
                f"a typical conversation with {about.name} costs {format_usd(actual)}",
                "price",
            )

    # --- ratios ----------------------------------------------------------------------

    def ratios(self, sentence: str, named: list[tuple[int, ModelFigures]]) -> None:
        for match in _RATIO_RE.finditer(sentence):
            word = next(g for g in match.groups() if g)
            if word.lower() in RATIOS:
                ratio = RATIOS[word.lower()]
            else:
                ratio = Decimal(WORD_NUMBERS.get(word.lower(), 0) or int(word))
                if re.search(r"cheaper|less", sentence[match.end() : match.end() + 20], re.I):
                    ratio = 1 / ratio
            rest = sentence[match.end() :]
            lowered = sentence.lower()
            if re.match(r"\s+(?:of\s+)?the\s+input\s+price", rest, re.I) and "cach" in lowered:
                about = self._about(named, match.start())
                if about is None or about.price is None:
                    continue
                cached, base = about.price.cache_read_per_million, about.price.input_per_million
                if cached is None or not base:
                    self.flag(match.group(0), f"{about.name} lists no cached input price", "ratio")
                elif not _close(cached / base, ratio):
                    self.flag(
                        _clip(sentence, match),
                        f"{about.name}'s cached input is {format_usd(cached)} against "
                        f"{format_usd(base)} for input ({_percent(cached / base)})",
                        "ratio",
                    )
                continue
            other = next((f for at, f in named if at > match.start()), None)
            about = self._about(named, match.start())
            if other is None or about is None or other is about:
                continue
            self._compare_prices(sentence, match, about, other, ratio)

    def _compare_prices(
        self,
        sentence: str,
        match: re.Match[str],
        about: ModelFigures,
        other: ModelFigures,
        ratio: Decimal,
    ) -> None:
        if about.price is None or other.price is None:
            missing = about if about.price is None else other
            self.flag(_clip(sentence, match), f"{missing.name} lists no price", "ratio")
            return
        actual = [
            a / b
            for a, b in (
                (about.price.input_per_million, other.price.input_per_million),
                (about.price.output_per_million, other.price.output_per_million),
            )
            if a is not None and b
        ]
        if actual and not all(_close(value, ratio) for value in actual):
            self.flag(
                _clip(sentence, match),
                f"{about.name} is {format_usd(about.price.input_per_million)} / "
                f"{format_usd(about.price.output_per_million)} per million against "
                f"{other.name}'s {format_usd(other.price.input_per_million)} / "
                f"{format_usd(other.price.output_per_million)} ({_percent(actual[0])})",
                "ratio",
                max(about.price.effective_from, other.price.effective_from),
            )

    # --- cheapest --------------------------------------------------------------------

    def cheapest(self, sentence: str, named: list[tuple[int, ModelFigures]]) -> None:
        match = _CHEAPEST_RE.search(sentence)
        if match is None:
            return
        about = self._about(named, match.start())
        if about is None:
            return
        scope = self._range(sentence) or self.scope()
        qualifier = (match.group(2) or "").lower()
        if qualifier in _CAPABILITIES:
            capability = _CAPABILITIES[qualifier]
            scope = [f for f in scope if _supports(f.model, capability)]
        rivals = [
            f
            for f in scope
            if f.slug != about.slug
            and f.typical is not None
            and about.typical is not None
            and f.typical <= about.typical
        ]
        if not rivals or about.price is None:
            return
        # The same price first (the closest rival a reader sees), then the cheapest.
        rivals.sort(key=lambda f: (f.typical != about.typical, f.typical, f.name))
        listed = "; ".join(
            f"{f.name} {format_usd(f.price.input_per_million)} / "
            f"{format_usd(f.price.output_per_million)}"
            + (" (the same)" if f.typical == about.typical else "")
            for f in rivals[:3]
            if f.price is not None
        )
        more = f" and {len(rivals) - 3} more" if len(rivals) > 3 else ""
        self.flag(
            _clip(sentence, match),
            f"as cheap or cheaper than {about.name} "
            f"({format_usd(about.price.input_per_million)} / "
            f"{format_usd(about.price.output_per_million)} per million): {listed}{more}",
            "cheapest",
        )

    def _range(self, sentence: str) -> list[ModelFigures]:
        """The models of the maker a sentence names as its scope ("in OpenAI's range")."""
        match = _RANGE_RE.search(sentence)
        if match is None:
            return []
        return self.book.maker_models(match.group(1))

    # --- speed -----------------------------------------------------------------------

    def speed(self, sentence: str, named: list[tuple[int, ModelFigures]]) -> None:
        match = _SPEED_RE.search(sentence)
        if match is None:
            return
        claim = _clip(sentence, match)
        tests = re.search(r"our (?:own )?tests|we measured|our measurements", sentence, re.I)
        about = self._about(named, match.start())
        subjects = self.scope() if tests and not self.item.subject else [about] if about else []
        for figures in subjects:
            if figures is None:
                continue
            if figures.speed is None:
                self.flag(claim, f"{figures.name} has no speed figure yet", "speed")
                continue
            marks = [b for b in figures.speed_flags]
            if marks:
                self.flag(
                    claim,
                    f"{figures.name}'s speed figures are {', '.join(b.label for b in marks)}: "
                    + " ".join(b.title for b in marks),
                    "flags",
                    figures.speed.window_end,
                )
        others = [f for at, f in named if at > match.start() and f is not about] or (
            [f for f in self.scope() if f is not about] if about and about.slug else []
        )
        if about is None or about.speed is None or not others:
            return
        slower = bool(_SLOWER_RE.search(sentence))
        faster = bool(_FASTER_RE.search(sentence))
        if slower == faster:
            return
        for other in others:
            if other.speed is None:
                self.flag(claim, f"{other.name} has no speed figure to compare with", "speed")
                continue
            mine, theirs = about.speed.p50_latency_ms_30d, other.speed.p50_latency_ms_30d
            if mine is None or theirs is None:
                continue
            if (slower and mine <= theirs) or (faster and mine >= theirs):
                self.flag(
                    claim,
                    f"P50 latency: {about.name} {format_ms(mine)}, "
                    f"{other.name} {format_ms(theirs)}",
                    "speed",
                    about.speed.window_end,
                )

    # --- context ---------------------------------------------------------------------

    def context(self, sentence: str, named: list[tuple[int, ModelFigures]]) -> None:
        for match in _CONTEXT_RE.finditer(sentence):
            number, unit = (match.group(1), match.group(2)) if match.group(1) else match.group(3, 4)
            claimed = _number(number)
            about = self._about(named, match.start())
            if claimed is None or about is None:
                continue
            scale = {"k": 1000, "thousand": 1000, "m": 1_000_000, "million": 1_000_000}
            claimed *= scale.get((unit or "").lower(), 1)
            actual = about.model.context_window
            if actual is None:
                self.flag(
                    match.group(0), f"{about.name}'s context window is undisclosed", "context"
                )
            elif abs(actual - claimed) > actual * CONTEXT_TOLERANCE:
                self.flag(
                    match.group(0),
                    f"{about.name}'s context window is {actual:,} tokens",
                    "context",
                )

    # --- lifecycle -------------------------------------------------------------------

    def deprecation(self, sentence: str, named: list[tuple[int, ModelFigures]]) -> None:
        upcoming = _UPCOMING_RE.search(sentence)
        if upcoming:
            about = self._about(named, upcoming.start())
            date = about.model.deprecation_date if about else None
            if about and date is not None and date <= about.today:
                self.flag(
                    _clip(sentence, upcoming),
                    f"{about.name} has been deprecated since {date:%Y-%m-%d}: the text speaks "
                    "of its deprecation as still to come",
                    "deprecation",
                    date,
                )
        stated = _IS_DEPRECATED_RE.search(sentence)
        if stated:
            about = self._about(named, stated.start())
            if about and not about.out_of_service:
                date = about.model.deprecation_date
                self.flag(
                    _clip(sentence, stated),
                    f"{about.name} is not {stated.group(1)}"
                    + (f": its deprecation date is {date:%Y-%m-%d}" if date else ""),
                    "deprecation",
                )
        successor = _SUCCESSOR_RE.search(sentence)
        if successor:
            self._successor(sentence, successor, named)

    def _successor(
        self, sentence: str, match: re.Match[str], named: list[tuple[int, ModelFigures]]
    ) -> None:
        about = self.subject()
        if match.group("before") is not None:
            said = [f for at, f in named if at < match.start() + len(match.group("before"))]
        else:
            said = [f for at, f in named if at >= match.start("after")]
        named_successor = said[-1] if match.group("before") is not None and said else None
        if match.group("after") is not None and said:
            named_successor = said[0]
        if about is None or named_successor is None or named_successor is about:
            return
        source_says = about.model.successor
        if source_says is not None and source_says.pk != named_successor.model.pk:
            self.flag(
                _clip(sentence, match),
                f"the price source names {source_says.name} as {about.name}'s successor",
                "deprecation",
            )
        if named_successor.out_of_service:
            badge = named_successor.lifecycle[0]
            self.flag(
                _clip(sentence, match),
                f"{named_successor.name} is itself {badge.label}: {badge.title}",
                "deprecation",
                badge.since,
            )


def _price(figures: ModelFigures, kind: str) -> Decimal | None:
    if figures.price is None:
        return None
    return {
        "input": figures.price.input_per_million,
        "output": figures.price.output_per_million,
        "cache_read": figures.price.cache_read_per_million,
    }[kind]


def _supports(model: Model, capability: str) -> bool:
    return any(c.capability == capability and c.supported for c in model.capabilities.all())


def _close(actual: Decimal, claimed: Decimal) -> bool:
    return abs(actual - claimed) <= claimed * RATIO_TOLERANCE


def _percent(value: Decimal) -> str:
    return f"{value * 100:.0f}%"


def _clip(sentence: str, match: re.Match[str], around: int = 60) -> str:
    """The claim as quoted: the sentence, or the words around the match in a long one."""
    if len(sentence) <= 2 * around + 20:
        return sentence
    start = max(0, match.start() - around)
    end = min(len(sentence), match.end() + around)
    return (
        ("…" if start else "") + sentence[start:end].strip() + ("…" if end < len(sentence) else "")
    )


def ranking_check(
    book: FigureBook, *, where: str, ranked: Sequence[tuple[int, str]]
) -> list[Contradiction]:
    """A use case's ranking: a deprecated or retired model ranked at all is a claim that
    it is a good choice now."""
    found = []
    for rank, slug in ranked:
        figures = book.get(slug)
        if figures is not None and figures.out_of_service:
            badge = figures.lifecycle[0]
            found.append(
                Contradiction(
                    where=where,
                    claim=f"#{rank} {figures.name}",
                    figure=f"{figures.name} is {badge.label}: {badge.title}",
                    rule="deprecation",
                    since=badge.since,
                )
            )
    return found


def claims_check(
    texts: Iterable[Text],
    *,
    ranked: Sequence[tuple[int, str]] = (),
    book: FigureBook | None = None,
    today: dt.date | None = None,
) -> list[Contradiction]:
    """Every claim in `texts` the data contradicts (and, for a use case, its `ranked`
    models that are deprecated or retired). One or two queries for all the texts."""
    items = list(texts)
    book = book or FigureBook(today=today)
    book.load(
        texts=[item.text for item in items],
        slugs=[*(i.subject for i in items if i.subject), *(s for i in items for s in i.scope)]
        + [slug for _rank, slug in ranked],
    )
    found: list[Contradiction] = []
    for item in items:
        found += _Reader(book, item).read()
    if ranked:
        found += ranking_check(book, where="ranking", ranked=ranked)
    return found


__all__ = ["Contradiction", "Text", "claims_check", "sentences"]
