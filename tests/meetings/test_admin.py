from datetime import date

import pytest

from meetings.models import Meeting, Registration
from meetings.services import registration_create

from .conftest import make_meeting

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/meetings/meeting/"
PLAN = "/admin/meetings/meeting/planera-serie/"


def _form(network, **extra) -> dict:
    data = {
        "network": network.pk,
        "kind": "natverkstraff",
        "title": "Träff",
        "starts_at_0": "2030-03-10",
        "starts_at_1": "18:00",
        "ends_at_0": "2030-03-10",
        "ends_at_1": "20:00",
        "place": "Träffpunkten",
        "status": "planned",
        "registrations-TOTAL_FORMS": "0",
        "registrations-INITIAL_FORMS": "0",
    }
    data.update(extra)
    return data


def _series(network, **extra) -> dict:
    data = {
        "network": network.pk,
        "kind": "natverkstraff",
        "title": "Nätverksträff",
        "first_date": "2027-01-01",
        "nth": "2",
        "weekday": "1",
        "interval_months": "2",
        "count": "6",
        "start_time": "18:00",
        "end_time": "20:00",
        "place": "Träffpunkten",
    }
    data.update(extra)
    return data


def test_satra_coordinator_cannot_list_open_change_or_create_andersberg(client, networks, coord_satra):
    andersberg = make_meeting(networks["andersberg"], title="Andersbergs hemliga träff")
    satra = make_meeting(networks["satra"], title="Sätras träff")
    client.force_login(coord_satra)
    html = client.get(CHANGELIST).content.decode()
    assert "Sätras träff" in html
    assert "Andersbergs hemliga träff" not in html
    assert client.get(f"{CHANGELIST}{andersberg.pk}/change/").status_code == 302  # admin: "does not exist"
    response = client.post(f"{CHANGELIST}{andersberg.pk}/change/", _form(networks["andersberg"], title="Kapad"))
    assert response.status_code in (302, 403, 404)
    andersberg.refresh_from_db()
    assert andersberg.title == "Andersbergs hemliga träff"
    assert client.post(f"{CHANGELIST}{andersberg.pk}/delete/", {"post": "yes"}).status_code in (302, 403, 404)
    assert Meeting.objects.filter(pk=andersberg.pk).exists()
    response = client.post(f"{CHANGELIST}add/", _form(networks["andersberg"], title="Smugglad"))
    assert response.status_code == 200
    assert not Meeting.objects.filter(title="Smugglad").exists()
    assert client.get(f"{CHANGELIST}{andersberg.pk}/anmalningar.csv").status_code == 404
    # Their own network works.
    assert client.get(f"{CHANGELIST}{satra.pk}/change/").status_code == 200
    response = client.post(f"{CHANGELIST}add/", _form(networks["satra"], title="Egen"))
    assert response.status_code == 302
    assert Meeting.objects.get(title="Egen").network == networks["satra"]
    # Planning a series for another network is refused too.
    client.post(PLAN, _series(networks["andersberg"], confirm="1"))
    assert not Meeting.objects.filter(network=networks["andersberg"], title="Nätverksträff").exists()


def test_end_before_start_is_an_error_in_the_admin(client, networks, coord_andersberg):
    client.force_login(coord_andersberg)
    response = client.post(f"{CHANGELIST}add/", _form(networks["andersberg"], ends_at_1="17:00", title="Bakvänd"))
    assert response.status_code == 200
    assert "sluta efter" in response.content.decode()
    assert not Meeting.objects.filter(title="Bakvänd").exists()
    response = client.post(f"{CHANGELIST}add/", _form(networks["andersberg"], status="cancelled", title="Utan skäl"))
    assert response.status_code == 200
    assert not Meeting.objects.filter(title="Utan skäl").exists()


def test_steering_group_reads_but_cannot_change(client, networks, steering):
    meeting = make_meeting(networks["andersberg"], title="Läsbar")
    client.force_login(steering)
    assert "Läsbar" in client.get(CHANGELIST).content.decode()
    assert client.get(f"{CHANGELIST}{meeting.pk}/change/").status_code == 200
    client.post(f"{CHANGELIST}{meeting.pk}/change/", _form(networks["andersberg"], title="Ändrad"))
    meeting.refresh_from_db()
    assert meeting.title == "Läsbar"
    assert client.get(f"{CHANGELIST}add/").status_code == 403
    assert client.get(PLAN).status_code == 403


