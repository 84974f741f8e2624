"""A listing's last day is typed the Swedish way (issue 19), never read month first."""

from __future__ import annotations

import datetime

import pytest

from borsen.models import Listing
from tests.borsen.conftest import TODAY
from tests.borsen.test_forms import _data, _errors

MESSAGE = "Skriv datumet som 2026-12-07 eller 7/12 2026."
pytestmark = pytest.mark.django_db


def test_the_last_day_is_read_day_first(client, rep_a, actor_a, networks) -> None:
    client.force_login(rep_a)
    page = client.get("/borsen/nytt/").content.decode()
    assert 'type="date"' not in page and "Till exempel 2026-12-07 eller 7/12 2026." in page
    # Within the 90 days ahead, with day and month both 12 or less: read day first.
    last = next(
        day for n in range(1, 90) if (day := TODAY + datetime.timedelta(days=n)).day <= 12 and day.day != day.month
    )
    response = client.post("/borsen/nytt/", _data(networks, actor=actor_a.pk, last_date=f"{last:%d/%m/%Y}"))
    assert response.status_code == 302
    assert Listing.objects.get().last_date == last


def test_a_us_last_day_is_refused_and_kept(client, rep_a, actor_a, networks) -> None:
    client.force_login(rep_a)
    typed = f"12/13/{TODAY.year}"
    response = client.post("/borsen/nytt/", _data(networks, actor=actor_a.pk, last_date=typed))
    assert response.status_code == 200
    assert _errors(response)["last_date"] == [MESSAGE]
    assert f'value="{typed}"' in response.content.decode()
    assert not Listing.objects.exists()
