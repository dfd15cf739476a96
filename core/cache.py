"""The default cache on Redis: shared by every web node and worker, never a reason to fail.

What the default cache holds (form fragments, charts, figures) is drawn again when it is
missing, so a Redis that is away for a moment (restarting, failing over) reads as empty and
takes no write, and the page is drawn in full instead of answering 500. The same Redis is
the broker: ``core.outbox`` already lets a request go on without it. Each failure is logged.

The rate limits (``caches["ratelimit"]``) stay on Django's own backend: a counter that
silently read as zero would let everyone through (``participants.views`` decides what a
missing Redis means there).
"""

import functools
import logging

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

UNREACHABLE = (RedisConnectionError, RedisTimeoutError)


def _or(fallback):
    """Run the cache call; if Redis cannot be reached, log it and return ``fallback(args)``."""

    def decorate(method):
        @functools.wraps(method)
        def call(self, *args, **kwargs):
            try:
                return method(self, *args, **kwargs)
            except UNREACHABLE as exc:
                logger.warning("Cache %s skipped: Redis unreachable (%s)", method.__name__, exc)
                return fallback(*args, **kwargs)

        return call

    return decorate


def _default(key, default=None, *args, **kwargs):
    return default


class RedisCache(DjangoRedisCache):
    """Django's ``RedisCache``, keyed the same, where an unreachable Redis is a miss."""

    get = _or(_default)(DjangoRedisCache.get)
    get_many = _or(lambda *a, **k: {})(DjangoRedisCache.get_many)
    has_key = _or(lambda *a, **k: False)(DjangoRedisCache.has_key)
    add = _or(lambda *a, **k: False)(DjangoRedisCache.add)
    set = _or(lambda *a, **k: None)(DjangoRedisCache.set)
    set_many = _or(lambda data, *a, **k: list(data))(DjangoRedisCache.set_many)
    touch = _or(lambda *a, **k: False)(DjangoRedisCache.touch)
    delete = _or(lambda *a, **k: False)(DjangoRedisCache.delete)
    delete_many = _or(lambda *a, **k: None)(DjangoRedisCache.delete_many)
