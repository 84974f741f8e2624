"""Demo meetings for `make run`: a year per network, clearly marked as demo."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from meetings.models import Meeting, Registration
from meetings.series import LAST, plan_series
from members.demo import REPRESENTATIVE_EMAIL
from members.models import Actor, User
from networks.models import Network

# (weekday, nth) of each network's meetings, so the four calendars do not collide.
RHYTHM = {"andersberg": (1, 2), "bomhus": (2, 2), "brynas": (3, 3), "satra": (0, 1)}
PLACES = {
    "andersberg": ("Andersbergs träffpunkt (demo)", "Andersbergsvägen 1, Gävle"),
    "bomhus": ("Bomhus medborgarhus (demo)", "Bomhusvägen 1, Gävle"),
    "brynas": ("Brynäs bibliotek (demo)", "Brynäsgatan 1, Gävle"),
    "satra": ("Sätra träffpunkt (demo)", "Sätravägen 1, Gävle"),
}
ACCESSIBILITY = "Entré utan trappor, hörslinga i stora salen och tillgänglig toalett. (demo)"
AGENDA = "1. Välkommen och presentationsrunda\n2. Nytt från nätverket\n3. Aktiviteter i stadsdelen\n4. Övriga frågor"
MINUTES = (
    "Närvarande: 14 personer från 9 aktörer. (demo)\n\n"
    "1. Alla presenterade sig.\n2. Samordnaren berättade om höstens aktiviteter.\n"
    "3. Två föreningar vill ordna en gemensam städdag; de söker pengar ur potten.\n"
    "4. Nästa träff enligt kalendern."
)


def _at(day: date, hour: int, tz: ZoneInfo) -> datetime:
    return datetime.combine(day, time(hour, 0), tzinfo=tz)


def create_demo() -> None:
    """Create demo meetings for every network that has none yet; safe to run again."""
    tz = ZoneInfo(settings.TIME_ZONE)
    today = timezone.localdate()
    start = (today - timedelta(days=180)).replace(day=1)
    with transaction.atomic():
        for network in Network.objects.all():
            if Meeting.objects.filter(network=network, is_demo=True).exists():
                continue
            weekday, nth = RHYTHM.get(network.slug, (1, 2))
            place, address = PLACES.get(network.slug, (f"{network.name} (demo)", ""))
            days = plan_series(first_date=start, weekday=weekday, nth=nth, interval_months=2, count=7)
            cancel_next = network.slug == "brynas"
            for day in days:
                meeting = Meeting(
                    network=network,
                    kind=Meeting.Kind.NETWORK,
                    title=f"Nätverksträff i {network.name} (demo)",
                    starts_at=_at(day, 18, tz),
                    ends_at=_at(day, 20, tz),
                    place=place,
                    address=address,
                    accessibility=ACCESSIBILITY,
                    agenda=AGENDA,
                    is_demo=True,
                )
                if day < today:
                    meeting.minutes = MINUTES
                    meeting.minutes_published_at = _at(day + timedelta(days=7), 9, tz)
                elif cancel_next:
                    meeting.status = Meeting.Status.CANCELLED
                    meeting.cancel_reason = "Lokalen är inte tillgänglig den dagen. Vi ses på nästa träff! (demo)"
                    cancel_next = False
                meeting.save()
            # One theme meeting with limited seats in the coming months.
            theme_day = plan_series(
                first_date=today + timedelta(days=20), weekday=3, nth=LAST, interval_months=1, count=1
            )[0]
            theme = Meeting.objects.create(
                network=network,
                kind=Meeting.Kind.THEME,
                title=f"Temamöte: trygghet i {network.name} (demo)",
                starts_at=_at(theme_day, 17, tz),
                ends_at=_at(theme_day, 19, tz),
                place=place,
                address=address,
                accessibility=ACCESSIBILITY,
                agenda="Polisen och Gavlegårdarna berättar om tryggheten i stadsdelen. Fika. (demo)",
                registration_enabled=True,
                capacity=25,
                is_demo=True,
            )
            if network.slug == "satra":
                _register_the_demo_representative(theme)


def _register_the_demo_representative(meeting: Meeting) -> None:
    """The demo representative goes to Sätra's theme meeting for their association, so that
    "Mina sidor" shows a coming meeting."""
    rep = User.objects.filter(email=REPRESENTATIVE_EMAIL).first()
    actor = Actor.objects.filter(representations__user=rep, memberships__network=meeting.network).first()
    if rep is not None:
        Registration.objects.get_or_create(meeting=meeting, user=rep, defaults={"actor": actor})
