"""Posting (a daily limit per account), editing, solving and hiding listings; finding matches."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta
from functools import partial
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from borsen.match_mail import poster_users, shown_contact_email, tell_posters
from borsen.models import Listing, Match
from core.mail import mail_link, mail_queue_each
from core.ratelimits import refuse_past_limit
from members.models import ActorMessage, User
from members.services import actor_message_send

# Re-exported: the views and the hide mail use them from here.
__all__ = ["poster_users", "shown_contact_email"]


# ---- matches ----


def match_candidates(listing: Listing) -> QuerySet[Listing]:
    other = Listing.Direction.OFFER if listing.direction == Listing.Direction.ASK else Listing.Direction.ASK
    return (
        Listing.objects.open()
        .filter(direction=other, kind=listing.kind, actor__is_public=True, networks__in=listing.networks.all())
        .exclude(actor_id=listing.actor_id)
        .select_related("actor")
        .distinct()
        .order_by("pk")
    )


def find_matches(listing: Listing) -> list[Match]:
    """New matches of an open listing. Each pair is recorded once; its posters are told by
    `match_mail.tell_posters`: at once, or in the day's summary when they had a match mail
    in the last 24 hours."""
    if not listing.is_open or not listing.actor.is_public:
        return []
    found = []
    for other in match_candidates(listing):
        ask, offer = (listing, other) if listing.direction == Listing.Direction.ASK else (other, listing)
        match, created = Match.objects.get_or_create(ask=ask, offer=offer)
        if created:
            found.append(match)
    if found:
        tell_posters(found)
    return found


def open_matches(listing: Listing) -> QuerySet[Listing]:
    """The other listings of the listing's matches that are still open (for its page)."""
    if listing.direction == Listing.Direction.ASK:
        mine = {"matches_as_offer__ask": listing}
    else:
        mine = {"matches_as_ask__offer": listing}
    return Listing.objects.open().filter(actor__is_public=True, **mine).select_related("actor").distinct()


# ---- the poster's actions ----


def listings_posted_today(*, user: User) -> int:
    """Listings the user posted in the last 24 hours (whatever became of them since)."""
    return Listing.objects.filter(author=user, created_at__gte=timezone.now() - timedelta(hours=24)).count()


def posting_limit_message(*, typed: bool = True) -> str:
    """Why a post is refused; `typed`: said on the form that keeps what was written."""
    limit = settings.BORSEN_LISTINGS_PER_DAY
    if typed:
        text = ngettext(
            "Du har publicerat %(count)s inlägg i börsen det senaste dygnet, vilket är gränsen. "
            "Det du skrev finns kvar här, så att du kan publicera det i morgon.",
            "Du har publicerat %(count)s inlägg i börsen det senaste dygnet, vilket är gränsen. "
            "Det du skrev finns kvar här, så att du kan publicera det i morgon.",
            limit,
        )
    else:
        text = ngettext(
            "Du har publicerat %(count)s inlägg i börsen det senaste dygnet, vilket är gränsen. "
            "Du kan publicera nästa i morgon.",
            "Du har publicerat %(count)s inlägg i börsen det senaste dygnet, vilket är gränsen. "
            "Du kan publicera nästa i morgon.",
            limit,
        )
    return text % {"count": limit}


@transaction.atomic
def listing_create(*, listing: Listing, networks: Iterable, author: User) -> Listing:
    """Publish a listing and find its matches.

    At most BORSEN_LISTINGS_PER_DAY per account and 24 hours (ValidationError, code
    "rate_limited"): counted in the database, not the cache, so the limit holds across app
    servers and while the cache is down; the author's row is locked first, so that two
    posts at once are counted one after the other. The lock is FOR NO KEY UPDATE: rows
    that point at the author (the match mails of someone else's post, `match_mail`) take
    a key-share lock on it, which a plain FOR UPDATE would block, a deadlock when two
    posters' new listings match each other at the same moment.
    """
    refuse_past_limit(
        user=author,
        count=partial(listings_posted_today, user=author),
        limit=settings.BORSEN_LISTINGS_PER_DAY,
        message=posting_limit_message(),
        no_key=True,
    )
    listing.author = author
    listing.save()
    listing.networks.set(networks)
    find_matches(listing)
    return listing


