"""The API's per-client rate limit: counted in the shared cache, per real client address."""

from __future__ import annotations

import itertools
import runpy
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from tokonomix.api import api_throttle

pytestmark = pytest.mark.django_db

SETTINGS = Path(__file__).resolve().parents[2] / "tokonomix" / "settings.py"
_addresses = (f"198.51.100.{n}" for n in itertools.count(1))


@pytest.fixture
def limit_of_3(monkeypatch):
    """Three requests a minute; each test counts from fresh addresses, whatever the cache."""
    monkeypatch.setattr(api_throttle, "num_requests", 3)
    monkeypatch.setattr(api_throttle, "duration", 60)


@pytest.fixture
def proxies(settings):
    def trusted(*addresses: str) -> None:
        settings.TRUSTED_PROXIES = list(addresses)

    return trusted


def get(client, **meta):
    return client.get("/api/v1/providers", **meta)


def test_a_client_over_the_limit_gets_429_with_retry_after(client, limit_of_3, proxies):
    proxies()
    address = next(_addresses)
    for _ in range(3):
        assert get(client, REMOTE_ADDR=address).status_code == 200

    refused = get(client, REMOTE_ADDR=address)

    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= 61
    assert "detail" in refused.json()
    assert get(client, REMOTE_ADDR=next(_addresses)).status_code == 200


def test_two_clients_behind_one_proxy_are_counted_separately(client, limit_of_3, proxies):
    proxy, first, second = next(_addresses), next(_addresses), next(_addresses)
    proxies(proxy)
    for _ in range(3):
        assert get(client, REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR=first).status_code == 200

    assert get(client, REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR=first).status_code == 429
    assert get(client, REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR=second).status_code == 200


def test_a_forged_forwarded_header_is_ignored_without_proxies(client, limit_of_3, proxies):
    proxies()
    address = next(_addresses)
    for n in range(3):
        forged = f"203.0.113.{n}"
        assert get(client, REMOTE_ADDR=address, HTTP_X_FORWARDED_FOR=forged).status_code == 200

    forged_again = get(client, REMOTE_ADDR=address, HTTP_X_FORWARDED_FOR="203.0.113.99")

    assert forged_again.status_code == 429


def test_rotating_forged_headers_sent_past_the_proxy_share_one_bucket(client, limit_of_3, proxies):
    """The attack: a proxy is trusted, and the attacker reaches gunicorn directly with a
    new X-Forwarded-For each time. Only the trusted proxy's header is believed."""
    proxies("10.0.0.0/8")
    attacker = next(_addresses)
    answers = [
        get(client, REMOTE_ADDR=attacker, HTTP_X_FORWARDED_FOR=f"203.0.113.{n}, 10.0.0.1")
        for n in range(6)
    ]

    assert [a.status_code for a in answers] == [200, 200, 200, 429, 429, 429]


def test_the_429_answer_is_in_the_schema_with_retry_after(client):
    schema = client.get("/api/v1/openapi.json").json()

    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            too_many = operation["responses"]["429"]
            assert "Retry-After" in too_many["headers"], (method, path)


@pytest.mark.parametrize("value", ["600", "600/fortnight", "-5/m", "0/m", "many/m"])
def test_a_malformed_api_rate_limit_stops_start_up_naming_the_variable(monkeypatch, value):
    monkeypatch.setenv("DJANGO_SECRET_KEY", "k" * 50)
    monkeypatch.setenv("API_RATE_LIMIT", value)

    with pytest.raises(ImproperlyConfigured, match="API_RATE_LIMIT"):
        runpy.run_path(str(SETTINGS))


def test_the_api_rate_limit_reads_counts_per_second_minute_hour_or_day(monkeypatch):
    monkeypatch.setenv("DJANGO_SECRET_KEY", "k" * 50)
    monkeypatch.setenv("API_RATE_LIMIT", " 120/h ")

    assert runpy.run_path(str(SETTINGS))["API_RATE_LIMIT"] == "120/h"
