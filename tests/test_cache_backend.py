"""The resilient Redis backend without a Redis: an unreachable cache is an empty one.

tests/test_faults_redis.py does the same against a real redis-server killed and frozen.
"""

from __future__ import annotations

import time

import pytest

import natverk.cache_backend
from natverk.cache_backend import ResilientRedisCache

UNREACHABLE = "redis://127.0.0.1:1/0"  # Port 1: connection refused at once.


@pytest.fixture
def backend(monkeypatch) -> ResilientRedisCache:
    monkeypatch.setattr(natverk.cache_backend, "_circuits", {})
    return ResilientRedisCache(UNREACHABLE, {"OPTIONS": {"CIRCUIT_BREAKER_SECONDS": 60}})


def test_timeouts_reach_redis_py_and_our_own_option_does_not(backend) -> None:
    options = backend._cache._pool_options
    assert options["socket_timeout"] == options["socket_connect_timeout"] == 0.25
    assert "CIRCUIT_BREAKER_SECONDS" not in options


def test_an_unreachable_cache_behaves_like_an_empty_one(backend) -> None:
    assert backend.get("key", "default") == "default"
    assert backend.get_many(["a", "b"]) == {}
    assert backend.has_key("key") is False
    assert backend.add("lock", True) is True  # allauth's rate-limit lock: taken, not waited for.
    backend.set("key", 1)
    assert backend.delete("key") is False
    with pytest.raises(ValueError):
        backend.incr("counter")
    assert backend.is_available() is False


def test_after_a_failure_redis_is_left_alone(backend, monkeypatch) -> None:
    backend.get("key")  # Fails and opens the circuit.
    calls = []
    monkeypatch.setattr(backend._cache, "get", lambda *args: calls.append(args))
    started = time.monotonic()
    assert backend.get("key", "default") == "default"
    assert calls == []
    assert time.monotonic() - started < 0.05


def test_the_circuit_is_shared_by_the_threads_of_a_process(backend) -> None:
    backend.get("key")
    other_thread = ResilientRedisCache(UNREACHABLE, {})  # Django makes one backend per thread.
    assert other_thread._circuit is backend._circuit
    assert other_thread._circuit.is_open()
