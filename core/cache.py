"""A whole-page cache for anonymous visitors of the public pages.

`AnonymousPageCacheMiddleware` stores the complete response of a public page the first
time an anonymous visitor asks for it, and serves it from the cache (the default cache:
Redis when REDIS_URL is set, so every app server shares it) until the content behind the
pages changes.

Nobody's personal content can leak, because a page is served from, or stored in, the
cache only when every one of these holds:

- the request is GET or HEAD (only GET responses are stored; HEAD is served from them),
- the request carries neither a session cookie nor a messages cookie (a logged-in user
  always has a session cookie, and a pending "saved" message is personal),
- the path is in the allow-list (ANON_CACHE_PATHS exactly, or under one of
  ANON_CACHE_PREFIXES), also with a language prefix such as /en/,
- the response is a 200, not streamed, sets or deletes no cookie (a page with a form sets
  `csrftoken`, so it is never stored), is not `private`, `no-store` or `no-cache`, and
  varies on nothing but Cookie, Accept-Language and Accept-Encoding (the language comes
  from the path here, and the cookie rule above covers Cookie),
- the request's user, as Django sees it, is anonymous.

A page is stored gzip-compressed (compressed once, when stored) and served so to clients
that accept gzip; others get it decompressed.

A stored page goes out byte for byte to every anonymous visitor: it must hold nothing
meant for one request only (no CSP nonce; the site has no inline scripts anyway).

Invalidation: one global content version, kept in the cache, is part of every key. A
save, delete or many-to-many change of a row that public pages show bumps it when its
transaction commits, so that the next request on every app server misses and renders
the page anew. Which rows those are is an allow-list of model labels, ANON_CACHE_MODELS
(a new model empties nobody's cache until someone decides that public pages show it),
narrowed per row by the model's `shows_on_public_pages()` where it has one (an
application only once granted: a draft saved changes no public page). For a
many-to-many change the narrowing applies to the side that declares the field (an
application's networks), never to the other side (removing a coordinator from a
network must bump even though the user then coordinates nothing). (Bulk operations that
send no signals, `QuerySet.update()` and `bulk_create()`, must call
`bump_content_version()` themselves.)

A global version, rather than a key per page that each edit deletes, because:
- it is always correct: an edit of one news item shows on the home page, the network's
  page, the news list, its pages 1..n, the sitemap and both languages, and nobody has to
  keep a map of which edit touches which page (a map that would silently rot as pages
  are added);
- edits are rare (a few a day by coordinators) while reads are many, so throwing away
  every page on an edit costs a few cache misses, each one a normal page render;
- it costs one small cache read per request, and old pages are never read again and
  simply expire (ANON_CACHE_SECONDS), so nothing needs deleting.

What the clock makes public rather than a save (a news item published for a later time,
networks.Post.published_at) bumps nothing at that moment. It is never shown early: a page
rendered before the time does not hold it, and the item's own page answered 404, which
is not stored. It is on every cached page at most ANON_CACHE_SECONDS after its time, when
the pages stored before it have run out.

The version starts at the current time in nanoseconds rather than at 1: if the cache
loses the version key (cache.clear(), eviction, a Redis restart), the new version can
never equal an old one, so no page stored under an old version is served again.

When the cache does not answer (Redis down or frozen), pages are served uncached and a
save still succeeds: `bump_content_version()` never raises, because it runs after the
commit, and an exception there would answer 500 for a saved change and skip the
on-commit hooks queued after it (the mails). A bump that did not reach Redis is not
retried here: the cache backend (core/cache_backend.py) keeps a *generation* in every
key and starts a new one when Redis answers again after any process failed to reach it,
or after Redis restarted. Pages stored before the outage (a frozen Redis, or one restarted
from its append-only file, still holds them) are then unreachable on every app server,
together with the old content version: the edit made during the outage is what every
server shows once Redis is back (within about two seconds on a server that noticed
nothing of the outage; the backend's docstring says why).
"""

from __future__ import annotations

import gzip
import hashlib
import logging
import time
from collections.abc import Callable

from django.apps import AppConfig
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import DisallowedHost
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpRequest, HttpResponse
from django.utils.cache import cc_delim_re, patch_vary_headers
from django.utils.translation import get_language_from_path

logger = logging.getLogger(__name__)

