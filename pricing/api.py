from collections.abc import Iterable

from django.http import HttpRequest, HttpResponse
from ninja import Router, Status

from models_catalog.models import Model
from models_catalog.schemas import ErrorOut, IsoDate, Text
from tokonomix.core.downloads import csv_download

from . import selectors
from .models import PRICE_KINDS, PricePoint, plain
from .schemas import PriceChangeOut, PricePointOut

router = Router(tags=["prices"])

CSV_COLUMNS = ["offering", "host", "effective_from", *PRICE_KINDS.values()]


def _point_out(point: PricePoint) -> dict[str, object]:
    row: dict[str, object] = {
        "offering": point.offering.source_key,
        "host": point.offering.host.slug,
        "effective_from": point.effective_from,
        **{column: plain(getattr(point, column)) for column in PRICE_KINDS.values()},
        "other_per_million": {kind: plain(value) for kind, value in point.other_prices.items()},
    }
    return row


def _change_out(change: selectors.PriceChange) -> dict[str, object]:
    return {
        **_point_out(change.point),
        "model": change.point.offering.model.slug,
        "previous_input_per_million": plain(change.previous_input),
        "previous_output_per_million": plain(change.previous_output),
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
def price_changes(request: HttpRequest, since: IsoDate | None = None) -> list[dict[str, object]]:
    """Price changes across the catalogue (first listings are not changes), newest first."""
    return [_change_out(c) for c in selectors.price_changes(since=since, limit=500)]


@router.get("/prices/changes.csv", response={200: None}, url_name="price_changes_csv")
def price_changes_csv(request: HttpRequest, since: IsoDate | None = None) -> HttpResponse:
    columns = ["model", *CSV_COLUMNS, "previous_input_per_million", "previous_output_per_million"]
    changes = selectors.price_changes(since=since, limit=500)
    return _csv((_change_out(c) for c in changes), columns, "price-changes.csv")
