"""Meetings of the networks and the registrations (anmälningar) for them."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.choices import ChoicesDisplayMixin
from core.dates import date_bounds_constraint
from core.translation import TranslatedMixin, translated_fields

NEEDS_MAX_LENGTH = 300


def without_minutes_q() -> Q:
    """Planned meetings that have ended and have no minutes yet (cancelled ones need none)."""
    return Q(ends_at__lt=timezone.now(), status=Meeting.Status.PLANNED, minutes="")


class MeetingQuerySet(models.QuerySet):
    def upcoming(self) -> MeetingQuerySet:
        """Meetings that have not ended yet, the next one first."""
        return self.filter(ends_at__gte=timezone.now()).order_by("starts_at", "pk")

    def past(self) -> MeetingQuerySet:
        """Meetings that have ended, the latest first."""
        return self.filter(ends_at__lt=timezone.now()).order_by("-starts_at", "-pk")

    def without_minutes(self) -> MeetingQuerySet:
        return self.filter(without_minutes_q())

    def on_local_dates(self, dates) -> MeetingQuerySet:
        """Meetings that start on one of `dates`, as dates fall in the site's time zone."""
        return self.filter(starts_at__date__in=list(dates)).order_by("starts_at", "pk")

    def for_network(self, network) -> MeetingQuerySet:
        return self.filter(network=network)

    def with_seats(self) -> MeetingQuerySet:
        """Annotate `seats_taken` (confirmed registrations), so a list can say how many places are left."""
        return self.annotate(
            seats_taken=models.Count("registrations", filter=Q(registrations__status=Registration.Status.CONFIRMED))
        )


def next_meeting_start() -> models.Subquery:
    """For `Network.objects.annotate(next_meeting_at=next_meeting_start())`: no query per network."""
    return models.Subquery(
        Meeting.objects.filter(
            network=models.OuterRef("pk"), status=Meeting.Status.PLANNED, ends_at__gte=timezone.now()
        )
        .order_by("starts_at")
        .values("starts_at")[:1]
    )


