"""Samverkansbörsen end to end: A asks for a venue in Brynäs, B's offer matches, B answers, A marks it solved."""

from __future__ import annotations

import datetime

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.utils import timezone

from borsen.models import Listing, Match
from members.models import Actor, Membership, Representation
from tests.conftest import _user

SCREEN_WIDTHS = (320, 1280)


def _actor(name: str, slug: str, network, **extra) -> Actor:
    actor = Actor.objects.create(name=name, slug=slug, kind=Actor.Kind.ASSOCIATION, **extra)
    Membership.objects.create(actor=actor, network=network, status=Membership.Status.ACTIVE)
    return actor


@pytest.mark.django_db(transaction=True)
def test_ask_match_answer_and_solve(page, networks) -> None:
    raw = page.page
    raw.set_default_timeout(10_000)
    brynas = networks["brynas"]
    # A's address is the actor's but not consented to: it must never show.
    # A's contact address is proven (members/contact.py), so relayed answers go to it.
    actor_a = _actor(
        "Brynäs Boulesällskap",
        "brynas-boule",
        brynas,
        contact_email="hemlig@boule.example",
        contact_email_verified_at=timezone.now(),
        contact_email_verified_address="hemlig@boule.example",
    )
    actor_b = _actor("Brynäs Kvarterskafé", "brynas-kafe", brynas)
    rep_a = _user("anna@boule.example")
    rep_b = _user("bo@kafe.example")
    # The writers' own addresses are verified: an answer's Reply-To must be a proven address.
    for rep in (rep_a, rep_b):
        EmailAddress.objects.create(user=rep, email=rep.email, verified=True, primary=True)
    Representation.objects.create(user=rep_a, actor=actor_a, role=Representation.Role.SIGNATORY)
    Representation.objects.create(user=rep_b, actor=actor_b, role=Representation.Role.CONTACT)
    offer = Listing.objects.create(
        actor=actor_b,
        author=rep_b,
        direction=Listing.Direction.OFFER,
        kind=Listing.Kind.VENUE,
        title="Kafélokalen är ledig på lördagar",
        text="Plats för 35 personer.",
        last_date=timezone.localdate() + datetime.timedelta(days=40),
    )
    offer.networks.set([brynas])

    # A posts an ask, first with a last date too far ahead.
    page.login(rep_a)
    page.goto("/borsen/")
    raw.get_by_role("link", name="Skriv ett inlägg").click()
    raw.wait_for_load_state()
    page.check()
    raw.get_by_label("Vi söker").check()
    raw.get_by_label("Lokal", exact=True).check()
    raw.fill("#id_title", "Lokal för 30 personer en lördag")
    raw.fill("#id_text", "Vi ordnar en gårdsfest och behöver en lokal om det regnar.")
    raw.get_by_role("checkbox", name="Brynäs").check()
    raw.fill("#id_last_date", (timezone.localdate() + datetime.timedelta(days=120)).isoformat())
    raw.get_by_role("button", name="Publicera inlägget").click()
    raw.wait_for_load_state()
    assert raw.title().startswith("Fel:")
    page.check()
    assert raw.locator("#id_title").input_value() == "Lokal för 30 personer en lördag"
    raw.fill("#id_last_date", (timezone.localdate() + datetime.timedelta(days=30)).isoformat())
    raw.get_by_role("button", name="Publicera inlägget").click()
    raw.wait_for_load_state()
    page.check()
    ask = Listing.objects.get(title="Lokal för 30 personer en lördag")
    assert raw.url.endswith(f"/borsen/{ask.pk}/")
    assert "Kafélokalen är ledig på lördagar" in raw.locator("main").inner_text()

    # Both get the match mail, once.
    assert Match.objects.get().offer == offer
    match_mails = [m for m in mail.outbox if "passar" in m.subject]
    assert sorted(m.to[0] for m in match_mails) == ["anna@boule.example", "bo@kafe.example"]
    to_b = next(m for m in match_mails if m.to == ["bo@kafe.example"])
    assert "Lokal för 30 personer en lördag" in to_b.body and "hemlig@boule.example" not in to_b.body

    # B answers A through the site, without seeing A's address.
    raw.context.clear_cookies()
    page.login(rep_b)
    for width in SCREEN_WIDTHS:
        raw.set_viewport_size({"width": width, "height": 900})
        page.goto(f"/borsen/{ask.pk}/")
        assert raw.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    assert "hemlig@boule.example" not in raw.content()
    raw.get_by_role("link", name="Svara").click()
    raw.wait_for_load_state()
    page.check()
    assert "hemlig@boule.example" not in raw.content()
    raw.fill("#id_body", "Ni får gärna låna kaféet en lördag!")
    raw.get_by_role("button", name="Skicka svaret").click()
    raw.wait_for_load_state()
    page.check()
    assert "Ditt svar har skickats" in raw.locator("main").inner_text()
    answer = mail.outbox[-1]
    assert answer.to == ["hemlig@boule.example"] and answer.reply_to == ["bo@kafe.example"]
    assert "Ni får gärna låna kaféet en lördag!" in answer.body

    # A marks the post solved, behind a confirm page.
    raw.context.clear_cookies()
    page.login(rep_a)
    page.goto("/mina-sidor/")
    raw.get_by_role("link", name="Markera som löst – Lokal för 30 personer en lördag").click()
    raw.wait_for_load_state()
    page.check()
    raw.fill("#id_note", "Vi lånade Brynäs Kvarterskafé.")
    raw.get_by_role("button", name="Ja, markera som löst").click()
    raw.wait_for_load_state()
    page.check()
    ask.refresh_from_db()
    assert ask.is_solved

    # The post shows on the Brynäs page and in its feed, also for a visitor, at 320 px too.
    raw.context.clear_cookies()
    for width in SCREEN_WIDTHS:
        raw.set_viewport_size({"width": width, "height": 900})
        page.goto("/natverk/brynas/")
        section = raw.locator("section[aria-labelledby='borsen-heading']").inner_text()
        assert "Lokal för 30 personer en lördag" in section and "Vi lånade Brynäs Kvarterskafé." in section
        page.goto("/borsen/?natverk=brynas")
        page.goto("/borsen/nytt/".replace("nytt/", f"{ask.pk}/"))
    feed = raw.request.get(page.base_url + "/borsen/natverk/brynas/flode/")
    assert feed.status == 200 and "Lokal för 30 personer en lördag" in feed.text()