@transaction.atomic
def listing_update(*, listing: Listing, networks: Iterable) -> Listing:
    """Save an edit; a new network, kind or a later last date may bring new matches."""
    listing.save()
    listing.networks.set(networks)
    find_matches(listing)
    return listing


@transaction.atomic
def listing_solve(*, listing: Listing, note: str = "") -> Listing:
    listing.solved_at = timezone.now()
    listing.solved_note = note.strip()
    listing.save(update_fields=["solved_at", "solved_note", "updated_at"])
    return listing


def listing_answer(*, sender: User, listing: Listing, subject: str, body: str) -> ActorMessage:
    """Answer through the members app's relayed contact: its rate limit, Reply-To the sender, no address shown."""
    with translation.override(settings.LANGUAGE_CODE):
        about = _("Svaret gäller inlägget ”%(title)s” i Samverkansbörsen: %(url)s") % {
            "title": listing.title,
            "url": settings.SITE_URL + listing.get_absolute_url(),
        }
    return actor_message_send(sender=sender, actor=listing.actor, subject=subject, body=f"{body}\n\n{about}")


# ---- coordinators ----


@transaction.atomic
def listing_hide(*, listing: Listing, by: User, reason: str) -> Listing:
    """Hide a listing that breaks the rules; its posters get the reason by e-mail."""
    listing.hidden_at = timezone.now()
    listing.hidden_reason = reason.strip()
    listing.hidden_by = by
    listing.save(update_fields=["hidden_at", "hidden_reason", "hidden_by", "updated_at"])
    network = listing.networks.filter(coordinators=by).exclude(contact_email="").first()
    mail_queue_each(
        users=poster_users(listing),
        template="borsen/email/hidden",
        context={
            "listing": listing,
            "reason": listing.hidden_reason,
            "url": mail_link(listing.get_absolute_url),
            "contact_email": network.contact_email if network else settings.CONTACT_EMAIL,
        },
        kind="borsen.hidden",
    )
    return listing


@transaction.atomic
def listing_unhide(*, listing: Listing) -> Listing:
    listing.hidden_at = None
    listing.hidden_reason = ""
    listing.hidden_by = None
    listing.save(update_fields=["hidden_at", "hidden_reason", "hidden_by", "updated_at"])
    find_matches(listing)
    return listing


# ---- GDPR (registered in apps.py) ----

LISTINGS_EXPORT_LABELS = {
    "borsen_listings": gettext_lazy("Inlägg du har skrivit i Samverkansbörsen"),
    "listing_title": gettext_lazy("Rubrik"),
    "listing_text": gettext_lazy("Text"),
    "listing_direction": gettext_lazy("Söker eller erbjuder"),
    "listing_kind": gettext_lazy("Vad det gäller"),
    "listing_networks": gettext_lazy("Nätverk"),
    "listing_created_at": gettext_lazy("Publicerat"),
    "last_date": gettext_lazy("Sista dag"),
    "solved_at": gettext_lazy("Markerat som löst"),
    "solved_note": gettext_lazy("Så löste det sig"),
    "hidden_at": gettext_lazy("Dolt av samordnare"),
    "hidden_reason": gettext_lazy("Skäl till att inlägget doldes"),
}


def listings_user_export(*, user: User) -> dict[str, Any]:
    """The listings the user wrote (they belong to the actor, but the user wrote them)."""
    listings = Listing.objects.filter(author=user).select_related("actor").prefetch_related("networks")
    return {
        "borsen_listings": [
            {
                "actor": listing.actor.name,
                "listing_direction": listing.get_direction_display(),
                "listing_kind": listing.get_kind_display(),
                "listing_title": listing.title,
                "listing_text": listing.text,
                "listing_networks": [network.name for network in listing.networks.all()],
                "listing_created_at": listing.created_at,
                "last_date": listing.last_date,
                "solved_at": listing.solved_at,
                "solved_note": listing.solved_note,
                "hidden_at": listing.hidden_at,
                "hidden_reason": listing.hidden_reason,
            }
            for listing in listings.order_by("created_at", "pk")
        ]
    }


def listings_user_delete(*, user: User) -> None:
    """The listings stay with their actor; only the link to the person who wrote or hid them goes."""
    Listing.objects.filter(author=user).update(author=None)
    Listing.objects.filter(hidden_by=user).update(hidden_by=None)
