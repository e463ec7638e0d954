"""The shared cache on Redis (django-redis) stores what the page cache and rate limits give it."""

import pytest


@pytest.mark.services
def test_the_redis_cache_stores_what_it_is_given(redis_url, settings):
    from django.core.cache import caches

    assert settings.CACHES["default"]["BACKEND"] == "django_redis.cache.RedisCache"
    cache = caches["default"]
    cache.set_many({"a": (1, b"page"), "b": "two"}, timeout=30)
    assert cache.get_many(["a", "b", "missing"]) == {"a": (1, b"page"), "b": "two"}
    assert cache.add("a", "other") is False
    cache.delete("counter")
    assert cache.add("counter", 0) is True
    assert cache.incr("counter") == 1
    cache.delete_many(["a", "b", "counter"])
    assert cache.get("a") is None
