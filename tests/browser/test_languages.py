"""The main pages in Swedish, English, Finnish and Arabic at 1280 and 320 px.

axe-core finds nothing (page.goto), `<html lang>` and `dir` are right, nothing scrolls
sideways, and the Arabic pages mirror: the logo, first in the header, is on the right.
Nothing here reads the translated words, so the test holds before and after the catalogues
are filled.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from meetings.models import Meeting

NO_SIDEWAYS_SCROLL = "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
LANGUAGES = {"sv": ("", "ltr"), "en": ("/en", "ltr"), "fi": ("/fi", "ltr"), "ar": ("/ar", "rtl")}


@pytest.fixture
def language_pages(networks, rep_a, actor_a, pot):
    start = timezone.now() + timedelta(days=8)
    meeting = Meeting.objects.create(
        network=networks["andersberg"],
        title="Nätverksträff i Andersberg",
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        place="Andersbergs bibliotek",
    )
    return {
        "public": ["/", "/natverk/andersberg/", f"/moten/{meeting.pk}/", "/aktorer/", "/lattlast/"],
        "logged_in": ["/bidrag/ansok/"],
        "user": rep_a,
    }


def _check(page, path: str, language: str, width: int) -> None:
    raw = page.page
    prefix, direction = LANGUAGES[language]
    page.goto(prefix + path, status=200)
    html = raw.locator("html")
    assert html.get_attribute("lang") == language, path
    assert html.get_attribute("dir") == direction, path
    assert raw.evaluate(NO_SIDEWAYS_SCROLL), f"{prefix}{path} scrolls sideways at {width} px"
    # The logo starts the site's name, which may fill the whole row at 320 px.
    logo = raw.locator(".site-name__mark").bounding_box()
    middle = logo["x"] + logo["width"] / 2
    if direction == "rtl":
        assert middle > width / 2, f"{prefix}{path}: the logo is not on the right at {width} px"
    else:
        assert middle < width / 2, f"{prefix}{path}: the logo is not on the left at {width} px"
    # The switcher offers the three other languages, each named and marked in its own language.
    links = raw.locator("nav.language a[hreflang]")
    assert sorted(links.evaluate_all("els => els.map(a => a.lang)")) == sorted(set(LANGUAGES) - {language})


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("width", [1280, 320])
@pytest.mark.parametrize("language", list(LANGUAGES))
def test_pages_in_every_language(page, language_pages, language: str, width: int) -> None:
    page.page.set_viewport_size({"width": width, "height": 900})
    for path in language_pages["public"]:
        _check(page, path, language, width)
    page.login(language_pages["user"])
    for path in language_pages["logged_in"]:
        _check(page, path, language, width)


@pytest.mark.django_db(transaction=True)
def test_lattlast_is_swedish_on_an_arabic_page(page, networks) -> None:
    raw = page.page
    page.goto("/ar/", status=200)
    raw.locator('nav.language a[lang="sv"]:not([hreflang])').click()
    raw.wait_for_url("**/ar/lattlast/")
    content = raw.locator(".easy-read")
    assert content.get_attribute("lang") == "sv"
    assert content.evaluate("el => getComputedStyle(el).direction") == "ltr"
    assert raw.locator("html").get_attribute("dir") == "rtl"
