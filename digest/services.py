"""The weekly digest: choosing networks, sending one letter per subscriber and week, unsubscribing.

`digest_send` (run by `manage.py send_weekly_digest` early on Mondays) covers one ISO
week, by default the one that has just ended: per network the börs listings, news and
newly granted activities of that week, and the meetings of the coming two weeks, all
only what a visitor sees on the public pages. Each subscriber gets one letter with a
section per chosen network that has something to tell, plus news for all networks, plus
a line for each question they said "Jag med" to that the network moved that week (to a
meeting, a working group, answered, ...); nothing when no section has anything. The
DigestSent row for (user, week) is written in the same transaction as the mail is
queued, so a second run, or a second process at the same time, sends nothing twice
(the unique constraint refuses the second row).
"""

from __future__ import annotations

import datetime
import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from allauth.account.models import EmailAddress
from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Prefetch, QuerySet
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy

from borsen.models import Listing
from core.mail import mail_language, mail_link, mail_queue
from dialog.models import Question, QuestionEvent, Support
from digest.access import unsubscribe_token
from digest.models import DigestSent, Subscription
from grants.models import Application
from grants.models.pots import GRANTED_STATUSES
from meetings.models import Meeting
from members.models import User
from networks.models import Network, Post

logger = logging.getLogger(__name__)

# Meetings in this many days after the digest is made are "coming".
COMING_MEETING_DAYS = 14
# At most this many lines of one kind per network; the rest is "and N more" on the network's page.
ITEMS_PER_KIND = 10
MAIL_KIND = "digest.weekly"
_WEEK = re.compile(r"(\d{4})-W(\d{2})")


# ---- weeks ----


@dataclass(frozen=True)
class Week:
    """An ISO week, written "2026-W48"."""

    year: int
    number: int

    @classmethod
    def parse(cls, text: str) -> Week:
        """The week written as "2026-W48"; ValueError for anything else or a week that does not exist."""
        match = _WEEK.fullmatch(text.strip())
        if not match:
            raise ValueError(f"Not an ISO week like 2026-W48: {text!r}")
        week = cls(int(match[1]), int(match[2]))
        datetime.date.fromisocalendar(week.year, week.number, 1)  # ValueError for W53 of a short year, W00, …
        return week

    @classmethod
    def containing(cls, day: datetime.date) -> Week:
        year, number, _weekday = day.isocalendar()
        return cls(year, number)

    @classmethod
    def last_complete(cls, now: datetime.datetime | None = None) -> Week:
        """The week before the current one (in the site's time zone): the one a Monday run covers."""
        return cls.containing(timezone.localdate(now or timezone.now()) - datetime.timedelta(days=7))

    @property
    def label(self) -> str:
        return f"{self.year:04d}-W{self.number:02d}"

    @property
    def monday(self) -> datetime.date:
        return datetime.date.fromisocalendar(self.year, self.number, 1)

    @property
    def sunday(self) -> datetime.date:
        return self.monday + datetime.timedelta(days=6)

    def bounds(self) -> tuple[datetime.datetime, datetime.datetime]:
        """Monday 00.00 and the next Monday 00.00, local time (a week with a clock change is 167 or 169 hours)."""
        zone = ZoneInfo(settings.TIME_ZONE)
        start = datetime.datetime.combine(self.monday, datetime.time.min, tzinfo=zone)
        end = datetime.datetime.combine(self.monday + datetime.timedelta(days=7), datetime.time.min, tzinfo=zone)
        return start, end

    def __str__(self) -> str:
        return self.label


# ---- what the digest says ----


@dataclass
class Part:
    """Up to ITEMS_PER_KIND objects of one kind, and how many more there are."""

    items: list[Any] = field(default_factory=list)
    more: int = 0

    @classmethod
    def of(cls, queryset: QuerySet) -> Part:
        rows = list(queryset[: ITEMS_PER_KIND + 1])
        if len(rows) <= ITEMS_PER_KIND:
            return cls(rows, 0)
        return cls(rows[:ITEMS_PER_KIND], queryset.count() - ITEMS_PER_KIND)

    def __bool__(self) -> bool:
        return bool(self.items)


@dataclass
class NetworkDigest:
    """One network's section of the digest; each object carries its absolute `digest_url`.

    The links are made when each letter is rendered (core.mail.mail_link), so the sections,
    made once for all subscribers, link to the pages in each reader's language.
    """

    network: Network
    url: str
    listings: Part
    news: Part
    grants: Part
    meetings: Part
    # A coming meeting announced this week is news; one announced earlier only goes along.
    meetings_announced: bool = False

    @property
    def has_news(self) -> bool:
        return bool(self.listings or self.news or self.grants or self.meetings_announced)


def _listing_path(listing: Listing, network: Network) -> str:
    try:
        return listing.get_absolute_url()
    except NoReverseMatch:
        # Without the börs pages installed (borsen.urls), the network's page is where a listing shows.
        return network.get_absolute_url()


