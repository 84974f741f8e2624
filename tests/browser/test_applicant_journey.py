"""Issue 11's applicant journey at 1280 and 320 px: sign-up by code with a name, an actor
with a logo kept across an error, a network joined, an application with a co-applicant found
by search, budget rows added in place, payment details, Mina sidor with the next step, the
co-applicant confirming from their Mina sidor after submission, and a receipt that prints.

axe runs on every page; at 320 px no page may scroll sideways."""

from __future__ import annotations

import datetime
import io
import os
import re
from pathlib import Path
from urllib.parse import urlparse

import pytest
from django.core import mail
from django.utils import timezone
from PIL import Image

from grants.models import Application, CoApplicant
from members.models import Actor, Membership, Representation, User
from members.services import membership_approve
from tests.browser.conftest import AxePage
from tests.conftest import _user


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (400, 200), (0, 90, 112)).save(out, format="PNG")
    return out.getvalue()


@pytest.fixture
def cafe(networks):
    actor = Actor.objects.create(name="Kafé Läxhjälpen", slug="kafe-laxhjalpen", kind=Actor.Kind.COMPANY)
    Membership.objects.create(actor=actor, network=networks["andersberg"], status=Membership.Status.ACTIVE)
    user = _user("kafe@example.se")
    Representation.objects.create(user=user, actor=actor)
    return actor, user


