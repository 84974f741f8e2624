"""Cancelling a meeting in the admin (issue 22): a confirm step that shows who will be told
and why before anything is sent, and a calendar file that is an iTIP CANCEL."""

from __future__ import annotations

import pytest
from django.core import mail
from icalendar import Calendar

from meetings.ics import meeting_uid
from meetings.models import Meeting
from meetings.services import registration_cancel, registration_create
from members.models import Actor, Representation

from .conftest import make_meeting

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/meetings/meeting/"


def _confirm_url(meeting: Meeting) -> str:
    return f"{CHANGELIST}{meeting.pk}/stall-in/"


def _change_form(meeting: Meeting, **extra) -> dict:
    start, end = meeting.starts_at.astimezone(), meeting.ends_at.astimezone()
    data = {
        "network": meeting.network_id,
        "kind": meeting.kind,
        "title": meeting.title,
        "starts_at_0": f"{start:%Y-%m-%d}",
        "starts_at_1": f"{start:%H:%M}",
        "ends_at_0": f"{end:%Y-%m-%d}",
        "ends_at_1": f"{end:%H:%M}",
        "place": meeting.place,
        "status": meeting.status,
        "registrations-TOTAL_FORMS": "0",
        "registrations-INITIAL_FORMS": "0",
    }
    if meeting.registration_enabled:
        data.update(registration_enabled="on", capacity=str(meeting.capacity))
    data.update(extra)
    return data


def _event(message) -> tuple[Calendar, dict]:
    name, content, mimetype = message.attachments[0]
    assert name == "mote.ics" and mimetype.startswith("text/calendar")
    calendar = Calendar.from_ical(content)
    return calendar, calendar.walk("VEVENT")[0]


@pytest.fixture
def full_meeting(networks, resident, rep_a, rep_b, actor_a, django_capture_on_commit_callbacks) -> Meeting:
    """Two places: the resident, and rep_a for Föreningen Alfa; rep_b on the waiting list; one
    who cancelled (not told)."""
    meeting = make_meeting(networks["andersberg"], title="Vårträffen", registration_enabled=True, capacity=2)
    with django_capture_on_commit_callbacks(execute=True):
        gone = registration_create(meeting=meeting, user=rep_b)
        registration_cancel(registration=gone, user=rep_b)
        registration_create(meeting=meeting, user=resident)
        registration_create(meeting=meeting, user=rep_a, actor=actor_a)
        registration_create(meeting=meeting, user=rep_b)
    return meeting


def test_the_change_form_leads_to_the_confirm_step_and_sends_nothing(
    client, full_meeting, coord_andersberg, django_capture_on_commit_callbacks
) -> None:
    mail.outbox.clear()
    client.force_login(coord_andersberg)
    data = _change_form(full_meeting, status="cancelled", cancel_reason="Lokalen är vattenskadad.")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"{CHANGELIST}{full_meeting.pk}/change/", data, follow=True)
    assert response.redirect_chain == [(_confirm_url(full_meeting), 302)]
    assert mail.outbox == []
    full_meeting.refresh_from_db()
    assert full_meeting.status == Meeting.Status.PLANNED
    assert full_meeting.cancel_reason == "Lokalen är vattenskadad."
    html = response.content.decode()
    assert "mötet är inte inställt än" in html
    # Who is told: the count of people, their names and actors, the waiting list too; not who cancelled.
    assert "3 personer får e-post om att mötet är inställt" in html
    assert "Boende" in html and "Alfa (för Föreningen Alfa)" in html
    assert "På väntelistan (1)" in html and "Anmälda (2)" in html
    assert "Lokalen är vattenskadad." in html
    assert 'value="Ja, ställ in mötet och skicka e-post"' in html
    assert f'href="{CHANGELIST}{full_meeting.pk}/change/"' in html  # Avbryt: back to the form
    # The public page still shows a planned meeting.
    assert "Lokalen är vattenskadad." not in client.get(full_meeting.get_absolute_url()).content.decode()


