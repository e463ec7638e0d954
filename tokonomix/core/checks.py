"""Deployment checks of our own, beside Django's (`manage.py check --deploy`)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.security, deploy=True)
def staff_two_factor(app_configs: Any, **kwargs: Any) -> list[Warning]:
    """Production admin needs the second factor; only development turns it off."""
    if settings.DEBUG or settings.STAFF_TWO_FACTOR:
        return []
    return [
        Warning(
            "Staff can use the admin with a password alone.",
            hint="Unset DJANGO_STAFF_TWO_FACTOR (it is on by default when DJANGO_DEBUG is off).",
            id="tokonomix.W001",
        )
    ]


@register(Tags.security, deploy=True)
def scripts_stay_strict(app_configs: Any, **kwargs: Any) -> list[Warning]:
    """No page may run inline or evaluated script (SECURE_CSP)."""
    policy: dict[str, Any] = settings.SECURE_CSP
    scripts = policy.get("script-src", policy.get("default-src", []))
    loose = [value for value in scripts if value in ("'unsafe-inline'", "'unsafe-eval'", "*")]
    if not loose:
        return []
    return [
        Warning(
            f"SECURE_CSP lets pages run inline or evaluated script: {', '.join(loose)}.",
            id="tokonomix.W002",
        )
    ]
