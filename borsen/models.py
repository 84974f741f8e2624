"""Samverkansbörsen: asks ("Vi söker …") and offers ("Vi erbjuder …") between actors.

An actor's representative posts a listing for one or more networks with a last date at
most 90 days ahead. A listing is open until its last date, until the poster marks it
solved (then it stays visible for SOLVED_VISIBLE_DAYS as an example and is archived), or
until a coordinator of one of its networks hides it with a reason the poster sees.
An ask and an offer of the same kind in a shared network form a Match, mailed once per
pair and side (MatchMail), and to one poster at most once a day (MATCH_MAIL_WINDOW): the
matches found after that day's first mail go out together in one summary.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.choices import ChoicesDisplayMixin
from core.dates import date_bounds_constraint
from core.translation import TranslatedMixin, translated_fields

# How far ahead the last date may lie, and how long a solved listing stays visible.
MAX_DAYS_AHEAD = 90
SOLVED_VISIBLE_DAYS = 30


class ListingQuerySet(models.QuerySet):
    def open(self) -> ListingQuerySet:
        """Listings that can still be answered: not solved, not hidden, last date not passed."""
        today = timezone.localdate()
        return self.filter(solved_at__isnull=True, hidden_at__isnull=True, last_date__gte=today)

    def recently_solved(self) -> ListingQuerySet:
        """Solved listings still shown as examples (not hidden)."""
        since = timezone.now() - timedelta(days=SOLVED_VISIBLE_DAYS)
        return self.filter(solved_at__gte=since, hidden_at__isnull=True)

    def public(self) -> ListingQuerySet:
        """Everything a visitor may see: open listings and recently solved ones, of public actors."""
        today = timezone.localdate()
        since = timezone.now() - timedelta(days=SOLVED_VISIBLE_DAYS)
        return self.filter(
            models.Q(solved_at__isnull=True, last_date__gte=today) | models.Q(solved_at__gte=since),
            hidden_at__isnull=True,
            actor__is_public=True,
        )


@translated_fields("title", "text")
class Listing(ChoicesDisplayMixin, TranslatedMixin, models.Model):
    class Direction(models.TextChoices):
        ASK = "soker", _("Vi söker")
        OFFER = "erbjuder", _("Vi erbjuder")

    class Kind(models.TextChoices):
        VENUE = "lokal", _("Lokal")
        VOLUNTEERS = "frivilliga", _("Frivilliga")
        PARTNER = "samarbetspartner", _("Samarbetspartner")
        EQUIPMENT = "utrustning", _("Utrustning")
        KNOWLEDGE = "kunskap", _("Kunskap")
        OTHER = "annat", _("Annat")

    actor = models.ForeignKey(
        "members.Actor", on_delete=models.CASCADE, related_name="listings", verbose_name=_("aktör")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="listings",
        verbose_name=_("skrivet av"),
    )
    direction = models.CharField(_("söker eller erbjuder"), max_length=10, choices=Direction.choices)
    kind = models.CharField(_("vad det gäller"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("rubrik"), max_length=120)
    text = models.TextField(_("text"), max_length=3000)
    networks = models.ManyToManyField("networks.Network", related_name="listings", verbose_name=_("nätverk"))
    last_date = models.DateField(
        _("sista dag"), help_text=_("Inlägget försvinner efter den dagen, högst 90 dagar framåt.")
    )
    solved_at = models.DateTimeField(_("löst"), null=True, blank=True)
    solved_note = models.CharField(_("så löste det sig"), max_length=300, blank=True)
    hidden_at = models.DateTimeField(_("dolt"), null=True, blank=True)
    hidden_reason = models.CharField(_("skäl till att inlägget doldes"), max_length=500, blank=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("doldes av"),
    )
    is_demo = models.BooleanField(_("demoinnehåll"), default=False)
    created_at = models.DateTimeField(_("publicerat"), default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(_("ändrat"), auto_now=True)

    objects = ListingQuerySet.as_manager()

    class Meta:
        verbose_name = _("börsinlägg")
        verbose_name_plural = _("börsinlägg")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["kind", "direction", "last_date"])]
        constraints = [
            date_bounds_constraint("listing", "last_date"),
            date_bounds_constraint("listing", "created_at", with_time=True),
            date_bounds_constraint("listing", "solved_at", with_time=True),
            date_bounds_constraint("listing", "hidden_at", with_time=True),
        ]

    def __str__(self) -> str:
        return f"{self.get_direction_display()}: {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("borsen:detail", kwargs={"pk": self.pk})

    @property
    def is_open(self) -> bool:
        return self.solved_at is None and self.hidden_at is None and self.last_date >= timezone.localdate()

    @property
    def is_solved(self) -> bool:
        return self.solved_at is not None

    @property
    def is_hidden(self) -> bool:
        return self.hidden_at is not None

    def shows_on_public_pages(self) -> bool:
        """Every listing may have been on a public page (core.cache invalidation)."""
        return True


class Match(models.Model):
    """An ask and an offer of the same kind sharing a network; both posters are told once."""

    ask = models.ForeignKey(Listing, on_delete=models.CASCADE, related_name="matches_as_ask", verbose_name=_("sökes"))
    offer = models.ForeignKey(
        Listing, on_delete=models.CASCADE, related_name="matches_as_offer", verbose_name=_("erbjuds")
    )
    created_at = models.DateTimeField(_("hittad"), auto_now_add=True)

    class Meta:
        verbose_name = _("matchning")
        verbose_name_plural = _("matchningar")
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["ask", "offer"], name="borsen_match_once_per_pair")]

    def __str__(self) -> str:
        return f"{self.ask.title} ↔ {self.offer.title}"


# A poster gets at most one match mail in this long: the first at once, the rest in one summary.
MATCH_MAIL_WINDOW = timedelta(hours=24)


class MatchMail(ChoicesDisplayMixin, models.Model):
    """One poster told (or to be told) about one match, for the listing of theirs that matched.

    Posting many listings in a row once sent a mail per match to the same poster. Now the
    first match in a MATCH_MAIL_WINDOW is mailed at once; the ones found after it wait here
    and go out together in one summary when the window has passed
    (`borsen.match_mail.match_summaries_send`). One row per match, side and user: nothing
    is mailed twice, and a waiting row is either sent or dropped (its listing closed first),
    never forgotten.
    """

    class Side(models.TextChoices):
        ASK = "ask", _("sökes")
        OFFER = "offer", _("erbjuds")

    class State(models.TextChoices):
        WAITING = "waiting", _("väntar på sammanfattningen")
        SENT = "sent", _("skickad")
        DROPPED = "dropped", _("inte skickad, inte längre aktuell")

    match = models.ForeignKey(Match, on_delete=models.CASCADE, related_name="mails", verbose_name=_("matchning"))
    # The recipient's own listing in the match: the ask or the offer.
    side = models.CharField(_("sida"), max_length=5, choices=Side.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("mottagare")
    )
    state = models.CharField(_("läge"), max_length=10, choices=State.choices, default=State.WAITING)
    created_at = models.DateTimeField(_("hittad"), default=timezone.now)
    sent_at = models.DateTimeField(_("skickad"), null=True, blank=True)

    class Meta:
        verbose_name = _("brev om matchning")
        verbose_name_plural = _("brev om matchningar")
        constraints = [
            models.UniqueConstraint(fields=["match", "side", "user"], name="borsen_matchmail_once"),
        ]
        indexes = [models.Index(fields=["state", "user"], name="borsen_matchmail_waiting")]

    def __str__(self) -> str:
        return f"{self.match} ({self.get_side_display()})"

    @property
    def mine(self) -> Listing:
        return self.match.ask if self.side == self.Side.ASK else self.match.offer

    @property
    def other(self) -> Listing:
        return self.match.offer if self.side == self.Side.ASK else self.match.ask


class MatchMailWindow(models.Model):
    """When a poster last got a match mail. Every decision to mail them locks this row, so
    two matches found at the same moment cannot both be mailed at once."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="+",
        verbose_name=_("mottagare"),
    )
    last_sent_at = models.DateTimeField(_("senaste brevet"), null=True, blank=True)

    class Meta:
        verbose_name = _("senaste brev om matchningar")
        verbose_name_plural = _("senaste brev om matchningar")

    def __str__(self) -> str:
        return str(self.user_id)

    def is_open(self, now) -> bool:
        """Whether a match mail may go to the user now."""
        return self.last_sent_at is None or self.last_sent_at <= now - MATCH_MAIL_WINDOW
