"""Matches: an ask and an offer of the same kind sharing a network, from two actors, mailed once per pair."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from borsen import services
from borsen.models import Listing, Match
from core.models import Outbox
from tests.borsen.conftest import TODAY, make_listing

pytestmark = pytest.mark.django_db

OFFER = Listing.Direction.OFFER


def _match_mails() -> list[Outbox]:
    return list(Outbox.objects.filter(kind="borsen.match").order_by("to"))


def _offer_b(b_in_andersberg, rep_b, networks, **extra) -> Listing:
    listing = Listing(
        actor=b_in_andersberg,
        direction=OFFER,
        kind=extra.pop("kind", Listing.Kind.VENUE),
        title=extra.pop("title", "Vår lokal är ledig på lördagar"),
        text="35 platser.",
        last_date=TODAY + datetime.timedelta(days=20),
        **extra,
    )
    return services.listing_create(listing=listing, networks=[networks["andersberg"]], author=rep_b)


def test_a_match_mails_both_posters_once(ask_a, b_in_andersberg, rep_a, rep_b, networks) -> None:
    offer = _offer_b(b_in_andersberg, rep_b, networks)
    match = Match.objects.get()
    assert (match.ask, match.offer) == (ask_a, offer)
    mails = _match_mails()
    assert [m.to for m in mails] == [rep_a.email, rep_b.email]
    to_a = next(m for m in mails if m.to == rep_a.email)
    assert to_a.body.startswith("Hej Alfa!")
    assert "Vår lokal är ledig på lördagar" in to_a.body and "Föreningen Beta" in to_a.body
    assert f"/borsen/{offer.pk}/" in to_a.body
    # Editing either listing, or finding again, mails nobody a second time.
    services.listing_update(listing=offer, networks=[networks["andersberg"]])
    services.listing_update(listing=ask_a, networks=[networks["andersberg"]])
    services.find_matches(ask_a)
    assert Match.objects.count() == 1
    assert len(_match_mails()) == 2


def test_no_address_in_the_mail_without_consent(ask_a, b_in_andersberg, rep_b, networks) -> None:
    b_in_andersberg.contact_email = "hemlig@beta.example"
    b_in_andersberg.save()
    _offer_b(b_in_andersberg, rep_b, networks)
    assert all("hemlig@beta.example" not in m.body for m in _match_mails())


def test_consented_address_is_in_the_mail(ask_a, b_in_andersberg, rep_b, networks) -> None:
    b_in_andersberg.contact_email = "kontakt@beta.example"
    b_in_andersberg.contact_consent_at = timezone.now()
    b_in_andersberg.contact_email_verified_at = timezone.now()
    b_in_andersberg.contact_email_verified_address = "kontakt@beta.example"
    b_in_andersberg.save()
    _offer_b(b_in_andersberg, rep_b, networks)
    to_a = next(m for m in _match_mails() if m.to == "alfa@example.se")
    assert "kontakt@beta.example" in to_a.body


@pytest.mark.parametrize(
    "change",
    ["other_kind", "other_network", "same_direction", "same_actor", "hidden", "solved", "expired"],
)
def test_no_match(change, actor_a, rep_a, b_in_andersberg, rep_b, networks) -> None:
    ask = make_listing(actor_a, [networks["andersberg"]], author=rep_a)
    kwargs = {
        "actor": b_in_andersberg,
        "direction": OFFER,
        "kind": Listing.Kind.VENUE,
        "title": "Erbjudande",
        "text": "t",
        "last_date": TODAY + datetime.timedelta(days=20),
    }
    network = networks["andersberg"]
    if change == "other_kind":
        kwargs["kind"] = Listing.Kind.EQUIPMENT
    elif change == "other_network":
        network = networks["satra"]
    elif change == "same_direction":
        kwargs["direction"] = Listing.Direction.ASK
    elif change == "same_actor":
        kwargs["actor"] = actor_a
    elif change == "hidden":
        Listing.objects.filter(pk=ask.pk).update(hidden_at=timezone.now())
    elif change == "solved":
        Listing.objects.filter(pk=ask.pk).update(solved_at=timezone.now())
    elif change == "expired":
        Listing.objects.filter(pk=ask.pk).update(last_date=TODAY - datetime.timedelta(days=1))
    services.listing_create(listing=Listing(**kwargs), networks=[network], author=rep_b)
    assert not Match.objects.exists()
    assert not _match_mails()


def test_a_listing_that_opens_again_finds_its_match(actor_a, rep_a, b_in_andersberg, rep_b, networks) -> None:
    expired = make_listing(actor_a, [networks["andersberg"]], author=rep_a)
    Listing.objects.filter(pk=expired.pk).update(last_date=TODAY - datetime.timedelta(days=1))
    _offer_b(b_in_andersberg, rep_b, networks)
    assert not Match.objects.exists()
    expired.refresh_from_db()
    expired.last_date = TODAY + datetime.timedelta(days=10)
    services.listing_update(listing=expired, networks=[networks["andersberg"]])
    assert Match.objects.count() == 1
    assert len(_match_mails()) == 2


def test_a_new_network_on_edit_brings_a_match(actor_a, rep_a, actor_b, rep_b, networks) -> None:
    ask = make_listing(actor_a, [networks["andersberg"]], author=rep_a)
    offer = make_listing(actor_b, [networks["satra"]], direction=OFFER, author=rep_b)
    services.find_matches(offer)
    assert not Match.objects.exists()
    services.listing_update(listing=ask, networks=[networks["andersberg"], networks["satra"]])
    assert Match.objects.get().offer == offer


def test_the_page_lists_open_matches_only(client, ask_a, b_in_andersberg, rep_b, networks) -> None:
    offer = _offer_b(b_in_andersberg, rep_b, networks)
    page = client.get(f"/borsen/{ask_a.pk}/").content.decode()
    assert f'href="/borsen/{offer.pk}/"' in page
    assert f'href="/borsen/{ask_a.pk}/"' in client.get(f"/borsen/{offer.pk}/").content.decode()
    services.listing_solve(listing=offer)
    assert f'href="/borsen/{offer.pk}/"' not in client.get(f"/borsen/{ask_a.pk}/").content.decode()


def test_match_mail_goes_to_all_representatives_when_the_author_left(actor_a, rep_a, b_in_andersberg, rep_b, networks):
    from members.models import Representation, User

    other = User.objects.create_user(email="annan@example.se", name="Annan Person")
    Representation.objects.create(user=other, actor=actor_a)
    make_listing(actor_a, [networks["andersberg"]], author=None)
    _offer_b(b_in_andersberg, rep_b, networks)
    assert {m.to for m in _match_mails()} == {"alfa@example.se", "annan@example.se", rep_b.email}