def _granted_path(query: str) -> str:
    return f"{reverse('grants:granted')}?{query}"


def network_digest(network: Network, *, week: Week, now: datetime.datetime) -> NetworkDigest:
    """What one network's section tells for `week`: only what the public pages show."""
    start, end = week.bounds()
    url = mail_link(network.get_absolute_url)
    listings = Part.of(
        Listing.objects.public()
        .filter(networks=network, created_at__gte=start, created_at__lt=end)
        .select_related("actor")
        .order_by("created_at", "pk")
    )
    for listing in listings.items:
        listing.digest_url = mail_link(partial(_listing_path, listing, network))
    news = Part.of(
        Post.objects.published()
        .filter(network=network, published_at__gte=start, published_at__lt=end)
        .order_by("published_at", "pk")
    )
    for post in news.items:
        post.digest_url = mail_link(post.get_absolute_url)
    # Granted this week and still granted (the public list /bidrag/beviljade/ shows the same).
    grants = Part.of(
        Application.objects.filter(
            status__in=GRANTED_STATUSES,
            networks=network,
            decisions__outcome="approved",
            decisions__decided_at__gte=start,
            decisions__decided_at__lt=end,
        )
        .distinct()
        .select_related("lead_actor", "pot")
        .order_by("title", "pk")
    )
    for application in grants.items:
        query = urlencode({"ar": application.pot.year, "natverk": network.slug})
        application.digest_url = mail_link(partial(_granted_path, query))
    coming = Meeting.objects.filter(
        network=network,
        status=Meeting.Status.PLANNED,
        starts_at__gte=now,
        starts_at__lt=now + datetime.timedelta(days=COMING_MEETING_DAYS),
    ).order_by("starts_at", "pk")
    meetings = Part.of(coming)
    for meeting in meetings.items:
        meeting.digest_url = mail_link(meeting.get_absolute_url)
    announced = coming.filter(created_at__gte=start, created_at__lt=end).exists()
    return NetworkDigest(
        network=network,
        url=url,
        listings=listings,
        news=news,
        grants=grants,
        meetings=meetings,
        meetings_announced=announced,
    )


def general_news(*, week: Week) -> Part:
    """News for all networks (no network set) published in `week`."""
    start, end = week.bounds()
    part = Part.of(
        Post.objects.published()
        .filter(network__isnull=True, published_at__gte=start, published_at__lt=end)
        .order_by("published_at", "pk")
    )
    for post in part.items:
        post.digest_url = mail_link(post.get_absolute_url)
    return part


def supported_moves(*, week: Week) -> dict[int, list[Question]]:
    """Per user id: the visible questions the user said "Jag med" to that the network moved
    in `week` (a public move: hiding is none), each once with its status now, the latest
    moved first; at most ITEMS_PER_KIND each. Two queries for all subscribers."""
    start, end = week.bounds()
    moved = QuestionEvent.objects.public().filter(created_at__gte=start, created_at__lt=end).values("question_id")
    questions = {
        question.pk: question
        for question in Question.objects.visible().filter(pk__in=moved).order_by("-updated_at", "-pk")
    }
    found: dict[int, list[Question]] = {}
    supports = Support.objects.filter(question_id__in=list(questions)).values_list("user_id", "question_id")
    for user_id, question_id in supports:
        found.setdefault(user_id, []).append(questions[question_id])
    order = {pk: rank for rank, pk in enumerate(questions)}
    for user_id, theirs in found.items():
        found[user_id] = sorted(theirs, key=lambda question: order[question.pk])[:ITEMS_PER_KIND]
    for question in questions.values():
        question.digest_url = mail_link(question.get_absolute_url)
    return found


# ---- who gets it ----


def subscribers() -> QuerySet[User]:
    """Active users with a subscription whose account address is verified, with their networks.

    An anonymised (deleted) account is inactive and has neither addresses nor subscriptions
    left; an address that was never verified gets nothing until it is.
    """
    verified = EmailAddress.objects.filter(user=OuterRef("pk"), verified=True, email__iexact=OuterRef("email"))
    return (
        User.objects.filter(is_active=True, digest_subscriptions__isnull=False)
        .filter(Exists(verified))
        .distinct()
        .order_by("pk")
        .prefetch_related(
            Prefetch(
                "digest_subscriptions",
                queryset=Subscription.objects.select_related("network").order_by(
                    "network__sort_order", "network__name"
                ),
            )
        )
    )


def has_verified_address(user: User) -> bool:
    return EmailAddress.objects.filter(user=user, verified=True, email__iexact=user.email).exists()


# ---- sending ----


@dataclass
class DigestResult:
    week: Week
    sent: int = 0
    # Subscribers with nothing new in their networks this week.
    empty: int = 0
    # Already had this week's digest (an earlier run, or another process just now).
    already: int = 0


