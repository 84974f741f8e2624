"""A Redis cache that degrades to "no cache" instead of failing requests, and that never
serves what it held before an outage.

Redis is only a cache here: pages, sessions (read through it), allauth's rate-limit
counters and the page-cache versions. When it is down or frozen the site must go on,
uncached. Django's RedisCache raises on every call instead, and without socket timeouts
a frozen Redis holds every request for as long as the kernel keeps the connection open.

`ResilientRedisCache` behaves, while Redis cannot be reached, exactly like an empty cache
that forgets whatever it is given:

- reads (`get`, `get_many`, `has_key`) miss,
- writes (`set`, `set_many`, `delete`, `touch`, `clear`) are dropped,
- `add` succeeds (the key was "not there"), which is what lets allauth's rate limits
  take their lock and find an empty history, so login with a password goes on instead of
  answering 429 to everyone after a one-second wait for the lock,
- `incr` raises ValueError, as for a missing key.

This is "fail open": whoever must not fail open while Redis is away asks
`cache_available()` first (the forms that mail an address typed into them count their
limits in the database then: core/ratelimits.py). One price of failing open: allauth's
"TOTP code already used" check also lives in the cache, so during an outage a two-factor
code could be replayed within its 30 seconds.

Two guards keep an outage cheap:

- short socket and connect timeouts (OPTIONS `socket_timeout` and
  `socket_connect_timeout`, from REDIS_SOCKET_TIMEOUT and REDIS_CONNECT_TIMEOUT),
- a circuit breaker per process and Redis: after a failure no request asks Redis at all;
  a background thread of the process asks it every `CIRCUIT_BREAKER_SECONDS` (OPTIONS,
  default 1) and closes the circuit once it answers. A frozen Redis therefore costs each
  process one timeout, not one per call or per request.

A failure is logged as one warning per minute per process, without a traceback.

**The generation: nothing from before an outage comes back.** Writes that did not reach
Redis are lost, and Redis may come back with what it held before (thawed after a freeze,
restarted from its append-only file or an old dump): a page stored before an edit, a
session that was ended by a logout whose delete from the cache failed. Every key this
backend makes therefore holds the cache's *generation*, a random token kept in Redis
(`<KEY_PREFIX>:cache-generation`, no expiry). A new generation makes everything stored
before it unreachable at once, on every server, for every user of the cache (pages,
personal pages, sessions, rate limits, the page-cache versions, which start anew); the
old entries are never read again and expire. A new generation is started

- by a process whose circuit was open, when Redis answers again, before that process
  uses the cache again (the background probe starts it, then closes the circuit): any
  write of this process that may have been lost is behind it. Every process that saw
  the outage starts one; a few extra cache misses are the price of never having to
  decide which of them came first;
- when Redis has restarted, seen by its `run_id` (INFO server) changing: the first
  process to see a new run id starts a new generation (atomically, in a Lua script that
  records the run id next to the generation), so a Redis brought back from an old dump,
  or one that lost its last second of writes, serves nothing of its own past, even to a
  process that never saw it go (the connection pool reconnects without an error);
- when the generation key is missing (a flush, an eviction, a Redis without persistence).

Each process reads the generation (with the run id, one round trip) at most every
`GENERATION_SECONDS` (OPTIONS, default 1): the per-request cost is a clock read. A server
that never noticed the outage therefore drops what was stored before it within about
CIRCUIT_BREAKER_SECONDS + GENERATION_SECONDS (two seconds) of Redis answering again: the
time for the process that saw the outage to probe and start a new generation, and for
this one to read it. Within that window, and during a partition in which only some
servers reach Redis, a server that sees Redis can still serve what another could not
delete; sessions are bounded in addition by SESSION_CACHE_SECONDS (core/sessions.py).
A management command that fails to reach Redis and exits before Redis is back starts no
generation (the web processes that saw the outage do).
"""

from __future__ import annotations

import logging
import secrets
import socket
import threading
import time
from collections.abc import Callable, Iterable
from functools import partial
from typing import Any, TypeVar

from django.core.cache import caches
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import ResponseError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

DEFAULT_SOCKET_TIMEOUT = 0.25
DEFAULT_CONNECT_TIMEOUT = 0.25
DEFAULT_BREAKER_SECONDS = 1.0
DEFAULT_GENERATION_SECONDS = 1.0
WARNING_INTERVAL_SECONDS = 60.0
GENERATION_KEY = "cache-generation"
RUN_ID_KEY = "cache-generation:run-id"

