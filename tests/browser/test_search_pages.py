"""Searching from the header at 1280 and 320 px; axe on every page (page.goto)."""

from __future__ import annotations

import pytest

from members.models import Actor
from networks.models import Post

NO_SIDEWAYS_SCROLL = "document.documentElement.scrollWidth <= document.documentElement.clientWidth"


@pytest.fixture
def content(networks):
    Post.objects.create(
        title="Läxhjälp på Sätra bibliotek",
        slug="laxhjalp",
        summary="Frivilliga hjälper barn med läxorna varje tisdag.",
        body="Kom förbi!",
        network=networks["satra"],
    )
    Actor.objects.create(name="Kafé Ölstugan", slug="kafe-olstugan", kind=Actor.Kind.COMPANY)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("width", [1280, 320])
def test_search_from_the_header(page, content, width) -> None:
    raw = page.page
    raw.set_viewport_size({"width": width, "height": 900})
    page.goto("/")
    assert raw.evaluate(NO_SIDEWAYS_SCROLL), f"/ scrolls sideways at {width} px"
    search = raw.get_by_role("search", name="Sök på webbplatsen")
    box = search.get_by_role("searchbox", name="Sökord")
    assert box.bounding_box()["width"] >= 150
    box.fill("laxhjalp")
    search.get_by_role("button", name="Sök").click()
    raw.wait_for_url("**/sok/?q=laxhjalp")
    page.check()
    assert raw.evaluate(NO_SIDEWAYS_SCROLL), f"/sok/ scrolls sideways at {width} px"
    main = raw.locator("main")
    assert "1 träff för ”laxhjalp”" in main.inner_text()
    assert raw.locator("main mark").first.inner_text() == "Läxhjälp"
    main.get_by_role("link", name="Läxhjälp på Sätra bibliotek").click()
    raw.wait_for_url("**/nyheter/laxhjalp/")

    page.goto("/sok/?q=KAFE")
    assert raw.get_by_role("link", name="Kafé Ölstugan").is_visible()
    page.goto("/sok/?q=ingenting")
    assert "Inga träffar för ”ingenting”." in raw.locator("main").inner_text()
    page.goto("/en/sok/?q=kafe")
