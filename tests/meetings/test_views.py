from datetime import datetime, timedelta

import pytest
from django.contrib.messages import get_messages
from django.utils import timezone

from meetings.models import Meeting, Registration
from meetings.services import registration_create

from .conftest import TZ, make_meeting

pytestmark = pytest.mark.django_db


def _messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_list_shows_upcoming_with_swedish_dates_and_sets_no_cookie(client, networks):
    make_meeting(networks["andersberg"], title="Vårträff", starts_at=datetime(2099, 3, 10, 18, 0, tzinfo=TZ))
    make_meeting(networks["satra"], title="Gammal träff", starts_at=timezone.now() - timedelta(days=5))
    response = client.get("/moten/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Vårträff" in html
    assert "Gammal träff" not in html
    assert '<time datetime="2099-03-10T18:00:00+01:00">tisdag 10 mars 2099 kl. 18.00</time>' in html
    assert not response.cookies


def test_english_dates(client, networks):
    make_meeting(networks["andersberg"], starts_at=datetime(2099, 3, 10, 18, 0, tzinfo=TZ))
    html = client.get("/en/moten/").content.decode()
    assert "Tuesday 10 March 2099 at 18:00" in html


def test_filter_by_network_and_kind(client, networks):
    make_meeting(networks["andersberg"], title="Andersbergsträff")
    make_meeting(networks["satra"], title="Sätra temamöte", kind=Meeting.Kind.THEME)
    make_meeting(networks["satra"], title="Sätraträff")
    html = client.get("/moten/", {"natverk": "satra", "typ": "temamote"}).content.decode()
    assert "Sätra temamöte" in html
    assert "Sätraträff" not in html
    assert "Andersbergsträff" not in html
    # Nonsense in the query is ignored, not a 500.
    assert client.get("/moten/", {"natverk": "finns-inte", "typ": "x", "sida": "abc"}).status_code == 200


def test_cancelled_meeting_is_shown_with_reason_in_words(client, networks):
    meeting = make_meeting(networks["brynas"], status="cancelled", cancel_reason="Lokalen är vattenskadad.")
    for url in ("/moten/", f"/moten/{meeting.pk}/", "/natverk/brynas/moten/"):
        html = client.get(url).content.decode()
        assert "Inställt" in html or "inställt" in html
        assert "Lokalen är vattenskadad." in html


def test_archive_and_minutes(client, networks):
    past = make_meeting(
        networks["andersberg"],
        title="Höstträff",
        starts_at=timezone.now() - timedelta(days=20),
        minutes="Vi bestämde att ordna en städdag.",
        minutes_published_at=timezone.now(),
    )
    html = client.get("/moten/arkiv/").content.decode()
    assert "Höstträff" in html and "Läs protokollet" in html
    assert "städdag" in client.get(f"/moten/{past.pk}/").content.decode()


def test_detail_404_and_405(client, networks):
    assert client.get("/moten/999999/").status_code == 404
    meeting = make_meeting(networks["andersberg"])
    assert client.post(f"/moten/{meeting.pk}/").status_code == 405
    assert client.get(f"/moten/{meeting.pk}/anmalan/").status_code == 405


def test_detail_anonymous_sees_no_form_and_gets_no_cookie(client, meeting):
    response = client.get(f"/moten/{meeting.pk}/")
    html = response.content.decode()
    assert "Logga in för att anmäla dig" in html
    assert 'name="attendee"' not in html
    assert not response.cookies


def test_anonymous_post_goes_to_login_and_saves_nothing(client, meeting):
    response = client.post(f"/moten/{meeting.pk}/anmalan/", {"attendee": "self"})
    assert response.status_code == 302
    assert "next=" in response["Location"]
    assert not Registration.objects.exists()


def test_sign_up_happy_path_and_twice(client, meeting, resident):
    client.force_login(resident)
    assert 'name="attendee"' in client.get(f"/moten/{meeting.pk}/").content.decode()
    response = client.post(f"/moten/{meeting.pk}/anmalan/", {"attendee": "self"})
    assert response.status_code == 302
    assert "Du är anmäld" in _messages(response)[0]
    response = client.post(f"/moten/{meeting.pk}/anmalan/", {"attendee": "self"}, follow=True)
    assert "redan anmäld" in response.content.decode()
    assert Registration.objects.filter(user=resident).count() == 1


def test_sign_up_for_an_actor(client, meeting, rep_a, actor_a, actor_b):
    client.force_login(rep_a)
    html = client.get(f"/moten/{meeting.pk}/").content.decode()
    assert "Föreningen Alfa" in html
    client.post(f"/moten/{meeting.pk}/anmalan/", {"attendee": str(actor_a.pk)})
    assert Registration.objects.get().actor == actor_a
    # An actor the user does not represent is not a choice: the form is shown again with an error.
    response = client.post(f"/moten/{meeting.pk}/anmalan/", {"attendee": str(actor_b.pk)})
    assert response.status_code == 200
    assert "Fel:" in response.content.decode()
    assert Registration.objects.count() == 1


def test_full_meeting_tells_about_the_waiting_list(client, meeting, resident, rep_a, rep_b):
    registration_create(meeting=meeting, user=rep_a)
    registration_create(meeting=meeting, user=rep_b)
    client.force_login(resident)
    html = client.get(f"/moten/{meeting.pk}/").content.decode()
    assert "Mötet är fullt" in html
    response = client.post(f"/moten/{meeting.pk}/anmalan/", {"attendee": "self"})
    assert "väntelistan" in _messages(response)[0]
    assert Registration.objects.get(user=resident).status == Registration.Status.WAITLISTED
    assert "plats 1 i kön" in client.get("/mina-sidor/moten/").content.decode()


def test_closed_registration_is_a_message_not_an_error(client, networks, resident):
    meeting = make_meeting(networks["andersberg"])
    client.force_login(resident)
    response = client.post(f"/moten/{meeting.pk}/anmalan/", {"attendee": "self"}, follow=True)
    assert response.status_code == 200
    assert "Det går inte att anmäla sig" in response.content.decode()
    assert not Registration.objects.exists()


def test_my_registrations_and_cancel(client, meeting, resident, rep_a):
    assert client.get("/mina-sidor/moten/").status_code == 302
    mine = registration_create(meeting=meeting, user=resident)
    theirs = registration_create(meeting=meeting, user=rep_a)
    client.force_login(resident)
    html = client.get("/mina-sidor/moten/").content.decode()
    assert meeting.title in html and "Avboka" in html
    # A link (GET) only asks; nothing changes until the button is pressed.
    confirm = client.get(f"/mina-sidor/moten/{mine.pk}/avboka/")
    assert confirm.status_code == 200
    assert "Vill du avboka?" in confirm.content.decode() and "Ja, avboka" in confirm.content.decode()
    mine.refresh_from_db()
    assert mine.status == Registration.Status.CONFIRMED
    assert client.put(f"/mina-sidor/moten/{mine.pk}/avboka/").status_code == 405
    assert client.get(f"/mina-sidor/moten/{theirs.pk}/avboka/").status_code == 404
    assert client.post(f"/mina-sidor/moten/{theirs.pk}/avboka/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == Registration.Status.CONFIRMED
    response = client.post(f"/mina-sidor/moten/{mine.pk}/avboka/")
    assert response.status_code == 302
    assert "avbokad" in _messages(response)[0]
    mine.refresh_from_db()
    assert mine.status == Registration.Status.CANCELLED
    response = client.post(f"/mina-sidor/moten/{mine.pk}/avboka/", follow=True)
    assert "redan avbokad" in response.content.decode()
    again = client.get(f"/mina-sidor/moten/{mine.pk}/avboka/").content.decode()
    assert "redan avbokad" in again and "Ja, avboka" not in again


def test_home_and_network_page_show_next_meetings(client, networks):
    make_meeting(networks["satra"], title="Sätras nästa träff")
    assert "Sätras nästa träff" in client.get("/").content.decode()
    assert "Sätras nästa träff" in client.get("/natverk/satra/").content.decode()
    assert "Sätras nästa träff" not in client.get("/natverk/andersberg/").content.decode()


def test_subscribe_links(client, networks):
    html = client.get("/natverk/satra/moten/").content.decode()
    assert "webcal://testserver/natverk/satra/kalender.ics" in html
    assert "http://testserver/natverk/satra/kalender.ics" in html


def _many(networks, n: int) -> None:
    for i in range(n):
        network = networks["satra"] if i % 2 else networks["andersberg"]
        group = network.working_groups.get_or_create(name="Trygghet")[0]
        make_meeting(
            network,
            title=f"Möte {i}",
            starts_at=timezone.now() + timedelta(days=i + 1),
            kind=Meeting.Kind.WORKING_GROUP,
            working_group=group,
        )
        make_meeting(network, title=f"Förr {i}", starts_at=timezone.now() - timedelta(days=i + 1))


@pytest.mark.parametrize("url", ["/", "/moten/", "/moten/arkiv/", "/natverk/satra/", "/natverk/satra/moten/"])
def test_query_count_does_not_grow(client, networks, django_assert_num_queries, url):
    _many(networks, 3)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    _many(networks, 30)
    with django_assert_num_queries(len(few.captured_queries)):
        assert client.get(url).status_code == 200


def test_my_registrations_query_count_does_not_grow(client, networks, resident, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def sign_up(n: int) -> None:
        for _ in range(n):
            meeting = make_meeting(networks["satra"], registration_enabled=True, capacity=1)
            registration_create(meeting=meeting, user=resident)

    client.force_login(resident)
    sign_up(3)
    with CaptureQueriesContext(connection) as few:
        client.get("/mina-sidor/moten/")
    sign_up(30)
    with django_assert_num_queries(len(few.captured_queries)):
        assert client.get("/mina-sidor/moten/").status_code == 200


@pytest.mark.parametrize("role", [None, "resident", "rep_a", "rep_b", "coord_andersberg", "coord_satra", "steering"])
def test_public_pages_open_for_every_role(client, networks, meeting, role, request):
    if role:
        client.force_login(request.getfixturevalue(role))
    for url in ("/moten/", "/moten/arkiv/", f"/moten/{meeting.pk}/", "/natverk/andersberg/moten/"):
        assert client.get(url).status_code == 200, url
    assert client.get("/mina-sidor/moten/").status_code == (200 if role else 302)
    html = client.get(f"/moten/{meeting.pk}/").content.decode()
    assert ('name="attendee"' in html) == bool(role)


def test_next_meeting_start_for_network_cards(networks):
    from meetings.models import next_meeting_start
    from networks.models import Network

    soon = make_meeting(networks["satra"], starts_at=timezone.now() + timedelta(days=3))
    make_meeting(networks["satra"], starts_at=timezone.now() + timedelta(days=30))
    make_meeting(
        networks["satra"], starts_at=timezone.now() + timedelta(days=1), status="cancelled", cancel_reason="Sjuk"
    )
    found = dict(Network.objects.annotate(next_meeting_at=next_meeting_start()).values_list("slug", "next_meeting_at"))
    assert found["satra"] == soon.starts_at
    assert found["andersberg"] is None


def test_network_cards_show_the_next_meeting(client, networks):
    from meetings.templatetags.meetings_tags import meeting_when

    meeting = make_meeting(networks["satra"])
    for url in ("/", "/natverk/"):
        html = client.get(url).content.decode()
        card = html.split("card--satra", 1)[1].split("</li>", 1)[0]
        assert "Nästa träff:" in card and meeting_when(meeting.starts_at) in card, url
        assert "kl. " in card
        andersberg = html.split("card--andersberg", 1)[1].split("</li>", 1)[0]
        assert "Nästa träff:" not in andersberg
