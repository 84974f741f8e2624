"""A real redis-server for fault tests: started on a free port, killed, frozen, restored.

Used by tests/test_faults_redis.py, tests/test_cache_backend.py and
tests/test_faults_redis_servers.py. Redis keeps its data on disk (appendonly, fsync always), so
that a Redis killed and started again still holds what it held before the outage, as a
Redis restarted from its append-only file does: the stale-state case. Never the shared
Redis on 6379.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis as redis_py

from tests.appservers import free_port

REDIS_SERVER = shutil.which("redis-server") or "/usr/bin/redis-server"


class RedisProcess:
    """One redis-server the test starts, kills, freezes and brings back."""

    def __init__(self, directory: Path, *extra: str) -> None:
        self.port = free_port()
        self.directory = directory
        self.extra = extra
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def client(self) -> redis_py.Redis:
        """A plain client, for looking at what Redis holds (not through the site's backend)."""
        return redis_py.Redis(host="127.0.0.1", port=self.port, socket_timeout=2)

    def start(self) -> None:
        self.process = subprocess.Popen(  # noqa: S603 -- a fixed program and arguments.
            [
                REDIS_SERVER,
                *("--port", str(self.port), "--bind", "127.0.0.1", "--dir", str(self.directory)),
                *("--save", "", "--appendonly", "yes", "--appendfsync", "always"),
                *self.extra,
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2) as sock:
                    sock.sendall(b"PING\r\n")
                    if sock.recv(16).startswith(b"+PONG"):
                        return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def kill(self) -> None:
        assert self.process is not None
        self.process.kill()
        self.process.wait(timeout=5)
        self.process = None

    def freeze(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGSTOP)

    def thaw(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGCONT)

    def fault(self, kind: str) -> None:
        """ "killed" or "frozen"."""
        if kind == "killed":
            self.kill()
        else:
            self.freeze()

    def recover(self, kind: str) -> None:
        """Back from fault(kind): thawed, or started from its append-only file (old data and all)."""
        if kind == "killed":
            self.start()
        else:
            self.thaw()

    def snapshot(self, name: str) -> Path:
        """A copy of the append-only files as they are now (fsync always: complete)."""
        copy = self.directory.parent / f"{self.directory.name}-{name}"
        shutil.copytree(self.directory / "appendonlydir", copy / "appendonlydir")
        return copy

    def restore(self, snapshot: Path) -> None:
        """Killed, then started from an older snapshot: as if brought back from an old backup."""
        self.kill()
        shutil.rmtree(self.directory / "appendonlydir")
        shutil.copytree(snapshot / "appendonlydir", self.directory / "appendonlydir")
        self.start()

    def stop(self) -> None:
        if self.process is not None:
            self.process.send_signal(signal.SIGCONT)
            self.process.kill()
            self.process.wait(timeout=5)
            self.process = None


def redis_server(directory: Path, *extra: str) -> Iterator[RedisProcess]:
    """A started server, stopped afterwards; skips (fails in CI) without redis-server."""
    if not Path(REDIS_SERVER).exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"{REDIS_SERVER} is missing; the fault tests must run in CI")
        pytest.skip(f"{REDIS_SERVER} is missing")
    directory.mkdir(parents=True, exist_ok=True)
    server = RedisProcess(directory, *extra)
    server.start()
    try:
        yield server
    finally:
        server.stop()


def keys_matching(server: RedisProcess, pattern: str) -> list[bytes]:
    """What Redis physically holds under keys matching `pattern` (any generation)."""
    return list(server.client().scan_iter(match=pattern, count=1000))
