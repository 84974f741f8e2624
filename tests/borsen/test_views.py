"""Solving, answering, hiding, expiry, the feed, the network section, Mina sidor, GDPR and demo data."""

from __future__ import annotations

import datetime
import io
from xml.etree import ElementTree

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.utils import timezone

from borsen import services
from borsen.models import SOLVED_VISIBLE_DAYS, Listing
from core.models import Outbox
from members.models import ActorMessage
from tests.borsen.conftest import TODAY, make_listing

pytestmark = pytest.mark.django_db
ATOM = "{http://www.w3.org/2005/Atom}"


# ---- solve ----


def test_solve_asks_first_then_marks_solved_with_a_sentence(client, rep_a, ask_a) -> None:
    client.force_login(rep_a)
    page = client.get(f"/borsen/{ask_a.pk}/lost/").content.decode()
    assert "Ja, markera som löst" in page
    ask_a.refresh_from_db()
    assert ask_a.solved_at is None
    response = client.post(f"/borsen/{ask_a.pk}/lost/", {"note": "Kvarterskaféet lånade ut sin lokal."}, follow=True)
    assert "är markerat som löst" in response.content.decode()
    ask_a.refresh_from_db()
    assert ask_a.is_solved and ask_a.solved_note == "Kvarterskaféet lånade ut sin lokal."
    listing_page = client.get("/borsen/").content.decode()
    assert "Löst: Kvarterskaféet lånade ut sin lokal." in listing_page


def test_solve_refuses_a_long_or_two_line_note(client, rep_a, ask_a) -> None:
    client.force_login(rep_a)
    for note in ("x" * 301, "Rad ett\nRad två"):
        response = client.post(f"/borsen/{ask_a.pk}/lost/", {"note": note})
        assert "note" in response.context["form"].errors
    ask_a.refresh_from_db()
    assert ask_a.solved_at is None


def test_solved_stays_public_30_days_then_archives(client, ask_a) -> None:
    Listing.objects.filter(pk=ask_a.pk).update(
        solved_at=timezone.now() - datetime.timedelta(days=SOLVED_VISIBLE_DAYS - 1)
    )
    assert client.get(f"/borsen/{ask_a.pk}/").status_code == 200
    assert ask_a.title in client.get("/borsen/").content.decode()
    Listing.objects.filter(pk=ask_a.pk).update(
        solved_at=timezone.now() - datetime.timedelta(days=SOLVED_VISIBLE_DAYS + 1)
    )
    assert client.get(f"/borsen/{ask_a.pk}/").status_code == 404
    assert ask_a.title not in client.get("/borsen/").content.decode()


def test_expired_disappears_after_its_last_date(client, ask_a) -> None:
    Listing.objects.filter(pk=ask_a.pk).update(last_date=TODAY)
    assert ask_a.title in client.get("/borsen/").content.decode()
    Listing.objects.filter(pk=ask_a.pk).update(last_date=TODAY - datetime.timedelta(days=1))
    assert ask_a.title not in client.get("/borsen/").content.decode()


# ---- answer ----


def test_answer_goes_through_the_relayed_contact(
    client, ask_a, actor_a, rep_a, resident, django_capture_on_commit_callbacks
) -> None:
    # A proven contact address and a verified writer: the site relays only then (members.contact).
    actor_a.contact_email = actor_a.contact_email_verified_address = "hemlig@alfa.example"
    actor_a.contact_email_verified_at = timezone.now()
    actor_a.save()
    EmailAddress.objects.create(user=resident, email=resident.email, verified=True, primary=True)
    client.force_login(resident)
    page = client.get(f"/borsen/{ask_a.pk}/").content.decode()
    assert "hemlig@alfa.example" not in page
    form_page = client.get(f"/borsen/{ask_a.pk}/svara/")
    assert form_page.context["form"]["subject"].value() == "Svar på ditt inlägg ”Lokal för 30 personer en lördag”"
    assert "hemlig@alfa.example" not in form_page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/borsen/{ask_a.pk}/svara/",
            {"subject": form_page.context["form"]["subject"].value(), "body": "Vi har en lokal!"},
        )
    assert response.status_code == 302
    assert ActorMessage.objects.filter(sender=resident, actor=actor_a).count() == 1
    sent = mail.outbox[-1]
    assert sent.to == ["hemlig@alfa.example"] and sent.reply_to == [resident.email]
    assert "Vi har en lokal!" in sent.body and f"/borsen/{ask_a.pk}/" in sent.body
    assert "hemlig@alfa.example" not in client.get(response["Location"]).content.decode()


