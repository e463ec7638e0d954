"""The figures reviewed text speaks of: loaded once for many texts, and written into them.

Editorial Markdown may carry live figures, so prose cannot go stale:

    {{ price:o4-mini.input }}      $1.10 (since 2026-11-16)     also .output, .cache_read
    {{ typical:o4-mini }}          $0.0015 (since 2026-11-16)   a typical conversation
    {{ context:o4-mini }}          200,000 tokens
    {{ max_output:o4-mini }}       100,000 tokens
    {{ deprecation:o4-mini }}      2026-10-23 (deprecated)      or "none announced"
    {{ latency:o4-mini }}          1,405 ms P50, 30 days to 2026-12-02 (simulated)
    {{ tps:o4-mini }}              125.0 tok/s median, 30 days to ... (simulated, preliminary)

`figures_render` replaces each with the current value before the text meets the Markdown
renderer; an unknown model or figure is written as such, never left silently blank. The
claims checker (`claims.py`) reads the same figures through `FigureBook`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone

from benchmarks.models import SpeedSummary
from benchmarks.speed.formats import format_ms, format_tps
from benchmarks.speed.selectors import speed_badges
from models_catalog.models import Model
from pricing.costs import format_usd
from pricing.selectors import ReferencePrice, reference_price_of, with_reference_price
from tokonomix.core import flags

TOKEN_RE = re.compile(
    r"\{\{\s*(price|typical|context|max_output|deprecation|latency|tps):([a-z0-9][a-z0-9._-]*)\s*\}\}"
)
PRICE_PARTS = ("input", "output", "cache_read")
_WORD_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9.\-]*")


@dataclass(frozen=True)
class ModelFigures:
    """One published model as the pages show it today."""

    model: Model
    price: ReferencePrice | None
    speed: SpeedSummary | None
    today: dt.date

    @property
    def slug(self) -> str:
        return self.model.slug

    @property
    def name(self) -> str:
        return self.model.name

    @property
    def typical(self) -> Decimal | None:
        return self.price.typical_cost if self.price else None

    @property
    def lifecycle(self) -> list[flags.Badge]:
        return flags.lifecycle_badges(
            deprecation_date=self.model.deprecation_date,
            deprecated_by_source=self.model.deprecated_by_source,
            retired_on=self.model.retired_on,
            today=self.today,
        )

    @property
    def out_of_service(self) -> bool:
        return bool(self.lifecycle)

    @property
    def speed_flags(self) -> list[flags.Badge]:
        return speed_badges(self.speed)

    def price_text(self) -> str:
        if self.price is None:
            return f"{self.name}: no price listed"
        return (
            f"{self.name} {format_usd(self.price.input_per_million)} / "
            f"{format_usd(self.price.output_per_million)} per million "
            f"(since {self.price.effective_from:%Y-%m-%d})"
        )


class FigureBook:
    """The published models some texts name, with their figures: one query per `load`."""

    def __init__(self, *, today: dt.date | None = None) -> None:
        self.today = today or timezone.localdate()
        self._by_slug: dict[str, ModelFigures] = {}
        self._by_name: dict[str, ModelFigures] = {}
        self._asked: set[str] = set()

    def load(self, texts: Iterable[str] = (), slugs: Iterable[str] = ()) -> None:
        """Read the published models whose slug or name appears in `texts`, or in `slugs`,
        with price and speed (their capabilities are read when a claim needs them)."""
        wanted = {slug.lower() for slug in slugs}
        for text in texts:
            wanted |= _grams(text)
        wanted -= self._asked
        if not wanted:
            return
        self._asked |= wanted
        queryset = (
            Model.objects.published()
            .annotate(lower_name=Lower("name"))
            .filter(Q(slug__in=wanted) | Q(lower_name__in=wanted))
            .select_related("provider", "speed_summary", "successor", "reference_offering")
        )
        for model in with_reference_price(queryset, as_of=self.today):
            self._add(model)

    def load_models(self, models: Sequence[Model]) -> list[ModelFigures]:
        """Figures of models read elsewhere with `with_reference_price` (no query)."""
        for model in models:
            if model.slug not in self._by_slug:
                self._add(model)
        return [self._by_slug[m.slug] for m in models]

    def _add(self, model: Model) -> None:
        try:
            speed = model.speed_summary  # type: ignore[attr-defined]
        except SpeedSummary.DoesNotExist:
            speed = None
        figures = ModelFigures(
            model=model,
            price=reference_price_of(model),
            speed=speed,
            today=self.today,
        )
        self._by_slug[model.slug] = figures
        self._by_name[model.name.lower()] = figures

    def maker_models(self, maker: str) -> list[ModelFigures]:
        """Published models of the maker called `maker` (name or slug): one query."""
        queryset = (
            Model.objects.published()
            .filter(Q(provider__name__iexact=maker) | Q(provider__slug__iexact=maker))
            .select_related("provider", "speed_summary", "successor", "reference_offering")
            .prefetch_related("capabilities")
        )
        return self.load_models(list(with_reference_price(queryset, as_of=self.today)))

    def get(self, slug: str) -> ModelFigures | None:
        return self._by_slug.get(slug.lower())

    def known(self) -> list[ModelFigures]:
        return list(self._by_slug.values())

    def names(self) -> list[tuple[str, ModelFigures]]:
        """Every way a loaded model may be named, longest first (for finding mentions)."""
        spellings = [(figures.slug, figures) for figures in self._by_slug.values()]
        spellings += [(name, figures) for name, figures in self._by_name.items()]
        return sorted(spellings, key=lambda item: -len(item[0]))


def _grams(text: str) -> set[str]:
    """Every run of one to four words of `text`, lower case, joined by a space and by a
    hyphen: the spellings a model's name or slug could take in it."""
    words = [w.rstrip(".").lower().removesuffix("'s") for w in _WORD_RE.findall(text)]
    words = [w for w in words if w]
    grams: set[str] = set()
    for size in range(1, 5):
        for start in range(len(words) - size + 1):
            run = words[start : start + size]
            grams.add(" ".join(run))
            grams.add("-".join(run))
    for match in TOKEN_RE.finditer(text):
        grams.add(_split(match.group(1), match.group(2))[0])
    return grams


