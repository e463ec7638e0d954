"""`manage.py check --deploy` is clean with production values, and says so when the admin's
second factor is turned off there (what .ci/run checks, as a test)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION = {
    "DJANGO_DEBUG": "false",
    "DJANGO_SECRET_KEY": "p" * 20 + "-production-like-key-" + "q" * 20,
    "DJANGO_ALLOWED_HOSTS": "tokonomix.example",
    "DJANGO_CSRF_TRUSTED_ORIGINS": "https://tokonomix.example",
}


def check_deploy(**extra: str) -> subprocess.CompletedProcess[str]:
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("DJANGO_", "PYTEST_"))  # the test run's own overrides
    }
    env.update({"DJANGO_READ_DOT_ENV": "false", **PRODUCTION, **extra})
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_values_pass_the_deployment_checks():
    result = check_deploy()

    assert result.returncode == 0, result.stdout + result.stderr


def test_turning_the_staff_second_factor_off_in_production_fails_them():
    result = check_deploy(DJANGO_STAFF_TWO_FACTOR="false")

    assert result.returncode != 0
    assert "tokonomix.W001" in result.stdout + result.stderr
