from collections.abc import Iterable
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Router, Status

from models_catalog.models import Model
from models_catalog.schemas import ErrorOut, IsoDate, Text
from tokonomix.core.downloads import csv_download

from . import selectors
from .models import PRICE_KINDS, PricePoint, plain
from .schemas import FirstListedOut, PriceChangeOut, PricePointOut

router = Router(tags=["prices"])

CSV_COLUMNS = [
    "offering",
    "host",
    "source",
    "effective_from",
    "first_seen_on",
    "effective_date_source",
    *PRICE_KINDS.values(),
]


def _point_out(point: PricePoint) -> dict[str, object]:
    listed = getattr(point.offering, "listed", {})
    row: dict[str, object] = {
        "offering": point.offering.source_key,
        "host": point.offering.host.slug,
        "source": point.offering.source,
        "effective_from": point.effective_from,
        "first_seen_on": point.first_seen_on,
        "effective_date_source": point.date_source,
        **{column: plain(getattr(point, column)) for column in PRICE_KINDS.values()},
        "other_per_million": {kind: plain(value) for kind, value in point.other_prices.items()},
        "listed_since": {
            kind: listed[kind].first_listed_on for kind in point.vector() if kind in listed
        },
    }
    return row


def _change_out(change: selectors.PriceChange) -> dict[str, object]:
    return {
        **_point_out(change.point),
        "model": change.point.offering.model.slug,
        "previous_effective_from": change.previous.effective_from,
        "previous_input_per_million": plain(change.previous_input),
        "previous_output_per_million": plain(change.previous_output),
        "changed": change.moved,
    }


def _model(slug: str) -> Model | None:
    return Model.objects.published().filter(slug=slug).first()


def _csv(rows: Iterable[dict[str, object]], columns: list[str], filename: str) -> HttpResponse:
    return csv_download(
        header=columns, rows=([row.get(c) for c in columns] for row in rows), filename=filename
    )


@router.get(
    "/models/{slug}/prices",
    response={200: list[PricePointOut], 404: ErrorOut},
    url_name="model_prices",
)
def model_prices(request: HttpRequest, slug: Text, as_of: IsoDate | None = None) -> Status[object]:
    """Every price point of the model's offerings, or with `as_of` those in force that day."""
    model = _model(slug)
    if model is None:
        return Status(404, {"detail": f"No published model {slug!r}."})
    points = selectors.price_points(model=model, as_of=as_of)
    return Status(200, [_point_out(p) for p in points])


@router.get(
    "/models/{slug}/prices.csv", response={200: None, 404: ErrorOut}, url_name="model_prices_csv"
)
def model_prices_csv(
    request: HttpRequest, slug: Text, as_of: IsoDate | None = None
) -> HttpResponse | Status[object]:
    model = _model(slug)
    if model is None:
        return Status(404, {"detail": f"No published model {slug!r}."})
    points = selectors.price_points(model=model, as_of=as_of)
    return _csv((_point_out(p) for p in points), CSV_COLUMNS, f"{slug}-prices.csv")


@router.get("/prices/changes", response=list[PriceChangeOut], url_name="price_changes")
def price_changes(
    request: HttpRequest, since: IsoDate | None = None, all_prices: bool = False
) -> list[dict[str, object]]:
    """Moves of an input or output price already listed, newest first (at most 500); with
    `all_prices`, moves of any price already listed (cached input, batch, audio...). A price
    first listed is not a change: see `/prices/first-listed`."""
    changes = selectors.price_changes(since=since, limit=500, all_prices=all_prices)
    return [_change_out(c) for c in changes]


@router.get("/prices/changes.csv", response={200: None}, url_name="price_changes_csv")
def price_changes_csv(
    request: HttpRequest, since: IsoDate | None = None, all_prices: bool = False
) -> HttpResponse:
    columns = [
        "model",
        *CSV_COLUMNS,
        "previous_effective_from",
        "previous_input_per_million",
        "previous_output_per_million",
        "changed",
    ]
    changes = selectors.price_changes(since=since, limit=500, all_prices=all_prices)
    rows = ({**_change_out(c), "changed": " ".join(c.moved)} for c in changes)
    return _csv(rows, columns, "price-changes.csv")


@router.get("/prices/first-listed", response=list[FirstListedOut], url_name="first_listed")
def first_listed(request: HttpRequest, since: IsoDate | None = None) -> list[dict[str, Any]]:
    """Prices a source listed for the first time (a new offering, or a new cached, batch or
    flex price beside listed ones), newest first (at most 500): not price changes."""
    return [
        {
            "model": group.offering.model.slug,
            "offering": group.offering.source_key,
            "host": group.offering.host.slug,
            "source": group.offering.source,
            "price": listing.kind,
            "first_listed_on": listing.first_listed_on,
            "per_million": plain(listing.first_value),
            "new_offering": group.new_offering,
        }
        for group in selectors.first_listings(since=since, limit=500)
        for listing in group.listings
    ][:500]
