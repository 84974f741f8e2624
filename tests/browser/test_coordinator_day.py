"""A coordinator's day in the admin: the to-do list, two membership requests decided, a text
on their own network saved, and a series planned that clashes with a meeting already there.

axe-core checks every page on the way (page.goto does it; page.check() after each click).
"""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.core import mail
from django.utils import timezone

from meetings.models import Meeting
from members.models import Actor, Membership, Representation
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
