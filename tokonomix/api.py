"""The one django-ninja API; each app adds its router."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.conf import settings
from django.http import HttpRequest
from ninja import NinjaAPI, Swagger
from ninja.throttling import AnonRateThrottle

from benchmarks.speed.api import router as speed_router
from models_catalog.api import router as catalogue_router
from pricing.api import router as pricing_router
from tokonomix.editorial.api import router as opinion_router

from .core.ratelimit import client_address, rate_limit_hit


class ApiRateThrottle(AnonRateThrottle):
    """API_RATE_LIMIT requests per client in any sliding window of that length.

    The client is tokonomix.core.ratelimit.client_address (X-Forwarded-For believed only
    from DJANGO_TRUSTED_PROXIES); the count is its atomic sliding window, shared by every
    web worker through Redis.
    """

    scope = "api"

    def get_ident(self, request: HttpRequest) -> str | None:
        return client_address(request)

    def allow_request(self, request: HttpRequest) -> bool:
        key = self.get_cache_key(request)
        if key is None or self.num_requests is None or self.duration is None:
            return True
        allowance = rate_limit_hit(
            scope=self.scope, key=key, limit=self.num_requests, window_s=self.duration
        )
        self.retry_after_s = allowance.retry_after_s
        return allowance.allowed

    def wait(self) -> float:
        return float(self.retry_after_s)


class TokonomixAPI(NinjaAPI):
    def get_openapi_operation_id(self, operation: Any) -> str:
        """`<app label>_api_<function>`: the id clients are generated from names the app,
        not the module it happens to live in, so moving code inside an app changes no id."""
        module = operation.view_func.__module__
        app = apps.get_containing_app_config(module)
        prefix = app.label if app is not None else module.replace(".", "_")
        return f"{prefix}_api_{operation.view_func.__name__}"

    def get_openapi_schema(self, **kwargs: Any) -> Any:
        """Document the answers django-ninja gives before an endpoint runs: 429 (rate limit,
        with Retry-After) on every operation, 422 on those with parameters to validate."""
        schema = super().get_openapi_schema(**kwargs)
        invalid = {
            "description": "Invalid parameters: `detail` lists each one and why.",
            "content": {
                "application/json": {
                    "schema": {
                        "type": "object",
                        "properties": {"detail": {"type": "array", "items": {"type": "object"}}},
                        "required": ["detail"],
                    }
                }
            },
        }
        too_many = {
            "description": f"Too many requests: the limit is {settings.API_RATE_LIMIT} per "
            "client. Retry after the number of seconds in Retry-After.",
            "headers": {
                "Retry-After": {
                    "description": "Seconds to wait before the next request.",
                    "schema": {"type": "integer", "minimum": 1},
                }
            },
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorOut"}}},
        }
        for operations in schema["paths"].values():
            for operation in operations.values():
                operation["responses"].setdefault("429", too_many)
                if operation.get("parameters"):
                    operation["responses"].setdefault("422", invalid)
        return schema


class SiteSwagger(Swagger):
    """Swagger UI in a page of the site's own (templates/api_docs.html): a way back to the
    site, and dark when the reader's system is (django-ninja renders the docs from
    `template`, with the same context as its own)."""

    template = "api_docs.html"


api_throttle = ApiRateThrottle(settings.API_RATE_LIMIT)

api = TokonomixAPI(
    title="Tokonomix API",
    version="1",
    urls_namespace="api",
    description="Read-only data about LLMs: catalogue, prices, measured speed, and reviewed "
    "verdicts and evaluation scores. Every figure carries the date it was measured or synced.",
    throttle=[api_throttle],
    docs=SiteSwagger(),
)
api.add_router("/", catalogue_router)
api.add_router("/", pricing_router)
api.add_router("/", speed_router)
api.add_router("/", opinion_router)