# What an unreachable, refusing or frozen Redis raises. Not every RedisError: a
# ResponseError (a bug in a command) must still show.
UNREACHABLE = (RedisConnectionError, RedisTimeoutError, socket.timeout, OSError)

# Start a new generation when the run id differs from the one recorded with the
# generation (Redis restarted since) or when there is no generation; else return it.
# KEYS: generation, run id; ARGV: the run id seen now, a new generation.
# Returns [generation, 1 when it is new].
_GENERATION_SCRIPT = """
local recorded = redis.call('GETSET', KEYS[2], ARGV[1])
local generation = redis.call('GET', KEYS[1])
if recorded ~= ARGV[1] or not generation then
  redis.call('SET', KEYS[1], ARGV[2])
  return {ARGV[2], 1}
end
return {generation, 0}
"""

T = TypeVar("T")


def _new_generation() -> str:
    # Random, not counted: a value from before a restore can never come round again.
    return secrets.token_hex(8)


def _text(value: bytes | str | None) -> str | None:
    return value.decode() if isinstance(value, bytes) else value


class _Server:
    """What one process knows of one Redis (address and key prefix), shared by its threads.

    Django makes a cache backend per thread, so this state lives at module level, keyed
    by the address and the key prefix, not on the backend: the circuit, the probe that
    closes it, and the generation read last.
    """

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.open = False
        self.last_warning = float("-inf")
        self.probe: threading.Thread | None = None
        self.generation: str | None = None
        self.generation_read_at = float("-inf")
        self.run_id: str | None = None
        self.read_lock = threading.Lock()

    def is_open(self) -> bool:
        return self.open

    def ensure_probe(self, start_probe: Callable[[], threading.Thread]) -> None:
        """A probe while the circuit is open: also after a fork, which keeps no thread."""
        with self.lock:
            if self.open and (self.probe is None or not self.probe.is_alive()):
                self.probe = start_probe()

    def trip(self, error: BaseException, start_probe: Callable[[], threading.Thread]) -> None:
        now = time.monotonic()
        with self.lock:
            self.open = True
            warn = now - self.last_warning >= WARNING_INTERVAL_SECONDS
            if warn:
                self.last_warning = now
        self.ensure_probe(start_probe)
        if warn:
            logger.warning(
                "The cache (Redis) does not answer (%s: %s); serving without it until it does",
                type(error).__name__,
                error,
            )

    def close(self) -> None:
        with self.lock:
            self.open = False

    def remember(self, generation: str, run_id: str | None) -> None:
        self.generation = generation
        self.run_id = run_id
        self.generation_read_at = time.monotonic()


_circuits: dict[str, _Server] = {}
_circuits_lock = threading.Lock()


def _server_for(name: str) -> _Server:
    with _circuits_lock:
        return _circuits.setdefault(name, _Server())


