"""A dependency down or slow answers 503 with Retry-After, never the 500 page.

The database (unreachable, its pool without a connection in time, a connection that died
under the request) and the object store (refused, timed out, overloaded, or refused at
once by core/s3.py's guard while it is known to be down) are outside the app's
control: the visitor gets ”Tyvärr, det går inte just nu” in the page's language with
Retry-After, and the log gets one warning line, not a traceback per request. A real bug
(a missing table, a query error, a store that refuses our keys) still answers 500.

Two ways in, because Django converts an exception into a response in the layer where it
happened: the middleware's process_exception for the view (most cases), and the 500
handler (core.views.server_error) for an exception in another middleware, such as the
session lookup of a logged-in user. The logging filter keeps the latter's log line short.

The page itself needs neither the database nor the store: 503.html leaves out the
account links of base.html (they read the user, i.e. the session) and the messages.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 30
DATABASE = "database"
STORE = "store"

# PostgreSQL's SQLSTATE classes of an unavailable server (08 connection exception, 53
# insufficient resources, 57 operator intervention: shutdown, termination, cancelled
# statement; 58 system error). Others (42 syntax, 23 integrity, ...) are our bugs: 500.
_PG_UNAVAILABLE_CLASSES = ("08", "53", "57", "58")
# SQLite: another writer holds the file longer than its timeout, or the file is gone.
_SQLITE_UNAVAILABLE = ("database is locked", "unable to open database file", "disk i/o error")


class StoreUnavailable(Exception):  # noqa: N818 - reads as what happened, like Django's Http404.
    """The object store is known to be down, or every slot for calls to it is taken."""


def _database_unavailable(error: BaseException) -> bool:
    if isinstance(error, InterfaceError):  # "connection already closed".
        return True
    if not isinstance(error, OperationalError):
        return False
    cause = error.__cause__
    if isinstance(cause, sqlite3.Error):
        return any(text in str(cause).lower() for text in _SQLITE_UNAVAILABLE)
    sqlstate = getattr(cause, "sqlstate", None)
    # No SQLSTATE: the client lost the server (refused, reset, closed) or the pool gave
    # up (psycopg_pool.PoolTimeout): nothing the server said about our query.
    return sqlstate is None or sqlstate[:2] in _PG_UNAVAILABLE_CLASSES


def _store_unavailable(error: BaseException) -> bool:
    if isinstance(error, StoreUnavailable):
        return True
    try:
        from botocore.exceptions import (
            ClientError,
            ConnectionClosedError,
            ConnectTimeoutError,
            EndpointConnectionError,
            ReadTimeoutError,
        )
    except ImportError:  # pragma: no cover - botocore is in requirements.txt.
        return False
    if isinstance(error, EndpointConnectionError | ConnectTimeoutError | ReadTimeoutError | ConnectionClosedError):
        return True
    if isinstance(error, ClientError):
        status = error.response.get("ResponseMetadata", {}).get("HTTPStatusCode") or 0
        code = error.response.get("Error", {}).get("Code", "")
        return status >= 500 or code in {"SlowDown", "ServiceUnavailable", "RequestTimeout"}
    return False


def unavailable_dependency(error: BaseException | None) -> str | None:
    """DATABASE or STORE when `error` says that dependency is down or slow, else None."""
    if error is None:
        return None
    if _database_unavailable(error):
        return DATABASE
    if _store_unavailable(error):
        return STORE
    return None


def unavailable_response(
    request: HttpRequest | None, dependency: str, error: BaseException, *, log: bool = True
) -> HttpResponse:
    """The 503 page, and (with `log`) one warning line for the log."""
    if log:
        path = request.path if request is not None else "?"
        logger.warning("503 for %s: the %s is unavailable (%s: %s)", path, dependency, type(error).__name__, error)
        if request is not None:
            request._unavailable_logged = True  # Django's own "Service Unavailable" line is left out.
    # No account links and no messages: both would read the session (the database).
    context = {"messages": (), "form_sent": request is not None and request.method == "POST"}
    response = render(request, "503.html", context, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    # A proxy or browser must not keep the outage.
    response["Cache-Control"] = "no-store"
    return response


class DependencyUnavailableMiddleware:
    """503 with Retry-After for a view that failed on the database or the object store."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        dependency = unavailable_dependency(exception)
        if dependency is None:
            return None
        return unavailable_response(request, dependency, exception)


class QuietUnavailableFilter(logging.Filter):
    """On django.request: one warning line, no traceback, for a 503 of an unavailable dependency.

    Django logs every 5xx as an error, with the traceback when the 500 handler answered; for
    a database that is down that would be an error and a traceback per request. The line
    core.unavailable already wrote replaces Django's; the one Django writes for the 500
    handler's answer becomes a warning naming the error.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "status_code", None) != 503:
            return True
        if getattr(getattr(record, "request", None), "_unavailable_logged", False):
            return False
        error = record.exc_info[1] if record.exc_info else None
        if unavailable_dependency(error) is not None:
            record.exc_info = None
            record.exc_text = None
            record.levelno = logging.WARNING
            record.levelname = "WARNING"
            record.msg = f"{record.msg} (%s: %s)"
            record.args = (*(record.args or ()), type(error).__name__, error)
        return True
