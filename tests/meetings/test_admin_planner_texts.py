"""The meeting admin's words and the series planner's help: plural forms, Swedish quotation
marks, no internal numbers on the form, a warning for dates that clash, one network chosen."""

from __future__ import annotations

import re
from datetime import datetime

import pytest
from django.core import mail

from meetings.models import Meeting
from meetings.services import registration_create

from .conftest import TZ, make_meeting

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/meetings/meeting/"
PLAN = "/admin/meetings/meeting/planera-serie/"


def _series(network, **extra) -> dict:
    data = {
        "network": network.pk,
        "kind": "natverkstraff",
        "title": "Nätverksträff",
        "first_date": "2027-01-01",
        "nth": "2",
        "weekday": "1",
        "interval_months": "2",
        "count": "3",
        "start_time": "18:00",
        "end_time": "20:00",
        "place": "Träffpunkten",
        "preview": "1",
    }
    data.update(extra)
    return data


def _change_form(meeting: Meeting, **extra) -> dict:
    start = meeting.starts_at.astimezone(TZ)
    end = meeting.ends_at.astimezone(TZ)
    data = {
        "network": meeting.network_id,
        "kind": meeting.kind,
        "title": meeting.title,
        "starts_at_0": f"{start:%Y-%m-%d}",
        "starts_at_1": f"{start:%H:%M}",
        "ends_at_0": f"{end:%Y-%m-%d}",
        "ends_at_1": f"{end:%H:%M}",
        "place": meeting.place,
        "status": "planned",
        "registrations-TOTAL_FORMS": "0",
        "registrations-INITIAL_FORMS": "0",
    }
    data.update(extra)
    return data


# ---- the planner ----


def test_preview_warns_of_a_date_that_already_has_a_meeting_of_the_network(client, networks, coord_andersberg):
    andersberg = networks["andersberg"]
    # 9 March 2027 is the second Tuesday of March; late in the evening is still the same local day.
    clash = make_meeting(andersberg, title="Vårstädning", starts_at=datetime(2027, 3, 9, 22, 30, tzinfo=TZ), hours=1)
    make_meeting(networks["satra"], title="Sätras träff", starts_at=datetime(2027, 1, 12, 18, 0, tzinfo=TZ))
    make_meeting(andersberg, title="Dagen före", starts_at=datetime(2027, 1, 11, 18, 0, tzinfo=TZ))
    client.force_login(coord_andersberg)

    html = client.post(PLAN, _series(andersberg)).content.decode()

    assert "Ett av datumen har redan ett möte i" in html
    assert f'<a href="/admin/meetings/meeting/{clash.pk}/change/">Vårstädning</a> kl. 22.30–23.30' in html
    assert "Sätras träff" not in html and "Dagen före" not in html
    marked = re.findall(r'<li class="plan-series__clash"><time datetime="([\d-]+)"', html)
    assert marked == ["2027-03-09"]


def test_preview_without_clashes_has_no_warning(client, networks, coord_andersberg):
    make_meeting(networks["andersberg"], title="Annan dag", starts_at=datetime(2027, 3, 10, 18, 0, tzinfo=TZ))
    client.force_login(coord_andersberg)
    html = client.post(PLAN, _series(networks["andersberg"])).content.decode()
    assert "har redan ett möte" not in html
    assert "plan-series__clash" not in html


def test_a_cancelled_meeting_is_no_clash(client, networks, coord_andersberg):
    make_meeting(
        networks["andersberg"],
        title="Inställd",
        starts_at=datetime(2027, 3, 9, 18, 0, tzinfo=TZ),
        status=Meeting.Status.CANCELLED,
        cancel_reason="Sjukdom",
    )
    client.force_login(coord_andersberg)
    assert "har redan ett möte" not in client.post(PLAN, _series(networks["andersberg"])).content.decode()


