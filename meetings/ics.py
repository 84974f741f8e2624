"""iCalendar (RFC 5545) files of meetings, made with the `icalendar` library."""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import urlparse
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from meetings.agenda import agenda_sections, agenda_text
from meetings.models import Meeting

PRODID = "-//Stadsdelsnätverken i Gävle//Möten//SV"


def _host() -> str:
    return urlparse(settings.SITE_URL).hostname or "natverk.invalid"


def meeting_uid(meeting: Meeting) -> str:
    """Stable for the life of the meeting, so calendars update the event instead of adding one."""
    return f"meeting-{meeting.pk}@{_host()}"


def _event(meeting: Meeting, tz: ZoneInfo, extra: str = "") -> Event:
    event = Event()
    event.add("uid", meeting_uid(meeting))
    event.add("sequence", meeting.sequence)
    event.add("dtstamp", meeting.updated_at or timezone.now())
    event.add("last-modified", meeting.updated_at or timezone.now())
    event.add("dtstart", timezone.localtime(meeting.starts_at, tz))
    event.add("dtend", timezone.localtime(meeting.ends_at, tz))
    # SUMMARY and DESCRIPTION in the language of the address (/en/…/kalender.ics gives English
    # where the coordinator wrote it), with LANGUAGE=sv where the Swedish text stands in.
    event.add(
        "summary",
        f"{meeting.tr('title')} ({meeting.network.name})",
        parameters={"language": meeting.shown_language("title")},
    )
    location = ", ".join(part for part in (meeting.place, meeting.address) if part)
    if location:
        event.add("location", location)
    url = settings.SITE_URL + meeting.get_absolute_url()
    event.add("url", url)
    # The agenda, then what other apps add to it (residents' questions: meetings.agenda).
    description = [meeting.tr("agenda").strip(), extra, url]
    if meeting.is_cancelled:
        description.insert(0, _("INSTÄLLT: %(reason)s") % {"reason": meeting.tr("cancel_reason")})
    # The text's language is the agenda's, or the reason's on a cancelled meeting without one.
    texts = [name for name in ("cancel_reason", "agenda") if getattr(meeting, name).strip()]
    parameters = {"language": meeting.shown_language(texts[-1])} if texts else None
    event.add("description", "\n\n".join(part for part in description if part), parameters=parameters)
    event.add("status", "CANCELLED" if meeting.is_cancelled else "CONFIRMED")
    return event


def _calendar(method: str) -> Calendar:
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", method)
    return cal


def calendar_bytes(meetings: Iterable[Meeting], *, name: str) -> bytes:
    """A VCALENDAR with one VEVENT per meeting and the VTIMEZONE they use."""
    tz = ZoneInfo(settings.TIME_ZONE)
    cal = _calendar("PUBLISH")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", settings.TIME_ZONE)
    meetings = list(meetings)
    extras = agenda_sections([meeting.pk for meeting in meetings])
    for meeting in meetings:
        cal.add_component(_event(meeting, tz, agenda_text(extras.get(meeting.pk, []))))
    cal.add_missing_timezones()
    return cal.to_ical()


def cancellation_bytes(meeting: Meeting, *, attendee: str) -> bytes:
    """The cancellation mail's calendar file: an iTIP CANCEL (RFC 5546, 3.2.5).

    A PUBLISH of a cancelled event is kept by many calendars, struck through or not at all;
    a CANCEL with the UID of the invitation and a higher SEQUENCE removes it. The meeting's
    SEQUENCE was raised when it was cancelled (meetings.services.meeting_cancel). ORGANIZER
    (the network's address) is required in a CANCEL; ATTENDEE names only the recipient,
    so no one's file lists the others' addresses.
    """
    tz = ZoneInfo(settings.TIME_ZONE)
    cal = _calendar("CANCEL")
    event = _event(meeting, tz)
    organizer = meeting.network.contact_email or settings.CONTACT_EMAIL
    event.add("organizer", f"mailto:{organizer}", parameters={"cn": meeting.network.name})
    event.add("attendee", f"mailto:{attendee}")
    cal.add_component(event)
    cal.add_missing_timezones()
    return cal.to_ical()
