from __future__ import annotations

from unittest import mock

from django.db import DatabaseError


def test_healthz_is_ok_when_the_database_answers(client, db) -> None:
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.text == "ok\n"
    assert not response.cookies


def test_healthz_is_503_when_the_database_fails(client, db) -> None:
    with mock.patch("natverk.views.connection") as connection:
        connection.cursor.side_effect = DatabaseError("the database is down")
        response = client.get("/healthz")

    assert response.status_code == 503


def test_healthz_only_answers_get(client, db) -> None:
    assert client.post("/healthz").status_code == 405
