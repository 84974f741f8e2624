"""What happens to meetings and registrations: sign-up, waiting list, mail, series, minutes."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.mail import mail_language, mail_link, mail_queue_each
from meetings.cancelling import cancel_run
from meetings.ics import calendar_bytes, cancellation_bytes
from meetings.models import Meeting, Registration
from members.models import Actor, Membership, Representation, User

REMINDER_DAYS_BEFORE = 2
# Access needs and allergies are kept for the meeting and a month for questions afterwards.
NEEDS_KEPT_DAYS = 30


class RegistrationError(Exception):
    """A sign-up or cancellation that cannot be done; the message is shown to the user."""


# ---- mail ----


def _mail_context(meeting: Meeting, **extra) -> dict:
    return {
        "meeting": meeting,
        "meeting_url": mail_link(meeting.get_absolute_url),
        # Questions about a meeting go to its network, not to the portal's general address.
        "contact_email": meeting.network.contact_email or settings.CONTACT_EMAIL,
        "my_registrations_url": mail_link("meetings:my-registrations"),
        **extra,
    }


def _mail_after_commit(registration: Registration, template: str) -> None:
    """Queue the registration's mail in the current transaction (the outbox sends it after commit)."""
    meeting = registration.meeting
    attachments = []
    if registration.status == Registration.Status.CONFIRMED:
        # In the language of the mail (its texts and its link), not of the page the sign-up came from.
        with translation.override(mail_language(registration.user.language)):
            attachments.append(("mote.ics", calendar_bytes([meeting], name=meeting.title), "text/calendar"))
    mail_queue_each(
        users=[registration.user],
        template=f"meetings/email/{template}",
        context=_mail_context(meeting, registration=registration),
        attachments=attachments,
        kind=f"meetings.{template}",
    )


# ---- registration ----


def registration_create(*, meeting: Meeting, user: User, actor: Actor | None = None, needs: str = "") -> Registration:
    """Sign `user` (or `actor`, which the user represents) up; confirmed while seats remain, else waitlisted.

    `needs` (access needs, food) is seen only by the meeting's coordinators.
    """
    if actor is not None and not Representation.objects.filter(user=user, actor=actor).exists():
        raise RegistrationError(_("Du kan bara anmäla aktörer som du företräder."))
    try:
        with transaction.atomic():
            # The meeting row is the lock that serialises sign-ups for the same meeting, so
            # two people cannot both take the last seat.
            locked = Meeting.objects.select_for_update().get(pk=meeting.pk)
            if not locked.registration_enabled:
                raise RegistrationError(_("Det går inte att anmäla sig till det här mötet."))
            if locked.is_cancelled:
                raise RegistrationError(_("Mötet är inställt, så det går inte att anmäla sig."))
            if locked.starts_at <= timezone.now():
                raise RegistrationError(_("Anmälan är stängd eftersom mötet redan har börjat."))
            if Registration.objects.active().filter(meeting=locked, user=user, actor=actor).exists():
                if actor is None:
                    raise RegistrationError(_("Du är redan anmäld till mötet."))
                raise RegistrationError(_("Du har redan anmält %(actor)s till mötet.") % {"actor": actor.name})
            taken = Registration.objects.confirmed().filter(meeting=locked).count()
            status = Registration.Status.CONFIRMED if taken < (locked.capacity or 0) else Registration.Status.WAITLISTED
            registration = Registration.objects.create(
                meeting=locked, user=user, actor=actor, status=status, needs=needs.strip()
            )
            _mail_after_commit(
                registration, "registration_confirmed" if status == Registration.Status.CONFIRMED else "waitlisted"
            )
    except IntegrityError:
        # The unique constraint caught a double submit that raced past the check above.
        raise RegistrationError(_("Du är redan anmäld till mötet.")) from None
    return registration


def registration_cancel(*, registration: Registration, user: User) -> Registration | None:
    """Cancel one's own registration; the first on the waiting list moves up. Returns who moved up."""
    if registration.user_id != user.pk:
        raise RegistrationError(_("Du kan bara avboka dina egna anmälningar."))
    with transaction.atomic():
        Meeting.objects.select_for_update().get(pk=registration.meeting_id)
        current = Registration.objects.get(pk=registration.pk)
        if current.status == Registration.Status.CANCELLED:
            raise RegistrationError(_("Anmälan är redan avbokad."))
        was_confirmed = current.status == Registration.Status.CONFIRMED
        current.status = Registration.Status.CANCELLED
        current.cancelled_at = timezone.now()
        # Someone who does not come has no need for the coordinators to know about.
        current.needs = ""
        current.save(update_fields=["status", "cancelled_at", "needs"])
        registration.status, registration.cancelled_at = current.status, current.cancelled_at
        registration.needs = ""
        promoted = None
        if was_confirmed:
            promoted = Registration.objects.waitlisted().filter(meeting_id=registration.meeting_id).first()
            if promoted is not None:
                promoted.status = Registration.Status.CONFIRMED
                promoted.promoted_at = timezone.now()
                promoted.save(update_fields=["status", "promoted_at"])
                _mail_after_commit(promoted, "promoted")
    return promoted


