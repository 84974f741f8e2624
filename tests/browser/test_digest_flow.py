"""The weekly digest at 320 px: choose networks from Mina sidor, get the letter, leave it
from its link without logging in. axe runs on every page; no page scrolls sideways."""

from __future__ import annotations

import re

import pytest
from allauth.account.models import EmailAddress
from django.utils import timezone

from core.models import Outbox
from digest.models import Subscription
from digest.services import Week, digest_send
from tests.browser.conftest import AxePage
from tests.digest.conftest import make_listing

WIDTH = 320


def _fits(page) -> None:
    scroll = page.page.evaluate("document.scrollingElement.scrollWidth")
    assert scroll <= WIDTH, f"{page.page.url} scrolls sideways: {scroll} px"


@pytest.mark.django_db(transaction=True)
def test_subscribe_from_my_pages_and_leave_from_the_letter(
    page, browser, live_server, html_pages_dir, settings, networks, resident, actor_b
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.SITE_URL = live_server.url
    EmailAddress.objects.create(user=resident, email=resident.email, verified=True, primary=True)
    pw = page.page
    pw.set_viewport_size({"width": WIDTH, "height": 800})
    page.login(resident)

    page.goto("/mina-sidor/")
    _fits(page)
    assert "Du får inget veckobrev." in pw.inner_text("main")
    with pw.expect_navigation():
        pw.get_by_role("link", name="Välj nätverk för veckobrevet").click()
    page.check()
    _fits(page)
    assert pw.inner_text("h1") == "Veckobrev"
    pw.get_by_label("Brynäs").check()
    pw.get_by_label("Sätra").check()
    with pw.expect_navigation():
        pw.get_by_role("button", name="Spara").click()
    page.check()
    _fits(page)
    main = pw.inner_text("main")
    assert "Sparat. Du får veckobrevet från Brynäs och Sätra." in main
    assert "Ändra veckobrevet" in main
    assert set(Subscription.objects.filter(user=resident).values_list("network__slug", flat=True)) == {
        "brynas",
        "satra",
    }

    # The week's letter, with its link to leave.
    make_listing(actor_b, networks["satra"], title="Vi lånar ut bord och stolar")
    assert digest_send(week=Week.containing(timezone.localdate())).sent == 1
    body = Outbox.objects.get(kind="digest.weekly").body
    assert "Vi lånar ut bord och stolar" in body
    link = re.search(re.escape(live_server.url) + r"(/veckobrev/avsluta/\S+/)", body).group(1)

    # Without logging in: another browser, no cookies.
    context = browser.new_context(locale="sv-SE", viewport={"width": WIDTH, "height": 800})
    try:
        stranger = AxePage(context.new_page(), live_server.url, html_pages_dir)
        stranger.goto(link)
        _fits(stranger)
        assert "Sätra" in stranger.page.inner_text("main")
        with stranger.page.expect_navigation():
            stranger.page.get_by_role("button", name="Avsluta veckobrevet").click()
        stranger.check()
        _fits(stranger)
        assert "Klart. Du får inte längre veckobrevet." in stranger.page.inner_text("main")
        assert not Subscription.objects.filter(user=resident).exists()

        # A link cut short in the mail program: a clear page, not an error.
        stranger.goto(link[:-6] + "/", status=400)
        _fits(stranger)
        assert "Länken fungerar inte." in stranger.page.inner_text("main")
    finally:
        context.close()