def test_resident_and_anonymous_are_kept_out(client, resident):
    assert client.get(CHANGELIST).status_code == 302
    assert client.get(PLAN).status_code == 302
    client.force_login(resident)
    assert client.get(PLAN).status_code == 302


def test_plan_series_preview_then_confirm(client, networks, coord_andersberg):
    client.force_login(coord_andersberg)
    assert client.get(PLAN).status_code == 200
    response = client.post(
        PLAN,
        _series(
            networks["andersberg"],
            first_date="2027-04-01",
            weekday="3",
            nth="1",
            interval_months="1",
            count="3",
            preview="1",
        ),
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "torsdag 1 april 2027" in html
    assert "Kristi himmelsfärdsdag" in html
    assert not Meeting.objects.exists()
    response = client.post(
        PLAN,
        _series(
            networks["andersberg"],
            first_date="2027-04-01",
            weekday="3",
            nth="1",
            interval_months="1",
            count="3",
            confirm="1",
        ),
    )
    assert response.status_code == 302
    meetings = list(Meeting.objects.order_by("starts_at"))
    assert [m.starts_at.date() for m in meetings] == [date(2027, 4, 1), date(2027, 6, 3), date(2027, 7, 1)]
    assert len({m.series for m in meetings}) == 1
    assert meetings[0].starts_at.isoformat() == "2027-04-01T16:00:00+00:00"
    # Editing one meeting of the series leaves the others alone.
    first = meetings[0]
    client.post(
        f"{CHANGELIST}{first.pk}/change/",
        _form(networks["andersberg"], title="Ändrad", starts_at_0="2027-04-01", ends_at_0="2027-04-01"),
    )
    assert Meeting.objects.filter(title="Ändrad").count() == 1
    assert Meeting.objects.filter(title="Nätverksträff").count() == 2


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("count", "0", "måste vara mellan 1 och 52"),
        ("count", "500", "måste vara mellan 1 och 52"),
        ("first_date", "2027-02-30", "Skriv datumet som 2026-12-07 eller 7/12 2026."),
        ("end_time", "17:00", "måste sluta efter"),
        ("registration_enabled", "on", "Ange hur många platser"),
    ],
)
def test_plan_series_bad_input(client, networks, coord_andersberg, field, value, message):
    client.force_login(coord_andersberg)
    response = client.post(PLAN, _series(networks["andersberg"], confirm="1", **{field: value}))
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert "<title>Fel:" in html
    assert not Meeting.objects.exists()


def test_csv_of_registrations(client, networks, coord_andersberg, coord_satra, resident, rep_a, actor_a):
    meeting = make_meeting(networks["andersberg"], registration_enabled=True, capacity=1)
    registration_create(meeting=meeting, user=resident)
    registration_create(meeting=meeting, user=rep_a, actor=actor_a)
    client.force_login(coord_andersberg)
    html = client.get(f"{CHANGELIST}{meeting.pk}/change/").content.decode()
    assert resident.email in html  # the inline list
    response = client.get(f"{CHANGELIST}{meeting.pk}/anmalningar.csv")
    assert response.status_code == 200
    text = response.content.decode("utf-8-sig")
    assert resident.email in text and "Föreningen Alfa" in text and "På väntelistan" in text
    client.force_login(coord_satra)
    assert client.get(f"{CHANGELIST}{meeting.pk}/anmalningar.csv").status_code == 404
    assert Registration.objects.count() == 2


