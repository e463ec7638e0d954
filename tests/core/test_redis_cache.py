"""The Redis cache backend reuses one client per connection pool, and works as a cache."""

import pytest

from tokonomix.core.cache import RedisCache


@pytest.mark.services
def test_the_redis_cache_reuses_its_client_and_stores_what_it_is_given(redis_url):
    cache = RedisCache(redis_url, {"KEY_PREFIX": "tokonomix-test-cache"})
    assert cache._cache.get_client() is cache._cache.get_client(write=True)

    cache.set_many({"a": (1, b"page"), "b": "two"}, timeout=30)
    assert cache.get_many(["a", "b", "missing"]) == {"a": (1, b"page"), "b": "two"}
    assert cache.add("a", "other") is False
    cache.delete_many(["a", "b"])
    assert cache.get("a") is None
