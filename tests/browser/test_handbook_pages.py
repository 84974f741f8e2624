"""The staff handbook in the admin: reached from the admin's header, readable at 320 and
1280 px, axe clean (the `page` fixture runs axe on every page)."""

from __future__ import annotations

import pytest

from website.handbook import PAGES

NO_SIDEWAYS_SCROLL = "document.documentElement.scrollWidth <= document.documentElement.clientWidth"


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("width", [320, 1280])
def test_a_coordinator_reads_the_handbook(page, coord_satra, width) -> None:
    raw = page.page
    raw.set_viewport_size({"width": width, "height": 900})
    page.login(coord_satra)
    page.goto("/admin/")
    raw.get_by_role("link", name="Hjälp", exact=True).click()
    page.check()
    assert raw.inner_text("h1") == "Handbok för samordnare och styrgrupp"
    for slug in PAGES:
        page.goto(f"/admin/hjalp/{slug}/")
        assert raw.evaluate(NO_SIDEWAYS_SCROLL), f"{slug} scrolls sideways at {width} px"
    raw.get_by_role("link", name="Hjälp").first.click()
    raw.get_by_role("link", name="Samordnarens dag").click()
    assert raw.url.endswith("/admin/hjalp/samordnare/")