def unsubscribe_url(user: User) -> str:
    """The link that ends `user`'s digest, in the language of their mail: the page it opens
    (and the List-Unsubscribe header, made before the letter is rendered) speaks it too."""
    with translation.override(mail_language(user.language)):
        return f"{settings.SITE_URL}{reverse('digest:unsubscribe', kwargs={'token': unsubscribe_token(user)})}"


def digest_send(
    *, week: Week | None = None, now: datetime.datetime | None = None, dry_run: bool = False
) -> DigestResult:
    """Queue this week's digest for every subscriber who has not had it; see the module's text."""
    now = now or timezone.now()
    week = week or Week.last_complete(now)
    result = DigestResult(week=week)
    with translation.override(settings.LANGUAGE_CODE):
        networks = Network.objects.filter(digest_subscriptions__isnull=False).distinct()
        by_network = {n.pk: network_digest(n, week=week, now=now) for n in networks}
        for_all = general_news(week=week)
        moves = supported_moves(week=week)
    result.already = subscribers().filter(digests_sent__week=week.label).count()
    for user in subscribers().exclude(digests_sent__week=week.label):
        sections = [
            by_network[s.network_id]
            for s in user.digest_subscriptions.all()
            if s.network_id in by_network and by_network[s.network_id].has_news
        ]
        supported = moves.get(user.pk, [])
        if not sections and not for_all and not supported:
            result.empty += 1
        elif dry_run or digest_send_to(
            user, week=week, sections=sections, general=for_all, now=now, supported=supported
        ):
            result.sent += 1
        else:
            result.already += 1
    return result


def digest_send_to(
    user: User,
    *,
    week: Week,
    sections: list[NetworkDigest],
    general: Part,
    now: datetime.datetime,
    supported: Sequence[Question] = (),
) -> bool:
    """Queue `user`'s digest for `week` with its DigestSent row; False when the row was there already."""
    url = unsubscribe_url(user)
    language = mail_language(user.language)
    subscriptions_url = mail_link("digest:subscriptions")
    try:
        with transaction.atomic():
            DigestSent.objects.create(user=user, week=week.label, sent_at=now)
            mail_queue(
                to=[user.email],
                template="digest/email/weekly",
                context={
                    "name": user.greeting_name,
                    "week": week,
                    "sections": sections,
                    "general_news": general,
                    # Questions the reader said "Jag med" to that the network moved this week.
                    "supported": list(supported),
                    # The closing line invites to what the digest holds (meetings, börs posts).
                    "has_meetings": any(section.meetings for section in sections),
                    "has_listings": any(section.listings for section in sections),
                    "subscriptions_url": subscriptions_url,
                    "unsubscribe_url": url,
                },
                kind=MAIL_KIND,
                language=language,
                headers={"List-Unsubscribe": f"<{url}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"},
            )
    except IntegrityError:
        # Another run (or process) wrote this user's row for the week first and queued its mail.
        return False
    return True


# ---- choosing and leaving ----


@transaction.atomic
def subscriptions_set(*, user: User, networks: list[Network] | QuerySet[Network]) -> None:
    """The user gets the digest from exactly these networks (none: no digest)."""
    wanted = {network.pk for network in networks}
    Subscription.objects.filter(user=user).exclude(network__in=wanted).delete()
    have = set(Subscription.objects.filter(user=user).values_list("network_id", flat=True))
    # ignore_conflicts: the same form sent twice at once adds each network once.
    Subscription.objects.bulk_create(
        [Subscription(user=user, network_id=pk) for pk in sorted(wanted - have)], ignore_conflicts=True
    )


@transaction.atomic
def digest_unsubscribe(*, user: User | None) -> int:
    """Stop the digest for `user` (all networks). Returns how many networks it was from."""
    if user is None:
        return 0
    count, _per_model = Subscription.objects.filter(user=user).delete()
    if count:
        logger.info("User %s left the weekly digest (%d networks)", user.pk, count)
    return count


# ---- GDPR ----

DIGEST_EXPORT_LABELS = {
    "digest_subscriptions": gettext_lazy("Nätverk du får veckobrevet från"),
    "subscribed_at": gettext_lazy("Valt"),
    "digests_sent": gettext_lazy("Veckobrev som har skickats till dig"),
    "week": gettext_lazy("Vecka"),
}


def digest_user_export(*, user: User) -> dict:
    """The user's digest choices and the weeks a digest was sent, for "Mina uppgifter"."""
    return {
        "digest_subscriptions": [
            {"network": s.network.name, "subscribed_at": s.created_at}
            for s in Subscription.objects.filter(user=user).select_related("network")
        ],
        "digests_sent": [
            {"week": d.week, "sent_at": d.sent_at} for d in DigestSent.objects.filter(user=user).order_by("sent_at")
        ],
    }


def digest_user_delete(*, user: User) -> None:
    """A deleted account gets no more digests and leaves no log of them (also when the row is kept anonymised)."""
    Subscription.objects.filter(user=user).delete()
    DigestSent.objects.filter(user=user).delete()
