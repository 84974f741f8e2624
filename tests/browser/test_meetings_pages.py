"""The public meeting pages for a visitor: filter without JavaScript, narrow screens, axe on each."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from meetings.models import Meeting


def _meeting(network, **extra) -> Meeting:
    start = timezone.now() + timedelta(days=12)
    values = {"title": "Nätverksträff", "place": "Träffpunkten", "address": "Storgatan 1, Gävle"}
    values.update(extra)
    return Meeting.objects.create(network=network, starts_at=start, ends_at=start + timedelta(hours=2), **values)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("width", [320, 1280])
def test_meeting_pages_for_a_visitor(page, networks, width) -> None:
    raw = page.page
    raw.set_viewport_size({"width": width, "height": 900})
    _meeting(networks["satra"], title="Sätras temamöte", kind=Meeting.Kind.THEME, registration_enabled=True, capacity=5)
    cancelled = _meeting(
        networks["andersberg"], title="Inställd träff", status="cancelled", cancel_reason="Lokalen är stängd."
    )
    past = _meeting(networks["andersberg"], title="Förra träffen", minutes="Protokollet.")
    Meeting.objects.filter(pk=past.pk).update(
        starts_at=timezone.now() - timedelta(days=30),
        ends_at=timezone.now() - timedelta(days=30, hours=-2),
        minutes_published_at=timezone.now(),
    )

    def no_sideways_scroll() -> None:
        assert raw.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")

    page.goto("/moten/")
    no_sideways_scroll()
    raw.get_by_label("Nätverk").select_option(label="Sätra")
    raw.get_by_role("button", name="Visa").click()
    page.check()
    assert "natverk=satra" in raw.url
    assert raw.get_by_role("link", name="Sätras temamöte").count() == 1
    assert raw.get_by_role("link", name="Inställd träff").count() == 0

    page.goto(f"/moten/{cancelled.pk}/")
    no_sideways_scroll()
    assert "Lokalen är stängd." in raw.locator("main").inner_text()

    page.goto("/moten/arkiv/")
    raw.get_by_role("link", name="Läs protokollet").first.click()
    page.check()
    assert "Protokollet." in raw.locator("main").inner_text()

    page.goto("/natverk/satra/moten/")
    no_sideways_scroll()
    page.goto("/en/moten/")
    assert " at " in raw.locator("main time").first.inner_text()