def test_access_needs_are_shown_to_the_networks_coordinator_only(client, networks, coord_andersberg, steering, rep_a):
    meeting = make_meeting(networks["andersberg"], registration_enabled=True, capacity=5)
    registration = registration_create(meeting=meeting, user=rep_a)
    Registration.objects.filter(pk=registration.pk).update(needs="Rullstol och glutenfri kost")
    client.force_login(coord_andersberg)
    assert "Rullstol och glutenfri kost" in client.get(f"{CHANGELIST}{meeting.pk}/change/").content.decode()
    text = client.get(f"{CHANGELIST}{meeting.pk}/anmalningar.csv").content.decode("utf-8-sig")
    assert "Behov av anpassning eller kost" in text and "Rullstol och glutenfri kost" in text
    # The steering group reads meetings, but not the participants' health details.
    client.force_login(steering)
    assert "Rullstol" not in client.get(f"{CHANGELIST}{meeting.pk}/change/").content.decode()
    text = client.get(f"{CHANGELIST}{meeting.pk}/anmalningar.csv").content.decode("utf-8-sig")
    assert "Rullstol" not in text and "Behov av anpassning" not in text


def test_saving_minutes_publishes_them_once(
    client, networks, coord_andersberg, rep_a, django_capture_on_commit_callbacks
):
    from django.core import mail

    meeting = make_meeting(networks["andersberg"])
    client.force_login(coord_andersberg)
    start = meeting.starts_at.astimezone()
    data = _form(
        networks["andersberg"],
        minutes="Protokoll från träffen",
        starts_at_0=f"{start:%Y-%m-%d}",
        ends_at_0=f"{start:%Y-%m-%d}",
    )
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"{CHANGELIST}{meeting.pk}/change/", data)
        client.post(f"{CHANGELIST}{meeting.pk}/change/", {**data, "title": "Igen"})
    meeting.refresh_from_db()
    assert meeting.minutes_published_at is not None
    assert [m.to for m in mail.outbox] == [[rep_a.email]]


def test_cancelling_in_the_admin_tells_those_signed_up(
    client, networks, coord_andersberg, resident, django_capture_on_commit_callbacks
):
    from django.core import mail
    from icalendar import Calendar

    meeting = make_meeting(networks["andersberg"], registration_enabled=True, capacity=5)
    registration_create(meeting=meeting, user=resident)
    mail.outbox.clear()
    client.force_login(coord_andersberg)
    start = meeting.starts_at.astimezone()
    data = _form(
        networks["andersberg"],
        starts_at_0=f"{start:%Y-%m-%d}",
        ends_at_0=f"{start:%Y-%m-%d}",
        registration_enabled="on",
        capacity="5",
        status="cancelled",
        cancel_reason="Samordnaren är sjuk.",
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"{CHANGELIST}{meeting.pk}/change/", data)
        # The confirm step first (tests/meetings/test_cancel.py): nothing is sent before it.
        assert response.status_code == 302 and response["Location"] == f"{CHANGELIST}{meeting.pk}/stall-in/"
        assert mail.outbox == []
        assert client.post(response["Location"]).status_code == 302
    assert [m.to for m in mail.outbox] == [[resident.email]]
    assert "Samordnaren är sjuk." in mail.outbox[0].body
    event = Calendar.from_ical(mail.outbox[0].attachments[0][1]).walk("VEVENT")[0]
    assert event["STATUS"] == "CANCELLED"


def test_more_seats_move_people_up_from_the_waiting_list(
    client, networks, coord_andersberg, resident, rep_a, rep_b, django_capture_on_commit_callbacks
):
    from django.core import mail

    meeting = make_meeting(networks["andersberg"], registration_enabled=True, capacity=1)
    registration_create(meeting=meeting, user=resident)
    registration_create(meeting=meeting, user=rep_a)
    registration_create(meeting=meeting, user=rep_b)
    mail.outbox.clear()
    client.force_login(coord_andersberg)
    start = meeting.starts_at.astimezone()
    data = _form(
        networks["andersberg"],
        starts_at_0=f"{start:%Y-%m-%d}",
        ends_at_0=f"{start:%Y-%m-%d}",
        registration_enabled="on",
        capacity="2",
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(f"{CHANGELIST}{meeting.pk}/change/", data).status_code == 302
    statuses = dict(Registration.objects.values_list("user__email", "status"))
    assert statuses == {resident.email: "confirmed", rep_a.email: "confirmed", rep_b.email: "waitlisted"}
    assert [m.to for m in mail.outbox] == [[rep_a.email]]
