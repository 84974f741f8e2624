"""The resilient Redis backend: an unreachable cache is an empty one, and nothing stored
before an outage or a restart is read again (the generation in every key).

The first tests need no Redis (port 1 refuses at once); the generation tests start a real
redis-server (tests/redisserver.py). tests/test_faults_redis.py goes through the site.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

import core.cache_backend
from core.cache_backend import ResilientRedisCache
from tests.redisserver import RedisProcess, keys_matching, redis_server

UNREACHABLE = "redis://127.0.0.1:1/0"  # Port 1: connection refused at once.


@pytest.fixture
def backend(monkeypatch) -> ResilientRedisCache:
    monkeypatch.setattr(core.cache_backend, "_circuits", {})
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


# ---- The generation, against a real redis-server (tests/redisserver.py) ----


@pytest.fixture
def live(tmp_path, monkeypatch) -> Iterator[RedisProcess]:
    monkeypatch.setattr(core.cache_backend, "_circuits", {})
    yield from redis_server(tmp_path / "redis")


def _process(server: RedisProcess, name: str = "a", **options) -> ResilientRedisCache:
    """A backend as one app process would have it: each `name` is another process.

    The state of a process lives at module level, keyed by the address: a differently
    spelt address of the same Redis (and database) is another process's state.
    """
    spelling = {"a": server.url, "b": f"redis://localhost:{server.port}/0", "c": f"redis://127.0.0.1:{server.port}"}
    options = {"CIRCUIT_BREAKER_SECONDS": 0.2, "GENERATION_SECONDS": 0.3, **options}
    return ResilientRedisCache(spelling[name], {"KEY_PREFIX": "t", "OPTIONS": options})


def _wait_until_closed(backend: ResilientRedisCache, seconds: float = 5) -> None:
    deadline = time.monotonic() + seconds
    while backend._circuit.is_open():
        assert time.monotonic() < deadline, "the probe did not close the circuit"
        time.sleep(0.02)


def test_every_key_holds_the_generation_read_at_most_once_per_interval(live, monkeypatch) -> None:
    backend = _process(live, GENERATION_SECONDS=60)
    reads = []
    real_read = ResilientRedisCache._read_generation
    monkeypatch.setattr(ResilientRedisCache, "_read_generation", lambda self, c: reads.append(1) or real_read(self, c))
    backend.set("page", "x")
    for _ in range(200):
        assert backend.get("page") == "x"
    assert len(reads) == 1  # One round trip for the generation, not one per call.
    generation = live.client().get("t:cache-generation").decode()
    assert keys_matching(live, "t:*page") == [f"t:1:{generation}:page".encode()]


def test_a_process_that_could_not_reach_redis_leaves_all_old_entries_behind(live) -> None:
    """Frozen, then thawed with its old data: neither this process nor one that saw nothing
    reads an entry stored before the outage."""
    saw_it, saw_nothing = _process(live, "a"), _process(live, "b")
    saw_it.set("session", "alive")
    assert saw_nothing.get("session") == "alive"
    live.freeze()
    started = time.monotonic()
    # A logout: its session is read first (times out, and trips the circuit), then the
    # delete is dropped without reaching Redis. (A command sent to a frozen Redis runs when
    # it thaws, so the delete must not be the first call.)
    assert saw_it.get("session") is None
    assert saw_it._circuit.is_open()
    assert saw_it.delete("session") is False
    assert time.monotonic() - started < 1
    live.thaw()
    _wait_until_closed(saw_it)
    assert keys_matching(live, "t:*session"), "Redis came back holding the old entry"
    assert saw_it.get("session") is None
    time.sleep(0.3)  # GENERATION_SECONDS: the other process reads the new generation.
    assert saw_nothing.get("session") is None
    saw_it.set("session", "new")
    assert saw_nothing.get("session") == "new"  # One generation for both again.


def test_a_redis_back_from_an_old_backup_starts_a_new_generation_unseen(live, caplog) -> None:
    """Restarted from older data between two calls: no process saw it fail, the run id tells."""
    one, other = _process(live, "a"), _process(live, "b")
    one.set("session", "alive")
    old = live.snapshot("old")
    one.delete("session")  # A logout, taken by Redis...
    with caplog.at_level("WARNING", logger="core.cache_backend"):
        live.restore(old)  # ...and undone by a restore.
        assert keys_matching(live, "t:*session")
        time.sleep(0.35)
        assert one.get("session") is None
        assert other.get("session") is None
    assert not one._circuit.is_open()
    assert not other._circuit.is_open()
    assert any("restarted" in record.getMessage() for record in caplog.records)
    one.set("x", 1)
    assert other.get("x") == 1  # The first process to see the new run id started it; the other reads it.


def test_a_process_started_after_a_restart_starts_the_new_generation(live) -> None:
    """The run id is recorded next to the generation: a fresh process (after a deploy) needs
    no memory of the old one to see that Redis restarted since."""
    _process(live, "a").set("page", "old")
    live.kill()
    live.start()
    assert _process(live, "c").get("page") is None


def test_a_process_started_on_a_running_redis_keeps_the_generation(live) -> None:
    _process(live, "a").set("page", "kept")
    assert _process(live, "c").get("page") == "kept"  # A deploy or a new worker empties nothing.


def test_a_flushed_redis_gets_a_new_generation(live) -> None:
    backend = _process(live, "a")
    backend.set("page", "x")
    before = live.client().get("t:cache-generation")
    assert backend.clear() is True
    backend.set("page", "y")
    assert live.client().get("t:cache-generation") not in (None, before)
    assert backend.get("page") == "y"


def test_without_info_the_generation_still_moves_after_an_outage(tmp_path, monkeypatch) -> None:
    """A Redis that refuses INFO (renamed away, as some hosted ones do): no restart detection,
    no error, and an outage still starts a new generation."""
    monkeypatch.setattr(core.cache_backend, "_circuits", {})
    for server in redis_server(tmp_path / "redis", "--rename-command", "INFO", ""):
        backend = _process(server)
        backend.set("page", "old")
        assert backend.get("page") == "old"
        server.freeze()
        backend.get("page")
        server.thaw()
        _wait_until_closed(backend)
        assert backend.get("page") is None


def test_an_open_circuit_without_its_probe_gets_a_new_one(live) -> None:
    """A worker forked from a process whose circuit was open has no probe (no thread survives
    a fork); the cache must not stay off for good."""
    backend = _process(live)
    backend._circuit.open = True
    assert backend._circuit.probe is None
    assert backend.get("page") is None  # Open: a miss, and a probe is started.
    _wait_until_closed(backend)
    backend.set("page", "x")
    assert backend.get("page") == "x"
