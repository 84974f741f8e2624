"""A page cache for one logged-in user's own pages ("Mina sidor", the steering group's list of
applications), keyed on their session.

`UserPageCacheMiddleware` stores the complete response of a page in USER_CACHE_PATHS the
first time a logged-in user asks for it, and answers that same browser's next requests
for it from the cache (the default cache: Redis when REDIS_URL is set) until anything in
the database changes.

Nobody's page can reach anyone else, because the key holds the request's own session
key, its CSRF cookie, its user's id, the language and the full URL: a page is only ever
served to the browser session it was rendered for. (The CSRF cookie is in the key because
the page's forms hold a token made from it; a stored page therefore always carries a
token that this browser's cookie accepts.) A page is served from, or stored in, the cache
only when every one of these holds:

- the request is a GET for a path in USER_CACHE_PATHS (also with a language prefix),
- the session is logged in. A page is stored only after the user was loaded and checked
  as on any page (active, the session's password hash matching); a hit does not load
  the user again, which is safe because any change to the user (a new password,
  deactivation, deletion) is a write, and every write makes every stored page stale.
  The same holds for what the admin checks before it shows its list (staff status,
  permissions, groups, two-factor authentication): a page is stored only after they
  passed, and a change to any of them is a write.
  A logout deletes the session, so its key finds nothing any more,
- the browser sent its CSRF cookie (without it the page sets a new one: not stored),
- no message is waiting to be shown ("Sparat" after an action is rendered afresh),
- the response is a 200, not streamed, sets no cookie of its own, its CSRF tokens come
  from the cookie in the key (not a rotated one), the session was not changed, and it
  varies on nothing but Cookie, Accept-Language and Accept-Encoding.

A response's Cache-Control is for the browser and for shared caches, and this store is
neither: a stored page is only ever given back to the session it was rendered for, with
the same headers, so the admin's `no-store` still keeps it out of the browser's cache.

Stored pages are not compressed: they hold a secret (the CSRF token), and gzip next to
text an attacker can influence is what BREACH-style attacks need.

Invalidation: one global version, kept in the cache, is part of every key, and every
write to the database bumps it when its transaction commits. Writes are seen by an
execute wrapper on every database connection (`watch_writes`), not by model signals, so
`QuerySet.update()`, `bulk_create()` and raw SQL count too: there is no list of models to
keep up to date, and no write can leave a stale personal page behind. Only writes to
USER_CACHE_IGNORED_TABLES (sessions, the mail outbox: nothing a page shows) do not
count. Pages also expire after USER_CACHE_SECONDS, which bounds what changes with the
clock alone (a meeting that has begun, an invitation that has expired).

What it is worth: a hit costs two cache reads (the session, and the version with the page)
and no query, instead of a dozen queries and a template. It helps a user who comes back to the page while nothing
is written anywhere (after every write all personal pages are rendered afresh), so on a
busy site its hit rate is modest; `make bench` shows both the hit and the miss.

When the cache does not answer, pages are rendered as without it. A bump that did not
reach the cache is not retried: the cache backend starts a new generation when Redis
answers again (core/cache_backend.py), which leaves every page stored before the outage
behind, on every server.
"""

from __future__ import annotations

import hashlib
import logging
import re
import time
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.messages import get_messages
from django.core.cache import cache
from django.core.exceptions import DisallowedHost
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.cache import cc_delim_re

from core.cache import SAFE_VARY, _strip_language_prefix

logger = logging.getLogger(__name__)

VERSION_KEY = "user-page:version"
# Statements that change nothing. Anything else (INSERT, UPDATE, DELETE, COPY, DDL, and
# whatever this list does not know) counts as a write.
_READ_ONLY = re.compile(
    r"\s*(SELECT|SAVEPOINT|RELEASE|ROLLBACK|COMMIT|BEGIN|SHOW|SET\s|EXPLAIN|PRAGMA|VALUES)\b", re.IGNORECASE
)
# The table a write goes to, for USER_CACHE_IGNORED_TABLES.
_WRITE_TABLE = re.compile(r'\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?(\w+)"?', re.IGNORECASE)


def user_page_version() -> int | None:
    """The current version; starts (again) at the time in nanoseconds. None: no cache."""
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, time.time_ns(), timeout=None)
        version = cache.get(VERSION_KEY)
    return version


def bump_user_page_version() -> None:
    """Make every stored personal page stale; never raises (it runs after a commit)."""
    try:
        try:
            cache.incr(VERSION_KEY)
        except ValueError:  # No version yet, or no answer: any new one differs from the old.
            # (Without an answer the backend's next generation makes good the lost bump.)
            cache.add(VERSION_KEY, time.time_ns(), timeout=None)
    except Exception:  # Any backend, any failure: the write has committed already.
        logger.warning("User page cache: the version could not be moved on", exc_info=True)


def _is_write(sql: str) -> bool:
    if _READ_ONLY.match(sql):
        return False
    table = _WRITE_TABLE.match(sql)
    return not (table and table.group(1) in settings.USER_CACHE_IGNORED_TABLES)


