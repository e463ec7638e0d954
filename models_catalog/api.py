from django.http import HttpRequest
from ninja import Router, Status
from ninja.pagination import paginate

from . import selectors
from .models import Model, ModelQuerySet
from .schemas import ErrorOut, ModelOut

router = Router(tags=["catalogue"])


@router.get("/models", response=list[ModelOut])
@paginate  # limit/offset, capped by NINJA_PAGINATION_MAX_LIMIT
def list_models(request: HttpRequest, q: str = "", capability: str = "") -> ModelQuerySet:
    """Published models; `capability` takes a comma-separated list that must all be supported."""
    capabilities = [c for c in capability.split(",") if c]
    return selectors.model_list(search=q, capabilities=capabilities)


@router.get("/models/{slug}", response={200: ModelOut, 404: ErrorOut})
def get_model(request: HttpRequest, slug: str) -> Status[object]:
    try:
        return Status(200, selectors.model_header(slug=slug))
    except Model.DoesNotExist:
        return Status(404, {"detail": f"No published model {slug!r}."})
