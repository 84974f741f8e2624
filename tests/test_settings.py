"""The settings read the environment strictly (natverk/env.py): a value they do not
understand stops the start with the variable's name."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from natverk.env import Env
from natverk.settings import BASE_DIR, database_from_url

env = Env()


@pytest.mark.parametrize(("raw", "expected"), [("true", True), ("1", True), ("Yes", True), ("off", False), ("", False)])
def test_env_bool_reads_the_usual_spellings(monkeypatch, raw: str, expected: bool) -> None:
    monkeypatch.setenv("NATVERK_TEST_FLAG", raw)

    assert env.bool("NATVERK_TEST_FLAG", False) is expected


def test_env_bool_default_when_unset(monkeypatch) -> None:
    monkeypatch.delenv("NATVERK_TEST_FLAG", raising=False)

    assert env.bool("NATVERK_TEST_FLAG", True) is True


@pytest.mark.parametrize("raw", ["maybe", "ja", "2", "ok"])
def test_env_bool_raises_on_anything_else(monkeypatch, raw: str) -> None:
    monkeypatch.setenv("NATVERK_TEST_FLAG", raw)

    with pytest.raises(ImproperlyConfigured, match="NATVERK_TEST_FLAG must be true or false"):
        env.bool("NATVERK_TEST_FLAG", False)


def test_env_int(monkeypatch) -> None:
    monkeypatch.setenv("NATVERK_TEST_NUMBER", "42")
    assert env.int("NATVERK_TEST_NUMBER", 1) == 42
    monkeypatch.setenv("NATVERK_TEST_NUMBER", "")
    assert env.int("NATVERK_TEST_NUMBER", 7) == 7


@pytest.mark.parametrize("raw", ["ten", "1.5", "10s"])
def test_env_int_raises_on_a_bad_value(monkeypatch, raw: str) -> None:
    monkeypatch.setenv("NATVERK_TEST_NUMBER", raw)

    with pytest.raises(ImproperlyConfigured, match="NATVERK_TEST_NUMBER must be a whole number"):
        env.int("NATVERK_TEST_NUMBER", 1)


def test_env_float(monkeypatch) -> None:
    monkeypatch.setenv("NATVERK_TEST_NUMBER", "0.5")
    assert env.float("NATVERK_TEST_NUMBER", 1.0) == 0.5
    monkeypatch.setenv("NATVERK_TEST_NUMBER", " ")
    assert env.float("NATVERK_TEST_NUMBER", 1.0) == 1.0
    for raw in ("half", "10s", "1,5"):  # django-environ itself would read the last two as numbers.
        monkeypatch.setenv("NATVERK_TEST_NUMBER", raw)
        with pytest.raises(ImproperlyConfigured, match="NATVERK_TEST_NUMBER must be a number"):
            env.float("NATVERK_TEST_NUMBER", 1.0)


def test_env_str_is_taken_as_it_is(monkeypatch) -> None:
    """A password starting with "$" is not the name of another variable (django-environ's proxying)."""
    monkeypatch.setenv("NATVERK_TEST_SECRET", "$HOME")

    assert env.str("NATVERK_TEST_SECRET", "") == "$HOME"


def test_env_without_a_default_must_be_set(monkeypatch) -> None:
    monkeypatch.delenv("NATVERK_TEST_SECRET", raising=False)

    with pytest.raises(ImproperlyConfigured, match="NATVERK_TEST_SECRET"):
        env.str("NATVERK_TEST_SECRET")


def test_redis_url_gives_the_resilient_backend_with_short_timeouts(monkeypatch) -> None:
    import runpy

    monkeypatch.setenv("REDIS_URL", "redis://redis.internal:6379/0")
    monkeypatch.setenv("REDIS_SOCKET_TIMEOUT", "0.5")
    monkeypatch.delenv("REDIS_CONNECT_TIMEOUT", raising=False)

    cache = runpy.run_path(str(BASE_DIR / "natverk" / "settings.py"))["CACHES"]["default"]

    assert cache["BACKEND"] == "core.cache_backend.ResilientRedisCache"
    assert cache["OPTIONS"] == {"socket_timeout": 0.5, "socket_connect_timeout": 0.25}


def test_env_list_strips_and_drops_empty_items(monkeypatch) -> None:
    monkeypatch.setenv("NATVERK_TEST_HOSTS", " a.se, b.se ,,")

    assert env.list("NATVERK_TEST_HOSTS", default=[]) == ["a.se", "b.se"]
    monkeypatch.delenv("NATVERK_TEST_HOSTS")
    assert env.list("NATVERK_TEST_HOSTS", default=["localhost"]) == ["localhost"]


def test_sqlite_url_relative_to_the_project() -> None:
    db = database_from_url("sqlite:///db.sqlite3")

    assert db["ENGINE"] == "django.db.backends.sqlite3"
    assert db["NAME"] == BASE_DIR / "db.sqlite3"


def test_sqlite_url_absolute() -> None:
    assert database_from_url("sqlite:////var/lib/natverk/db.sqlite3")["NAME"] == Path("/var/lib/natverk/db.sqlite3")


def test_postgres_url_with_the_connection_pool(monkeypatch) -> None:
    monkeypatch.setenv("DB_POOL_MAX_SIZE", "20")
    monkeypatch.delenv("DB_POOL", raising=False)

    db = database_from_url("postgres://natverk:hemligt%40ord@db.example.se:5433/natverk?sslmode=require")

    assert db["ENGINE"] == "core.postgresql"  # Django's, checking pooled connections.
    assert (db["NAME"], db["USER"], db["PASSWORD"], db["HOST"], db["PORT"]) == (
        "natverk",
        "natverk",
        "hemligt@ord",
        "db.example.se",
        "5433",
    )
    assert db["OPTIONS"]["pool"]["max_size"] == 20
    assert db["OPTIONS"]["sslmode"] == "require"
    assert db["CONN_MAX_AGE"] == 0


def test_postgres_url_without_the_pool(monkeypatch) -> None:
    monkeypatch.setenv("DB_POOL", "false")

    assert "pool" not in database_from_url("postgresql://postgres@127.0.0.1/natverk")["OPTIONS"]


def test_unknown_database_scheme_raises() -> None:
    with pytest.raises(ImproperlyConfigured, match="mysql"):
        database_from_url("mysql://root@localhost/natverk")
