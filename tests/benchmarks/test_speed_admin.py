"""The speed-test admin: targets with host presets; runs and samples read-only."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from benchmarks.models import SpeedSample, SpeedTarget, SpeedTestRun
from tests import factories

from .conftest import recorded_run

pytestmark = pytest.mark.django_db


def form(offering_pk: int, **fields: object) -> dict[str, object]:
    data: dict[str, object] = {
        "offering": offering_pk,
        "preset": "",
        "base_url": "",
        "api_model": "llama-3.3-70b",
        "api_key_env": "",
        "enabled": "on",
        "samples_per_test": 6,
        "max_output_tokens": 200,
        "prompt_set": "standard",
        "workloads": ["standard"],
        "output_limit_param": "max_tokens",
    }
    data.update(fields)
    return data


def test_a_preset_fills_the_base_url_and_the_key_variable_name(client) -> None:  # type: ignore[no-untyped-def]
    offering = factories.offering()
    client.force_login(factories.user(superuser=True))

    response = client.post(
        reverse("admin:benchmarks_speedtarget_add"), form(offering.pk, preset="groq")
    )

    assert response.status_code == 302
    target = SpeedTarget.objects.get()
    assert target.base_url == "https://api.groq.com/openai/v1"
    assert target.api_key_env == "GROQ_API_KEY"


def test_a_key_is_refused_where_a_variable_name_belongs(client) -> None:  # type: ignore[no-untyped-def]
    offering = factories.offering()
    client.force_login(factories.user(superuser=True))

    response = client.post(
        reverse("admin:benchmarks_speedtarget_add"),
        form(offering.pk, base_url="https://api.example.com/v1", api_key_env="sk-abc123"),
    )

    assert response.status_code == 200
    assert not SpeedTarget.objects.exists()
    assert "NAME of an environment variable" in response.content.decode()


def test_runs_and_samples_are_read_only_and_their_pages_answer(client) -> None:  # type: ignore[no-untyped-def]
    offering = factories.offering()
    SpeedTarget.objects.create(
        offering=offering, base_url="http://127.0.0.1:8765/v1", api_model="x"
    )
    recorded_run(offering.model, [{"started_at": timezone.now(), "latency_ms": 900.0}])
    client.force_login(factories.user(superuser=True))

    for model, obj in (
        (SpeedTarget, SpeedTarget.objects.get()),
        (SpeedTestRun, SpeedTestRun.objects.get()),
        (SpeedSample, SpeedSample.objects.get()),
    ):
        meta = model._meta
        changelist = reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist")
        assert client.get(changelist, {"q": "x"}).status_code == 200
        change = reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[obj.pk])
        assert client.get(change).status_code == 200
    assert client.get(reverse("admin:benchmarks_speedtestrun_add")).status_code == 403
    assert client.get(reverse("admin:benchmarks_speedsample_add")).status_code == 403


def test_a_target_is_given_its_workloads_in_their_defined_order(client) -> None:  # type: ignore[no-untyped-def]
    offering = factories.offering()
    client.force_login(factories.user(superuser=True))

    response = client.post(
        reverse("admin:benchmarks_speedtarget_add"),
        form(offering.pk, preset="groq", workloads=["long", "standard", "medium"]),
    )

    assert response.status_code == 302
    assert SpeedTarget.objects.get().workloads == ["standard", "medium", "long"]


def test_a_target_needs_at_least_one_workload(client) -> None:  # type: ignore[no-untyped-def]
    offering = factories.offering()
    client.force_login(factories.user(superuser=True))

    response = client.post(
        reverse("admin:benchmarks_speedtarget_add"), form(offering.pk, preset="groq", workloads=[])
    )

    assert response.status_code == 200
    assert not SpeedTarget.objects.exists()
