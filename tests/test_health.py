"""/healthz: each dependency as JSON; 200 while the database answers, 503 when it does not.

"busy" (pool exhausted, database up) and "down" answer 503; the cache, the store and the
outbox only make it "degraded" (200).
"""

from __future__ import annotations

import datetime
from unittest import mock

import pytest
from django.db import DatabaseError, OperationalError, connection, connections
from django.utils import timezone

from core import views
from core.models import Outbox

on_postgresql = pytest.mark.skipif(connection.vendor != "postgresql", reason="psycopg's pool: PostgreSQL only")


def test_healthz_is_ok_when_the_database_answers(client, db) -> None:
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Cache-Control"] == "no-store"
    body = response.json()
    assert body["status"] == "ok"
    checks = body["checks"]
    assert set(checks) == {"database", "cache", "store", "outbox"}
    assert {name: check["status"] for name, check in checks.items()} == dict.fromkeys(checks, "ok")
    assert checks["store"]["kind"] == "disk"
    assert checks["outbox"] == {"status": "ok", "unsent": 0, "oldest_unsent_seconds": 0, "ms": mock.ANY}
    assert all(isinstance(check["ms"], int) for check in checks.values())
    assert not response.cookies


def test_healthz_is_down_when_the_database_fails(client, db) -> None:
    with mock.patch("core.views.connection") as connection:
        connection.cursor.side_effect = DatabaseError("the database is down")
        response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["status"] == "down"
    assert response.json()["checks"]["database"]["status"] == "down"
    # Nothing to say about the mail without the database.
    assert response.json()["checks"]["outbox"] == {"status": "unknown"}
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
        mock.patch("core.views.connection") as connection,
        mock.patch("core.views._database_answers_directly", return_value=True),
    ):
        connection.cursor.side_effect = _pool_timeout()
        response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["status"] == "busy"
    assert int(response["Retry-After"]) > 0


def test_healthz_is_down_when_the_pool_times_out_because_the_database_is_away(client, db) -> None:
    with (
        mock.patch("core.views.connection") as connection,
        mock.patch("core.views._database_answers_directly", return_value=False),
    ):
        connection.cursor.side_effect = _pool_timeout()
        response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["status"] == "down"


def test_healthz_reports_the_cache_but_does_not_fail_on_it(client, db) -> None:
    with mock.patch("core.cache_backend.cache_available", return_value=False):
        response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json()["status"] == "degraded"
    assert response.json()["checks"]["cache"]["status"] == "down"
    assert response.json()["checks"]["database"]["status"] == "ok"


def _outbox(created_at, **extra) -> Outbox:
    return Outbox.objects.create(
        to="a@example.se", subject="Hej", body="Text", kind="test", created_at=created_at, **extra
    )


def test_healthz_reports_the_age_of_the_oldest_unsent_mail(client, db) -> None:
    now = timezone.now()
    _outbox(now - datetime.timedelta(minutes=3))
    _outbox(now - datetime.timedelta(days=2), sent_at=now)  # Sent: does not count.
    _outbox(now - datetime.timedelta(days=3), failed_at=now)  # Given up: visible in the admin instead.

    outbox = client.get("/healthz").json()["checks"]["outbox"]

    assert outbox["status"] == "ok"
    assert outbox["unsent"] == 1
    assert 170 <= outbox["oldest_unsent_seconds"] <= 200


def test_healthz_is_degraded_but_200_when_mail_is_late(client, db) -> None:
    _outbox(timezone.now() - datetime.timedelta(seconds=views.OUTBOX_LATE_SECONDS + 60))

    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json()["status"] == "degraded"
    assert response.json()["checks"]["outbox"]["status"] == "late"


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
