"""Every admin changelist and change page answers staff, and sends anonymous readers to log in."""

import datetime as dt

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.db import models as django_models
from django.urls import reverse
from django.utils import timezone

from benchmarks.models import SpeedTarget, SpeedTestRun
from models_catalog.models import CatalogueChange, Dispute, Offering
from pricing.models import HeldPriceChange
from pricing.services import prices_sync
from tests import factories
from tests.benchmarks.conftest import recorded_run
from tokonomix.editorial.models import EvaluationScore, UseCase, Verdict
from tokonomix.site.management.commands.load_demo import PRICE_MAP as DEMO_PRICE_MAP

pytestmark = pytest.mark.django_db


@pytest.fixture
def one_of_each() -> dict[type[django_models.Model], django_models.Model]:
    """One saved instance of every model registered in the admin."""
    run = prices_sync(path=DEMO_PRICE_MAP, as_of=dt.date(2026, 1, 5))
    offering = Offering.objects.get(source_key="o4-mini")
    factories.tier()
    factories.profile(by=factories.group_user("Editors"), model=offering.model)
    Group.objects.create(name="Testers")
    CatalogueChange.objects.create(
        model=offering.model,
        field="context_window",
        old_value="1",
        new_value="2",
        source="litellm",
        source_key=offering.source_key,
    )
    Dispute.objects.create(
        model=offering.model,
        field="price:input",
        host="openai",
        values={"litellm": "1.1", "genai-prices": "1.5"},
        opened_on=run.as_of,
    )
    HeldPriceChange.objects.create(
        offering=offering,
        sync_run=run,
        effective_from=run.as_of,
        new_prices={"input": "110"},
        reason="input moved more than 10x",
    )
    speed_target = SpeedTarget.objects.create(
        offering=offering, base_url="http://127.0.0.1:8765/v1", api_model="o4-mini"
    )
    recorded_run(offering.model, [{"started_at": timezone.now(), "latency_ms": 900.0}])
    SpeedTestRun.objects.update(target=speed_target)
    # django-axes' records of sign-ins, and a staff member's authenticator app.
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog
    from django_otp.plugins.otp_totp.models import TOTPDevice

    attempt = {"user_agent": "test", "ip_address": "127.0.0.1", "username": "someone"}
    AccessAttempt.objects.create(**attempt, get_data="", post_data="", failures_since_start=1)
    AccessFailureLog.objects.create(**attempt)
    AccessLog.objects.create(**attempt)
    editor = factories.group_user("Editors")
    TOTPDevice.objects.create(user=editor, name="authenticator app")
    for content in (
        Verdict(model=offering.model, date=run.as_of, headline="A verdict"),
        EvaluationScore(
            model=offering.model, suite="MMLU", metric="accuracy", value=80, date=run.as_of
        ),
        UseCase(slug="reasoning", title="Reasoning"),
    ):
        content.save()
        content.record_revision(by=editor)
    instances: dict[type[django_models.Model], django_models.Model] = {}
    for model_class in admin.site._registry:
        instance = model_class._default_manager.first()
        assert instance is not None, f"add an instance of {model_class.__name__} to this fixture"
        instances[model_class] = instance
    return instances


def admin_urls(instances):
    for model_class, instance in instances.items():
        meta = model_class._meta
        yield reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist")
        yield reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[instance.pk])


def test_every_changelist_and_change_page_answers_a_superuser(client, one_of_each):
    client.force_login(factories.user(superuser=True))

    for url in admin_urls(one_of_each):
        response = client.get(url)
        assert response.status_code == 200, url


def test_changelists_answer_searches_and_filters(client, one_of_each):
    client.force_login(factories.user(superuser=True))

    for model_class, model_admin in admin.site._registry.items():
        meta = model_class._meta
        url = reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist")
        if model_admin.search_fields:
            assert client.get(url, {"q": "o4"}).status_code == 200, url


def test_anonymous_readers_are_sent_to_log_in(client, one_of_each):
    for url in admin_urls(one_of_each):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/admin/login/"), url


def test_catalogue_changes_cannot_be_edited_or_deleted_even_by_a_superuser(client, one_of_each):
    client.force_login(factories.user(superuser=True))
    change = one_of_each[CatalogueChange]

    delete = reverse("admin:models_catalog_cataloguechange_delete", args=[change.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert CatalogueChange.objects.filter(pk=change.pk).exists()