def test_confirming_cancels_and_mails_an_itip_cancel(
    client, full_meeting, coord_andersberg, resident, rep_a, rep_b, django_capture_on_commit_callbacks
) -> None:
    invitation = next(m for m in mail.outbox if m.to == [resident.email] and m.attachments)
    _, invited = _event(invitation)
    mail.outbox.clear()
    client.force_login(coord_andersberg)
    client.post(
        f"{CHANGELIST}{full_meeting.pk}/change/",
        _change_form(full_meeting, status="cancelled", cancel_reason="Sjukdom."),
    )
    assert client.get(_confirm_url(full_meeting)).status_code == 200
    assert mail.outbox == []
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_confirm_url(full_meeting), follow=True)
    assert "3 anmälda har fått e-post om att mötet är inställt." in response.content.decode()
    full_meeting.refresh_from_db()
    assert full_meeting.status == Meeting.Status.CANCELLED
    assert sorted(m.to[0] for m in mail.outbox) == sorted([resident.email, rep_a.email, rep_b.email])
    for message in mail.outbox:
        assert "Sjukdom." in message.body
        calendar, event = _event(message)
        assert message.attachments[0][2] == "text/calendar; method=CANCEL"
        assert calendar["METHOD"] == "CANCEL"
        assert event["STATUS"] == "CANCELLED"
        assert str(event["UID"]) == str(invited["UID"]) == meeting_uid(full_meeting)
        assert event["SEQUENCE"] > invited["SEQUENCE"]
        assert event["SEQUENCE"] == full_meeting.sequence
        # RFC 5546: a CANCEL has an ORGANIZER; the ATTENDEE is the recipient alone.
        assert str(event["ORGANIZER"]).startswith("mailto:")
        assert str(event["ATTENDEE"]) == f"mailto:{message.to[0]}"


def test_leaving_the_confirm_step_sends_nothing(client, full_meeting, coord_andersberg) -> None:
    mail.outbox.clear()
    client.force_login(coord_andersberg)
    client.post(
        f"{CHANGELIST}{full_meeting.pk}/change/", _change_form(full_meeting, status="cancelled", cancel_reason="Sjuk.")
    )
    html = client.get(f"{CHANGELIST}{full_meeting.pk}/change/").content.decode()
    assert '<option value="planned" selected>' in html
    assert mail.outbox == []


def test_confirming_twice_mails_once(
    client, full_meeting, coord_andersberg, django_capture_on_commit_callbacks
) -> None:
    mail.outbox.clear()
    Meeting.objects.filter(pk=full_meeting.pk).update(cancel_reason="Sjuk.")
    client.force_login(coord_andersberg)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(_confirm_url(full_meeting))
        response = client.post(_confirm_url(full_meeting), follow=True)
    assert len(mail.outbox) == 3
    assert "Mötet är redan inställt." in response.content.decode()


def test_a_meeting_without_registrations_is_cancelled_on_confirm_too(
    client, networks, coord_andersberg, django_capture_on_commit_callbacks
) -> None:
    meeting = make_meeting(networks["andersberg"])
    client.force_login(coord_andersberg)
    client.post(f"{CHANGELIST}{meeting.pk}/change/", _change_form(meeting, status="cancelled", cancel_reason="Snö."))
    html = client.get(_confirm_url(meeting)).content.decode()
    assert "Ingen är anmäld, så ingen får e-post." in html and 'value="Ja, ställ in mötet"' in html
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_confirm_url(meeting), follow=True)
    assert "Mötet är inställt. Ingen var anmäld, så ingen har fått e-post." in response.content.decode()
    meeting.refresh_from_db()
    assert meeting.is_cancelled and mail.outbox == []


def test_without_a_reason_the_confirm_step_sends_back_to_the_form(client, networks, coord_andersberg) -> None:
    meeting = make_meeting(networks["andersberg"])
    client.force_login(coord_andersberg)
    response = client.post(_confirm_url(meeting), follow=True)
    assert response.redirect_chain == [(f"{CHANGELIST}{meeting.pk}/change/", 302)]
    assert "skriv varför mötet ställs in" in response.content.decode()
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.PLANNED


def test_only_the_networks_coordinators_cancel(client, full_meeting, coord_satra, steering) -> None:
    Meeting.objects.filter(pk=full_meeting.pk).update(cancel_reason="Sjuk.")
    client.force_login(coord_satra)
    assert client.get(_confirm_url(full_meeting)).status_code == 404
    assert client.post(_confirm_url(full_meeting)).status_code == 404
    client.force_login(steering)
    assert client.get(_confirm_url(full_meeting)).status_code == 403
    assert client.post(_confirm_url(full_meeting)).status_code == 403
    full_meeting.refresh_from_db()
    assert full_meeting.status == Meeting.Status.PLANNED


def test_the_cancel_mail_is_in_the_recipients_language(
    client, networks, coord_andersberg, django_capture_on_commit_callbacks
) -> None:
    from tests.conftest import _user

    english = _user("english@example.se", language="en")
    actor = Actor.objects.create(name="Club", slug="club", kind=Actor.Kind.ASSOCIATION)
    Representation.objects.create(user=english, actor=actor)
    meeting = make_meeting(
        networks["andersberg"],
        registration_enabled=True,
        capacity=5,
        cancel_reason="Sjukdom.",
        cancel_reason_en="Illness.",
    )
    registration_create(meeting=meeting, user=english)
    mail.outbox.clear()
    client.force_login(coord_andersberg)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(_confirm_url(meeting))
    _, event = _event(mail.outbox[0])
    assert "Illness." in str(event["DESCRIPTION"])
