"""Sessions in the database, read through the cache: Django's cached_db, with a short cache life.

Every logged-in request reads its session. Django's `cached_db` backend reads it from the
cache (Redis when REDIS_URL is set) and falls back to the database, which stays the
record: writes go to the database first, then to the cache. While Redis is down the
resilient cache backend (natverk/cache_backend.py) misses every read and drops every
write, so sessions are read from the database and logging in goes on as before.

The one change to Django's backend: a session stays in the cache for at most
SESSION_CACHE_SECONDS, not for the session's whole life (two weeks). A logout or a
password change deletes the session from the database and from the cache; if Redis was
unreachable at that moment (frozen, or restarted from an old dump), the cache could still
hold the session when Redis is back, and Django would accept it from there. The short
life bounds that window to a few minutes. (A changed password is caught in any case:
the user is loaded from the database on every request and the session's password hash
must match it.)
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.sessions.backends.cached_db import SessionStore as CachedDBStore


class _ShortLivedCache:
    """The session cache, with every entry's life capped at SESSION_CACHE_SECONDS."""

    def __init__(self, cache: Any, seconds: int) -> None:
        self._cache = cache
        self._seconds = seconds

    def set(self, key: str, value: Any, timeout: int | None = None) -> None:
        timeout = self._seconds if timeout is None else min(timeout, self._seconds)
        self._cache.set(key, value, timeout)

    def __contains__(self, key: str) -> bool:
        return key in self._cache

    def __getattr__(self, name: str) -> Any:
        return getattr(self._cache, name)


class SessionStore(CachedDBStore):
    cache_key_prefix = "natverk.sessions"

    def __init__(self, session_key: str | None = None) -> None:
        super().__init__(session_key)
        self._cache = _ShortLivedCache(self._cache, settings.SESSION_CACHE_SECONDS)
