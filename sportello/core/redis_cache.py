"""Django's Redis cache with one redis client per connection pool, not one per operation.

Django's `RedisCacheClient.get_client` builds a new `redis.Redis` for every cache call, and
redis-py's constructor copies its table of some 170 response callbacks each time: a checkout
journey made about 60 of them (sessions, rate limits, the catalogue cache), ~3% of its web
CPU. A client is a thread-safe wrapper around its pool, so one per pool is enough.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.cache.backends.redis import RedisCache, RedisCacheClient


class _PooledClient(RedisCacheClient):
    # Django's own attributes, which django-stubs does not declare.
    _client: Any
    _get_connection_pool: Callable[[bool], Any]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients: dict[int, object] = {}

    def get_client(self, key=None, *, write=False):
        # The pool is Django's choice (reads may pick a replica at random); its client is ours.
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._client(connection_pool=pool)
            self._clients[id(pool)] = client
        return client


class SharedClientRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = _PooledClient
