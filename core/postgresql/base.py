"""Django's PostgreSQL backend; a connection taken from psycopg's pool is checked first.

After a database restart or terminated backends every idle connection in a worker's pool
is dead. psycopg_pool's own check (Django 5.2 passes check=ConnectionPool.check_connection
when CONN_HEALTH_CHECKS is on) finds them, but pauses after each dead one (1 s, then 2 s:
its back-off against a busy loop), so that with a few dead connections and a 2 s pool
timeout the first requests after a restart failed (tests/test_faults_db.py counted 2 of
18). Here a dead connection fails its check at once (its socket is closed) and the next
is tried without a pause, then a new one from the pool: the request that meets a dead
connection gets a live one, and no page answers an error for it. settings.py turns
CONN_HEALTH_CHECKS off for that reason: this is the check.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator

import psycopg
from django.db.backends.postgresql import base
from psycopg_pool import ConnectionPool

logger = logging.getLogger(__name__)


def is_alive(connection: psycopg.Connection) -> bool:
    """One empty round trip, as psycopg_pool's own check does."""
    try:
        ConnectionPool.check_connection(connection)
    except psycopg.Error as error:
        logger.info("A pooled database connection was dead and is replaced: %s", error)
        return False
    return True


def live_connection(pool: ConnectionPool, timeout: float | None = None) -> psycopg.Connection:
    """A connection from `pool` that answers; dead ones go back and are replaced.

    Bounded: at most the pool's size of dead ones (each fails at once), then the pool's wait
    (`timeout`, by default its own) for a new one, which raises PoolTimeout.
    """
    for _ in range(pool.max_size + 1):
        connection = pool.getconn(timeout)
        if is_alive(connection):
            return connection
        pool.putconn(connection)  # Broken: the pool drops it and opens a new one.
    raise psycopg.OperationalError("no live connection in the pool")


@contextlib.contextmanager
def checked_connection(pool: ConnectionPool, timeout: float) -> Iterator[psycopg.Connection]:
    """live_connection() as a context manager that gives the connection back (for /healthz)."""
    connection = live_connection(pool, timeout)
    try:
        yield connection
    finally:
        pool.putconn(connection)


class DatabaseWrapper(base.DatabaseWrapper):
    def get_new_connection(self, conn_params):
        pool = self.pool
        if pool is None:
            return super().get_new_connection(conn_params)
        for _ in range(pool.max_size + 1):
            connection = super().get_new_connection(conn_params)  # pool.getconn(), the isolation level.
            if is_alive(connection):
                return connection
            pool.putconn(connection)
        raise psycopg.OperationalError("no live connection in the pool")
