"""Schemathesis generates requests from the OpenAPI schema and checks every answer against it:
no server errors, documented status codes, bodies and headers that match their schemas."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.management import call_command
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from hypothesis import HealthCheck, settings

from tests.factories import publish
from tokonomix.api import api_throttle
from tokonomix.wsgi import application

from .conftest import score, verdict


@pytest.fixture(scope="module")
def published_world(django_db_setup: None, django_db_blocker: Any) -> Iterator[None]:
    """The demo catalogue with a published verdict and score, loaded once for the module and
    rolled back at its end (each test's own transaction nests inside this one)."""
    from models_catalog.models import Model
    from tests import factories

    with django_db_blocker.unblock(), transaction.atomic():
        call_command("load_demo", verbosity=0, stdout=open("/dev/null", "w"))  # noqa: SIM115
        editor = factories.group_user("Editors", username="schemathesis-editor")
        reviewer = factories.group_user("Reviewers", username="schemathesis-reviewer")
        o4 = Model.objects.get(slug="o4-mini")
        publish(verdict(o4), editor=editor, reviewer=reviewer)
        publish(score(o4), editor=editor, reviewer=reviewer)
        yield
        transaction.set_rollback(True)


@pytest.fixture
def wsgi_calls_keep_the_test_transaction(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Like Django's test client: a request must not close the test's database connection,
    and one address may make hundreds of requests, far past the production rate limit."""
    monkeypatch.setattr(api_throttle, "num_requests", 1_000_000)
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


# Reading the schema needs no database: the app serves it from code.
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)


@schema.parametrize()
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_the_api_answers_as_its_schema_says(
    case: Any, published_world: None, db: None, wsgi_calls_keep_the_test_transaction: None
) -> None:
    case.call_and_validate()
