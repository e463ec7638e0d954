"""Prices across sources: a dated source refines the others' dates, and prices the sources
disagree on are disputed.

The same offering of a model (same host, no region, no variant) is listed by several
sources: litellm's `o3`, genai-prices' `openai/o3`, models.dev's `openai/o3`. Two rules
run after every applied sync, for the models it touched, inside its transaction:

* **Dates.** genai-prices says when a price took effect (o3's cut: 2025-06-10); litellm
  only shows the new price from the release our sync first read (2025-07-05). A point
  whose input and output prices equal a dated point of another source for the same
  offering, and which started later than that date while the point before it started
  earlier, takes the dated source's day as its `effective_from` (its `observed_on`
  keeps the day our sync first saw it, and `date_source` names the source).
* **Disputes.** On the host the model's pages quote, the input, output and cached-input
  prices in force are compared across sources; a difference beyond the tolerance
  (`models_catalog.facts.agree`) opens a `Dispute` naming what each source says, which
  keeps those offerings' points out of the price changes until the sources agree again
  or an editor confirms the price.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal

from django.db.models import Exists, F, OuterRef

from models_catalog import facts
from models_catalog.facts import DisputeBook
from models_catalog.models import Model, Offering

from .models import PricePoint, plain

COMPARED = ("input", "output", "cache_read")


def _plain_offerings(model_ids: Iterable[int]) -> list[Offering]:
    """Listed offerings of these models sold without a region or a variant, with host."""
    regional = Offering.regions.through.objects.filter(offering=OuterRef("pk"))
    return list(
        Offering.objects.listed()
        .filter(model_id__in=list(model_ids), variant="")
        .annotate(regional=Exists(regional))
        .filter(regional=False)
        .select_related("host")
    )


def _same_rates(a: PricePoint, b: PricePoint) -> bool:
    for column in ("input_per_million", "output_per_million"):
        first, second = getattr(a, column), getattr(b, column)
        if first is None or second is None:
            return False
        if not facts.agree([str(first), str(second)], share=facts.PRICE_SHARE):
            return False
    return True


def price_dates_refine(*, model_ids: Iterable[int]) -> int:
    """Give points the day a dated source says their prices took effect; returns how many
    moved. Running it again moves none."""
    # Points a source dated itself (not those this function dated from another source).
    dated = list(
        PricePoint.objects.filter(
            offering__model_id__in=list(model_ids), date_source=F("offering__source")
        ).select_related("offering")
    )
    if not dated:
        return 0
    offerings = _plain_offerings({p.offering.model_id for p in dated})
    histories: dict[int, list[PricePoint]] = {}
    for point in PricePoint.objects.filter(offering__in=offerings).order_by(
        "offering_id", "effective_from"
    ):
        histories.setdefault(point.offering_id, []).append(point)
    moved = 0
    for source_point in dated:
        source = source_point.offering
        for offering in offerings:
            if (
                offering.model_id != source.model_id
                or offering.host_id != source.host_id
                or offering.source == source.source
            ):
                continue
            history = histories.get(offering.pk, [])
            for index, point in enumerate(history):
                previous = history[index - 1] if index else None
                if (
                    point.effective_from > source_point.effective_from
                    and not point.date_source
                    and _same_rates(point, source_point)
                    and (previous is None or previous.effective_from < source_point.effective_from)
                    and (previous is None or not _same_rates(previous, source_point))
                ):
                    point.effective_from = source_point.effective_from
                    point.date_source = source.source
                    point.save(update_fields=["effective_from", "date_source"])
                    moved += 1
                    break
    return moved


def price_disputes_check(*, model_ids: Iterable[int], as_of: dt.date) -> int:
    """Open, update or resolve the price disputes of these models; returns how many opened."""
    ids = list(model_ids)
    references = dict(
        Model.objects.filter(pk__in=ids, reference_offering__isnull=False).values_list(
            "pk", "reference_offering__host_id"
        )
    )
    by_model: dict[int, dict[str, Offering]] = {}
    for offering in sorted(
        _plain_offerings(references), key=lambda o: (len(o.source_key), o.source_key)
    ):
        if offering.host_id != references.get(offering.model_id):
            continue
        # One offering a source: its shortest key (o3 before o3-2025-04-16).
        by_model.setdefault(offering.model_id, {}).setdefault(offering.source, offering)
    compared = [o for sources in by_model.values() if len(sources) > 1 for o in sources.values()]
    current = {
        p.offering_id: p
        for p in PricePoint.objects.in_force_on(as_of, offering_ids=[o.pk for o in compared])
    }
    book = DisputeBook(model_ids=ids, fields=[f"price:{kind}" for kind in COMPARED])
    for model_id in ids:
        sources = by_model.get(model_id, {})
        host = next(iter(sources.values())).host.slug if sources else ""
        for kind in COMPARED:
            said: dict[str, Decimal] = {}
            for source, offering in sources.items():
                point = current.get(offering.pk)
                value = point.vector().get(kind) if point else None
                if value is not None:
                    said[source] = value
            values = {source: str(plain(value)) for source, value in said.items()}
            disagree = len(values) > 1 and not facts.agree(
                values.values(), share=facts.PRICE_SHARE, cent=facts.PRICE_CENT
            )
            book.record(
                model_id=model_id,
                field=f"price:{kind}",
                host=host,
                values=values if disagree else None,
                day=as_of,
                offering_ids=[o.pk for o in sources.values()],
            )
    return book.opened
