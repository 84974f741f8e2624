"""A coordinator plans a series, a resident signs up for one of the meetings and cancels."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from meetings.models import Meeting, Registration


@pytest.fixture(autouse=True)
def _no_mfa(settings) -> None:
    settings.REQUIRE_STAFF_MFA = False


@pytest.mark.django_db(transaction=True)
def test_plan_series_then_sign_up_and_cancel(page, coord_andersberg, resident) -> None:
    raw = page.page
    first = timezone.localdate() + timedelta(days=40)

    page.login(coord_andersberg)
    page.goto("/admin/meetings/meeting/")
    raw.get_by_role("link", name="Planera en serie möten").click()
    page.check()
    raw.get_by_label("Nätverk").select_option(label="Andersbergsgruppen (Andersberg)")
    raw.get_by_label("Rubrik").fill("Vårträff")
    raw.get_by_label("Första datum").fill(first.isoformat())
    raw.get_by_label("Antal möten").fill("0")
    raw.get_by_label("Börjar klockan").fill("18:00")
    raw.get_by_label("Slutar klockan").fill("20:00")
    raw.get_by_label("Plats", exact=True).fill("Andersbergs träffpunkt")
    raw.get_by_role("button", name="Visa datumen").click()
    page.check()  # the error state
    assert raw.title().startswith("Fel:")
    raw.get_by_label("Antal möten").fill("3")
    raw.get_by_label("Mötena har anmälan").check()
    raw.get_by_label("Antal platser").fill("10")
    raw.get_by_role("button", name="Visa datumen").click()
    page.check()
    assert raw.locator(".plan-series__dates li").count() == 3
    assert not Meeting.objects.exists()
    raw.get_by_role("button", name="Spara mötena").click()
    page.check()
    assert Meeting.objects.filter(title="Vårträff").count() == 3
    page.goto(f"/admin/meetings/meeting/{Meeting.objects.first().pk}/change/")

    page.goto("/moten/")
    assert raw.get_by_role("link", name="Vårträff").count() == 3
    meeting = Meeting.objects.order_by("starts_at").first()

    raw.context.clear_cookies()
    page.login(resident)
    page.goto(f"/moten/{meeting.pk}/")
    raw.get_by_role("button", name="Anmäl").click()
    page.check()
    assert "Du är anmäld" in raw.locator(".messages").inner_text()
    assert Registration.objects.get(user=resident).status == Registration.Status.CONFIRMED

    page.goto("/natverk/andersberg/moten/")
    page.goto("/mina-sidor/moten/")
    raw.get_by_role("link", name="Avboka").click()
    page.check()
    # The link only asks; the registration stands until the button is pressed.
    assert Registration.objects.get(user=resident).status == Registration.Status.CONFIRMED
    raw.get_by_role("button", name="Ja, avboka").click()
    page.check()
    assert "avbokad" in raw.locator(".messages").inner_text()
    assert Registration.objects.get(user=resident).status == Registration.Status.CANCELLED
