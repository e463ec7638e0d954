from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Router, Status
from ninja.pagination import paginate

from . import selectors
from .models import Model, ModelQuerySet, Offering, Provider
from .schemas import ErrorOut, ModelOut, OfferingOut, ProviderDetailOut, ProviderOut, Text

router = Router(tags=["catalogue"])


@router.get("/providers", response=list[ProviderOut], url_name="providers")
def list_providers(request: HttpRequest) -> list[Provider]:
    """Providers with at least one published model, by name."""
    return selectors.provider_list()


@router.get(
    "/providers/{slug}", response={200: ProviderDetailOut, 404: ErrorOut}, url_name="provider"
)
def get_provider(request: HttpRequest, slug: Text) -> Status[object]:
    try:
        provider, models = selectors.provider_detail(slug=slug)
    except Provider.DoesNotExist:
        return Status(404, {"detail": f"No provider {slug!r} with a published model."})
    return Status(
        200,
        {
            "slug": provider.slug,
            "name": provider.name,
            "country": provider.country,
            "website": provider.website,
            "models": models,
        },
    )


@router.get("/models", response=list[ModelOut])
@paginate  # limit/offset, capped by NINJA_PAGINATION_MAX_LIMIT
def list_models(
    request: HttpRequest, q: Text = "", capability: Text = "", provider: Text = "", tier: Text = ""
) -> ModelQuerySet:
    """Published models by name. `capability` takes a comma-separated list that must all be
    supported; `provider` is a provider's slug and `tier` a tier's code."""
    capabilities = [c for c in capability.split(",") if c]
    return selectors.model_list(
        search=q, capabilities=capabilities, provider_slug=provider, tier_code=tier
    ).with_sources()


@router.get("/models/{slug}", response={200: ModelOut, 404: ErrorOut})
def get_model(request: HttpRequest, slug: Text) -> Status[object]:
    try:
        return Status(200, selectors.model_header(slug=slug))
    except Model.DoesNotExist:
        return Status(404, {"detail": f"No published model {slug!r}."})


@router.get("/offerings", response=list[OfferingOut], url_name="offerings")
@paginate
def list_offerings(
    request: HttpRequest, model: Text = "", host: Text = "", region: Text = "", source: Text = ""
) -> QuerySet[Offering]:
    """Listed offerings of published models: `model` and `host` are slugs, `region` a region
    code (eu, us...), `source` a price source (litellm)."""
    return selectors.offering_list(
        model_slug=model, host_slug=host, region_code=region, source=source
    )
