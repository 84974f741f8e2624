"""A coordinator's day in the admin: the to-do list, two membership requests decided, a text
on their own network saved, a series planned that clashes with a meeting already there, and
a meeting cancelled through its confirm step.

axe-core checks every page on the way (page.goto does it; page.check() after each click).
"""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.core import mail
from django.utils import timezone
from icalendar import Calendar

from meetings.models import Meeting
from meetings.services import registration_create
from members.models import Actor, Membership, Representation
from networks.models import WorkingGroup
from tests.conftest import _user
from tests.meetings.conftest import TZ, make_meeting


@pytest.fixture(autouse=True)
def _settings(settings) -> None:
    settings.REQUIRE_STAFF_MFA = False
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


def _request(name: str, network, message: str) -> Membership:
    actor = Actor.objects.create(name=name, slug=name.lower().replace(" ", "-"), kind=Actor.Kind.ASSOCIATION)
    user = _user(f"{actor.slug}@example.se")
    Representation.objects.create(user=user, actor=actor, role=Representation.Role.SIGNATORY)
    return Membership.objects.create(actor=actor, network=network, message=message)


def _next_second_tuesday() -> datetime:
    """The second Tuesday of the month after next, at 18.00: the series' first date below."""
    today = timezone.localdate()
    year, month = (today.year, today.month + 2) if today.month <= 10 else (today.year + 1, today.month - 10)
    first = datetime(year, month, 1, 18, 0, tzinfo=TZ)
    return first + timedelta(days=(1 - first.weekday()) % 7 + 7)


