"""Dates typed for meetings (issue 19): the series planner and the admin's date and time pair."""

from __future__ import annotations

from datetime import date

import pytest
from django.utils import timezone

from meetings.models import Meeting

from .conftest import make_meeting
from .test_admin import CHANGELIST, PLAN, _form, _series

MESSAGE = "Skriv datumet som 2026-12-07 eller 7/12 2026."
pytestmark = pytest.mark.django_db


def test_the_series_planner_reads_day_first(client, networks, coord_andersberg) -> None:
    client.force_login(coord_andersberg)
    form_page = client.get(PLAN).content.decode()
    assert 'type="date"' not in form_page and "Till exempel 2026-12-07 eller 7/12 2026." in form_page
    # 1 April, not 4 January: the first Thursday of each month from there.
    data = _series(networks["andersberg"], first_date="01/04/2027", weekday="3", nth="1", count="2", confirm="1")
    assert client.post(PLAN, data).status_code == 302
    days = [timezone.localdate(m.starts_at) for m in Meeting.objects.order_by("starts_at")]
    assert days == [date(2027, 4, 1), date(2027, 6, 3)]


def test_the_series_planner_refuses_us_dates_and_keeps_them(client, networks, coord_andersberg) -> None:
    client.force_login(coord_andersberg)
    response = client.post(PLAN, _series(networks["andersberg"], first_date="04/13/2027", confirm="1"))
    html = response.content.decode()
    assert response.status_code == 200 and MESSAGE in html and 'value="04/13/2027"' in html
    assert not Meeting.objects.exists()


def test_the_meeting_admin_reads_day_first(client, networks, coord_andersberg) -> None:
    meeting = make_meeting(networks["andersberg"], title="Julträff")
    client.force_login(coord_andersberg)
    data = _form(networks["andersberg"], title="Julträff", starts_at_0="7/12 2030", ends_at_0="7 dec. 2030")
    assert client.post(f"{CHANGELIST}{meeting.pk}/change/", data).status_code == 302
    meeting.refresh_from_db()
    starts, ends = timezone.localtime(meeting.starts_at), timezone.localtime(meeting.ends_at)
    assert (starts.date(), starts.hour, ends.date(), ends.hour) == (date(2030, 12, 7), 18, date(2030, 12, 7), 20)


def test_the_meeting_admin_refuses_us_dates_and_keeps_them(client, networks, coord_andersberg) -> None:
    meeting = make_meeting(networks["andersberg"], title="Julträff")
    before = meeting.starts_at
    client.force_login(coord_andersberg)
    data = _form(networks["andersberg"], title="Ändrad", starts_at_0="12/13/2030", ends_at_0="12/13/2030")
    response = client.post(f"{CHANGELIST}{meeting.pk}/change/", data)
    html = response.content.decode()
    assert response.status_code == 200 and MESSAGE in html and 'value="12/13/2030"' in html
    meeting.refresh_from_db()
    assert (meeting.title, meeting.starts_at) == ("Julträff", before)
