"""Signing in, site and admin alike: who is asking, and how often they may try.

Two limits hold against password guessing. django-axes locks a username out for one
address after DJANGO_LOGIN_FAILURE_LIMIT failures (per pair, so nobody can lock a reviewer
out from elsewhere); `signin_attempt_allowed` caps the attempts one address makes per hour
whatever the usernames (SIGNIN_ATTEMPTS_PER_HOUR), so spraying many accounts stays slow.
Both read the client address the way the API's rate limits do.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest

from .ratelimit import client_address, rate_limit_hit


def axes_client_address(request: HttpRequest) -> str | None:
    """django-axes' AXES_CLIENT_IP_CALLABLE: the address the rate limits count, or None when
    there is no valid one (axes stores it in an IP column, which PostgreSQL checks)."""
    address = client_address(request)
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return None


def signin_attempt_allowed(request: HttpRequest) -> bool:
    """Count one sign-in attempt from the request's address; False past the hourly cap."""
    allowance = rate_limit_hit(
        scope="signin",
        key=client_address(request),
        limit=settings.SIGNIN_ATTEMPTS_PER_HOUR,
        window_s=3600,
    )
    return allowance.allowed
