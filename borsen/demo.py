"""Demo asks and offers for `make run`: some in every network, one matching pair in Brynäs, one solved example."""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from borsen.models import Listing, Match
from borsen.services import match_candidates
from members.models import Actor
from networks.models import Network

ASK, OFFER = Listing.Direction.ASK, Listing.Direction.OFFER
K = Listing.Kind

# (actor, direction, kind, title, text, networks, days until the last date, solved note or None)
DEMO_LISTINGS = [
    (
        "Andersbergs Boulesällskap (demo)",
        ASK,
        K.VOLUNTEERS,
        "Frivilliga till boulecupen",
        "Vi behöver fyra personer som hjälper till med kaffe och resultattavla en torsdagskväll. (demo)",
        ["andersberg"],
        5,  # Soon its last day: on the demo representative's to-do list.
        None,
    ),
    (
        "Gavlegårdarna, områdeskontor (demo)",
        OFFER,
        K.VENUE,
        "Gemensamhetslokal att låna kvällstid",
        "Lokalen vid områdeskontoret rymmer 25 personer och har kök. Gratis för föreningar i nätverken. (demo)",
        ["andersberg", "satra"],
        80,
        None,
    ),
    (
        "Bomhus Hembygdsförening (demo)",
        ASK,
        K.KNOWLEDGE,
        "Någon som kan filma vår stadsvandring",
        "Vi vill spela in vandringen genom gamla Bomhus och lägga ut den med textning. Vem kan hjälpa oss? (demo)",
        ["bomhus"],
        60,
        None,
    ),
    (
        "Fältgruppen, Gävle kommun (demo)",
        OFFER,
        K.EQUIPMENT,
        "Vi lånar ut högtalare och grill",
        "Fältgruppen har en bärbar högtalare och en stor grill som föreningar kan låna till aktiviteter. (demo)",
        ["andersberg", "bomhus", "brynas", "satra"],
        85,
        None,
    ),
    (
        "Kerstin Persson (demo)",
        ASK,
        K.VENUE,
        "Lokal för 30 personer en lördag",
        "Vi ordnar en gårdsfest som flyttar inomhus om det regnar. "
        "Vi söker en lokal för 30 personer en lördag i höst. (demo)",
        ["brynas"],
        30,
        None,
    ),
    (
        "Brynäs Kvarterskafé (demo)",
        OFFER,
        K.VENUE,
        "Kafélokalen är ledig på lördagar",
        "Vår lokal har plats för 35 personer och är stängd lördagar. "
        "Föreningar får låna den mot att lämna den städad. (demo)",
        ["brynas"],
        70,
        None,
    ),
    (
        "Sätra Grannskapsförening (demo)",
        ASK,
        K.EQUIPMENT,
        "Bord och stolar till loppisen",
        "Till vårens loppis mellan husen behöver vi låna tio bord och tjugo stolar en söndag. (demo)",
        ["satra"],
        50,
        None,
    ),
    (
        "Sätra Grannskapsförening (demo)",
        ASK,
        K.VOLUNTEERS,
        "Grillvärdar till grillkvällen",
        "Vi sökte två vuxna som kunde sköta grillen på grillkvällen. (demo)",
        ["satra"],
        20,
        "Två grannar från Fältgruppen ställde upp, tack!",
    ),
]


@transaction.atomic
def create_demo() -> None:
    """Idempotent: each demo listing once (by actor and title), then the matches between them (no mail)."""
    actors = {a.name: a for a in Actor.objects.filter(is_demo=True)}
    networks = {n.slug: n for n in Network.objects.all()}
    today = timezone.localdate()
    created = []
    for actor_name, direction, kind, title, text, slugs, days, solved in DEMO_LISTINGS:
        actor = actors.get(actor_name)
        if actor is None:
            continue
        listing, made = Listing.objects.get_or_create(
            actor=actor,
            title=title,
            defaults={
                "direction": direction,
                "kind": kind,
                "text": text,
                "last_date": today + timedelta(days=days),
                "is_demo": True,
                "solved_at": timezone.now() - timedelta(days=3) if solved else None,
                "solved_note": solved or "",
            },
        )
        if made:
            listing.networks.set([networks[slug] for slug in slugs if slug in networks])
        created.append(listing)
    for listing in created:
        if not listing.is_open:
            continue
        for other in match_candidates(listing):
            ask, offer = (listing, other) if listing.direction == ASK else (other, listing)
            Match.objects.get_or_create(ask=ask, offer=offer)
