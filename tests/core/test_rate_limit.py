"""Rate limits count per client, and read the client's address right behind proxies."""

import pytest
from django.test import RequestFactory

from tokonomix.core.ratelimit import client_address, rate_limit_hit


@pytest.fixture(autouse=True)
def _clear_cache():
    from django.core.cache import cache

    cache.clear()


def request(remote="10.0.0.1", forwarded=None):
    meta = {"REMOTE_ADDR": remote}
    if forwarded:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **meta)


def test_without_proxies_the_forwarded_header_is_ignored(monkeypatch):
    from ninja.conf import settings as ninja_settings

    monkeypatch.setattr(ninja_settings, "NUM_PROXIES", 0)

    assert client_address(request(forwarded="6.6.6.6")) == "10.0.0.1"


def test_behind_one_proxy_the_rightmost_forwarded_address_is_the_client(monkeypatch):
    from ninja.conf import settings as ninja_settings

    monkeypatch.setattr(ninja_settings, "NUM_PROXIES", 1)

    # The client may forge the left part; our proxy appends the address it saw.
    assert client_address(request(forwarded="6.6.6.6, 203.0.113.7")) == "203.0.113.7"


def test_a_client_is_refused_past_its_limit_and_others_are_not():
    for _ in range(3):
        assert rate_limit_hit(scope="t", key="a", limit=3, window_s=60).allowed

    refused = rate_limit_hit(scope="t", key="a", limit=3, window_s=60)

    assert not refused.allowed
    assert refused.retry_after_s > 0
    assert rate_limit_hit(scope="t", key="b", limit=3, window_s=60).allowed
