"""Small project-wide endpoints: health check, robots.txt and the error pages."""

from __future__ import annotations

import logging

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

logger = logging.getLogger(__name__)


# The health check waits this long for a pooled connection; a load balancer asks often
# and must not queue behind busy requests for DB_POOL_TIMEOUT.
HEALTH_POOL_WAIT_SECONDS = 1.0
HEALTH_CONNECT_TIMEOUT_SECONDS = 2
# PostgreSQL's "too many connections": the server is up, only full.
TOO_MANY_CONNECTIONS = "53300"
BUSY_RETRY_AFTER_SECONDS = 5


def _database_state() -> str:
    """ "ok" when the database answers, "busy" when it is up but has no connection to spare, else "down"."""
    pool = getattr(connection, "pool", None)  # psycopg's pool (PostgreSQL with DB_POOL).
    try:
        if pool is not None and connection.connection is None:
            pool.open()
            with pool.connection(timeout=HEALTH_POOL_WAIT_SECONDS) as raw:
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


def _cache_state() -> str:
    from natverk.cache_backend import cache_available

    return "ok" if cache_available() else "down"


@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    """For the load balancer: 200 "ok" when the database answers, 503 "busy" or "down" otherwise.

    "busy" (the pool had no connection to spare in time, but the database answers) comes
    with Retry-After: the server is fine, only loaded. The cache is reported but does not
    fail the check: the site works without it (uncached).
    """
    database = _database_state()
    # The first line is the verdict; the others say why, for whoever reads it.
    body = f"{database}\ndatabase: {database}\ncache: {_cache_state()}\n"
    response = HttpResponse(body, status=200 if database == "ok" else 503, content_type="text/plain")
    if database == "busy":
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
    # Rendered without the request context: whatever failed may fail again.
    return render(None, "500.html", status=500)
