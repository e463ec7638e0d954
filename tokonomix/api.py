"""The one django-ninja API; each app adds its router."""

from ninja import NinjaAPI

from benchmarks.api import router as speed_router
from models_catalog.api import router as catalogue_router
from pricing.api import router as pricing_router

api = NinjaAPI(
    title="Tokonomix API",
    version="1",
    urls_namespace="api",
    description="Read-only data about LLMs: catalogue, prices and measured speed. "
    "Every figure carries the date it was measured or synced.",
)
api.add_router("/", catalogue_router)
api.add_router("/", pricing_router)
api.add_router("/", speed_router)
