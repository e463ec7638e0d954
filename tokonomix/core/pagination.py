"""The API's limit/offset pagination, with the offset bounded too."""

from __future__ import annotations

from ninja import Field
from ninja.conf import settings
from ninja.pagination import LimitOffsetPagination as NinjaLimitOffsetPagination

# Far past any list we serve, and well inside what the database accepts as an OFFSET.
MAX_OFFSET = 1_000_000


class LimitOffsetPagination(NinjaLimitOffsetPagination):
    """django-ninja's: `limit` capped by NINJA_PAGINATION_MAX_LIMIT, `offset` by MAX_OFFSET."""

    class Input(NinjaLimitOffsetPagination.Input):
        limit: int = Field(
            settings.PAGINATION_PER_PAGE, ge=1, le=int(settings.PAGINATION_MAX_LIMIT)
        )
        offset: int = Field(0, ge=0, le=MAX_OFFSET)
