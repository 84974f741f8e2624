"""gunicorn settings for production: `gunicorn -c gunicorn.conf.py natverk.wsgi`.

Restarts and reloads drop no request (docs/operations-reload.md, tests/test_faults_reload.py):
one listening socket shared by every worker, the app loaded once in the master, and under
systemd a socket unit (deploy/systemd/natverk.socket) that keeps the port open while the
service restarts.
"""

from __future__ import annotations

import errno
import gc
import multiprocessing
import os
import socket
import sys

from gunicorn import systemd

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
# Threaded workers keep connections alive and serve a few requests at once per process, so
# one slow request does not hold up the quick (cached) ones queued behind it. Each thread
# may hold one database connection: keep DB_POOL_MAX_SIZE at least this large.
worker_class = "gthread"
# One listening socket, opened by the master (or handed over by systemd's natverk.socket)
# and shared by all workers. With `reuse_port` each worker opened a socket of its own, before
# it had loaded the app, and the kernel queued connections on it: a worker that stopped (HUP)
# or died reset the connections waiting on its socket (an operator lost 21 requests on one
# reload, 9 on a killed worker), and a second gunicorn could bind the same port without an
# error and answer beside this one. Now a stopping worker leaves the waiting connections to
# the others, and a second server fails to start (on_starting below). The throughput of
# both on the same run of `make bench`: docs/operations-reload.md.
reuse_port = False
# Django is imported once, in the master, before the workers are forked: a worker started by
# HUP or in place of one that died serves at once instead of importing for a second or two,
# and the workers share the imported code's memory. It also means that HUP renews the
# workers with the code already loaded: new code needs a restart of the master
# (`systemctl restart natverk`, which drops nothing thanks to natverk.socket).
# Nothing connects to the database or Redis at import time (tests/test_faults_reload.py
# checks that the master holds no database connection); pre_fork below makes sure.
preload_app = True
threads = int(os.environ.get("GUNICORN_THREADS", "2"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 30
keepalive = 5
# Restarting a worker costs its warm caches (templates, URL resolver) and shows as the
# slowest requests, so it is off by default; set it (e.g. 20000) if a leak ever appears.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "0"))
max_requests_jitter = max_requests // 10
# Logs go to stderr, where the service manager collects them.
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
# The reverse proxy terminates TLS and sets X-Forwarded-Proto; trust it only from these addresses.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")

# gunicorn's control socket (`gunicornc`, since gunicorn 25) stays off: its default path
# ($XDG_RUNTIME_DIR or ~/.gunicorn/gunicorn.ctl) is the same for every gunicorn of a user,
# so a second server on the host would take it over from the first, and under systemd the
# home folder is read-only. systemctl does what it offers: `systemctl reload` (HUP),
# `systemctl kill --kill-whom=main -s TTIN natverk` (one worker more). natverk.service puts
# the pid file and the workers' heartbeat files into its own runtime directory
# (/run/natverk, a tmpfs) with --pid and --worker-tmp-dir.
control_socket_disable = True


def _inherits_sockets(server) -> bool:
    """Sockets come from systemd (natverk.socket) or from a master that re-executed itself."""
    return bool(server.master_pid) or systemd.listen_fds(unset_environment=False) > 0


def on_starting(server) -> None:
    """Refuse at once to start when another program listens on the address.

    gunicorn itself would try to bind five times, a second apart, and then exit with 1;
    this says why straight away, and under systemd a unit that cannot start reaches its
    start limit (and OnFailure=) instead of restarting for ever.
    """
    if _inherits_sockets(server):
        return
    for address in server.cfg.address:
        if not isinstance(address, tuple):
            continue  # A Unix socket: gunicorn replaces a stale file itself.
        family = socket.AF_INET6 if ":" in address[0] else socket.AF_INET
        with socket.socket(family, socket.SOCK_STREAM) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                probe.bind(address)
            except OSError as error:
                if error.errno != errno.EADDRINUSE:
                    continue  # gunicorn reports other errors when it binds.
                server.log.error("%s:%s is in use by another program (another gunicorn?): not starting.", *address[:2])
                if server.pidfile is not None:
                    server.pidfile.unlink()
                sys.exit(1)


def pre_fork(server, worker) -> None:
    """In the master, just before a worker is forked.

    A database connection or pool open in the master would be inherited by every worker:
    several processes talking over one socket corrupt each other's queries, and psycopg's
    pool threads do not survive a fork. Nothing opens one at import time, so this normally
    does nothing; should a later change open one, it is closed here, in the master, before
    any fork (closing it in the workers would end the session the master and the other
    workers share), and logged.

    gc.freeze() right before the fork, as Python's documentation advises for a preloaded
    parent: the imported objects move to the permanent generation, so the workers'
    collections neither walk them nor write to their pages (which stay shared).
    """
    from django.apps import apps

    if apps.ready:  # Always, with preload_app.
        _close_database_connections(server)
    gc.freeze()


def _close_database_connections(server) -> None:
    from django.db import connections

    for conn in connections.all(initialized_only=True):
        pools = getattr(type(conn), "_connection_pools", {})
        if conn.connection is None and conn.alias not in pools:
            continue
        server.log.warning("The master had database connection %r open before forking: closed.", conn.alias)
        conn.close()
        if conn.alias in pools:
            conn.close_pool()


def post_worker_init(worker) -> None:
    """Keep what Django loaded at start-up out of the garbage collector's way.

    Those objects (models, URL patterns, templates) live as long as the worker; without
    `gc.freeze()` every full collection walks them all, which measured as pauses of about
    100 ms, the slowest one per cent of requests (make bench). With preload_app the master
    froze the imported objects already (pre_fork); this freezes what the worker made since.
    """
    gc.freeze()
