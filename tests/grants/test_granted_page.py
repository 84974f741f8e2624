"""/bidrag/beviljade/: what the shared pot paid for, per year and network, a page at a time."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from grants.models import Application, Funding, Pot
from tests.htmlcheck import html_problems

from .conftest import make_application

S = Application.Status
URL = "/bidrag/beviljade/"


def _older_pot(pot: Pot) -> Pot:
    old = Pot.objects.create(
        year=pot.year - 1,
        name=f"Aktivitetspotten {pot.year - 1}",
        opens_on=datetime.date(pot.year - 1, 1, 1),
        closes_on=datetime.date(pot.year - 1, 12, 31),
        max_amount_per_application=20_000,
    )
    Funding.objects.create(pot=old, funder="Gävle kommun", amount=50_000)
    return old


@pytest.mark.django_db
def test_latest_year_by_default_and_older_years_by_link(client, pot, actor_a, actor_b, networks):
    make_application(pot=pot, lead=actor_a, status=S.APPROVED, requested=4_000)
    old = _older_pot(pot)
    old_app = make_application(pot=old, lead=actor_b, status=S.CLOSED, requested=3_000, network=networks["satra"])
    old_app.title = "Fjolårets loppis"
    old_app.save()

    html = client.get(URL).content.decode()
    assert "Sommarfest hos Föreningen Alfa" in html and "Fjolårets loppis" not in html
    assert f'href="?ar={old.year}"' in html and 'aria-current="page"' in html
    assert "4\xa0000\xa0kr" in html

    html = client.get(URL, {"ar": old.year}).content.decode()
    assert "Fjolårets loppis" in html and "Sommarfest" not in html
    assert "Godkänd" in html  # the follow-up report of a closed application was approved
    assert not html_problems(html)

    # A year without grants, or nonsense, shows the latest year instead of an error.
    for value in ("1999", "abc", "-1"):
        response = client.get(URL, {"ar": value})
        assert response.status_code == 200 and "Sommarfest hos Föreningen Alfa" in response.content.decode()


@pytest.mark.django_db
def test_network_filter_and_totals(client, pot, actor_a, actor_b, networks):
    make_application(pot=pot, lead=actor_a, status=S.APPROVED, requested=4_000)
    make_application(pot=pot, lead=actor_b, status=S.PAID, requested=6_000, network=networks["satra"])

    html = client.get(URL).content.decode()
    assert "10\xa0000\xa0kr" in html  # the year's total over all networks
    html = client.get(URL, {"natverk": "satra"}).content.decode()
    assert "Föreningen Beta" in html and "Föreningen Alfa" not in html
    assert "6\xa0000\xa0kr" in html and "10\xa0000\xa0kr" not in html
    # An unknown network is ignored, not an error.
    assert "Föreningen Alfa" in client.get(URL, {"natverk": "nowhere"}).content.decode()


@pytest.mark.django_db
def test_pages_of_fifty_with_constant_queries(client, pot, actor_a, actor_c):
    def count(url_params: dict) -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(URL, url_params).status_code == 200
        return len(queries)

    make_application(pot=pot, lead=actor_a, co=[actor_c], status=S.APPROVED, requested=1_000)
    few = count({})
    for _ in range(60):
        make_application(pot=pot, lead=actor_a, co=[actor_c], status=S.APPROVED, requested=1_000)
    assert count({}) == few

    first = client.get(URL).content.decode()
    assert first.count("<tr>") == 1 + 50  # header row + a page of 50
    assert 'rel="next"' in first
    second = client.get(URL, {"ar": pot.year, "sida": 2}).content.decode()
    assert second.count("<tr>") == 1 + 11
    assert "61\xa0000\xa0kr" in second  # totals cover every page, not just this one
