"""Issue 11 for meetings: cancelled meetings, the list by month, the calendar box, sign-up and needs."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from core.templatetags.natverk_tags import iso_datetime
from meetings.models import Meeting, Registration
from meetings.services import NEEDS_KEPT_DAYS, registration_cancel, registration_create, registration_needs_purge
from tests.conftest import _user

from .conftest import TZ, make_meeting

pytestmark = pytest.mark.django_db


def _main(html: str) -> str:
    return html.split('<main id="main"', 1)[1].split("</main>", 1)[0]


# ---- a cancelled meeting ----


def test_a_cancelled_meeting_welcomes_nobody_and_tells_the_registrant(client, networks, resident) -> None:
    for enabled in (False, True):
        meeting = make_meeting(networks["andersberg"], registration_enabled=enabled, capacity=5 if enabled else None)
        if enabled:
            registration_create(meeting=meeting, user=resident)
        Meeting.objects.filter(pk=meeting.pk).update(status=Meeting.Status.CANCELLED, cancel_reason="Lokalen brann.")
        for who in (None, resident):
            if who:
                client.force_login(who)
            html = _main(client.get(f"/moten/{meeting.pk}/").content.decode())
            assert "Välkommen" not in html
            assert "Lägg till i din kalender" not in html
            assert "kalender.ics" not in html
            assert 'name="attendee"' not in html
            assert "Lokalen brann." in html
            client.logout()
    client.force_login(resident)
    html = _main(client.get(f"/moten/{meeting.pk}/").content.decode())
    assert 'Du var anmäld, men mötet är inställt: <span lang="sv" dir="auto">Lokalen brann.</span>' in html
    assert "Avboka under Mina sidor" not in html
    mine = _main(client.get("/mina-sidor/moten/").content.decode())
    assert "Mötet är inställt." in mine and "Lokalen brann." in mine
    assert "/avboka/" not in mine


def test_a_planned_meeting_still_welcomes_and_offers_the_calendar(client, networks) -> None:
    meeting = make_meeting(networks["andersberg"])
    html = _main(client.get(f"/moten/{meeting.pk}/").content.decode())
    assert "Ingen anmälan behövs. Välkommen!" in html
    assert f"/moten/{meeting.pk}/kalender.ics" in html


# ---- the list ----


def test_the_list_is_grouped_by_month_and_says_how_to_get_a_place(client, networks, resident, rep_a) -> None:
    make_meeting(networks["andersberg"], title="Öppen träff", starts_at=datetime(2099, 3, 2, 18, tzinfo=TZ))
    two_left = make_meeting(
        networks["satra"],
        title="Två platser",
        starts_at=datetime(2099, 3, 20, 18, tzinfo=TZ),
        registration_enabled=True,
        capacity=3,
    )
    registration_create(meeting=two_left, user=resident)
    one_left = make_meeting(
        networks["satra"],
        title="En plats",
        starts_at=datetime(2099, 4, 3, 18, tzinfo=TZ),
        registration_enabled=True,
        capacity=2,
    )
    registration_create(meeting=one_left, user=resident)
    full = make_meeting(
        networks["satra"],
        title="Full",
        starts_at=datetime(2099, 4, 9, 18, tzinfo=TZ),
        registration_enabled=True,
        capacity=1,
    )
    registration_create(meeting=full, user=resident)
    registration_create(meeting=full, user=rep_a)  # waitlisted: does not take a place

    html = _main(client.get("/moten/").content.decode())
    march, april = html.index(">Mars 2099</h3>"), html.index(">April 2099</h3>")
    assert march < html.index("Öppen träff") < html.index("Två platser") < april < html.index("En plats")

    def item(title: str) -> str:
        return html.split(f">{title}</a>", 1)[1].split("</li>", 1)[0]

    assert "Anmälan krävs" not in item("Öppen träff")
    assert "Anmälan krävs" in item("Två platser") and "2 platser kvar" in item("Två platser")
    assert "1 plats kvar" in item("En plats")
    assert "Fullt – väntelista" in item("Full") and "kvar" not in item("Full")
    # The network's own list groups the same way.
    network_html = client.get("/natverk/satra/moten/").content.decode()
    assert ">Mars 2099</h3>" in network_html and ">April 2099</h3>" in network_html


def test_the_list_headings_go_in_order(client, networks) -> None:
    make_meeting(networks["andersberg"], title="Träffen", registration_enabled=True, capacity=4)
    html = client.get("/moten/").content.decode()
    levels = [int(html[i + 2]) for i in range(len(html)) if html.startswith("<h", i) and html[i + 2].isdigit()]
    for before, after in zip(levels, levels[1:], strict=False):
        assert after <= before + 1, levels


def test_the_subscribe_box_follows_the_list_with_an_address_to_copy(client, networks) -> None:
    for url, ics in (("/moten/", "/moten/kalender.ics"), ("/natverk/satra/moten/", "/natverk/satra/kalender.ics")):
        make_meeting(networks["satra"])
        html = _main(client.get(url).content.decode())
        # The meetings first, then the box: on a phone the list is not pushed below the fold.
        assert html.index('id="upcoming-heading"') < html.index('id="subscribe-heading"')
        field = html.split('id="subscribe-address"', 1)[1].split(">", 1)[0]
        assert f'value="http://testserver{ics}"' in field and "readonly" in field
        # The copy button needs JavaScript, so it starts hidden; without it the field is enough.
        button = html.split("data-copy-button", 1)[1].split(">", 1)[0]
        assert " hidden" in button
        assert "/static/js/copy.js" in html


@pytest.mark.parametrize(
    "url", ["/moten/kalender.ics", "/natverk/satra/kalender.ics", "/moten/{pk}/kalender.ics", "/moten/", "/moten/{pk}/"]
)
def test_calendars_and_pages_answer_head(client, networks, url) -> None:
    meeting = make_meeting(networks["satra"])
    response = client.head(url.format(pk=meeting.pk))
    assert response.status_code == 200
    assert client.post(url.format(pk=meeting.pk)).status_code == 405


# ---- sign-up ----


def _attendee_values(html: str) -> list[str]:
    return [part.split('"', 1)[0] for part in html.split('name="attendee" value="')[1:]]


def test_sign_up_offers_only_who_is_not_signed_up_yet(client, meeting, rep_a, actor_a) -> None:
    client.force_login(rep_a)
    assert _attendee_values(client.get(f"/moten/{meeting.pk}/").content.decode()) == ["self", str(actor_a.pk)]
    registration_create(meeting=meeting, user=rep_a, actor=actor_a)
    html = client.get(f"/moten/{meeting.pk}/").content.decode()
    assert _attendee_values(html) == ["self"]
    assert 'type="hidden" name="attendee"' in html
    # The stale page still offering the actor gets a clear answer, and nothing is saved twice.
    response = client.post(f"/moten/{meeting.pk}/anmalan/", {"attendee": str(actor_a.pk)})
    assert response.status_code == 200
    assert "redan anmäld" in response.content.decode()
    assert Registration.objects.active().filter(meeting=meeting, actor=actor_a).count() == 1
    registration_create(meeting=meeting, user=rep_a)
    html = _main(client.get(f"/moten/{meeting.pk}/").content.decode())
    assert 'name="attendee"' not in html
    assert "Du har anmält dig själv och alla aktörer du företräder." in html


def test_another_representative_may_still_sign_the_actor_up(client, meeting, rep_a, actor_a) -> None:
    from members.models import Representation

    colleague = _user("kollega@example.se")
    Representation.objects.create(user=colleague, actor=actor_a, role=Representation.Role.CONTACT)
    registration_create(meeting=meeting, user=rep_a, actor=actor_a)
    client.force_login(colleague)
    assert str(actor_a.pk) in _attendee_values(client.get(f"/moten/{meeting.pk}/").content.decode())


# ---- needs (access, food) ----


def test_needs_are_saved_limited_and_shown_to_the_registrant(client, meeting, resident) -> None:
    client.force_login(resident)
    html = client.get(f"/moten/{meeting.pk}/").content.decode()
    assert "Behov av anpassning eller kost" in html and "(valfritt)" in html
    response = client.post(f"/moten/{meeting.pk}/anmalan/", {"attendee": "self", "needs": "x" * 301})
    assert response.status_code == 200
    assert "Skriv högst 300 tecken – nu är det 301." in response.content.decode()
    assert "x" * 301 in response.content.decode()  # the text is kept to shorten
    assert not Registration.objects.exists()
    response = client.post(f"/moten/{meeting.pk}/anmalan/", {"attendee": "self", "needs": "  Hörslinga, nötfritt  "})
    assert response.status_code == 302
    assert Registration.objects.get().needs == "Hörslinga, nötfritt"
    assert "Hörslinga, nötfritt" in client.get("/mina-sidor/moten/").content.decode()
    # Nobody else sees it on the site.
    client.logout()
    assert "Hörslinga" not in client.get(f"/moten/{meeting.pk}/").content.decode()


def test_needs_go_when_cancelled_and_30_days_after_the_meeting(networks, resident, rep_a) -> None:
    now = timezone.now()
    old = make_meeting(networks["satra"], starts_at=now - timedelta(days=NEEDS_KEPT_DAYS + 1, hours=3))
    recent = make_meeting(networks["satra"], starts_at=now - timedelta(days=NEEDS_KEPT_DAYS - 1))
    expired = Registration.objects.create(meeting=old, user=resident, needs="Rullstol")
    kept = Registration.objects.create(meeting=recent, user=resident, needs="Glutenfritt")
    assert registration_needs_purge(now=now) == 1
    expired.refresh_from_db()
    kept.refresh_from_db()
    assert (expired.needs, kept.needs) == ("", "Glutenfritt")
    assert registration_needs_purge(now=now) == 0

    coming = make_meeting(networks["satra"], registration_enabled=True, capacity=3)
    registration = registration_create(meeting=coming, user=rep_a, needs="Tolk")
    registration_cancel(registration=registration, user=rep_a)
    registration.refresh_from_db()
    assert registration.needs == ""


def test_purge_meeting_needs_command(networks, resident, capsys) -> None:
    old = make_meeting(networks["satra"], starts_at=timezone.now() - timedelta(days=60))
    Registration.objects.create(meeting=old, user=resident, needs="Rullstol")
    call_command("purge_meeting_needs")
    assert "1 anmälningar" in capsys.readouterr().out
    assert Registration.objects.get().needs == ""


def test_the_database_refuses_long_needs(networks, resident) -> None:
    from django.db import IntegrityError

    meeting = make_meeting(networks["satra"])
    with pytest.raises(IntegrityError):
        Registration.objects.create(meeting=meeting, user=resident, needs="x" * 301)


# ---- valid datetime values ----


def test_time_elements_carry_whole_seconds(client, networks) -> None:
    start = timezone.now().replace(microsecond=123456) + timedelta(days=3)
    make_meeting(networks["satra"], starts_at=start)
    assert iso_datetime(start).count(".") == 0
    assert iso_datetime(start) == timezone.localtime(start).replace(microsecond=0).isoformat()
    html = client.get("/moten/").content.decode()
    for value in html.split('datetime="')[1:]:
        assert "." not in value.split('"', 1)[0]


def test_series_confirmation_hides_fields_without_aria(networks) -> None:
    from meetings.forms import PlanSeriesForm
    from networks.models import Network

    form = PlanSeriesForm(networks=Network.objects.all())
    # HTML forbids aria-* on a hidden input; the visible field keeps its hint.
    assert "aria-describedby" not in form["count"].as_hidden()
    assert 'aria-describedby="id_count_helptext"' in str(form["count"])


def test_only_the_networks_coordinators_may_see_needs(networks, coord_andersberg, coord_satra, steering, superuser):
    from meetings.access import can_see_needs

    meeting = make_meeting(networks["andersberg"])
    assert can_see_needs(coord_andersberg, meeting)
    assert can_see_needs(superuser, meeting)
    assert not can_see_needs(coord_satra, meeting)
    assert not can_see_needs(steering, meeting)