def test_preview_quotes_the_title_the_swedish_way(client, networks, coord_andersberg):
    client.force_login(coord_andersberg)
    html = client.post(PLAN, _series(networks["andersberg"], title="Vårträff")).content.decode()
    assert "”Vårträff” i" in html
    assert "„" not in html and "“" not in html


def test_coordinator_of_one_network_has_it_chosen_without_a_blank_choice(client, networks, coord_andersberg):
    client.force_login(coord_andersberg)
    html = client.get(PLAN).content.decode()
    select = re.search(r'<select name="network".*?</select>', html, re.S).group(0)
    assert re.findall(r"<option[^>]*>", select) == [f'<option value="{networks["andersberg"].pk}" selected>']
    assert "---------" not in select


def test_superuser_chooses_among_all_networks(client, networks, superuser):
    client.force_login(superuser)
    html = client.get(PLAN).content.decode()
    select = re.search(r'<select name="network".*?</select>', html, re.S).group(0)
    assert len(re.findall(r"<option", select)) == len(networks) + 1  # and the blank "choose" line


def test_saving_one_meeting_says_so_in_the_singular(client, networks, coord_andersberg):
    client.force_login(coord_andersberg)
    response = client.post(PLAN, _series(networks["andersberg"], count="1", confirm="1"), follow=True)
    assert "1 möte är inlagt för" in response.content.decode()
    response = client.post(PLAN, _series(networks["andersberg"], count="2", confirm="1"), follow=True)
    assert "2 möten är inlagda för" in response.content.decode()


# ---- the meeting form ----


def test_the_form_shows_no_calendar_sequence_or_series_id(client, networks, coord_andersberg):
    meeting = make_meeting(networks["andersberg"])
    client.force_login(coord_andersberg)
    html = client.get(f"{CHANGELIST}{meeting.pk}/change/").content.decode().lower()
    assert "versionsnummer" not in html
    assert "field-series" not in html and "field-sequence" not in html


def test_cancelling_with_one_registration_says_one_person_in_the_singular(
    client, networks, coord_andersberg, resident, django_capture_on_commit_callbacks
):
    meeting = make_meeting(networks["andersberg"], registration_enabled=True, capacity=5)
    registration_create(meeting=meeting, user=resident)
    client.force_login(coord_andersberg)
    data = _change_form(meeting, registration_enabled="on", capacity="5", status="cancelled", cancel_reason="Snöstorm")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"{CHANGELIST}{meeting.pk}/change/", data)
        # Sent on the confirm step (tests/meetings/test_cancel.py).
        response = client.post(f"{CHANGELIST}{meeting.pk}/stall-in/", follow=True)
    assert "1 anmäld har fått e-post om att mötet är inställt." in response.content.decode()
    assert len(mail.outbox) == 1


def test_moving_one_person_up_from_the_waiting_list_says_so_in_the_singular(
    client, networks, coord_andersberg, resident, rep_a, django_capture_on_commit_callbacks
):
    meeting = make_meeting(networks["andersberg"], registration_enabled=True, capacity=1)
    registration_create(meeting=meeting, user=resident)
    registration_create(meeting=meeting, user=rep_a)
    client.force_login(coord_andersberg)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"{CHANGELIST}{meeting.pk}/change/",
            _change_form(meeting, registration_enabled="on", capacity="2"),
            follow=True,
        )
    assert "1 person har flyttats från väntelistan och fått e-post om det." in response.content.decode()


def test_publishing_minutes_to_one_member_says_so_in_the_singular(
    client, networks, coord_andersberg, rep_a, django_capture_on_commit_callbacks
):
    meeting = make_meeting(networks["andersberg"])
    client.force_login(coord_andersberg)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"{CHANGELIST}{meeting.pk}/change/", _change_form(meeting, minutes="Vi pratade om parken."), follow=True
        )
    assert "Protokollet är publicerat och 1 medlem har fått e-post om det." in response.content.decode()
