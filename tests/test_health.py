"""/healthz for the load balancer: "ok", "busy" (pool exhausted, database up) or "down"."""

from __future__ import annotations

from unittest import mock

import pytest
from django.db import DatabaseError, OperationalError, connection, connections

from natverk import views

on_postgresql = pytest.mark.skipif(connection.vendor != "postgresql", reason="psycopg's pool: PostgreSQL only")


def test_healthz_is_ok_when_the_database_answers(client, db) -> None:
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.text.splitlines()[:2] == ["ok", "database: ok"]
    assert "cache: ok" in response.text
    assert not response.cookies


def test_healthz_is_down_when_the_database_fails(client, db) -> None:
    with mock.patch("natverk.views.connection") as connection:
        connection.cursor.side_effect = DatabaseError("the database is down")
        response = client.get("/healthz")

    assert response.status_code == 503
    assert response.text.splitlines()[0] == "down"
    assert "Retry-After" not in response


def _pool_timeout() -> Exception:
    from psycopg_pool import PoolTimeout

    # Django raises its own OperationalError with psycopg's as the cause.
    try:
        try:
            raise PoolTimeout("couldn't get a connection after 1.00 sec")
        except PoolTimeout as cause:
            raise OperationalError(str(cause)) from cause
    except OperationalError as wrapped:
        return wrapped


def test_healthz_is_busy_when_the_pool_has_nothing_to_spare(client, db) -> None:
    with (
        mock.patch("natverk.views.connection") as connection,
        mock.patch("natverk.views._database_answers_directly", return_value=True),
    ):
        connection.cursor.side_effect = _pool_timeout()
        response = client.get("/healthz")

    assert response.status_code == 503
    assert response.text.splitlines()[0] == "busy"
    assert int(response["Retry-After"]) > 0


def test_healthz_is_down_when_the_pool_times_out_because_the_database_is_away(client, db) -> None:
    with (
        mock.patch("natverk.views.connection") as connection,
        mock.patch("natverk.views._database_answers_directly", return_value=False),
    ):
        connection.cursor.side_effect = _pool_timeout()
        response = client.get("/healthz")

    assert response.status_code == 503
    assert response.text.splitlines()[0] == "down"


def test_healthz_reports_the_cache_but_does_not_fail_on_it(client, db) -> None:
    with mock.patch("natverk.cache_backend.cache_available", return_value=False):
        response = client.get("/healthz")

    assert response.status_code == 200
    assert "cache: down" in response.text


def test_healthz_only_answers_get(client, db) -> None:
    assert client.post("/healthz").status_code == 405


@on_postgresql
def test_a_real_exhausted_pool_is_busy_and_a_refused_database_is_down(db, settings) -> None:
    from psycopg_pool import ConnectionPool

    real = connections["default"]
    params = {**real.get_connection_params(), "autocommit": True}
    pool = ConnectionPool(kwargs=params, min_size=1, max_size=1, open=True)
    held = pool.getconn()
    try:
        with (
            mock.patch.object(type(real), "pool", new_callable=mock.PropertyMock, return_value=pool),
            mock.patch.object(real, "connection", None),
        ):
            assert views._database_state() == "busy"
            pool.putconn(held)
            held = None
            assert views._database_state() == "ok"
    finally:
        if held is not None:
            pool.putconn(held)
        pool.close()

    refused = {**params, "port": 1, "connect_timeout": 1}
    with mock.patch.object(real, "get_connection_params", return_value=refused):
        assert views._database_answers_directly() is False
