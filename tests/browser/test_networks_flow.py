"""A resident finds a network, switches to English and reads a news item."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from networks.models import Post


def _english_post(network) -> Post:
    return Post.objects.create(
        network=network,
        title="Städdag i Sätra",
        title_en="Clean-up day in Sätra",
        slug="staddag-i-satra",
        summary="Alla är välkomna att hjälpa till.",
        summary_en="Everyone is welcome to help.",
        body="Vi ses vid torget klockan tio.",
        body_en="See you at the square at ten.",
    )


def test_resident_follows_a_network_switches_to_english_and_reads_news(transactional_db, networks, page) -> None:
    _english_post(networks["satra"])
    pw = page.page

    page.goto("/")
    expect(pw.locator("h1")).to_have_count(1)
    expect(pw.locator(".card--network")).to_have_count(4)

    pw.get_by_role("link", name="Sätra", exact=True).click()
    page.check()
    expect(pw).to_have_url(re.compile(r"/natverk/satra/$"))
    expect(pw.locator("h1")).to_have_text("Sätra")

    pw.get_by_role("link", name="English", exact=True).click()
    page.check()
    expect(pw).to_have_url(re.compile(r"/en/natverk/satra/$"))
    expect(pw.locator("html")).to_have_attribute("lang", "en")
    expect(pw.get_by_role("link", name="Svenska", exact=True)).to_have_attribute("href", "/natverk/satra/")

    pw.get_by_role("link", name="Clean-up day in Sätra").click()
    page.check()
    expect(pw).to_have_url(re.compile(r"/en/nyheter/staddag-i-satra/$"))
    expect(pw.locator("h1")).to_have_text("Clean-up day in Sätra")
    expect(pw.locator("main")).to_contain_text("See you at the square at ten.")


def test_fixed_pages_pass_axe(transactional_db, networks, page) -> None:
    _english_post(networks["andersberg"])
    for path in ["/natverk/", "/om/", "/nyheter/", "/tillganglighet/", "/personuppgifter/"]:
        page.goto(path)
        expect(page.page.locator("h1")).to_have_count(1)
    page.goto("/finns-inte/", status=404)
    expect(page.page.locator("h1")).to_have_count(1)


@pytest.mark.parametrize("width", [320, 640])  # 640 px is a 1280 px screen at 200 % zoom
def test_no_horizontal_scroll_on_narrow_screens(transactional_db, networks, page, width: int) -> None:
    page.page.set_viewport_size({"width": width, "height": 800})
    for path in ["/", "/natverk/andersberg/", "/en/om/"]:
        page.goto(path)
        assert page.page.evaluate("document.scrollingElement.scrollWidth") <= width, path


def test_skip_link_is_the_first_stop_and_moves_focus_to_the_content(transactional_db, networks, page) -> None:
    pw = page.page
    page.goto("/")

    pw.keyboard.press("Tab")
    skip = pw.get_by_role("link", name="Hoppa till innehållet")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    pw.keyboard.press("Enter")

    expect(pw.locator("main")).to_be_focused()


def test_home_shows_the_networks_without_javascript(transactional_db, networks, browser, live_server) -> None:
    context = browser.new_context(java_script_enabled=False, locale="sv-SE")
    try:
        pw = context.new_page()
        pw.goto(live_server.url + "/")
        cards = pw.locator(".card--network a")
        expect(cards).to_have_count(4)
        expect(cards.first).to_be_visible()
        cards.nth(3).click()
        expect(pw).to_have_url(re.compile(r"/natverk/satra/$"))
    finally:
        context.close()