VERSION_KEY = "anon-page:version"
# Smaller bodies are not worth compressing (the gzip header alone is 20 bytes).
GZIP_MIN_BYTES = 500
# Django's cookie message storage always uses this name (CookieStorage.cookie_name).
MESSAGES_COOKIE = "messages"
SAFE_VARY = {"cookie", "accept-language", "accept-encoding"}
UNCACHEABLE_CACHE_CONTROL = {"private", "no-store", "no-cache"}
# Saves of a user that only record a login or a new password change no public page.
_USER_FIELDS_NOT_SHOWN = {"last_login", "password"}


def content_version() -> int | None:
    """The current content version; starts (again) at the time in nanoseconds.

    None when the cache does not answer (the resilient backend then misses every read).
    """
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, time.time_ns(), timeout=None)
        version = cache.get(VERSION_KEY)
    return version


class CacheUnavailable(Exception):
    """The cache did not answer; the page is served uncached."""


# The version this process saw last. Only a guess that saves a round trip to the cache:
# every request still reads the current version (see _lookup).
_last_version: int | None = None


def _lookup(request: HttpRequest) -> tuple[str, tuple | None]:
    """The page's key under the current version, and what is stored there.

    One round trip in the usual case: the version and the page under the version seen
    last are read together; only when the version has moved is the page read again.
    """
    global _last_version
    guess = _last_version
    if guess is None:
        version = content_version()
        if version is None:
            raise CacheUnavailable
        key = page_key(request, version)
        stored = cache.get(key)
    else:
        guessed_key = page_key(request, guess)
        found = cache.get_many([VERSION_KEY, guessed_key])
        version = found.get(VERSION_KEY)
        if version is None:
            version = content_version()
            if version is None:
                raise CacheUnavailable
        key = page_key(request, version)
        stored = found.get(guessed_key) if version == guess else cache.get(key)
    _last_version = version
    return key, stored


def bump_content_version() -> None:
    """Make every cached page stale, on every app server sharing the cache; never raises.

    Runs after a commit (see _content_changed): the change is saved whatever happens
    here. A bump the cache did not take is made good by the backend's new generation
    when the cache is back (module docstring).
    """
    try:
        try:
            cache.incr(VERSION_KEY)
        except ValueError:  # No version yet, or no answer: any new one differs from the old ones.
            # (Without an answer the backend's next generation makes good the lost bump.)
            cache.add(VERSION_KEY, time.time_ns(), timeout=None)
    except Exception:  # Any cache backend, any failure: the save has committed already.
        logger.warning("Page cache: the content version could not be moved on", exc_info=True)


def _strip_language_prefix(path: str) -> str:
    """'/en/moten/' -> '/moten/'; '/en/' -> '/'; Swedish paths have no prefix."""
    language = get_language_from_path(path)
    prefix = f"/{language}/"
    if language and path.startswith(prefix):
        return "/" + path[len(prefix) :]
    return path


def is_cacheable_path(path: str) -> bool:
    path = _strip_language_prefix(path)
    if path in settings.ANON_CACHE_PATHS:
        return True
    return any(path.startswith(prefix) for prefix in settings.ANON_CACHE_PREFIXES)


def _is_anonymous_request(request: HttpRequest) -> bool:
    return settings.SESSION_COOKIE_NAME not in request.COOKIES and MESSAGES_COOKIE not in request.COOKIES


def page_key(request: HttpRequest, version: int) -> str:
    """Version + language + scheme, host and full path with query; the same for GET and HEAD."""
    language = get_language_from_path(request.path_info) or settings.LANGUAGE_CODE
    # The host is part of the page (the sitemap and feeds hold absolute URLs).
    url = f"{request.scheme}://{request.get_host()}{request.get_full_path()}"
    digest = hashlib.sha256(url.encode()).hexdigest()
    # "p3": the layout of the stored value; a new layout never reads entries of an old one.
    return f"anon-page:p3:{version}:{language}:{digest}"


def _is_cacheable_response(request: HttpRequest, response: HttpResponse) -> bool:
    if request.method != "GET" or response.status_code != 200 or response.streaming:
        return False
    if response.cookies:
        return False
    cache_control = {
        part.split("=")[0].strip().lower() for part in cc_delim_re.split(response.get("Cache-Control", ""))
    }
    if cache_control & UNCACHEABLE_CACHE_CONTROL:
        return False
    vary = {part.strip().lower() for part in cc_delim_re.split(response.get("Vary", "")) if part.strip()}
    if vary - SAFE_VARY:
        return False
    user = getattr(request, "user", None)
    return not (user is not None and user.is_authenticated)


