"""The evidence reviewed content relies on: pinned at approval, compared to find drift.

A published profile or verdict "needs re-review" when, since its approval, a price of the
model's reference offering changed, its 30-day P50 latency moved by more than 30%, or a
capability flag changed. The workflow (in core, below every app) asks the content itself
through `Reviewable.evidence_collect()` and `evidence_drift()`; content about one model
implements them with `AboutAModel`, which reads pricing, speed and the catalogue here.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from benchmarks.models import SpeedFigures, SpeedSummary
from benchmarks.speed.selectors import ModelSpeed
from models_catalog.models import Capability, CatalogueChange, Model, Offering
from models_catalog.selectors import loaded_offerings
from pricing.costs import format_usd
from pricing.models import PricePoint, plain
from pricing.selectors import ModelPricing

from .claims import Contradiction, Text, claims_check
from .figures import FigureBook

LATENCY_DRIFT = 0.30


class ChecksClaims:
    """Reviewed text whose claims are checked against the data (claims.py): before approval
    (the admin and the review queue show `claims_check()`), and once published, where a
    contradicted claim marks the text as needing re-review, naming the claim and figure."""

    def claim_texts(self, data: dict[str, Any]) -> list[Text]:
        raise NotImplementedError

    def claim_ranking(self, data: dict[str, Any]) -> list[tuple[int, str]]:
        return []

    def claims_check(self, data: dict[str, Any] | None = None, **kwargs: Any) -> list[Any]:
        """The claims of `data` (a revision's; the working copy's by default) the data now
        contradicts."""
        if data is None:
            data = self.revision_data()  # type: ignore[attr-defined]
        book: FigureBook | None = kwargs.get("book")
        return claims_check(self.claim_texts(data), ranked=self.claim_ranking(data), book=book)

    def published_contradictions(self, current: Any = None) -> list[Contradiction]:
        """The published revision's contradicted claims (kept for the instance's life)."""
        data = self.published_data()  # type: ignore[attr-defined]
        if data is None:
            return []
        key = getattr(self, "published_revision_id", None)
        cached = getattr(self, "_contradictions", None)
        if cached is not None and cached[0] == key:
            return list(cached[1])
        book = current.get("figures") if isinstance(current, dict) else None
        found = self.claims_check(data, book=book)
        self._contradictions = (key, found)
        return found

    def needs_rereview_since(self, approval: Any = None, current: Any = None) -> Any:
        """The evidence's drift date, or the day a published claim stopped holding (not
        before its approval): the earlier of the two."""
        since = super().needs_rereview_since(approval, current)  # type: ignore[misc]
        approval = approval or self.published_approval()  # type: ignore[attr-defined]
        if approval is None:
            return since
        approved = timezone.localtime(approval.approved_at).date()
        dates = [max(c.since or approved, approved) for c in self.published_contradictions(current)]
        if since is not None:
            dates.append(since)
        return min(dates) if dates else None

    def rereview_reasons(self, current: Any = None) -> list[str]:
        """What no longer holds, for readers and reviewers: each claim and its figure."""
        return [str(c) for c in self.published_contradictions(current)]


class AboutAModel:
    """Reviewed content about one catalogue model (its `model` field, and `model`, its slug, in
    every revision): the evidence its approval pins is that model's prices, speed and
    capabilities.

    The published item is about the model its published revision names, which is not the
    working copy's `model` once an editor changed it: drift is measured against the former.
    Selectors that already hold that model set `subject_model`, saving a query."""

    model: Model
    subject_model: Model | None = None

    if TYPE_CHECKING:  # Reviewable, which every user of this mixin also inherits, has it

        def published_data(self) -> dict[str, Any] | None: ...

    def published_subject(self) -> Model:
        """The model the published revision is about (the working copy's before publication)."""
        if self.subject_model is not None:
            return self.subject_model
        slug = (self.published_data() or {}).get("model")
        subject = Model.objects.filter(slug=slug).first() if slug else None
        self.subject_model = subject or self.model
        return self.subject_model

    def evidence_collect(self) -> dict[str, Any]:
        # At approval: the revision being approved is the working copy, about `model`.
        return collect(self.model)

    def evidence_drift(self, pinned: dict[str, Any], current: Any = None) -> dt.date | None:
        return drift(pinned, self.published_subject(), current)


def collect(model: Model) -> dict[str, Any]:
    """The model's evidence now, read from the database (2 queries)."""
    point = (
        PricePoint.objects.filter(offering_id=model.reference_offering_id)
        .in_force_on(timezone.localdate())
        .first()
        if model.reference_offering_id
        else None
    )
    loaded = loaded_offerings(model)
    offering = (
        model.reference_offering
        if loaded is None
        else next((o for o in loaded if o.pk == model.reference_offering_id), None)
    )
    return assemble(
        model,
        offering=offering,
        point=point,
        summary=SpeedSummary.objects.filter(model=model).first(),
    )


def assemble(
    model: Model,
    *,
    offering: Offering | None,
    point: PricePoint | None,
    summary: SpeedFigures | None,
) -> dict[str, Any]:
    """The evidence from rows a page has already read: the reference offering, its point in
    force today and the speed summary (a model page has them all, so it reads nothing
    twice)."""
    return {
        "collected_at": timezone.now().isoformat(),
        "prices": None
        if point is None
        else {
            "offering": offering.source_key if offering else "",
            "effective_from": point.effective_from.isoformat(),
            "input_per_million": str(plain(point.input_per_million)),
            "output_per_million": str(plain(point.output_per_million)),
        },
        "p50_latency_ms": summary.p50_latency_ms_30d if summary else None,
        # Shown beside the verdict as what it stood on; not compared for drift.
        "speed_samples_30d": summary.samples_30d if summary else None,
        "speed_simulated": summary.is_simulated if summary else None,
        "capabilities": {row.capability: row.supported for row in model.capabilities.all()},
    }


def of_page(model: Model, *, pricing: ModelPricing, speed: ModelSpeed) -> dict[str, Any]:
    """The evidence from a model page's pricing and speed sections, reading nothing more
    unless the reference offering is delisted (then it is not on the page); with the page's
    one `FigureBook` (under "figures") for the claims of every text on it."""
    reference = pricing.reference
    if not model.reference_offering_id:
        found = assemble(model, offering=None, point=None, summary=speed.summary)
    elif reference is None or reference.offering.pk != model.reference_offering_id:
        found = collect(model)
    else:
        found = assemble(
            model, offering=reference.offering, point=reference.current, summary=speed.summary
        )
    found["figures"] = FigureBook()
    return found


def drift(
    pinned: dict[str, Any], model: Model, current: dict[str, Any] | None = None
) -> dt.date | None:
    """The earliest date on which the data stopped matching what was pinned, or None."""
    current = current or collect(model)
    dates: list[dt.date] = []
    if pinned.get("prices") != current["prices"] and current["prices"] is not None:
        dates.append(dt.date.fromisoformat(current["prices"]["effective_from"]))
    before, now = pinned.get("p50_latency_ms"), current["p50_latency_ms"]
    if before and now and abs(now - before) / before > LATENCY_DRIFT:
        summary = SpeedSummary.objects.get(model=model)
        dates.append(summary.window_end)
    if pinned.get("capabilities", {}) != current["capabilities"]:
        since = dt.datetime.fromisoformat(pinned["collected_at"])
        change = (
            CatalogueChange.objects.filter(
                model=model, field__startswith="capability:", recorded_at__gt=since
            )
            .order_by("recorded_at")
            .first()
        )
        dates.append(change.recorded_at.date() if change else timezone.localdate())
    return min(dates) if dates else None


def evidence_rows(
    pinned: dict[str, Any] | None, current: dict[str, Any]
) -> list[tuple[str, str, str]]:
    """(figure, as pinned, now) for each figure an approval pins, in words."""
    pinned = pinned or {}

    def price(evidence: dict[str, Any], key: str) -> str:
        prices = evidence.get("prices")
        if not prices:
            return "—"
        return f"{format_usd(Decimal(prices[key]))} per million (since {prices['effective_from']})"

    def latency(evidence: dict[str, Any]) -> str:
        value = evidence.get("p50_latency_ms")
        return "—" if value is None else f"{value:,.0f} ms"

    def capabilities(evidence: dict[str, Any]) -> str:
        flags = evidence.get("capabilities") or {}
        names = [str(Capability(key).label) for key, on in sorted(flags.items()) if on]
        return ", ".join(names) or "—"

    rows = [
        ("Input price", price(pinned, "input_per_million"), price(current, "input_per_million")),
        (
            "Output price",
            price(pinned, "output_per_million"),
            price(current, "output_per_million"),
        ),
        ("P50 latency, 30 days", latency(pinned), latency(current)),
        ("Capabilities", capabilities(pinned), capabilities(current)),
    ]
    if not pinned:
        return [(label, "—", now) for label, _pinned, now in rows]
    return rows


def evidence_changes(pinned: dict[str, Any], current: dict[str, Any]) -> list[str]:
    """What changed since `pinned`, naming each figure: "Input price: $1.10 per million (since
    2026-01-05) then, $0.20 per million (since 2026-03-01) now." Only the figures the drift
    check counts (a latency move over 30%, any price or capability change)."""
    changed = []
    for label, then, now in evidence_rows(pinned, current):
        if then == now:
            continue
        if label.startswith("P50"):
            before, after = pinned.get("p50_latency_ms"), current.get("p50_latency_ms")
            if not before or not after or abs(after - before) / before <= LATENCY_DRIFT:
                continue
        if label.endswith("price") and current.get("prices") is None:
            continue
        if label == "Capabilities":
            before_flags = pinned.get("capabilities") or {}
            after_flags = current.get("capabilities") or {}
            for key in sorted(set(before_flags) | set(after_flags)):
                if bool(before_flags.get(key)) != bool(after_flags.get(key)):
                    name = str(Capability(key).label)
                    verb = "added" if after_flags.get(key) else "removed"
                    changed.append(f"Capability {name} {verb} since approval.")
            continue
        changed.append(f"{label}: {then} at approval, {now} now.")
    return changed
