"""Django's Redis cache, which a Redis outage turns into an empty cache instead of an error: the
sessions are read from the database (cached_db), the rate limits and used TOTP codes count again
once Redis is back, and no page answers 500 meanwhile."""

import functools
import logging

from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)


def _or_on_outage(method, fallback):
    @functools.wraps(method)
    def guarded(self, *args):
        try:
            return method(self, *args)
        except RedisError as error:
            logger.warning("cache %s skipped, Redis unavailable: %s", method.__name__, error)
            return fallback(*args)

    return guarded


def _nothing(*_args):
    return None


def _false(*_args):
    return False


class ResilientRedisCacheClient(RedisCacheClient):
    # add answers False (« already there »): a lock is not taken during an outage.
    add = _or_on_outage(RedisCacheClient.add, _false)
    get = _or_on_outage(RedisCacheClient.get, lambda _key, default: default)
    get_many = _or_on_outage(RedisCacheClient.get_many, lambda _keys: {})
    has_key = _or_on_outage(RedisCacheClient.has_key, _false)
    set = _or_on_outage(RedisCacheClient.set, _nothing)
    set_many = _or_on_outage(RedisCacheClient.set_many, _nothing)
    touch = _or_on_outage(RedisCacheClient.touch, _false)
    delete = _or_on_outage(RedisCacheClient.delete, _false)
    delete_many = _or_on_outage(RedisCacheClient.delete_many, _nothing)


class ResilientRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ResilientRedisCacheClient
