"""The one browser-policy header Django does not send itself.

Django's SecurityMiddleware sends Referrer-Policy, Cross-Origin-Opener-Policy and
X-Content-Type-Options, and its CSP middleware the Content-Security-Policy (SECURE_CSP);
this sends Permissions-Policy (PERMISSIONS_POLICY), switching off browser features no page
uses, so that injected markup could not ask for them either.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest
from django.http.response import HttpResponseBase


class PermissionsPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        policy = getattr(settings, "PERMISSIONS_POLICY", "")
        if policy and "Permissions-Policy" not in response:
            response["Permissions-Policy"] = policy
        return response
