"""The box "Var bor du?" on the home page, at 1280 and 320 px and in Arabic at 320 px: "godisfabriken"
and "GODISFABRIKEN" find Brynäs, a place no network covers says so and how to start one.

axe runs on every page (page.goto, page.check); at 320 px no page may scroll sideways."""

from __future__ import annotations

import pytest

from networks.demo import create_demo
from networks.models import Area
from tests.conftest import _coordinator

NO_SIDEWAYS_SCROLL = "document.documentElement.scrollWidth <= document.documentElement.clientWidth"


@pytest.fixture
def demo_areas(networks):
    create_demo()


def _ask(page, prefix: str, typed: str, width: int) -> None:
    """Type `typed` into the box on the home page and send it with the box's button."""
    raw = page.page
    page.goto(f"{prefix}/")
    assert raw.evaluate(NO_SIDEWAYS_SCROLL), f"{prefix}/ scrolls sideways at {width} px"
    box = raw.locator("input[name=plats]")
    assert box.bounding_box()["width"] >= 150
    box.fill(typed)
    raw.locator(f"form[action='{prefix}/natverk/hitta/'] button[type=submit]").click()
    raw.wait_for_url(f"**{prefix}/natverk/hitta/?plats=*")
    page.check()
    assert raw.evaluate(NO_SIDEWAYS_SCROLL), f"{raw.url} scrolls sideways at {width} px"
    # The answer keeps the question in its box.
    assert box.input_value() == typed


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("width", [1280, 320])
def test_var_bor_du_finds_brynas_and_says_when_no_network_is_there(page, demo_areas, width) -> None:
    raw = page.page
    raw.set_viewport_size({"width": width, "height": 900})
    for typed in ("godisfabriken", "GODISFABRIKEN"):
        _ask(page, "", typed, width)
        result = raw.locator(".find-result")
        assert raw.get_by_role("status").inner_text() == f"1 nätverk finns för ”{typed}”:"
        assert result.get_by_role("heading", level=3).inner_text() == "Brynäs"
        assert "Nätverket finns i: Godisfabriken Demo" in result.inner_text()
    result.get_by_role("link", name="Brynäs").click()
    raw.wait_for_url("**/natverk/brynas/")
    page.check()

    _ask(page, "", "Valbo", width)
    status = raw.get_by_role("status")
    assert status.inner_text() == "Inget stadsdelsnätverk finns för ”Valbo” ännu."
    main = raw.locator("main").inner_text()
    assert "Så startar du ett nätverk" in main
    assert raw.locator(".find-result a[href^='/natverk/']").count() == 1  # "Alla nätverk", no network.

    # A refused place: said in our words, the box keeps it.
    page.goto("/natverk/hitta/?plats=12")
    assert raw.evaluate(NO_SIDEWAYS_SCROLL), f"{raw.url} scrolls sideways at {width} px"
    assert "inte bara siffror" in raw.get_by_role("alert").inner_text()
    assert raw.locator("input[name=plats]").input_value() == "12"
    assert raw.get_by_role("status").count() == 0

    # The box on /natverk/ asks the same.
    page.goto("/natverk/")
    raw.locator("input[name=plats]").fill("Sätra centrum")
    raw.locator("input[name=plats]").press("Enter")
    raw.wait_for_url("**/natverk/hitta/?plats=S*")
    page.check()
    assert raw.locator(".find-result").get_by_role("link", name="Sätra").is_visible()


@pytest.mark.django_db(transaction=True)
def test_var_bor_du_in_arabic_at_320_px(page, demo_areas) -> None:
    raw = page.page
    raw.set_viewport_size({"width": 320, "height": 900})
    for typed in ("godisfabriken", "GODISFABRIKEN"):
        _ask(page, "/ar", typed, 320)
        assert raw.locator("html").get_attribute("dir") == "rtl"
        assert raw.get_by_role("status").count() == 1
        links = raw.locator(".find-result__list h3 a")
        assert links.count() == 1
        assert links.get_attribute("href") == "/ar/natverk/brynas/"

    _ask(page, "/ar", "Valbo", 320)
    assert raw.get_by_role("status").count() == 1
    assert raw.locator(".find-result__list").count() == 0
    assert raw.locator(".find-result a[href^='mailto:']").count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_coordinator_adds_a_street_and_var_bor_du_finds_it(page, demo_areas, networks) -> None:
    raw = page.page
    brynas = networks["brynas"]
    page.login(_coordinator("samordnare.brynas@example.se", brynas))
    page.goto(f"/admin/networks/network/{brynas.pk}/change/")
    areas = raw.locator("#areas-group")
    assert areas.get_by_label("Namn, rad 1", exact=True).input_value() == "Ahlgrens torg"
    areas.locator(".add-row a", has_text="Lägg till ytterligare Område, gata eller plats").click()
    row = areas.locator("tr.dynamic-areas").last
    row.get_by_label("Namn", exact=True).fill("Nedre Brynäsgatan")
    row.get_by_label("Slag", exact=True).select_option(label="gata eller väg")
    raw.get_by_role("button", name="Spara", exact=True).click()
    page.check()
    assert Area.objects.get(name="Nedre Brynäsgatan").network == brynas

    page.goto("/natverk/hitta/?plats=nedre+brynasgatan+4")
    assert raw.locator(".find-result").get_by_role("link", name="Brynäs").is_visible()
