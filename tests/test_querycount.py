"""X-DB-Queries (core/querycount.py): the number of SQL queries of a request."""

from __future__ import annotations

from django.test import Client

from members.models import User


def test_header_counts_the_queries(settings, networks, resident, django_assert_num_queries):
    settings.QUERY_COUNT_HEADER = True
    settings.DEBUG = False
    client = Client()
    assert client.get("/healthz")["X-DB-Queries"] == "2"  # SELECT 1, and the outbox.

    client.force_login(resident)
    response = client.get("/")
    # The session, the user, then the home page's own queries: counted, not guessed.
    with django_assert_num_queries(int(response["X-DB-Queries"])):
        client.get("/")


def test_header_counts_more_when_there_is_more_to_do(settings, networks):
    settings.QUERY_COUNT_HEADER = True
    client = Client()
    anonymous = int(client.get("/natverk/andersberg/")["X-DB-Queries"])
    client.force_login(User.objects.create_user(email="x@example.se", password="x"))
    assert int(client.get("/natverk/andersberg/")["X-DB-Queries"]) > anonymous


def test_no_header_when_switched_off(settings, networks):
    settings.QUERY_COUNT_HEADER = False
    assert "X-DB-Queries" not in Client().get("/healthz")
