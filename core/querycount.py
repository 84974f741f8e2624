"""Counts the SQL queries of each request and reports them in `X-DB-Queries`.

For the benchmark (`make bench`) and for looking at a page in production without
DEBUG: `connection.execute_wrapper` sees every query also when DEBUG is off. The
middleware is left out entirely unless QUERY_COUNT_HEADER is true.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import ExitStack

from django.conf import settings
from django.core.exceptions import MiddlewareNotUsed
from django.db import connections
from django.http import HttpRequest, HttpResponse


class QueryCounter:
    """An execute wrapper that counts the queries passing through it."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


class QueryCountMiddleware:
    """Adds `X-DB-Queries: N`, N = queries on all databases while answering the request.

    Put it first in MIDDLEWARE, so that the queries of every other middleware (the
    session, the user) are counted too.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        if not settings.QUERY_COUNT_HEADER:
            raise MiddlewareNotUsed
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        counter = QueryCounter()
        with ExitStack() as stack:
            for alias in connections:
                stack.enter_context(connections[alias].execute_wrapper(counter))
            response = self.get_response(request)
        response.headers["X-DB-Queries"] = str(counter.count)
        return response
