"""Small project-wide endpoints: health check, robots.txt and the error pages."""

from __future__ import annotations

import logging
import sys
import time

from django.conf import settings
from django.core.cache import caches
from django.db import connection
from django.db.models import Count, Min
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET
from storages.backends.s3 import S3Storage

from core.unavailable import unavailable_dependency, unavailable_response

logger = logging.getLogger(__name__)


# The health check waits this long for a pooled connection; a load balancer asks often
# and must not queue behind busy requests for DB_POOL_TIMEOUT.
HEALTH_POOL_WAIT_SECONDS = 1.0
HEALTH_CONNECT_TIMEOUT_SECONDS = 2
# PostgreSQL's "too many connections": the server is up, only full.
TOO_MANY_CONNECTIONS = "53300"
BUSY_RETRY_AFTER_SECONDS = 5
# Mail is sent right after the save that writes it, else by send_outbox every few minutes
# (docs/development.md, "Mail"): a mail still unsent after this long means mail is not going out.
OUTBOX_LATE_SECONDS = 15 * 60


def _database_state() -> str:
    """ "ok" when the database answers, "busy" when it is up but has no connection to spare, else "down"."""
    pool = getattr(connection, "pool", None)  # psycopg's pool (PostgreSQL with DB_POOL).
    try:
        if pool is not None and connection.connection is None:
            from core.postgresql.base import checked_connection

            pool.open()
            # A dead pooled connection (after a restart) is replaced, not reported as "down".
            with checked_connection(pool, HEALTH_POOL_WAIT_SECONDS) as raw:
                raw.execute("SELECT 1").fetchone()
        else:
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1")
                cursor.fetchone()
    except Exception as error:  # Whatever fails, the answer is busy or down.
        if _is_pool_timeout(error) and _database_answers_directly():
            logger.warning("Health check: no pooled database connection free within %s s", HEALTH_POOL_WAIT_SECONDS)
            return "busy"
        # One line, no traceback: the load balancer asks every few seconds.
        logger.error("Health check: the database does not answer (%s: %s)", type(error).__name__, error)
        return "down"
    return "ok"


def _is_pool_timeout(error: BaseException) -> bool:
    """psycopg_pool.PoolTimeout, raised as is or wrapped by Django as OperationalError."""
    try:
        from psycopg_pool import PoolTimeout
    except ImportError:  # SQLite only: no pool.
        return False
    return isinstance(error, PoolTimeout) or isinstance(error.__cause__, PoolTimeout)


def _database_answers_directly() -> bool:
    """After a pool timeout: a pool also times out while it cannot reach the database.

    A fresh connection outside the pool tells the two apart: it works (or the server says
    it is full) when the pool is only busy, and fails when the database is away.
    """
    import psycopg

    params = {
        **connection.get_connection_params(),
        "autocommit": True,
        "connect_timeout": HEALTH_CONNECT_TIMEOUT_SECONDS,
    }
    try:
        with psycopg.connect(**params) as raw:
            raw.execute("SELECT 1").fetchone()
    except psycopg.OperationalError as error:
        return getattr(error, "sqlstate", None) == TOO_MANY_CONNECTIONS
    return True


def _cache_state() -> dict:
    from core.cache_backend import ResilientRedisCache, cache_available

    kind = "redis" if isinstance(caches["default"], ResilientRedisCache) else "local"
    # At most one short Redis timeout (REDIS_SOCKET_TIMEOUT), none while its breaker is open.
    return {"status": "ok" if cache_available() else "down", "kind": kind}


def _store_state() -> dict:
    from django.core.files.storage import default_storage

    from core.s3 import store_health
    from core.storage import private_storage

    stores = [storage for storage in (default_storage, private_storage) if isinstance(storage, S3Storage)]
    if not stores:
        return {"status": "ok", "kind": "disk"}
    # A HEAD on each bucket with short waits, at most once per few seconds per process.
    return {**store_health.check(stores), "kind": "s3"}