class AnonymousPageCacheMiddleware:
    """Serve and store whole public pages for anonymous visitors (see the module docstring).

    Placed before SessionMiddleware, so that it sees every cookie the inner middleware
    sets (session, csrftoken, messages, language) before it decides to store a page.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        seconds = settings.ANON_CACHE_SECONDS
        if (
            not seconds
            or request.method not in ("GET", "HEAD")
            or not _is_anonymous_request(request)
            or not is_cacheable_path(request.path_info)
        ):
            return self.get_response(request)
        try:
            # The version is read before the page is rendered: a page rendered while an
            # edit commits is stored under the old version, which nobody asks for again.
            key, stored = _lookup(request)
        except DisallowedHost:
            return self.get_response(request)  # Django answers 400 further in.
        except CacheUnavailable:
            return self.get_response(request)
        except Exception:  # A cache backend that raises when down: the site still works.
            logger.warning("Page cache unavailable", exc_info=True)
            return self.get_response(request)

        if stored is not None:
            status, headers, body, is_gzipped = stored
            response = HttpResponse(status=status)
            for name, value in headers:
                response.headers[name] = value
            if is_gzipped and _accepts_gzip(request):
                response.content = body
                response.headers["Content-Encoding"] = "gzip"
            else:
                response.content = gzip.decompress(body) if is_gzipped else body
            response.headers["Content-Length"] = str(len(response.content))
            response.headers["X-Cache"] = "hit"
            return response

        response = self.get_response(request)
        if _is_cacheable_response(request, response):
            patch_vary_headers(response, ("Accept-Encoding",))
            headers = [(name, value) for name, value in response.headers.items() if name.lower() != "x-cache"]
            try:
                compressed = _gzipped(response)
                body = response.content if compressed is None else compressed
                cache.set(key, (response.status_code, headers, body, compressed is not None), timeout=seconds)
            except Exception:
                logger.warning("Page cache unavailable", exc_info=True)
        response.headers["X-Cache"] = "miss"
        return response


def _accepts_gzip(request: HttpRequest) -> bool:
    return "gzip" in request.META.get("HTTP_ACCEPT_ENCODING", "").lower()


def _gzipped(response: HttpResponse) -> bytes | None:
    """The body compressed once, when it is stored; None when not worth it.

    Only the compressed body is stored: nearly every client accepts gzip, and a hit then
    reads a tenth of the bytes from the cache. The few others get it decompressed.

    Safe from BREACH-style attacks: a cached page is the same for every anonymous visitor
    and holds no secret (no CSRF token, nothing from the request).
    """
    if response.has_header("Content-Encoding") or len(response.content) < GZIP_MIN_BYTES:
        return None
    return gzip.compress(response.content, compresslevel=6, mtime=0)


def _shown_on_public_pages(sender: type, kwargs: dict) -> bool:
    """Whether the changed row is one that public pages show (see the module docstring)."""
    if sender._meta.label not in settings.ANON_CACHE_MODELS:
        return False
    action = kwargs.get("action")  # Only m2m_changed has one.
    if action is None:
        row = kwargs["instance"]
    elif action == "post_clear" or (action in ("post_add", "post_remove") and kwargs.get("pk_set")):
        # The instance is a row of the declaring model only on the forward side.
        row = None if kwargs.get("reverse") else kwargs["instance"]
    else:
        return False  # Before the change, or a change of nothing.
    narrow = getattr(row, "shows_on_public_pages", None)
    return narrow is None or narrow()


def _content_changed(sender, **kwargs) -> None:
    """Receiver for post_save, post_delete and m2m_changed of every model."""
    update_fields = kwargs.get("update_fields")
    if (
        update_fields
        and sender._meta.label == settings.AUTH_USER_MODEL
        and set(update_fields) <= _USER_FIELDS_NOT_SHOWN
    ):
        return
    if not _shown_on_public_pages(sender, kwargs):
        return
    # After the commit, not now: a request between this save and the commit would render
    # the old rows and store them under the new version, stale until the next edit.
    # Outside a transaction on_commit runs at once. A rolled-back edit bumps nothing.
    transaction.on_commit(bump_content_version, using=kwargs.get("using"))


class PageCacheConfig(AppConfig):
    """Connects the invalidation in every process (web, shell, management commands)."""

    name = "core.cache"
    label = "natverk_cache"
    verbose_name = "Sidcache"

    def ready(self) -> None:
        post_save.connect(_content_changed, dispatch_uid="core.cache.post_save")
        post_delete.connect(_content_changed, dispatch_uid="core.cache.post_delete")
        m2m_changed.connect(_content_changed, dispatch_uid="core.cache.m2m_changed")