class Journey:
    """Every page is checked with axe and, on a narrow screen, for sideways scrolling."""

    def __init__(self, page: AxePage, width: int, who: str = "applicant") -> None:
        self.page = page
        self.raw = page.page
        self.width = width
        self.who = who
        self.shots = os.environ.get("SCREENSHOT_DIR")
        self.count = 0

    def settle(self) -> None:
        self.page.check()
        self.no_sideways_scroll()
        self.screenshot()

    def goto(self, path: str) -> None:
        self.page.goto(path)
        self.no_sideways_scroll()
        self.screenshot()

    def screenshot(self) -> None:
        """Every page as a picture, to look at, when SCREENSHOT_DIR is set."""
        if self.shots:
            self.count += 1
            Path(self.shots).mkdir(parents=True, exist_ok=True)
            name = f"journey-{self.width}-{self.who}-{self.count:02d}.png"
            self.raw.screenshot(path=str(Path(self.shots) / name), full_page=True)

    def click(self, selector: str) -> None:
        with self.raw.expect_navigation():
            self.raw.click(selector)
        self.settle()

    def no_sideways_scroll(self) -> None:
        if self.width <= 320:
            scroll = self.raw.evaluate("document.scrollingElement.scrollWidth")
            assert scroll <= self.width, f"{self.raw.url} scrolls sideways: {scroll} px"


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("width", [1280, 320])
def test_applicant_journey(
    page, browser, live_server, settings, tmp_path, pot, networks, coord_andersberg, cafe, width
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    cafe_actor, cafe_user = cafe
    page.page.set_viewport_size({"width": width, "height": 900})
    j = Journey(page, width)
    raw = j.raw

    # Sign-up by code with a name: no password, logged in as soon as the code is entered.
    j.goto("/konto/signup/")
    raw.fill("#id_name", "Nora Nyberg")
    raw.fill("#id_email", "ny@example.se")
    j.click("main form button[type=submit]")
    assert "ny@example.se" in raw.inner_text("main")
    body = mail.outbox[-1].body
    assert body.startswith("Hej Nora!")
    raw.fill("#id_code", re.search(r"^([A-Z0-9]{4}-[A-Z0-9]{4})$", body, re.M).group(1))
    j.click("main form button[type=submit]")
    assert urlparse(raw.url).path == "/mina-sidor/"
    assert raw.inner_text("h1") == "Mina sidor"
    if raw.locator("summary.menu__toggle").is_visible():
        raw.click("summary.menu__toggle")  # On a phone the menu, with who is logged in, is folded.
    assert "Nora Nyberg" in raw.inner_text(".site-header")
    assert User.objects.get(email="ny@example.se").name == "Nora Nyberg"

    # An actor with a logo; the organisation number forgotten at first.
    j.click('main a[href="/mina-sidor/aktorer/ny/"]')
    assert "firmatecknare" not in raw.inner_text("main").lower()
    raw.fill("#id_name", "Gårdsföreningen Solen")
    raw.check('input[name="kind"][value="forening"]')
    raw.set_input_files("#id_logo", files=[{"name": "solen.png", "mimeType": "image/png", "buffer": _png()}])
    j.click("main form button[type=submit]")
    assert raw.title().startswith("Fel:")
    assert "Vald bild: solen.png" in raw.inner_text(".pending-logo")
    raw.fill("#id_org_number", "802400-1235")
    j.click("main form button[type=submit]")
    actor = Actor.objects.get(name="Gårdsföreningen Solen")
    assert actor.logo and actor.org_number == "802400-1235"

    # Applying before the network has said yes: told at once, with the way forward.
    j.goto("/bidrag/ansok/")
    assert "Du kan inte söka bidrag ännu" in raw.inner_text("h1")

    # Joining a network; the coordinator approves (set-up, not part of this journey).
    j.goto(f"/mina-sidor/aktorer/{actor.slug}/ga-med/")
    raw.check(f'input[name="networks"][value="{networks["andersberg"].pk}"]')
    j.click("main form button[type=submit]")
    membership_approve(membership=Membership.objects.get(actor=actor), by=coord_andersberg)

    # Step 1: the co-applicant found by search, accents and case ignored.
    j.goto("/bidrag/")
    j.click('a[href="/bidrag/ansok/"]')
    assert "Steg 1 av 6" in raw.inner_text("main")
    assert raw.locator(".steps__item").count() == 6
    raw.fill("#id_title", "Läxhjälp och fika")
    raw.fill("#id_co_search", "laxhjalp")
    j.click('button[value="search"]')
    assert "Kafé Läxhjälpen" in raw.inner_text(".coapplicants__results")
    assert raw.input_value("#id_title") == "Läxhjälp och fika"
    j.click(f'button[name="add_coapplicant"][value="{cafe_actor.pk}"]')
    assert raw.is_checked(f"#id_co_applicants_{cafe_actor.pk}")
    raw.check(f'input[name="networks"][value="{networks["andersberg"].pk}"]')
    j.click('.grants-actions button[value="next"]')
    app = Application.objects.get()
    assert list(app.co_applicants.all()) == [cafe_actor]

    # Step 2.
    start = timezone.localdate() + datetime.timedelta(days=30)
    raw.fill("#id_description", "Läxhjälp på tisdagar med fika efteråt.")
    raw.fill("#id_purpose", "Att barn i området klarar skolan.")
    raw.fill("#id_target_group", "Barn 7–12 år")
    raw.fill("#id_starts_on", start.isoformat())
    raw.fill("#id_ends_on", start.isoformat())
    raw.fill("#id_place", "Andersbergs bibliotek")
    raw.fill("#id_expected_participants", "25")
    j.click('.grants-actions button[value="next"]')

    # Step 3: a row added in place (no page load), a running total and a warning.
    raw.fill("#id_rad-0-what", "Fika")
    raw.fill("#id_rad-0-amount", "3 000")
    raw.click("[data-budget-add]")
    assert raw.locator("[data-budget-line]").count() == 2
    assert raw.evaluate("document.activeElement.id") == "id_rad-1-what"
    raw.fill("#id_rad-1-what", "Skrivböcker")
    raw.fill("#id_rad-1-amount", "2 000")
    assert "5\xa0000\xa0kr" in raw.inner_text("[data-budget-total]")
    raw.fill("#id_own_contribution", "500")
    raw.fill("#id_amount_requested", "5 000")
    assert raw.is_visible("[data-budget-gap]")
    raw.fill("#id_amount_requested", "4 500")
    assert not raw.is_visible("[data-budget-gap]")
    page.check()
    j.click('.grants-actions button[value="next"]')
    assert app.budget_lines.count() == 2

    # Step 4: the contact person comes from the account.
    assert raw.input_value("#id_contact_name") == "Nora Nyberg"
    assert raw.input_value("#id_contact_email") == "ny@example.se"
    j.click('.grants-actions button[value="next"]')

    # Step 5: payment details, first with a wrong check digit.
    raw.check('input[name="payment_method"][value="bankgiro"]')
    raw.fill("#id_giro_number", "5050-1056")
    j.click('.grants-actions button[value="next"]')
    assert "Bankgironumret stämmer inte" in raw.inner_text(".error-summary")
    raw.fill("#id_giro_number", "5050-1055")
    j.click('.grants-actions button[value="next"]')

    # Review and submit.
    assert "Steg 6 av 6" in raw.inner_text("main")
    assert "Bankgiro 5050-1055" in raw.inner_text("main")
    j.click("form[data-submit-once] button")
    app.refresh_from_db()
    assert app.status == Application.Status.SUBMITTED
    receipt_url = raw.url

    # Mina sidor says what happens next; at 320 px the application list keeps status and amount.
    j.goto("/mina-sidor/")
    assert "Styrgruppen behandlar ansökan." in raw.inner_text("#applications-heading + .table-wrap")
    j.goto("/mina-sidor/ansokningar/")
    assert raw.is_visible('td[data-label="Status"]') and raw.is_visible('td[data-label="Sökt"]')
    assert "4\xa0500\xa0kr" in raw.inner_text('td[data-label="Sökt"]')
    # Mina uppgifter: the same data in words, and the JSON file offered as a download.
    j.goto("/mina-sidor/mina-uppgifter/")
    assert "kontaktperson som kan bjuda in fler företrädare" in raw.inner_text("#data-representations ~ dl")
    with raw.expect_download() as download:
        raw.click('a[href="/mina-sidor/mina-uppgifter/export/"]')
    assert download.value.suggested_filename == "mina-uppgifter.json"

    # The co-applicant confirms after submission, in a browser of their own.
    other = browser.new_context(locale="sv-SE", viewport={"width": width, "height": 900})
    try:
        co_page = AxePage(other.new_page(), live_server.url)
        co = Journey(co_page, width, who="co-applicant")
        co_page.login(cafe_user)
        # The request waits on the co-applicant's Mina sidor.
        co.goto("/mina-sidor/")
        assert "Läxhjälp och fika" in co.raw.inner_text("#todo-heading + ul")
        co.click(f'#todo-heading + ul a[href="/bidrag/ansokningar/{app.pk}/bekrafta/"]')
        assert "5050-1055" not in co.raw.inner_text("main")
        co.click('button[value="yes"]')
    finally:
        other.close()
    assert CoApplicant.objects.get().status == CoApplicant.Status.CONFIRMED

    # The receipt prints as one clean document.
    raw.goto(receipt_url)
    j.settle()
    assert raw.is_visible("[data-print]")
    raw.emulate_media(media="print")
    assert not raw.is_visible(".site-header")
    assert not raw.is_visible("[data-print]")
    assert raw.is_visible(".grants-summary")
    # Kept where SCREENSHOT_DIR says, to be looked at; a temporary folder otherwise.
    shots = Path(os.environ.get("SCREENSHOT_DIR", tmp_path))
    shots.mkdir(parents=True, exist_ok=True)
    raw.screenshot(path=str(shots / f"receipt-print-{width}.png"), full_page=True)
    raw.emulate_media(media="screen")