class _OneClientPerPool(RedisCacheClient):
    """Django's client, with one redis-py client per connection pool instead of a new one for
    every call: each new one fills a table of about 170 reply handlers (50 µs here, on every
    session read and page-cache hit). redis-py's clients take a connection from the pool for
    each command, so threads may share one."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, Any] = {}

    def get_client(self, key: str | None = None, *, write: bool = False) -> Any:
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class ResilientRedisCache(RedisCache):
    """Django's RedisCache with short timeouts, a circuit breaker, misses instead of errors,
    and a generation in every key (see the module docstring)."""

    def __init__(self, server: str | list[str], params: dict[str, Any]) -> None:
        options = dict(params.get("OPTIONS", {}))
        self._breaker_seconds = float(options.pop("CIRCUIT_BREAKER_SECONDS", DEFAULT_BREAKER_SECONDS))
        self._generation_seconds = float(options.pop("GENERATION_SECONDS", DEFAULT_GENERATION_SECONDS))
        # Passed on to redis-py's connection pool (RedisCacheClient takes OPTIONS as pool options).
        options.setdefault("socket_timeout", DEFAULT_SOCKET_TIMEOUT)
        options.setdefault("socket_connect_timeout", DEFAULT_CONNECT_TIMEOUT)
        super().__init__(server, {**params, "OPTIONS": options})
        self._class = _OneClientPerPool
        self._server_name = f"{','.join(self._servers)}|{self.key_prefix}"
        self._circuit = _server_for(self._server_name)
        prefix = f"{self.key_prefix}:" if self.key_prefix else ""
        self._generation_key = prefix + GENERATION_KEY
        self._run_id_key = prefix + RUN_ID_KEY

    # ---- The circuit and its probe ----

    def _guarded(self, call: Callable[[], T], fallback: T) -> T:
        if self._circuit.is_open():
            if self._circuit.probe is None or not self._circuit.probe.is_alive():
                self._circuit.ensure_probe(self._start_probe)
            return fallback
        try:
            return call()
        except UNREACHABLE as error:
            self._circuit.trip(error, self._start_probe)
            return fallback

    def _start_probe(self) -> threading.Thread:
        thread = threading.Thread(target=self._probe_until_back, args=(self._circuit,), name="redis-probe", daemon=True)
        thread.start()
        return thread

    def _probe_until_back(self, circuit: _Server) -> None:
        """Ask Redis every CIRCUIT_BREAKER_SECONDS; when it answers, a new generation, then close."""
        while True:
            time.sleep(self._breaker_seconds)
            if _circuits.get(self._server_name) is not circuit:
                return  # Forgotten (tests start every process state afresh).
            try:
                self._start_generation(circuit)
            except UNREACHABLE:
                continue
            except Exception:  # Anything else must not leave the circuit open for ever.
                logger.warning("The cache (Redis) answers, but a new generation failed", exc_info=True)
                continue
            circuit.close()
            logger.info("The cache (Redis) answers again; nothing stored before the outage is used")
            return

    # ---- The generation ----

    def _client(self):
        return self._cache.get_client(write=True)

    def _run_id(self, info: Any) -> str:
        """Redis's run id from INFO server; "" where INFO is refused (no restart detection then)."""
        return str(info.get("run_id", "")) if isinstance(info, dict) else ""

    def _start_generation(self, circuit: _Server) -> None:
        """Unconditionally a new generation (after an outage of this process)."""
        client = self._client()
        try:
            run_id = self._run_id(client.info("server"))
        except ResponseError:  # INFO refused: no restart detection, the generation still moves.
            run_id = ""
        generation = _new_generation()
        with client.pipeline(transaction=True) as pipe:
            pipe.set(self._generation_key, generation)
            pipe.set(self._run_id_key, run_id)
            pipe.execute()
        circuit.remember(generation, run_id)

    def _read_generation(self, circuit: _Server) -> str:
        """The generation in Redis, new when Redis restarted or lost it; one round trip usually."""
        client = self._client()
        with client.pipeline(transaction=False) as pipe:
            pipe.get(self._generation_key)
            pipe.info("server")
            stored, info = pipe.execute(raise_on_error=False)
        if isinstance(stored, Exception):
            raise stored
        generation, run_id = _text(stored), self._run_id(info)
        if generation is None or run_id != circuit.run_id:
            # No generation, this process's first answer, or Redis restarted since the last.
            script = client.register_script(_GENERATION_SCRIPT)
            found, started = script(keys=[self._generation_key, self._run_id_key], args=[run_id, _new_generation()])
            generation = _text(found)
            if started and circuit.run_id is not None:
                logger.warning("The cache (Redis) restarted; nothing stored before the restart is used")
        circuit.remember(generation, run_id)
        return generation

    def _generation(self) -> str:
        """The generation for this process's keys; read from Redis at most every GENERATION_SECONDS."""
        circuit = self._circuit
        generation = circuit.generation
        if generation is not None and time.monotonic() - circuit.generation_read_at < self._generation_seconds:
            return generation
        # One thread reads for all; the others go on with the one read last, if any.
        if not circuit.read_lock.acquire(blocking=generation is None):
            return generation
        try:
            if circuit.is_open():
                # Another thread's read just failed: fail this call too, without a timeout.
                raise RedisConnectionError("the cache (Redis) does not answer")
            if (
                circuit.generation is not None
                and time.monotonic() - circuit.generation_read_at < self._generation_seconds
            ):
                return circuit.generation
            return self._read_generation(circuit)
        finally:
            circuit.read_lock.release()

    def make_key(self, key: str, version: int | None = None) -> str:
        return super().make_key(f"{self._generation()}:{key}", version)

    # ---- The cache API ----

    def is_available(self) -> bool:
        """True when Redis answers a PING now (at most one short timeout when it does not)."""

        def ping() -> bool:
            return bool(self._client().ping())

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
        # The generation goes with everything else; this process reads the new one at once.
        self._circuit.generation = None
        return self._guarded(super().clear, False)


def cache_available(alias: str = "default") -> bool:
    """Whether the cache answers; for callers that must not fail open while it does not.

    Caches other than ResilientRedisCache (local memory in development and tests) are
    always available.
    """
    backend = caches[alias]
    if isinstance(backend, ResilientRedisCache):
        return backend.is_available()
    return True