def _outbox_state() -> dict:
    """The mail not yet sent: how many, and how long the oldest has waited."""
    from core.models import Outbox

    try:
        row = Outbox.objects.filter(sent_at__isnull=True, failed_at__isnull=True).aggregate(
            unsent=Count("pk"), oldest=Min("created_at")
        )
    except Exception as error:  # The database went away between the checks.
        # /healthz is public: the kind of error only; the message (hosts, ports) to the log.
        logger.warning("Health check: the outbox could not be read: %s: %s", type(error).__name__, error)
        return {"status": "unknown", "error": type(error).__name__}
    age = max(0, int((timezone.now() - row["oldest"]).total_seconds())) if row["oldest"] else 0
    return {
        "status": "late" if age > OUTBOX_LATE_SECONDS else "ok",
        "unsent": row["unsent"],
        "oldest_unsent_seconds": age,
    }


def _timed(check) -> dict:
    started = time.monotonic()
    result = check()
    return {**result, "ms": round((time.monotonic() - started) * 1000)}


@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    """For the load balancer and whoever watches the site: each dependency, as JSON.

    The HTTP status is the load balancer's answer: 200 while this server can serve pages,
    which needs the database; 503 when the database is "down", or "busy" (the pool had no
    connection to spare in time although the database answers; with Retry-After: the
    server is loaded, not broken). The cache, the object store and the outbox do not fail
    the check: without them the site still serves (uncached; pages without files; mail
    sent later), and taking every server out of the load balancer for a store or mail
    outage would turn a partial outage into a whole one. They make the status "degraded"
    and say why. Every check is bounded in time (the database about 3 s at worst, the
    cache one Redis timeout, the store about 2.5 s and asked at most every few seconds).
    """
    database = _timed(lambda: {"status": _database_state()})
    checks = {"database": database, "cache": _timed(_cache_state), "store": _timed(_store_state)}
    if database["status"] == "ok":
        checks["outbox"] = _timed(_outbox_state)
    else:
        checks["outbox"] = {"status": "unknown"}
    if database["status"] != "ok":
        overall = database["status"]
    elif all(check["status"] == "ok" for check in checks.values()):
        overall = "ok"
    else:
        overall = "degraded"
    response = JsonResponse({"status": overall, "checks": checks}, status=503 if overall in {"busy", "down"} else 200)
    response["Cache-Control"] = "no-store"
    if overall == "busy":
        response["Retry-After"] = str(BUSY_RETRY_AFTER_SECONDS)
    return response


@require_GET
def robots_txt(request: HttpRequest) -> HttpResponse:
    # Swedish paths have no prefix; every other language has its own (/en/, /fi/, /ar/).
    prefixes = [""] + [f"/{code}" for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE]
    lines = ["User-agent: *"]
    # The digest's unsubscribe links (veckobrev): personal, never to be fetched by a crawler.
    for folder in ("admin", "konto", "mina-sidor", "veckobrev"):
        lines += [f"Disallow: {prefix}/{folder}/" for prefix in prefixes]
    lines.append(f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}")
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain")


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "404.html", status=404)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "403.html", status=403)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form sent without a valid CSRF token: usually an old page or cookies turned off."""
    logger.info("CSRF failure: %s", reason)
    return render(request, "403_csrf.html", status=403)


def server_error(request: HttpRequest) -> HttpResponse:
    # Django calls this inside its `except`: the exception is at hand. One that failed
    # outside a view (a logged-in user's session, read by a middleware) on a database or
    # store that is down gets the 503 page, as the view's own would
    # (core.unavailable.DependencyUnavailableMiddleware).
    error = sys.exc_info()[1]
    dependency = unavailable_dependency(error)
    if dependency is not None:
        # django.request logs this one (as a warning: core.unavailable.QuietUnavailableFilter).
        return unavailable_response(request, dependency, error, log=False)
    # Rendered without the request context: whatever failed may fail again.
    return render(None, "500.html", status=500)