def test_answer_keeps_the_rate_limit(client, ask_a, resident, settings) -> None:
    settings.MEMBERS_MESSAGES_PER_HOUR = 1
    for user in (resident, ask_a.author):  # relayed between verified addresses only (members.contact)
        EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    client.force_login(resident)
    data = {"subject": "Svar", "body": "Hej"}
    assert client.post(f"/borsen/{ask_a.pk}/svara/", data).status_code == 302
    response = client.post(f"/borsen/{ask_a.pk}/svara/", data)
    assert response.status_code == 200
    assert "många meddelanden" in response.content.decode()
    assert response.context["form"]["body"].value() == "Hej"


def test_consented_address_shows_on_the_listing(client, ask_a, actor_a) -> None:
    actor_a.contact_email = "kontakt@alfa.example"
    actor_a.contact_consent_at = timezone.now()
    actor_a.contact_email_verified_at = timezone.now()
    actor_a.contact_email_verified_address = "kontakt@alfa.example"
    actor_a.save()
    assert "kontakt@alfa.example" in client.get(f"/borsen/{ask_a.pk}/").content.decode()


def test_a_solved_listing_cannot_be_answered(client, ask_a, resident) -> None:
    services.listing_solve(listing=ask_a)
    client.force_login(resident)
    assert client.post(f"/borsen/{ask_a.pk}/svara/", {"subject": "s", "body": "b"}).status_code == 302
    assert not ActorMessage.objects.exists()


# ---- hide ----


def test_coordinator_hides_with_a_reason_in_the_admin(client, ask_a, rep_a, coord_andersberg) -> None:
    client.force_login(coord_andersberg)
    url = f"/admin/borsen/listing/{ask_a.pk}/dolj/"
    assert client.get(url).status_code == 200
    response = client.post(url, {"reason": ""})
    assert response.status_code == 200 and "reason" in response.context["form"].errors
    assert client.post(url, {"reason": "Det här är reklam."}).status_code == 302
    ask_a.refresh_from_db()
    assert ask_a.is_hidden and ask_a.hidden_by == coord_andersberg and ask_a.hidden_reason == "Det här är reklam."
    sent = Outbox.objects.get(kind="borsen.hidden")
    assert sent.to == rep_a.email and "Det här är reklam." in sent.body
    # The poster sees the reason on the listing and in Mina sidor.
    client.force_login(rep_a)
    assert "Det här är reklam." in client.get(f"/borsen/{ask_a.pk}/").content.decode()
    assert "Det här är reklam." in client.get("/mina-sidor/").content.decode()


def test_admin_action_hides_only_own_networks_listings(client, ask_a, actor_b, networks, coord_andersberg) -> None:
    in_satra = make_listing(actor_b, [networks["satra"]], title="I Sätra")
    client.force_login(coord_andersberg)
    data = {"action": "hide", "_selected_action": [ask_a.pk, in_satra.pk]}
    confirm = client.post("/admin/borsen/listing/", data)
    assert confirm.status_code == 200 and "Ja, dölj" in confirm.content.decode()
    client.post("/admin/borsen/listing/", {**data, "confirm": "1", "reason": "Fel nätverk."})
    ask_a.refresh_from_db()
    in_satra.refresh_from_db()
    assert ask_a.is_hidden and not in_satra.is_hidden


def test_coordinator_of_another_network_cannot_hide(client, ask_a, coord_satra, steering) -> None:
    client.force_login(coord_satra)
    assert client.post(f"/admin/borsen/listing/{ask_a.pk}/dolj/", {"reason": "x"}).status_code == 404
    client.force_login(steering)
    assert client.post(f"/admin/borsen/listing/{ask_a.pk}/dolj/", {"reason": "x"}).status_code == 403
    ask_a.refresh_from_db()
    assert not ask_a.is_hidden


def test_admin_state_filter(client, ask_a, hidden_a, expired_a, superuser) -> None:
    client.force_login(superuser)
    for state, expected in [("open", ask_a), ("hidden", hidden_a), ("expired", expired_a)]:
        result = list(client.get(f"/admin/borsen/listing/?lage={state}").context["cl"].result_list)
        assert result == [expected], state


# ---- list, feed, network page ----


