"""Reloads, restarts and a killed worker under load (issue 20; docs/operations-reload.md).

gunicorn runs with gunicorn.conf.py and production settings, started the way systemd starts
natverk.service: the test holds the listening socket, as deploy/systemd/natverk.socket does,
and hands it over as file descriptor 3 (LISTEN_FDS=1). Several clients keep it busy with
public pages and logins while the test

1. sends HUP (`systemctl reload natverk`): new workers from the preloaded app, the old ones
   finish their requests; nothing may be lost;
2. restarts the master as `systemctl restart natverk` does (TERM, wait, start again on the
   same socket): the connections wait in the socket's queue meanwhile; nothing may be lost;
3. kills one worker with SIGKILL: only requests in flight at that moment may fail.

Also: a second gunicorn on a port that is taken exits at once with an error (it used to
answer beside the real one with reuse_port), and importing the app opens no connection to
the database or Redis (the master would hand it to every forked worker).
"""

from __future__ import annotations

import contextlib
import http.client
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.db import connection

from tests.appservers import HOST, Browser, form_fields, free_port, manage, server_env, test_database_url
from tests.conftest import PASSWORD

REPO = Path(__file__).resolve().parent.parent
GUNICORN = str(Path(sys.executable).parent / "gunicorn")
WORKERS = 2
CLIENTS = 5  # Four read public pages, one logs in again and again.
PAGES = ["/", "/natverk/", "/aktorer/", "/moten/", "/nyheter/", "/om/", "/sok/?q=l%C3%A4xhj%C3%A4lp", "/robots.txt"]
EMAIL = "omstart@example.se"
# As systemd does for a socket unit: the socket becomes fd 3, and LISTEN_PID names the
# process that may take it (gunicorn checks it), so the wrapper sets it and then execs.
HANDOVER = (
    "import os, sys; fd = int(sys.argv[1]); os.dup2(fd, 3); fd != 3 and os.close(fd); "
    "os.environ.update(LISTEN_FDS='1', LISTEN_PID=str(os.getpid())); os.execv(sys.argv[2], sys.argv[2:])"
)

pytestmark = [pytest.mark.slow, pytest.mark.serial]


# ---- processes --------------------------------------------------------------------------


def _children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(child) for child in path.read_text().split()] if path.exists() else []


def _wait_for(condition, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"{what} within {seconds} s")
        time.sleep(0.05)


class Master:
    """One gunicorn master started on the test's socket; its log in a file."""

    def __init__(self, env: dict[str, str], listener: socket.socket, run: Path) -> None:
        self.log = run / "gunicorn.log"
        fd = listener.fileno()
        # natverk.service's command line, with its runtime directory (/run/natverk) in tmp.
        command = [GUNICORN, "-c", "gunicorn.conf.py", "--pid", f"{run}/gunicorn.pid", "--worker-tmp-dir", str(run)]
        with self.log.open("a") as out:
            self.process = subprocess.Popen(  # noqa: S603
                [sys.executable, "-c", HANDOVER, str(fd), *command, "natverk.wsgi:application"],
                cwd=REPO,
                env=env,
                pass_fds=(fd,),
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        self.pid = self.process.pid

    def workers(self) -> list[int]:
        return _children(self.pid)

    def wait_ready(self, port: int, seconds: float = 60) -> None:
        def ready() -> bool:
            if self.process.poll() is not None:
                pytest.fail(f"gunicorn stopped ({self.process.returncode}):\n{self.log.read_text()[-3000:]}")
            return len(self.workers()) == WORKERS

        _wait_for(ready, seconds, "gunicorn did not start its workers")
        assert Browser().get(port, "/robots.txt")[0] == 200

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=40)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def _database_connections(pid: int, env: dict[str, str]) -> list[str]:
    """What of the database process `pid` holds open: TCP connections to PostgreSQL's port or
    files of the SQLite database."""
    url = env["DATABASE_URL"]
    links = []
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        with contextlib.suppress(OSError):
            links.append(os.readlink(fd))
    if url.startswith("sqlite"):
        name = url.split("sqlite:///", 1)[1]
        return [link for link in links if link.startswith(name)]
    port = int(connection.settings_dict["PORT"] or 5432)
    inodes = {link[8:-1] for link in links if link.startswith("socket:[")}
    found = []
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            if int(fields[2].rsplit(":", 1)[1], 16) == port and fields[9] in inodes:
                found.append(f"{table}: {fields[1]} -> {fields[2]}")
    return found