def registration_fill_seats(*, meeting: Meeting) -> list[Registration]:
    """Move people up from the waiting list while seats are free (after the capacity grew)."""
    promoted: list[Registration] = []
    with transaction.atomic():
        locked = Meeting.objects.select_for_update().get(pk=meeting.pk)
        if not locked.registration_enabled or locked.is_cancelled:
            return promoted
        free = (locked.capacity or 0) - Registration.objects.confirmed().filter(meeting=locked).count()
        if free <= 0:
            return promoted
        for registration in Registration.objects.waitlisted().filter(meeting=locked)[:free]:
            registration.status = Registration.Status.CONFIRMED
            registration.promoted_at = timezone.now()
            registration.save(update_fields=["status", "promoted_at"])
            _mail_after_commit(registration, "promoted")
            promoted.append(registration)
    return promoted


# ---- reminders and minutes ----


def meeting_send_reminders(*, now: datetime | None = None) -> int:
    """Remind everyone confirmed for a meeting in the next two days; each person once. Returns mails sent."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    last_day_end = datetime.combine(
        today + timedelta(days=REMINDER_DAYS_BEFORE + 1), time.min, tzinfo=ZoneInfo(settings.TIME_ZONE)
    )
    due = (
        Registration.objects.confirmed()
        .filter(
            reminder_sent_at__isnull=True,
            meeting__status=Meeting.Status.PLANNED,
            meeting__starts_at__gt=now,
            meeting__starts_at__lt=last_day_end,
        )
        .select_related("meeting__network", "user", "actor")
    )
    sent = 0
    # Marking and queueing commit together: a reminder is marked sent only once it is in the
    # outbox, and the conditional update lets two runs at once queue it only once.
    with transaction.atomic():
        for registration in due:
            claimed = Registration.objects.filter(pk=registration.pk, reminder_sent_at__isnull=True).update(
                reminder_sent_at=now
            )
            if not claimed:
                continue
            mail_queue_each(
                users=[registration.user],
                template="meetings/email/reminder",
                context=_mail_context(registration.meeting, registration=registration),
                kind="meetings.reminder",
            )
            sent += 1
    return sent


def meeting_publish_minutes(*, meeting: Meeting) -> int:
    """Publish the minutes and tell the network's members by e-mail, once. Returns mails sent."""
    if not meeting.minutes.strip():
        return 0
    with transaction.atomic():
        published = Meeting.objects.filter(pk=meeting.pk, minutes_published_at__isnull=True).update(
            minutes_published_at=timezone.now()
        )
        if not published:
            return 0
        meeting.refresh_from_db(fields=["minutes_published_at"])
        active_actor_ids = Membership.objects.active().filter(network=meeting.network_id).values("actor_id")
        users = (
            User.objects.filter(representations__actor_id__in=active_actor_ids, is_active=True)
            .distinct()
            .order_by("email")
        )
        sent = mail_queue_each(
            users=users, template="meetings/email/minutes", context=_mail_context(meeting), kind="meetings.minutes"
        )
    return len(sent)


def cancellation_recipients(meeting: Meeting):
    """The registrations whose people are told when `meeting` is cancelled: the confirmed and
    the waiting list, in the order the confirm page lists them (meeting_cancel mails them)."""
    return (
        Registration.objects.active()
        .filter(meeting=meeting)
        .select_related("user", "actor")
        .order_by("status", "created_at", "pk")
    )


def meeting_notify_cancelled(*, meeting: Meeting) -> int:
    """Tell everyone signed up that the meeting is cancelled; the attached .ics removes it from calendars.

    Each mail has its own calendar file (an iTIP CANCEL naming its recipient), in the
    recipient's language as the mail is.
    """
    registered = cancellation_recipients(meeting).values("user_id")
    users = User.objects.filter(pk__in=registered).order_by("email")
    sent: list[int] = []
    for user in users:
        with translation.override(mail_language(getattr(user, "language", None))):
            ics = cancellation_bytes(meeting, attendee=user.email)
        sent += mail_queue_each(
            users=[user],
            template="meetings/email/cancelled",
            context=_mail_context(meeting),
            # iMIP (RFC 6047): the part's type names the method of the file inside.
            attachments=[("mote.ics", ics, "text/calendar; method=CANCEL")],
            kind="meetings.cancelled",
        )
    return len(sent)


@dataclass(frozen=True)
class Cancelled:
    """What cancelling a meeting did: mails to the people signed up, and a line from each app
    that did something more (meetings.cancelling; dialog: questions back to "Ny")."""

    told: int
    notes: list[str]