def test_list_filters_and_pagination(client, actor_a, rep_a, networks) -> None:
    for n in range(22):
        make_listing(actor_a, [networks["andersberg"]], title=f"Inlägg {n}", kind=Listing.Kind.VENUE)
    make_listing(actor_a, [networks["andersberg"]], title="Utrustning att låna", kind=Listing.Kind.EQUIPMENT)
    page = client.get("/borsen/")
    assert page.context["page"].paginator.count == 23
    assert 'aria-label="Sidor"' in page.content.decode()
    assert [x.title for x in client.get("/borsen/?typ=utrustning").context["page"]] == ["Utrustning att låna"]
    assert client.get("/borsen/?natverk=satra").context["page"].paginator.count == 0
    assert client.get("/borsen/?riktning=erbjuder").context["page"].paginator.count == 0
    # An unknown value is ignored, not an error.
    assert client.get("/borsen/?typ=okand&natverk=x").context["page"].paginator.count == 23
    # Newest first.
    assert client.get("/borsen/").context["page"][0].title == "Utrustning att låna"


def test_feed_of_a_network(client, ask_a, hidden_a, networks) -> None:
    Listing.objects.filter(pk=ask_a.pk).update(title="Lokal\x01 för 30")
    response = client.get("/borsen/natverk/andersberg/flode/")
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = ElementTree.fromstring(response.content)
    titles = [entry.find(f"{ATOM}title").text for entry in feed.iter(f"{ATOM}entry")]
    assert titles == ["Vi söker: Lokal för 30"]
    assert not list(ElementTree.fromstring(client.get("/borsen/natverk/satra/flode/").content).iter(f"{ATOM}entry"))
    assert client.get("/borsen/natverk/finns-inte/flode/").status_code == 404
    page = client.get("/borsen/?natverk=andersberg").content.decode()
    assert 'type="application/atom+xml" href="/borsen/natverk/andersberg/flode/"' in page


def test_network_page_shows_the_five_newest(client, actor_a, networks) -> None:
    for n in range(7):
        make_listing(actor_a, [networks["andersberg"]], title=f"Inlägg nummer {n}")
    page = client.get("/natverk/andersberg/").content.decode()
    assert "Aktuellt i börsen" in page
    assert "Inlägg nummer 6" in page and "Inlägg nummer 2" in page and "Inlägg nummer 1" not in page
    assert "/borsen/?natverk=andersberg" in page
    assert "Inlägg nummer" not in client.get("/natverk/satra/").content.decode()


# ---- Mina sidor, GDPR, demo ----


def test_my_pages_lists_my_actors_listings(client, ask_a, hidden_a, rep_a, rep_b) -> None:
    client.force_login(rep_a)
    page = client.get("/mina-sidor/").content.decode()
    assert "Mina inlägg i börsen" in page
    assert ask_a.title in page and f"/borsen/{ask_a.pk}/lost/" in page
    assert "Reklam för ett företag." in page and f"/borsen/{hidden_a.pk}/andra/" not in page
    client.force_login(rep_b)
    assert ask_a.title not in client.get("/mina-sidor/").content.decode()


def test_gdpr_export_and_delete(ask_a, rep_a, actor_a) -> None:
    from members.gdpr import gdpr_export
    from members.services import user_delete

    exported = gdpr_export(user=rep_a)["borsen_listings"]
    assert [row["listing_title"] for row in exported] == [ask_a.title]
    user_delete(user=rep_a)
    ask_a.refresh_from_db()
    assert ask_a.author is None and ask_a.actor == actor_a


def test_demo_is_idempotent_with_a_pair_in_every_network(networks, settings) -> None:
    import borsen.demo
    import members.demo
    from borsen.models import Match

    settings.DEBUG = True
    members.demo.create_demo(stdout=io.StringIO())
    borsen.demo.create_demo()
    count, matches = Listing.objects.count(), Match.objects.count()
    borsen.demo.create_demo()
    assert (Listing.objects.count(), Match.objects.count()) == (count, matches)
    assert all(listing.is_demo for listing in Listing.objects.all())
    for network in networks.values():
        public = Listing.objects.public().filter(networks=network)
        assert public.filter(direction="soker").exists() and public.filter(direction="erbjuder").exists(), network
    assert Match.objects.filter(ask__title="Lokal för 30 personer en lördag", offer__networks__slug="brynas").exists()