@pytest.mark.django_db(transaction=True)
def test_coordinators_day(page, networks, coord_andersberg) -> None:
    raw = page.page
    raw.set_default_timeout(10_000)
    andersberg = networks["andersberg"]
    _request("Bouleklubben", andersberg, "Vi spelar boule i parken varje torsdag.")
    _request("Schackklubben", andersberg, "Vi vill bjuda in till schack för barn.")
    make_meeting(andersberg, title="Förra träffen", starts_at=timezone.now() - timedelta(days=7))
    clash_at = _next_second_tuesday()
    make_meeting(andersberg, title="Trygghetsvandring", starts_at=clash_at.replace(hour=17))
    # A meeting in five days with one place: one person signed up, one on the waiting list.
    autumn = make_meeting(
        andersberg,
        title="Höstträffen",
        starts_at=(timezone.now() + timedelta(days=5)).replace(hour=18, minute=0, second=0, microsecond=0),
        registration_enabled=True,
        capacity=1,
    )
    registration_create(meeting=autumn, user=_user("kalle@example.se"))
    registration_create(meeting=autumn, user=_user("lisa@example.se"))
    # The network's page then has an editable table of working groups (axe: every input labelled).
    WorkingGroup.objects.create(network=andersberg, name="Trygghet")

    page.login(coord_andersberg)

    # The to-do list, first on a phone.
    raw.set_viewport_size({"width": 320, "height": 800})
    page.goto("/admin/")
    todo = raw.locator("section.todo")
    assert "2 ansökningar om medlemskap väntar på beslut" in todo.inner_text()
    assert "1 möte har varit men saknar protokoll" in todo.inner_text()
    assert raw.evaluate(
        "document.querySelector('section.todo').scrollWidth <= document.querySelector('section.todo').clientWidth"
    )
    raw.set_viewport_size({"width": 1280, "height": 900})

    # Approve one request from its own page, behind a confirm page.
    raw.get_by_role("link", name="2 ansökningar om medlemskap väntar på beslut").click()
    page.check()
    raw.get_by_role("link", name="Bouleklubben", exact=True).click()
    page.check()
    assert "Vi spelar boule i parken varje torsdag." in raw.content()
    assert "Om aktören" in raw.locator(".actor-facts").inner_text()
    raw.get_by_role("link", name="Godkänn ansökan").click()
    page.check()
    raw.get_by_role("button", name="Ja, godkänn").click()
    page.check()
    assert "Bouleklubben är nu medlem." in raw.locator(".messagelist").inner_text()
    assert Membership.objects.get(actor__name="Bouleklubben").status == Membership.Status.ACTIVE

    # Decline the other with a message that goes into the mail.
    raw.get_by_role("link", name="Schackklubben", exact=True).click()
    page.check()
    raw.get_by_role("link", name="Avböj ansökan").click()
    page.check()
    raw.get_by_label("Meddelande till aktören").fill("Schack för barn passar bättre i Sätras nätverk.")
    raw.get_by_role("button", name="Ja, avböj").click()
    page.check()
    assert Membership.objects.get(actor__name="Schackklubben").status == Membership.Status.DECLINED
    assert any("Schack för barn passar bättre i Sätras nätverk." in m.body for m in mail.outbox)

    # Their own network: open it and save a text.
    page.goto(f"/admin/networks/network/{andersberg.pk}/change/")
    raw.get_by_label("Hur ofta nätverket träffas:", exact=True).fill("Andra tisdagen varannan månad")
    raw.get_by_role("button", name="Spara", exact=True).click()
    page.check()
    andersberg.refresh_from_db()
    assert andersberg.meeting_rhythm == "Andra tisdagen varannan månad"

    # A series whose second date already has a meeting.
    page.goto("/admin/meetings/meeting/planera-serie/")
    network = raw.get_by_label("Nätverk")
    assert network.locator("option").all_inner_texts() == ["Andersbergsgruppen (Andersberg)"]
    # The second Tuesday every other month, from the clashing meeting's month on.
    raw.get_by_label("Första datum").fill(clash_at.date().replace(day=1).isoformat())
    raw.get_by_label("Antal möten").fill("3")
    raw.get_by_label("Börjar klockan").fill("18:00")
    raw.get_by_label("Slutar klockan").fill("20:00")
    raw.get_by_label("Plats", exact=True).fill("Andersbergs träffpunkt")
    raw.get_by_role("button", name="Visa datumen").click()
    page.check()
    warning = raw.locator(".plan-series__warning")
    assert "Ett av datumen har redan ett möte i" in warning.inner_text()
    clash = raw.locator(".plan-series__clash")
    assert "Trygghetsvandring" in clash.inner_text() and "17.00" in clash.inner_text()
    raw.get_by_role("button", name="Spara mötena").click()
    page.check()
    assert Meeting.objects.filter(title="Nätverksträff", network=andersberg).count() == 3

    # The meeting list starts with the coming meetings, the nearest first; the past one is last.
    titles = raw.locator("#result_list th.field-title a").all_inner_texts()
    assert titles[0] == "Höstträffen" and titles[-1] == "Förra träffen"

    # Cancel the nearest meeting: the form leads to a confirm step that says who will be told.
    mail.outbox.clear()
    raw.get_by_role("link", name="Höstträffen", exact=True).click()
    page.check()
    raw.get_by_label("Status:", exact=True).select_option(label="Inställt")
    raw.get_by_label("Anledning till att mötet är inställt:", exact=True).fill("Lokalen är vattenskadad.")
    raw.get_by_role("button", name="Spara", exact=True).click()
    page.check()
    confirm = raw.locator("#content-main").inner_text()
    assert "2 personer får e-post om att mötet är inställt" in confirm
    assert "Kalle" in confirm and "Lisa" in confirm and "På väntelistan (1)" in confirm
    assert "Lokalen är vattenskadad." in confirm
    assert mail.outbox == [] and Meeting.objects.get(pk=autumn.pk).status == Meeting.Status.PLANNED
    raw.get_by_role("button", name="Ja, ställ in mötet och skicka e-post").click()
    page.check()
    assert "2 anmälda har fått e-post om att mötet är inställt." in raw.locator(".messagelist").inner_text()
    assert sorted(m.to[0] for m in mail.outbox) == ["kalle@example.se", "lisa@example.se"]
    calendar = Calendar.from_ical(mail.outbox[0].attachments[0][1])
    assert calendar["METHOD"] == "CANCEL"
    assert calendar.walk("VEVENT")[0]["STATUS"] == "CANCELLED"
