"""The Redis cache backend (sportello.core.redis_cache) on the real Redis server: Django's
behaviour, one client per connection pool."""

import os
import uuid

import pytest
from django.core.cache.backends.redis import RedisCache

from sportello.core.redis_cache import SharedClientRedisCache

pytestmark = pytest.mark.redis

REDIS_URL = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0"


def test_behaves_as_djangos_redis_cache_with_one_client():
    prefix = f"test-{uuid.uuid4().hex}"
    ours = SharedClientRedisCache(REDIS_URL, {"KEY_PREFIX": prefix})
    djangos = RedisCache(REDIS_URL, {"KEY_PREFIX": prefix})
    try:
        ours.set("basket", {"lines": [1, 2]}, 60)
        assert djangos.get("basket") == {"lines": [1, 2]}
        djangos.set_many({"a": 1, "b": 2}, 60)
        assert ours.get_many(["a", "b", "missing"]) == {"a": 1, "b": 2}
        assert ours.incr("a") == 2
        assert ours.add("a", 5) is False
        ours.delete("a")
        assert djangos.get("a") is None

        client = ours._cache.get_client()
        assert ours._cache.get_client(write=True) is client
        assert djangos._cache.get_client() is not djangos._cache.get_client()
    finally:
        djangos.delete_many(["basket", "a", "b"])
