"""Rate limits: sliding windows counted atomically per client, whose address is read
from X-Forwarded-For only when a trusted proxy sent the request."""

import threading

import pytest
from django.test import RequestFactory

from tokonomix.core.ratelimit import Limit, client_address, limiter, rate_limit_hit


@pytest.fixture(autouse=True)
def _clear_cache():
    from django.core.cache import cache

    cache.clear()


def request(remote="10.0.0.1", forwarded=None):
    meta = {"REMOTE_ADDR": remote}
    if forwarded:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **meta)


def test_with_no_trusted_proxy_the_forwarded_header_is_ignored(settings):
    settings.TRUSTED_PROXIES = []

    assert client_address(request(forwarded="6.6.6.6")) == "10.0.0.1"


def test_a_forged_header_sent_straight_to_the_site_is_ignored(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/24"]

    # 198.51.100.9 reached gunicorn directly and claims to be behind the proxy.
    forged = request(remote="198.51.100.9", forwarded="6.6.6.6, 10.0.0.1")
    assert client_address(forged) == "198.51.100.9"


def test_behind_a_trusted_proxy_the_rightmost_untrusted_hop_is_the_client(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/24"]

    # The client may forge the left part; our proxy appends the address it saw.
    assert client_address(request(forwarded="6.6.6.6, 203.0.113.7")) == "203.0.113.7"


def test_behind_two_proxies_both_trusted_hops_are_skipped(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.1", "192.0.2.0/24"]

    # client -> CDN (192.0.2.4) -> load balancer (10.0.0.1) -> site
    two_hops = request(remote="10.0.0.1", forwarded="6.6.6.6, 203.0.113.7, 192.0.2.4")
    assert client_address(two_hops) == "203.0.113.7"


def test_garbage_written_by_the_client_never_becomes_its_address(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/24"]

    assert client_address(request(forwarded="not-an-address")) == "10.0.0.1"


def test_a_client_is_refused_past_its_limit_and_others_are_not():
    for _ in range(3):
        assert rate_limit_hit(scope="t", key="a", limit=3, window_s=60).allowed

    refused = rate_limit_hit(scope="t", key="a", limit=3, window_s=60)

    assert not refused.allowed
    assert refused.retry_after_s > 0
    assert rate_limit_hit(scope="t", key="b", limit=3, window_s=60).allowed


def test_the_window_slides_so_a_burst_across_the_hour_is_still_one_hour(settings):
    now = [3600.0 * 9 - 2]  # 08:59:58
    limiter.clock = lambda: now[0]
    for _ in range(20):
        assert rate_limit_hit(scope="bench", key="u", limit=20, window_s=3600).allowed

    now[0] += 4  # 09:00:02: a fixed hourly window would start afresh here
    refused = rate_limit_hit(scope="bench", key="u", limit=20, window_s=3600)
    assert not refused.allowed
    assert refused.retry_after_s == 3600 - 4

    now[0] += 3600 - 4  # 09:59:58, an hour after the burst: places free up again
    assert rate_limit_hit(scope="bench", key="u", limit=20, window_s=3600).allowed


def test_a_refused_event_is_recorded_in_no_limit():
    by_account = Limit("t", "account", 5, 60)
    by_address = Limit("t", "address", 1, 60)
    assert rate_limit_hit(by_account, by_address).allowed

    refused = rate_limit_hit(by_account, by_address)

    assert refused.refused_by == by_address
    # The account spent one place only: four more fit once the address may go on.
    assert all(rate_limit_hit(by_account).allowed for _ in range(4))
    assert not rate_limit_hit(by_account).allowed


def test_concurrent_hits_never_pass_the_limit():
    allowed = []
    barrier = threading.Barrier(16)

    def hit() -> None:
        barrier.wait()
        allowed.append(rate_limit_hit(scope="race", key="k", limit=5, window_s=60).allowed)

    threads = [threading.Thread(target=hit) for _ in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert allowed.count(True) == 5


@pytest.mark.services
def test_on_redis_every_process_counts_against_the_same_window(redis_url):
    from tokonomix.core.ratelimit import RateLimiter

    first, second = RateLimiter(), RateLimiter()  # two web workers
    limit = Limit("shared", "client", 5, 60)

    allowed = [first.hit([limit]).allowed for _ in range(3)]
    allowed += [second.hit([limit]).allowed for _ in range(3)]

    assert allowed.count(True) == 5
    assert not first.in_process._events  # counted in Redis, not in either process
