"""A coordinator (with two-factor on) gives a meeting an English and an Arabic title in the
admin; the meeting's page on /ar/ and the list on /en/ show them, and the agenda, still only
in Swedish, is marked lang="sv". axe-core checks every page on the way."""

from __future__ import annotations

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

from meetings.models import Meeting
from tests.meetings.conftest import make_meeting


@pytest.fixture(autouse=True)
def _staff_need_two_factor(settings) -> None:
    settings.REQUIRE_STAFF_MFA = True


@pytest.mark.django_db(transaction=True)
def test_coordinator_adds_english_and_arabic_titles(page, networks, coord_andersberg) -> None:
    raw = page.page
    raw.set_default_timeout(10_000)
    TOTP.activate(coord_andersberg, generate_totp_secret())
    meeting = make_meeting(networks["andersberg"], title="Vårträff", agenda="1. Välkommen\n2. Trygghetsvandring")

    page.login(coord_andersberg)
    page.goto(f"/admin/meetings/meeting/{meeting.pk}/change/")
    # The languages are folded away under their own names; the Swedish fields come first.
    english = raw.locator("summary", has_text="English")
    arabic = raw.locator("summary", has_text="العربية")
    assert raw.locator("summary", has_text="Suomi").count() == 1
    assert not raw.get_by_label("Rubrik (engelska)").is_visible()
    english.click()
    raw.get_by_label("Rubrik (engelska)").fill("Spring meeting")
    arabic.click()
    arabic_title = raw.get_by_label("Rubrik (arabiska)")
    assert arabic_title.get_attribute("dir") == "rtl"
    assert arabic_title.get_attribute("lang") == "ar"
    arabic_title.fill("لقاء الربيع")
    page.check()
    raw.locator('input[name="_save"]').click()
    page.check()
    meeting.refresh_from_db()
    assert (meeting.title_en, meeting.title_ar) == ("Spring meeting", "لقاء الربيع")

    # The list says which languages the meeting is in, and what is missing.
    assert "en, ar" not in raw.content()  # the agenda is not translated yet: neither language is complete
    page.goto("/admin/meetings/meeting/?saknar_oversattning=fi")
    assert raw.get_by_role("link", name="Vårträff").count() == 1

    raw.context.clear_cookies()
    page.goto(f"/ar/moten/{meeting.pk}/")
    assert raw.locator("html").get_attribute("lang") == "ar"
    heading = raw.locator("h1")
    assert "لقاء الربيع" in heading.inner_text()
    assert heading.locator('[lang="sv"]').count() == 0
    agenda = raw.locator('section[aria-labelledby="agenda-heading"] [lang="sv"]')
    assert "Välkommen" in agenda.inner_text()
    assert "لقاء الربيع" in raw.title()

    page.goto("/en/moten/")
    assert raw.get_by_role("link", name="Spring meeting").count() == 1
    page.goto(f"/fi/moten/{meeting.pk}/")
    assert raw.locator('h1 [lang="sv"]').inner_text() == "Vårträff"
    assert Meeting.objects.get(pk=meeting.pk).sequence == 1
