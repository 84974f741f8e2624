"""Sessions in the database, read through the cache: Django's cached_db, with a capped cache life.

Every logged-in request reads its session. Django's `cached_db` backend reads it from the
cache (Redis when REDIS_URL is set) and falls back to the database, which stays the
record: writes go to the database first, then to the cache. While Redis is down the
resilient cache backend (core/cache_backend.py) misses every read and drops every
write, so sessions are read from the database and logging in goes on as before.

A session ended while Redis could not be reached stays ended. A logout or a password
change deletes the session from the database and from the cache; when the delete from
the cache fails (Redis frozen or down: the backend drops it), Redis may come back still
holding the session, and Django would accept it from there. It cannot, because the
cache backend puts its generation into every key and starts a new generation when Redis
answers again after a process failed to reach it, or after Redis restarted: the stale
entry is never read again, the session is looked up in the database, and it is gone
(tests/test_faults_redis.py logs out during a freeze and tries the old cookie after the
thaw, on the same and on another app server). (A changed password is caught in any case:
the user is loaded from the database on every request and the session's password hash
must match it.)

The one change to Django's backend: a session stays in the cache for at most
SESSION_CACHE_SECONDS, not for the session's whole life (two weeks). That keeps Redis's
memory to the sessions in use, and bounds the cases the generation cannot cover: the
two seconds or so a server that noticed nothing of an outage needs to read the new
generation, and a partition in which some app servers reach Redis while the one that
ended the session does not. A miss costs one query by primary key.
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
    """cached_db with the cache life capped (see the module docstring)."""

    cache_key_prefix = "natverk.sessions"  # The module's old path: kept, so sessions survive.

    def __init__(self, session_key: str | None = None) -> None:
        super().__init__(session_key)
        self._cache = _ShortLivedCache(self._cache, settings.SESSION_CACHE_SECONDS)
