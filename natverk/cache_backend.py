"""A Redis cache that degrades to "no cache" instead of failing requests.

Redis is only a cache here: pages, allauth's rate-limit counters and the page-cache
version. When it is down or frozen the site must go on, uncached. Django's RedisCache
raises on every call instead, and without socket timeouts a frozen Redis holds every
request for as long as the kernel keeps the connection open.

`ResilientRedisCache` behaves, while Redis cannot be reached, exactly like an empty cache
that forgets whatever it is given:

- reads (`get`, `get_many`, `has_key`) miss,
- writes (`set`, `set_many`, `delete`, `touch`, `clear`) are dropped,
- `add` succeeds (the key was "not there"), which is what lets allauth's rate limits
  take their lock and find an empty history, so login with a password goes on instead of
  answering 429 to everyone after a one-second wait for the lock,
- `incr` raises ValueError, as for a missing key.

This is "fail open": whoever must fail closed while Redis is away (the forms that make
the portal send mail to an address a visitor typed in) asks `cache_available()` first.
One price of failing open: allauth's "TOTP code already used" check also lives in the
cache, so during an outage a two-factor code could be replayed within its 30 seconds.

Two guards keep an outage cheap:

- short socket and connect timeouts (OPTIONS `socket_timeout` and
  `socket_connect_timeout`, from REDIS_SOCKET_TIMEOUT and REDIS_CONNECT_TIMEOUT),
- a circuit breaker per process and Redis address: after a failure Redis is not asked at
  all for `CIRCUIT_BREAKER_SECONDS` (OPTIONS, default 5), so a frozen Redis costs one
  timeout every few seconds per process, not one per call.

A failure is logged as one warning per minute per process, without a traceback.
"""

from __future__ import annotations

import logging
import socket
import threading
import time
from collections.abc import Callable, Iterable
from functools import partial
from typing import Any, TypeVar

from django.core.cache import caches
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

DEFAULT_SOCKET_TIMEOUT = 0.25
DEFAULT_CONNECT_TIMEOUT = 0.25
DEFAULT_BREAKER_SECONDS = 5.0
WARNING_INTERVAL_SECONDS = 60.0

# What an unreachable, refusing or frozen Redis raises. Not every RedisError: a
# ResponseError (a bug in a command) must still show.
UNREACHABLE = (RedisConnectionError, RedisTimeoutError, socket.timeout, OSError)

T = TypeVar("T")


class _Circuit:
    """Whether one Redis address is to be left alone for now; shared by the threads of a process.

    Django makes a cache backend per thread, so this state lives at module level, keyed
    by the address, not on the backend.
    """

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.open_until = 0.0
        self.last_warning = float("-inf")

    def is_open(self) -> bool:
        return time.monotonic() < self.open_until

    def trip(self, seconds: float, error: BaseException) -> None:
        now = time.monotonic()
        with self.lock:
            self.open_until = now + seconds
            warn = now - self.last_warning >= WARNING_INTERVAL_SECONDS
            if warn:
                self.last_warning = now
        if warn:
            logger.warning(
                "The cache (Redis) does not answer (%s: %s); serving without it, next try in %s s",
                type(error).__name__,
                error,
                seconds,
            )


_circuits: dict[str, _Circuit] = {}
_circuits_lock = threading.Lock()


def _circuit_for(location: str) -> _Circuit:
    with _circuits_lock:
        return _circuits.setdefault(location, _Circuit())


class ResilientRedisCache(RedisCache):
    """Django's RedisCache with short timeouts, a circuit breaker and misses instead of errors."""

    def __init__(self, server: str | list[str], params: dict[str, Any]) -> None:
        options = dict(params.get("OPTIONS", {}))
        self._breaker_seconds = float(options.pop("CIRCUIT_BREAKER_SECONDS", DEFAULT_BREAKER_SECONDS))
        # Passed on to redis-py's connection pool (RedisCacheClient takes OPTIONS as pool options).
        options.setdefault("socket_timeout", DEFAULT_SOCKET_TIMEOUT)
        options.setdefault("socket_connect_timeout", DEFAULT_CONNECT_TIMEOUT)
        super().__init__(server, {**params, "OPTIONS": options})
        self._circuit = _circuit_for(",".join(self._servers))

    def _guarded(self, call: Callable[[], T], fallback: T) -> T:
        if self._circuit.is_open():
            return fallback
        try:
            return call()
        except UNREACHABLE as error:
            self._circuit.trip(self._breaker_seconds, error)
            return fallback

    def is_available(self) -> bool:
        """True when Redis answers a PING now (at most one short timeout when it does not)."""

        def ping() -> bool:
            return bool(self._cache.get_client(write=True).ping())

        return self._guarded(ping, False)

    def add(self, key: str, value: Any, timeout: float | None = DEFAULT_TIMEOUT, version: int | None = None) -> bool:
        return self._guarded(partial(super().add, key, value, timeout, version), True)

    def get(self, key: str, default: Any = None, version: int | None = None) -> Any:
        return self._guarded(partial(super().get, key, default, version), default)

    def set(self, key: str, value: Any, timeout: float | None = DEFAULT_TIMEOUT, version: int | None = None) -> None:
        self._guarded(partial(super().set, key, value, timeout, version), None)

    def touch(self, key: str, timeout: float | None = DEFAULT_TIMEOUT, version: int | None = None) -> bool:
        return self._guarded(partial(super().touch, key, timeout, version), False)

    def delete(self, key: str, version: int | None = None) -> bool:
        return self._guarded(partial(super().delete, key, version), False)

    def get_many(self, keys: Iterable[str], version: int | None = None) -> dict[str, Any]:
        return self._guarded(partial(super().get_many, keys, version), {})

    def has_key(self, key: str, version: int | None = None) -> bool:
        return self._guarded(partial(super().has_key, key, version), False)

    def incr(self, key: str, delta: int = 1, version: int | None = None) -> int:
        missing = object()
        result = self._guarded(partial(super().incr, key, delta, version), missing)
        if result is missing:
            raise ValueError(f"Key {key!r} not found (the cache does not answer).")
        return result

    def set_many(
        self, data: dict[str, Any], timeout: float | None = DEFAULT_TIMEOUT, version: int | None = None
    ) -> list[str]:
        return self._guarded(partial(super().set_many, data, timeout, version), list(data))

    def delete_many(self, keys: Iterable[str], version: int | None = None) -> None:
        self._guarded(partial(super().delete_many, keys, version), None)

    def clear(self) -> bool:
        return self._guarded(super().clear, False)


def cache_available(alias: str = "default") -> bool:
    """Whether the cache answers; for callers that must fail closed while it does not.

    Caches other than ResilientRedisCache (local memory in development and tests) are
    always available.
    """
    backend = caches[alias]
    if isinstance(backend, ResilientRedisCache):
        return backend.is_available()
    return True
