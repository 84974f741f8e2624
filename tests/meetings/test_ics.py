from datetime import UTC, datetime

import pytest
from icalendar import Calendar

from meetings.models import Meeting

from .conftest import TZ, make_meeting

pytestmark = pytest.mark.django_db


def _events(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    cal = Calendar.from_ical(response.content)
    assert cal.walk("VTIMEZONE"), "the calendar must carry its VTIMEZONE"
    return {str(event["UID"]): event for event in cal.walk("VEVENT")}


@pytest.mark.parametrize(
    ("local", "utc"),
    [
        (datetime(2027, 3, 28, 18, 0, tzinfo=TZ), datetime(2027, 3, 28, 16, 0, tzinfo=UTC)),
        (datetime(2027, 10, 31, 18, 0, tzinfo=TZ), datetime(2027, 10, 31, 17, 0, tzinfo=UTC)),
    ],
)
def test_dst_sundays_have_the_right_utc_time(client, networks, local, utc) -> None:
    meeting = make_meeting(networks["andersberg"], starts_at=local)
    events = _events(client.get(f"/moten/{meeting.pk}/kalender.ics"))
    event = events[f"meeting-{meeting.pk}@127.0.0.1"]
    assert event.decoded("dtstart").astimezone(UTC) == utc
    assert event["DTSTART"].params["TZID"] == "Europe/Stockholm"


def test_feeds_parse_and_cancelled_is_marked(client, networks) -> None:
    planned = make_meeting(networks["andersberg"])
    cancelled = make_meeting(networks["satra"], status=Meeting.Status.CANCELLED, cancel_reason="Lokalen är stängd.")
    events = _events(client.get("/moten/kalender.ics"))
    assert events[f"meeting-{planned.pk}@127.0.0.1"]["STATUS"] == "CONFIRMED"
    assert events[f"meeting-{cancelled.pk}@127.0.0.1"]["STATUS"] == "CANCELLED"
    satra = _events(client.get("/natverk/satra/kalender.ics"))
    assert list(satra) == [f"meeting-{cancelled.pk}@127.0.0.1"]
    assert client.get("/en/moten/kalender.ics").status_code == 200


def test_missing_meeting_or_network_is_404(client, networks) -> None:
    assert client.get("/moten/999999/kalender.ics").status_code == 404
    assert client.get("/natverk/finns-inte/kalender.ics").status_code == 404


def test_sequence_grows_when_the_coordinator_changes_the_meeting(client, networks, coord_andersberg) -> None:
    meeting = make_meeting(networks["andersberg"])
    before = _events(client.get(f"/moten/{meeting.pk}/kalender.ics"))[f"meeting-{meeting.pk}@127.0.0.1"]
    client.force_login(coord_andersberg)
    data = {
        "network": meeting.network_id,
        "kind": meeting.kind,
        "title": "Ny rubrik",
        "starts_at_0": meeting.starts_at.astimezone(TZ).strftime("%Y-%m-%d"),
        "starts_at_1": meeting.starts_at.astimezone(TZ).strftime("%H:%M"),
        "ends_at_0": meeting.ends_at.astimezone(TZ).strftime("%Y-%m-%d"),
        "ends_at_1": meeting.ends_at.astimezone(TZ).strftime("%H:%M"),
        "place": meeting.place,
        "status": "planned",
        "registrations-TOTAL_FORMS": "0",
        "registrations-INITIAL_FORMS": "0",
    }
    response = client.post(f"/admin/meetings/meeting/{meeting.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    client.logout()
    after = _events(client.get(f"/moten/{meeting.pk}/kalender.ics"))[f"meeting-{meeting.pk}@127.0.0.1"]
    assert int(after["SEQUENCE"]) == int(before["SEQUENCE"]) + 1
    assert str(after["SUMMARY"]).startswith("Ny rubrik")