# ---- the site and its load -----------------------------------------------------------------


@pytest.fixture
def site(tmp_path):
    """The servers' environment: the pytest database on PostgreSQL, a migrated file on SQLite;
    the networks and one user who can log in."""
    if connection.vendor == "postgresql":
        database = {"DATABASE_URL": test_database_url()}  # Flushed after the test (transaction=True).
    else:
        database = {"DATABASE_URL": f"sqlite:///{tmp_path / 'site.sqlite3'}"}
    env = server_env(
        {
            **database,
            "WEB_CONCURRENCY": str(WORKERS),
            "GUNICORN_THREADS": "4",
            "GUNICORN_PIDFILE": str(tmp_path / "gunicorn.pid"),
            "GUNICORN_WORKER_TMP_DIR": str(tmp_path),
            "LOG_LEVEL": "WARNING",
            # Production-like caching of public pages (in each worker's memory: no Redis here).
            "ANON_CACHE_SECONDS": "300",
        },
        tmp_path,
    )
    # One Django start-up for all of it (each costs seconds on a busy machine).
    migrate = "call_command('migrate', interactive=False, verbosity=0); " if connection.vendor != "postgresql" else ""
    manage(
        env,
        "shell",
        "-c",
        "from django.core.management import call_command; "
        + migrate
        + "call_command('collectstatic', interactive=False, verbosity=0); call_command('seed_networks'); "
        "from allauth.account.models import EmailAddress; from members.models import User; "
        f"u = User.objects.create_user(email={EMAIL!r}, password={PASSWORD!r}, name='Omstart'); "
        f"EmailAddress.objects.create(user=u, email={EMAIL!r}, verified=True, primary=True)",
    )
    return env


@dataclass
class Request:
    kind: str
    path: str
    started: float
    ended: float
    status: int | None
    error: str = ""

    @property
    def ok(self) -> bool:
        return not self.error and self.status == (302 if self.kind == "POST" else 200)