def meeting_cancel(*, meeting: Meeting) -> Cancelled:
    """Cancel a planned meeting whose reason is written, mail everyone signed up, and let the
    apps above do their part (meetings.cancelling), all in one transaction.

    The coordinator has seen who will be told (cancellation_recipients) and what else happens
    (cancel_previews) and confirmed. The calendar's SEQUENCE grows, so that the mailed CANCEL
    outranks every file sent before.
    """
    with transaction.atomic():
        locked = Meeting.objects.select_for_update().select_related("network").get(pk=meeting.pk)
        if locked.is_cancelled:
            raise ValidationError(_("Mötet är redan inställt."))
        if not locked.cancel_reason.strip():
            raise ValidationError(_("Skriv varför mötet är inställt."))
        locked.status = Meeting.Status.CANCELLED
        meeting_touch(meeting=locked)
        locked.save(update_fields=["status", "sequence", "updated_at"])
        told = meeting_notify_cancelled(meeting=locked)
        notes = cancel_run(locked)
    meeting.status, meeting.sequence, meeting.updated_at = locked.status, locked.sequence, locked.updated_at
    return Cancelled(told=told, notes=notes)


def registration_needs_purge(*, now: datetime | None = None) -> int:
    """Empty the access needs of registrations for meetings that ended NEEDS_KEPT_DAYS ago. Returns rows."""
    cutoff = (now or timezone.now()) - timedelta(days=NEEDS_KEPT_DAYS)
    return Registration.objects.filter(meeting__ends_at__lt=cutoff).exclude(needs="").update(needs="")


def meeting_touch(*, meeting: Meeting) -> None:
    """Bump the iCalendar SEQUENCE; call on every change so that calendars pick it up."""
    meeting.sequence = (meeting.sequence or 0) + 1


# ---- series ----


@dataclass
class SeriesDetails:
    network_id: int
    kind: str
    title: str
    start_time: time
    end_time: time
    place: str
    address: str = ""
    accessibility: str = ""
    agenda: str = ""
    registration_enabled: bool = False
    capacity: int | None = None


def meeting_series_create(*, dates: list[date], details: SeriesDetails, is_demo: bool = False) -> list[Meeting]:
    """Create one meeting per date, all or none. Each meeting can be edited on its own afterwards."""
    tz = ZoneInfo(settings.TIME_ZONE)
    series = uuid.uuid4()
    meetings = [
        Meeting(
            network_id=details.network_id,
            kind=details.kind,
            title=details.title,
            starts_at=datetime.combine(day, details.start_time, tzinfo=tz),
            ends_at=datetime.combine(day, details.end_time, tzinfo=tz),
            place=details.place,
            address=details.address,
            accessibility=details.accessibility,
            agenda=details.agenda,
            registration_enabled=details.registration_enabled,
            capacity=details.capacity if details.registration_enabled else None,
            series=series,
            is_demo=is_demo,
        )
        for day in dates
    ]
    with transaction.atomic():
        for meeting in meetings:
            meeting.full_clean()
            meeting.save()
    return meetings


# ---- "Mina uppgifter": export and account deletion (hooks in members.services) ----


# What the meetings keys of the download mean, shown on "Mina uppgifter" (members.gdpr).
REGISTRATIONS_EXPORT_LABELS = {
    "meeting_registrations": gettext_lazy("Anmälningar till möten"),
    "meeting": gettext_lazy("Möte"),
    "starts_at": gettext_lazy("Börjar"),
    "for_actor": gettext_lazy("För aktören"),
    "needs": gettext_lazy("Behov av anpassning eller kost"),
    "registered_at": gettext_lazy("Anmäld"),
    "cancelled_at": gettext_lazy("Avbokad"),
}


def registrations_user_export(*, user: User) -> dict:
    """The user's meeting registrations, for the JSON download of "Mina uppgifter"."""
    registrations = Registration.objects.filter(user=user).select_related("meeting__network", "actor")
    return {
        "meeting_registrations": [
            {
                "meeting": r.meeting.title,
                "network": r.meeting.network.name,
                "starts_at": r.meeting.starts_at,
                "status": r.get_status_display(),
                "for_actor": r.actor.name if r.actor_id else None,
                "needs": r.needs,
                "registered_at": r.created_at,
                "cancelled_at": r.cancelled_at,
            }
            for r in registrations.order_by("meeting__starts_at", "pk")
        ]
    }


def registrations_user_delete(*, user: User) -> None:
    """Free the user's seats in meetings that have not started, then delete all their registrations.

    Cancelling goes through registration_cancel so that the first on the waiting list moves
    up and gets the usual mail, exactly as if the user had cancelled by hand.
    """
    with transaction.atomic():
        upcoming = (
            Registration.objects.active()
            .filter(user=user, meeting__starts_at__gt=timezone.now(), meeting__status=Meeting.Status.PLANNED)
            .order_by("pk")
        )
        for registration in upcoming:
            registration_cancel(registration=registration, user=user)
        Registration.objects.filter(user=user).delete()