@translated_fields("title", "agenda", "accessibility", "cancel_reason", "minutes")
class Meeting(ChoicesDisplayMixin, TranslatedMixin, models.Model):
    """A meeting of a network: a network meeting, a theme meeting or a working-group meeting."""

    class Kind(models.TextChoices):
        NETWORK = "natverkstraff", _("Nätverksträff")
        THEME = "temamote", _("Temamöte")
        WORKING_GROUP = "arbetsgruppsmote", _("Arbetsgruppsmöte")

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planerat")
        CANCELLED = "cancelled", _("Inställt")

    network = models.ForeignKey(
        "networks.Network", on_delete=models.PROTECT, related_name="meetings", verbose_name=_("nätverk")
    )
    kind = models.CharField(_("typ av möte"), max_length=20, choices=Kind.choices, default=Kind.NETWORK)
    working_group = models.ForeignKey(
        "networks.WorkingGroup",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="meetings",
        verbose_name=_("arbetsgrupp"),
        help_text=_("Bara för arbetsgruppsmöten. Gruppen måste höra till samma nätverk."),
    )
    title = models.CharField(_("rubrik"), max_length=200)
    starts_at = models.DateTimeField(_("börjar"))
    ends_at = models.DateTimeField(_("slutar"))
    place = models.CharField(_("plats"), max_length=200, help_text=_("Till exempel Andersbergs träffpunkt."))
    address = models.CharField(_("adress"), max_length=200, blank=True)
    accessibility = models.TextField(
        _("tillgänglighet"),
        blank=True,
        help_text=_("Till exempel om lokalen går att nå utan trappor, hörslinga och tillgänglig toalett."),
    )
    agenda = models.TextField(_("dagordning"), blank=True)
    minutes = models.TextField(
        _("protokoll"),
        blank=True,
        help_text=_("Läggs till efter mötet. När protokollet sparas första gången får nätverkets medlemmar e-post."),
    )
    minutes_published_at = models.DateTimeField(_("protokoll publicerat"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PLANNED)
    cancel_reason = models.CharField(
        _("anledning till att mötet är inställt"),
        max_length=300,
        blank=True,
        help_text=_("Krävs när mötet är inställt. Visas på webbplatsen."),
    )
    registration_enabled = models.BooleanField(_("anmälan"), default=False)
    capacity = models.PositiveIntegerField(
        _("antal platser"), null=True, blank=True, help_text=_("Krävs när mötet har anmälan.")
    )
    # iCalendar: a calendar program replaces its copy of an event only when SEQUENCE grows.
    sequence = models.PositiveIntegerField(_("versionsnummer i kalendern"), default=0, editable=False)
    series = models.UUIDField(_("serie"), null=True, blank=True, editable=False, db_index=True)
    is_demo = models.BooleanField(_("demoinnehåll"), default=False)
    created_at = models.DateTimeField(_("skapad"), auto_now_add=True)
    updated_at = models.DateTimeField(_("ändrad"), auto_now=True)

    objects = MeetingQuerySet.as_manager()

    class Meta:
        verbose_name = _("möte")
        verbose_name_plural = _("möten")
        ordering = ["starts_at", "pk"]
        indexes = [
            models.Index(fields=["starts_at"], name="meeting_starts_at"),
            models.Index(fields=["ends_at", "starts_at"], name="meeting_ends_starts"),
            models.Index(fields=["network", "starts_at"], name="meeting_network_starts"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")),
                name="meeting_ends_after_start",
                violation_error_message=_("Mötet måste sluta efter att det har börjat."),
            ),
            date_bounds_constraint("meeting", "starts_at", with_time=True),
            date_bounds_constraint("meeting", "ends_at", with_time=True),
            models.CheckConstraint(
                condition=Q(status__in=["planned", "cancelled"]),
                name="meeting_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(status="planned") | ~Q(cancel_reason=""),
                name="meeting_cancelled_has_reason",
                violation_error_message=_("Skriv varför mötet är inställt."),
            ),
            models.CheckConstraint(
                condition=Q(registration_enabled=False) | Q(capacity__isnull=False, capacity__gt=0),
                name="meeting_registration_has_capacity",
                violation_error_message=_("Ange hur många platser det finns när mötet har anmälan."),
            ),
            models.CheckConstraint(
                condition=Q(capacity__isnull=True) | Q(capacity__gt=0),
                name="meeting_capacity_positive",
                violation_error_message=_("Antalet platser måste vara minst 1."),
            ),
        ]

    def __str__(self) -> str:
        local = timezone.localtime(self.starts_at)
        return f"{self.title} ({local:%Y-%m-%d %H:%M})"

    def get_absolute_url(self) -> str:
        return reverse("meetings:detail", kwargs={"pk": self.pk})

    def clean(self) -> None:
        errors = {}
        if self.working_group_id and self.network_id and self.working_group.network_id != self.network_id:
            errors["working_group"] = _("Arbetsgruppen hör inte till mötets nätverk.")
        if self.status == self.Status.CANCELLED and not self.cancel_reason.strip():
            errors["cancel_reason"] = _("Skriv varför mötet är inställt.")
        if self.registration_enabled and not self.capacity:
            errors["capacity"] = _("Ange hur många platser det finns när mötet har anmälan.")
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            errors["ends_at"] = _("Mötet måste sluta efter att det har börjat.")
        if errors:
            raise ValidationError(errors)

    @property
    def is_cancelled(self) -> bool:
        return self.status == self.Status.CANCELLED

    @property
    def is_past(self) -> bool:
        return self.ends_at < timezone.now()

    @property
    def has_published_minutes(self) -> bool:
        return bool(self.minutes) and self.minutes_published_at is not None

    @property
    def registration_open(self) -> bool:
        """Sign-up is possible: registration is used, the meeting is planned and has not started."""
        return self.registration_enabled and not self.is_cancelled and self.starts_at > timezone.now()

    @property
    def seats_left(self) -> int | None:
        """Free places, from `with_seats()`; None when the meeting has no sign-up or was not annotated."""
        taken = getattr(self, "seats_taken", None)
        if not self.registration_enabled or taken is None:
            return None
        return max((self.capacity or 0) - taken, 0)


class RegistrationQuerySet(models.QuerySet):
    def active(self) -> RegistrationQuerySet:
        return self.exclude(status=Registration.Status.CANCELLED)

    def confirmed(self) -> RegistrationQuerySet:
        return self.filter(status=Registration.Status.CONFIRMED)

    def waitlisted(self) -> RegistrationQuerySet:
        return self.filter(status=Registration.Status.WAITLISTED)


class Registration(ChoicesDisplayMixin, models.Model):
    """A person's sign-up (anmälan) for a meeting, for themselves or for an actor they represent."""

    class Status(models.TextChoices):
        CONFIRMED = "confirmed", _("Anmäld")
        WAITLISTED = "waitlisted", _("På väntelistan")
        CANCELLED = "cancelled", _("Avbokad")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="registrations", verbose_name=_("möte"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="meeting_registrations",
        verbose_name=_("användare"),
    )
    actor = models.ForeignKey(
        "members.Actor",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="meeting_registrations",
        verbose_name=_("för aktören"),
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.CONFIRMED)
    created_at = models.DateTimeField(_("anmäld"), auto_now_add=True)
    cancelled_at = models.DateTimeField(_("avbokad"), null=True, blank=True)
    promoted_at = models.DateTimeField(_("flyttad från väntelistan"), null=True, blank=True)
    reminder_sent_at = models.DateTimeField(_("påminnelse skickad"), null=True, blank=True)
    # Health data under the GDPR: shown only to the meeting's coordinators and emptied by
    # `purge_meeting_needs` 30 days after the meeting (meetings.services.NEEDS_KEPT_DAYS).
    needs = models.TextField(
        _("behov av anpassning eller kost"),
        max_length=NEEDS_MAX_LENGTH,
        blank=True,
        help_text=_("Till exempel hörslinga, rullstolsplats eller allergier. Bara mötets samordnare ser det."),
    )

    objects = RegistrationQuerySet.as_manager()

    class Meta:
        verbose_name = _("anmälan")
        verbose_name_plural = _("anmälningar")
        # The waiting list is served in this order.
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["meeting", "status", "created_at"], name="registration_meeting_status")]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["confirmed", "waitlisted", "cancelled"]), name="registration_status_valid"
            ),
            # Two constraints because NULLs are distinct in a unique index (actor is optional).
            models.UniqueConstraint(
                fields=["meeting", "user"],
                condition=Q(actor__isnull=True) & ~Q(status="cancelled"),
                name="registration_unique_active_self",
                violation_error_message=_("Du är redan anmäld till mötet."),
            ),
            models.UniqueConstraint(
                fields=["meeting", "user", "actor"],
                condition=Q(actor__isnull=False) & ~Q(status="cancelled"),
                name="registration_unique_active_actor",
                violation_error_message=_("Du har redan anmält aktören till mötet."),
            ),
            models.CheckConstraint(
                condition=LessThanOrEqual(Length("needs"), NEEDS_MAX_LENGTH),
                name="registration_needs_short",
                violation_error_message=_("Skriv behoven med högst 300 tecken."),
            ),
        ]

    def __str__(self) -> str:
        who = f"{self.user} ({self.actor})" if self.actor_id else str(self.user)
        return f"{who} – {self.meeting.title}"

    @property
    def is_active(self) -> bool:
        return self.status != self.Status.CANCELLED