def _split(kind: str, reference: str) -> tuple[str, str]:
    """`o4-mini.input` -> (o4-mini, input); `gpt-4.1` stays whole (its dot is the name's)."""
    if kind == "price":
        slug, _, part = reference.rpartition(".")
        if part in PRICE_PARTS and slug:
            return slug, part
        return reference, "input"
    return reference, ""


def figure_text(book: FigureBook, kind: str, reference: str) -> str:
    """The current value one live figure stands for."""
    slug, part = _split(kind, reference)
    figures = book.get(slug)
    if figures is None:
        return f"[no published model {slug!r}]"
    price = figures.price
    since = f" (since {price.effective_from:%Y-%m-%d})" if price else ""
    if kind == "price":
        value = {
            "input": price.input_per_million if price else None,
            "output": price.output_per_million if price else None,
            "cache_read": price.cache_read_per_million if price else None,
        }[part]
        return f"{format_usd(value)}{since}" if value is not None else "[no price listed]"
    if kind == "typical":
        return f"{format_usd(figures.typical)}{since}" if figures.typical else "[no price listed]"
    if kind in ("context", "max_output"):
        tokens = (
            figures.model.context_window if kind == "context" else figures.model.max_output_tokens
        )
        return f"{tokens:,} tokens" if tokens else "undisclosed"
    if kind == "deprecation":
        date = figures.model.deprecation_date
        if date is None:
            return "none announced"
        return f"{date:%Y-%m-%d}" + (" (deprecated)" if figures.out_of_service else "")
    speed = figures.speed
    if speed is None:
        return "not measured yet"
    marks = ", ".join(flags.names(figures.speed_flags))
    window = f"30 days to {speed.window_end:%Y-%m-%d}" + (f", {marks}" if marks else "")
    if kind == "latency":
        return f"{format_ms(speed.p50_latency_ms_30d)} P50 ({window})"
    return f"{format_tps(speed.median_decode_tps_30d)} median ({window})"


def figures_render(texts: Sequence[str], *, book: FigureBook | None = None) -> list[str]:
    """The texts with every live figure written as its current value (one query for all,
    none when no text has one)."""
    if not any(TOKEN_RE.search(text) for text in texts):
        return list(texts)
    book = book or FigureBook()
    book.load(
        slugs=[_split(m.group(1), m.group(2))[0] for text in texts for m in TOKEN_RE.finditer(text)]
    )
    return [TOKEN_RE.sub(lambda m: figure_text(book, m.group(1), m.group(2)), t) for t in texts]


def data_render(data: dict[str, Any], *, book: FigureBook | None = None) -> dict[str, Any]:
    """A copy of a revision's data (profile, verdict or use case) with every live figure in
    its texts written as its current value; the revision itself is left as reviewed."""
    return datas_render([data], book=book)[0]


def datas_render(
    datas: Sequence[dict[str, Any]], *, book: FigureBook | None = None
) -> list[dict[str, Any]]:
    """`data_render` for several revisions' data at once (one query for all)."""
    texts: list[str] = []

    def collect(value: Any) -> Any:
        if isinstance(value, str):
            texts.append(value)
            return len(texts) - 1
        if isinstance(value, list):
            return [collect(v) for v in value]
        if isinstance(value, dict):
            return {k: collect(v) for k, v in value.items()}
        return value

    shapes = [collect(data) for data in datas]
    if not any(TOKEN_RE.search(text) for text in texts):
        return [dict(data) for data in datas]
    rendered = figures_render(texts, book=book)

    def fill(shape: Any, original: Any) -> Any:
        if isinstance(original, str):
            return rendered[shape]
        if isinstance(original, list):
            return [fill(s, o) for s, o in zip(shape, original, strict=True)]
        if isinstance(original, dict):
            return {k: fill(shape[k], v) for k, v in original.items()}
        return original

    return [fill(shape, data) for shape, data in zip(shapes, datas, strict=True)]
