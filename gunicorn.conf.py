"""gunicorn settings for production: `gunicorn -c gunicorn.conf.py natverk.wsgi`."""

from __future__ import annotations

import gc
import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
# Threaded workers keep connections alive and serve a few requests at once per process, so
# one slow request does not hold up the quick (cached) ones queued behind it. Each thread
# may hold one database connection: keep DB_POOL_MAX_SIZE at least this large.
worker_class = "gthread"
# Each worker gets a listening socket of its own and the kernel spreads new connections
# evenly over them. With one shared socket, one worker often took every keep-alive
# connection while the other sat idle (make bench measured half the throughput then).
reuse_port = True
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


def post_worker_init(worker) -> None:
    """Keep what Django loaded at start-up out of the garbage collector's way.

    Those objects (models, URL patterns, templates) live as long as the worker; without
    `gc.freeze()` every full collection walks them all, which measured as pauses of about
    100 ms, the slowest one per cent of requests (make bench).
    """
    gc.freeze()
