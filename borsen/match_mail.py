"""Telling posters about their matches: at most one mail a day to each, nothing twice, nothing lost.

Twelve listings posted in a few seconds once sent twelve match mails to the same other
poster. Now every poster to be told about a match gets a `MatchMail` row (one per match,
side and user, so nothing is mailed twice) and the mail goes out only when the poster's
`MatchMailWindow` is open, that is when their last match mail is at least
MATCH_MAIL_WINDOW old:

- the first match in a window is mailed at once, as before (several found by the same
  save go in one mail);
- matches found while the window is closed wait; when it has passed,
  `match_summaries_send` (`manage.py send_match_summaries`, hourly) sends them together in
  one summary, and so does the next match found for that poster if it comes first;
- a waiting match whose listings have closed (solved, hidden, expired, actor no longer
  public) or whose poster no longer represents the actor is dropped, not mailed.

Mails go through the outbox (`core.mail`) in the same transaction as the rows that
record them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from borsen.models import Listing, Match, MatchMail, MatchMailWindow
from core.mail import mail_link, mail_queue_each
from members.models import Representation, User

Side = MatchMail.Side
State = MatchMail.State


def poster_users(listing: Listing) -> QuerySet[User]:
    """Who hears about a listing: its author while they still represent the actor, else every representative."""
    representatives = User.objects.filter(representations__actor_id=listing.actor_id, is_active=True)
    if listing.author_id and representatives.filter(pk=listing.author_id).exists():
        return User.objects.filter(pk=listing.author_id)
    return representatives.distinct().order_by("email")


def shown_contact_email(listing: Listing) -> str:
    """The actor's address as its page shows it: with consent, once proven (Actor.public_contact_email)."""
    return listing.actor.public_contact_email


def _item(mine: Listing, other: Listing) -> dict:
    """What a mail says about one match, seen from the poster of `mine`."""
    return {
        "mine": mine,
        "other": other,
        "mine_url": mail_link(mine.get_absolute_url),
        "other_url": mail_link(other.get_absolute_url),
        "answer_url": mail_link("borsen:answer", pk=other.pk),
        "other_contact_email": shown_contact_email(other),
    }


def _window(user_id: int) -> MatchMailWindow:
    """The user's window row, locked until the end of the transaction."""
    MatchMailWindow.objects.get_or_create(user_id=user_id)
    return MatchMailWindow.objects.select_for_update().get(user_id=user_id)


def _still_to_tell(row: MatchMail) -> bool:
    """Both listings can still be answered and the user still speaks for the actor of theirs."""
    mine, other = row.mine, row.other
    return (
        mine.is_open
        and other.is_open
        and mine.actor.is_public
        and other.actor.is_public
        and row.user.is_active
        and Representation.objects.filter(user_id=row.user_id, actor_id=mine.actor_id).exists()
    )


def _send_waiting(window: MatchMailWindow, now: datetime) -> int:
    """Mail the user everything waiting for them in one mail (the window is open and locked).

    Returns 1 when a mail was queued, else 0.
    """
    rows = list(
        MatchMail.objects.filter(user_id=window.user_id, state=State.WAITING)
        .select_related("user", "match__ask__actor", "match__offer__actor")
        .order_by("created_at", "pk")
    )
    told = [row for row in rows if _still_to_tell(row)]
    dropped = [row.pk for row in rows if row not in told]
    if dropped:
        MatchMail.objects.filter(pk__in=dropped).update(state=State.DROPPED)
    if not told:
        return 0
    user = told[0].user
    items = [_item(row.mine, row.other) for row in told]
    if len(items) == 1:
        mail_queue_each(users=[user], template="borsen/email/match", context=items[0], kind="borsen.match")
    else:
        mail_queue_each(
            users=[user],
            template="borsen/email/match_summary",
            context={"items": items, "count": len(items)},
            kind="borsen.match_summary",
        )
    MatchMail.objects.filter(pk__in=[row.pk for row in told]).update(state=State.SENT, sent_at=now)
    window.last_sent_at = now
    window.save(update_fields=["last_sent_at"])
    return 1


def tell_posters(matches: Iterable[Match], *, now: datetime | None = None) -> int:
    """Record who is to be told about new matches, and mail those whose window is open.

    Runs in the transaction that found the matches. Users are locked in id order, so two
    saves that match each other's posters cannot wait for each other. Returns the mails queued.
    """
    now = now or timezone.now()
    waiting: dict[int, list[tuple[Match, str]]] = defaultdict(list)
    for match in matches:
        for side, mine in ((Side.ASK, match.ask), (Side.OFFER, match.offer)):
            for user_id in poster_users(mine).values_list("pk", flat=True):
                waiting[user_id].append((match, side))
    sent = 0
    with transaction.atomic():
        for user_id in sorted(waiting):
            window = _window(user_id)
            MatchMail.objects.bulk_create(
                [
                    MatchMail(match=match, side=side, user_id=user_id, created_at=now)
                    for match, side in waiting[user_id]
                ],
                ignore_conflicts=True,
            )
            if window.is_open(now):
                sent += _send_waiting(window, now)
    return sent


def match_summaries_send(*, now: datetime | None = None) -> int:
    """Send each poster whose window has passed one summary of the matches waiting for them.

    Each poster in a transaction of their own: a failure leaves the others' rows as they
    were, and running it twice sends nothing twice. Returns the mails queued.
    """
    now = now or timezone.now()
    user_ids = sorted(set(MatchMail.objects.filter(state=State.WAITING).values_list("user_id", flat=True)))
    sent = 0
    for user_id in user_ids:
        with transaction.atomic():
            window = _window(user_id)
            if window.is_open(now):
                sent += _send_waiting(window, now)
    return sent