class Load:
    """CLIENTS threads, each with one request at a time on a new connection, until stopped."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.requests: list[Request] = []
        self.stopping = threading.Event()
        self.threads = [threading.Thread(target=self._read, args=(n,)) for n in range(CLIENTS - 1)]
        self.threads.append(threading.Thread(target=self._log_in))

    def _do(self, browser: Browser, kind: str, path: str, data=None) -> tuple[int | None, str]:
        started = time.monotonic()
        status, html, error = None, "", ""
        try:
            status, _headers, html = browser.request(self.port, kind, path, data)
        except (OSError, http.client.HTTPException) as exc:
            error = f"{type(exc).__name__}: {exc}"
        self.requests.append(Request(kind, path, started, time.monotonic(), status, error))
        return status, html

    def _read(self, n: int) -> None:
        i = n
        while not self.stopping.is_set():
            self._do(Browser(), "GET", PAGES[i % len(PAGES)])
            i += 1

    def _log_in(self) -> None:
        while not self.stopping.is_set():
            browser = Browser()
            status, html = self._do(browser, "GET", "/konto/login/")
            if status != 200:
                continue
            fields = dict(form_fields(html, "login-form")) | {"login": EMAIL, "password": PASSWORD}
            self._do(browser, "POST", "/konto/login/", fields)
            time.sleep(0.2)  # Each login hashes the password (a third of a second of CPU).

    def __enter__(self) -> Load:
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stopping.set()
        for thread in self.threads:
            thread.join(timeout=60)

    def settle(self, since: float, requests: int = 15) -> None:
        """Go on until `requests` requests, a login among them, were answered after `since`."""

        def enough() -> bool:
            after = [r for r in self.requests if r.started >= since]
            return len(after) >= requests and any(r.kind == "POST" for r in after)

        _wait_for(enough, 90, f"fewer than {requests} requests and a login were answered")

    def overlapping(self, start: float, end: float) -> list[Request]:
        """The requests in flight at some moment from `start` to `end`."""
        return [r for r in self.requests if r.started < end and r.ended >= start]


def _summary(name: str, requests: list[Request]) -> str:
    failed = [r for r in requests if not r.ok]
    times = sorted(r.ended - r.started for r in requests) or [0.0]
    posts = sum(r.kind == "POST" for r in requests)
    median, p99 = times[len(times) // 2], times[min(len(times) - 1, len(times) * 99 // 100)]
    return (
        f"{name}: {len(requests)} requests ({posts} logins), {len(failed)} lost, "
        f"median {median:.2f} s, p99 {p99:.2f} s, the slowest {times[-1]:.2f} s"
    )


@pytest.mark.django_db(transaction=True)
def test_reload_restart_and_a_killed_worker_under_load(site, tmp_path):
    listener = socket.create_server((HOST, 0), backlog=1024)
    port = listener.getsockname()[1]
    masters = [Master(site, listener, tmp_path)]
    try:
        masters[0].wait_ready(port)
        started = time.monotonic()
        with Load(port) as load:
            load.settle(started)

            # 1. HUP: every worker replaced, the master stays.
            hup_at = time.monotonic()
            old_workers = set(masters[0].workers())
            os.kill(masters[0].pid, signal.SIGHUP)
            _wait_for(
                lambda: len(masters[0].workers()) == WORKERS and not old_workers & set(masters[0].workers()),
                30,
                "the workers were not replaced after HUP",
            )
            load.settle(time.monotonic())

            # 2. A restart as systemd does it: TERM, wait for the master to end, start again
            #    with the same socket (natverk.socket keeps it open meanwhile).
            restart_at = time.monotonic()
            masters[0].stop()
            assert masters[0].process.returncode == 0, masters[0].log.read_text()[-3000:]
            masters.append(Master(site, listener, tmp_path))
            masters[1].wait_ready(port)
            load.settle(time.monotonic())

            # 3. One worker killed: the master starts another; only its requests in flight fail.
            victim = masters[1].workers()[0]
            kill_at = time.monotonic()
            os.kill(victim, signal.SIGKILL)
            _wait_for(
                lambda: len(masters[1].workers()) == WORKERS and victim not in masters[1].workers(),
                30,
                "no worker replaced the killed one",
            )
            load.settle(time.monotonic())
            end_at = time.monotonic()

        requests = load.requests
        # Each event's requests: those in flight at some moment between it and the next one.
        at_kill = [r for r in requests if r.started <= kill_at <= r.ended]
        phases = {
            "HUP": load.overlapping(hup_at, restart_at),
            "restart": [r for r in load.overlapping(restart_at, kill_at) if r not in at_kill],
            "SIGKILL": load.overlapping(kill_at, end_at),
        }
        failed = [r for r in requests if not r.ok]
        report = f"{len(requests)} requests in {end_at - started:.0f} s; "
        report += "; ".join(_summary(name, found) for name, found in phases.items())
        report += f"; in flight at the kill: {len(at_kill)}, of them lost: {sum(not r.ok for r in at_kill)}"
        print(f"\nRELOAD-RESULT {report}")

        # Nothing failed but requests in flight when the worker was killed.
        assert [r for r in failed if r not in at_kill] == [], report
        assert len(failed) <= CLIENTS
        # Every event happened under load, logins included.
        assert all(len(found) >= 10 for found in phases.values()), report
        assert all(any(r.kind == "POST" for r in found) for found in phases.values()), report

        # The master never holds a database connection of its own: the workers open theirs
        # (on PostgreSQL their pools keep them; SQLite's are closed after each request).
        assert _database_connections(masters[1].pid, site) == []
        if connection.vendor == "postgresql":
            assert all(_database_connections(worker, site) for worker in masters[1].workers())
    finally:
        for master in masters:
            master.stop()
        listener.close()


# ---- a second server, and the import ------------------------------------------------------


def _gunicorn(env: dict[str, str], *args: str) -> subprocess.Popen:
    return subprocess.Popen(  # noqa: S603
        [GUNICORN, "-c", "gunicorn.conf.py", "natverk.wsgi:application", *args],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def test_a_second_server_on_a_taken_port_exits_at_once(tmp_path):
    port = free_port()
    env = server_env(
        {
            "DATABASE_URL": f"sqlite:///{tmp_path / 'none.sqlite3'}",
            "GUNICORN_BIND": f"{HOST}:{port}",
            "WEB_CONCURRENCY": "1",
            "LOG_LEVEL": "WARNING",
        },
        tmp_path,
    )
    first = _gunicorn(env)
    try:
        _wait_for(lambda: len(_children(first.pid)) == 1, 60, "the first gunicorn did not start")
        _wait_for(lambda: _answers(port), 30, "the first gunicorn did not answer")

        # The same configuration again: refused before any worker starts, in a second or two
        # (the time to import the app), with the reason.
        started = time.monotonic()
        second = _gunicorn(env)
        output, _ = second.communicate(timeout=60)
        assert second.returncode == 1, output
        assert f"{HOST}:{port} is in use by another program" in output
        assert time.monotonic() - started < 20
        # With reuse_port (as this configuration had until issue 20) gunicorn's master binds
        # nothing itself, so it started beside the first one; the check refuses it too.
        stray = _gunicorn(env, "--reuse-port")
        output, _ = stray.communicate(timeout=60)
        assert stray.returncode == 1, output
        assert f"{HOST}:{port} is in use by another program" in output

        assert first.poll() is None
        assert _answers(port)
    finally:
        first.terminate()
        first.communicate(timeout=40)


def _answers(port: int) -> bool:
    try:
        return Browser().get(port, "/robots.txt")[0] == 200
    except OSError:
        return False


def _counting_listener() -> tuple[socket.socket, list[int]]:
    server = socket.create_server((HOST, 0))
    accepted: list[int] = []

    def run() -> None:
        while True:
            try:
                client, _address = server.accept()
            except OSError:
                return
            accepted.append(1)
            client.close()

    threading.Thread(target=run, daemon=True).start()
    return server, accepted


def test_importing_the_app_connects_to_nothing(tmp_path):
    """preload_app imports the app in the master before it forks the workers: a connection
    opened at import time would be shared by all of them."""
    database, database_hits = _counting_listener()
    redis, redis_hits = _counting_listener()
    env = server_env(
        {
            "DATABASE_URL": f"postgres://natverk@{HOST}:{database.getsockname()[1]}/natverk",
            "REDIS_URL": f"redis://{HOST}:{redis.getsockname()[1]}/0",
        },
        tmp_path,
    )
    try:
        done = subprocess.run(  # noqa: S603
            [sys.executable, "-c", "import natverk.wsgi; print('imported')"],
            cwd=REPO,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert done.returncode == 0, done.stderr
        assert done.stdout.strip() == "imported"
        time.sleep(0.2)
        assert (database_hits, redis_hits) == ([], [])
        # The listeners count: a client that does connect is seen.
        socket.create_connection(database.getsockname(), timeout=2).close()
        _wait_for(lambda: database_hits == [1], 5, "the counting listener saw no connection")
    finally:
        database.close()
        redis.close()