def _queue_bump(connection) -> None:
    """One bump per transaction, after its commit (at once outside a transaction).

    The connection itself, not its alias: Django's own helper connections (the one that
    creates a test database on PostgreSQL) are not in `connections`.
    """
    if connection.in_atomic_block and any(entry[1] is bump_user_page_version for entry in connection.run_on_commit):
        return
    if not connection.in_atomic_block and not connection.get_autocommit():
        # Manual transaction management (set_autocommit(False)), where on_commit cannot
        # be used: bump now. A page rendered before the commit may then be stored under
        # the new version; it expires after USER_CACHE_SECONDS.
        bump_user_page_version()
        return
    connection.on_commit(bump_user_page_version)


def watch_writes(execute, sql, params, many, context):
    """Execute wrapper: a write makes every personal page stale once it commits."""
    result = execute(sql, params, many, context)
    if isinstance(sql, str) and _is_write(sql):
        _queue_bump(context["connection"])
    return result


def install_write_watch(sender, connection, **kwargs) -> None:
    """connection_created receiver: put the wrapper on each connection once."""
    if watch_writes not in connection.execute_wrappers:
        # First, as the outermost wrapper: `connection.execute_wrapper()` removes its own
        # wrapper with pop(), which must never take this one (the connection may open
        # inside such a block, e.g. core.querycount's).
        connection.execute_wrappers.insert(0, watch_writes)


def is_user_cache_path(path: str) -> bool:
    return _strip_language_prefix(path) in settings.USER_CACHE_PATHS


def page_key(request: HttpRequest, version: int) -> str:
    """Version + user + a digest of session, CSRF cookie, language and the full URL."""
    parts = [
        request.session.session_key or "",
        request.COOKIES.get(settings.CSRF_COOKIE_NAME, ""),
        translation.get_language() or "",
        f"{request.scheme}://{request.get_host()}{request.get_full_path()}",
    ]
    digest = hashlib.sha256("\n".join(parts).encode()).hexdigest()
    return f"user-page:u1:{version}:{_session_user(request)}:{digest}"


class CacheUnavailable(Exception):
    """The cache did not answer; the page is rendered as without it."""


# The version this process saw last: a guess that lets one round trip to the cache read
# both the current version and the page (every request still reads the current version).
_last_version: int | None = None


def _lookup(request: HttpRequest) -> tuple[str, tuple | None]:
    """The page's key under the current version, and what is stored there."""
    global _last_version
    guess = _last_version
    found = cache.get_many([VERSION_KEY, page_key(request, guess)]) if guess is not None else {}
    version = found.get(VERSION_KEY)
    if version is None:
        version = user_page_version()
        if version is None:
            raise CacheUnavailable
    _last_version = version
    key = page_key(request, version)
    stored = found.get(key) if version == guess else cache.get(key)
    return key, stored


def _session_user(request: HttpRequest) -> str | None:
    """The id of the user the session is logged in as, without loading the user."""
    return request.session.get(SESSION_KEY)


def _may_use_cache(request: HttpRequest) -> bool:
    return (
        request.method == "GET"
        and is_user_cache_path(request.path_info)
        and settings.CSRF_COOKIE_NAME in request.COOKIES
        and _session_user(request) is not None
        and len(get_messages(request)) == 0
    )


def _is_storable(request: HttpRequest, response: HttpResponse) -> bool:
    if response.status_code != 200 or response.streaming:
        return False
    # No cookie of its own; the CSRF cookie sent again unchanged (the admin's views renew it
    # themselves, through csrf_protect) is not one.
    csrf_cookie = request.COOKIES.get(settings.CSRF_COOKIE_NAME)
    for name, morsel in response.cookies.items():
        if name != settings.CSRF_COOKIE_NAME or morsel.value != csrf_cookie:
            return False
    # The page was rendered for the session's user, who was checked as on every page.
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or str(user.pk) != str(_session_user(request)):
        return False
    # The page's CSRF tokens must come from the very cookie in the key (not a rotated one).
    # (Django sends the cookie again on every page with a form, to renew its expiry;
    # that alone is no reason not to store.)
    if request.META.get("CSRF_COOKIE", csrf_cookie) != csrf_cookie or request.session.modified:
        return False
    vary = {part.strip().lower() for part in cc_delim_re.split(response.get("Vary", "")) if part.strip()}
    return not (vary - SAFE_VARY)


class UserPageCacheMiddleware:
    """Serve and store a logged-in user's own pages (see the module docstring).

    After AuthenticationMiddleware and MessageMiddleware, so that it knows the user and
    the waiting messages; the CSRF, session and locale middleware around it still run on
    a hit.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        seconds = settings.USER_CACHE_SECONDS
        if not seconds or not _may_use_cache(request):
            return self.get_response(request)
        try:
            # Read before rendering: a page rendered while a write commits is stored under
            # the old version, which nobody asks for again.
            key, stored = _lookup(request)
        except (CacheUnavailable, DisallowedHost):
            return self.get_response(request)
        except Exception:
            logger.warning("User page cache unavailable", exc_info=True)
            return self.get_response(request)

        if stored is not None:
            status, headers, body = stored
            response = HttpResponse(body, status=status)
            for name, value in headers:
                response.headers[name] = value
            response.headers["X-Cache"] = "hit"
            return response

        response = self.get_response(request)
        if _is_storable(request, response):
            headers = [(name, value) for name, value in response.headers.items() if name.lower() != "x-cache"]
            try:
                cache.set(key, (response.status_code, headers, response.content), timeout=seconds)
            except Exception:
                logger.warning("User page cache unavailable", exc_info=True)
        response.headers["X-Cache"] = "miss"
        return response
