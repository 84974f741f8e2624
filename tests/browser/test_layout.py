"""Layout at 320, 1280 and 1920 px: one grid, no sideways scroll, stacked tables, tap targets."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from grants.models import Application, Funding, Pot
from meetings.models import Meeting
from members.models import Actor, Membership
from networks.models import WorkingGroup
from tests.grants.conftest import make_application

# Set SCREENSHOT_DIR to keep a picture of every page at every width (to look at by eye).
SCREENSHOT_DIR = os.environ.get("SCREENSHOT_DIR")

NO_SIDEWAYS_SCROLL = "document.documentElement.scrollWidth <= document.documentElement.clientWidth"

# Every target one taps that is a box of its own (buttons, fields, boxes, menu links) must
# be at least 24 × 24 px (WCAG 2.2, 2.5.8). A link inside running text is sized by its
# line, which the criterion allows, so links shown inline are left out.
SMALL_TARGETS = """() => {
  const small = [];
  for (const el of document.querySelectorAll('a[href], button, input:not([type=hidden]), select, textarea, summary')) {
    const style = getComputedStyle(el);
    if (style.display === 'none' || style.visibility === 'hidden' || el.closest('[hidden], .visually-hidden')) continue;
    if (el.tagName === 'A' && style.display === 'inline') continue;
    const box = el.getBoundingClientRect();
    if (box.width === 0 && box.height === 0) continue;
    if (box.width < 24 || box.height < 24) {
      const what = el.textContent.trim().slice(0, 40) || el.name;
      small.push(`${el.tagName} ${what}: ${Math.round(box.width)}×${Math.round(box.height)}`);
    }
  }
  return small;
}"""


@pytest.fixture
def content(networks, rep_a, actor_a, actor_b):
    """A network with a working group, meetings with and without sign-up, a granted grant, a long address."""
    satra = networks["satra"]
    group = WorkingGroup.objects.create(
        network=satra, name="Trygghetsvandringar", description="Vi går kvällspromenader."
    )
    start = timezone.now() + timedelta(days=12)
    Meeting.objects.create(
        network=satra,
        title="Nätverksträff med en ganska lång rubrik om stadsdelsnätverksarbete",
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        place="Sätra bibliotek",
        registration_enabled=True,
        capacity=2,
    )
    Meeting.objects.create(
        network=satra,
        title="Trygghetsvandring",
        kind=Meeting.Kind.WORKING_GROUP,
        working_group=group,
        starts_at=start + timedelta(days=40),
        ends_at=start + timedelta(days=40, hours=2),
        place="Sätra centrum",
    )
    long_actor = Actor.objects.create(
        name="Hyresgästföreningen Sätra-Andersbergs lokalavdelning",
        slug="hyresgastforeningen",
        kind=Actor.Kind.ASSOCIATION,
        contact_email="ordforande.lokalavdelningen.satra-andersberg@hyresgastforeningen-gavle.example.se",
        website="https://www.hyresgastforeningen-lokalavdelning-satra.example.se/om-oss/styrelsen",
        contact_consent_at=timezone.now(),
        contact_consent_text="Ja",
    )
    Membership.objects.create(actor=long_actor, network=satra, status=Membership.Status.ACTIVE)
    year = timezone.localdate().year
    pot = Pot.objects.create(
        year=year,
        name=f"Aktivitetspotten {year}",
        opens_on=timezone.localdate() - timedelta(days=30),
        closes_on=timezone.localdate() + timedelta(days=60),
        max_amount_per_application=20_000,
    )
    Funding.objects.create(pot=pot, funder="Gävle kommun", amount=100_000)
    app = make_application(pot=pot, lead=actor_b, co=[actor_a], status=Application.Status.PAID, requested=12_500)
    app.title = "Läxhjälp och språkcafé för barn och föräldrar i stadsdelen"
    app.save()
    return {"group": group, "actor": long_actor}


def _pages(content) -> list[str]:
    return [
        "/",
        "/natverk/satra/",
        f"/natverk/satra/arbetsgrupper/{content['group'].pk}/",
        "/natverk/satra/nyheter/",
        "/moten/",
        "/natverk/satra/moten/",
        "/bidrag/beviljade/",
        f"/aktorer/{content['actor'].slug}/",
    ]


def _look(page, path: str, width: int) -> None:
    raw = page.page
    page.goto(path)
    assert raw.evaluate(NO_SIDEWAYS_SCROLL), f"{path} scrolls sideways at {width} px"
    assert raw.evaluate(SMALL_TARGETS) == [], f"{path} at {width} px"
    if SCREENSHOT_DIR:
        name = path.strip("/").replace("/", "_") or "home"
        Path(SCREENSHOT_DIR).mkdir(parents=True, exist_ok=True)
        raw.screenshot(path=f"{SCREENSHOT_DIR}/{name}-{width}.png", full_page=True)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("width", [320, 1280, 1920])
def test_pages_fit_every_width(page, content, width) -> None:
    page.page.set_viewport_size({"width": width, "height": 900})
    for path in _pages(content):
        _look(page, path, width)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("width", [1366, 1920])
def test_menu_logo_and_content_share_one_column_on_wide_screens(page, networks, width) -> None:
    raw = page.page
    raw.set_viewport_size({"width": width, "height": 900})
    page.goto("/natverk/")
    left = raw.evaluate(
        """() => ({
          logo: document.querySelector('.site-name').getBoundingClientRect().left,
          menu: document.querySelector('.main-nav a').getBoundingClientRect().left,
          content: document.querySelector('main h1').getBoundingClientRect().left,
          footer: document.querySelector('.site-footer__inner p').getBoundingClientRect().left,
          mainLeft: document.querySelector('main').getBoundingClientRect().left,
          mainRight: innerWidth - document.querySelector('main').getBoundingClientRect().right,
        })"""
    )
    # The column is centred (as much room on either side) and narrower than the screen.
    assert left["mainLeft"] > 20 and left["mainLeft"] == pytest.approx(left["mainRight"], abs=1), left
    assert left["menu"] == pytest.approx(left["logo"], abs=1), left
    assert left["content"] == pytest.approx(left["logo"], abs=1), left
    assert left["footer"] == pytest.approx(left["logo"], abs=1), left


@pytest.mark.django_db(transaction=True)
def test_granted_table_stacks_on_a_narrow_screen(page, content) -> None:
    raw = page.page
    raw.set_viewport_size({"width": 320, "height": 900})
    page.goto("/bidrag/beviljade/")
    amount = raw.locator("td.num").first
    assert amount.is_visible()
    box = amount.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 320
    label = amount.evaluate("el => getComputedStyle(el, '::before').content")
    assert label == '"Belopp"'
    assert raw.locator("table.table-stack thead").evaluate("el => el.getBoundingClientRect().height") <= 1
    raw.set_viewport_size({"width": 1280, "height": 900})
    assert amount.evaluate("el => getComputedStyle(el).display") == "table-cell"
    assert amount.evaluate("el => getComputedStyle(el, '::before').content") == "none"


@pytest.mark.django_db(transaction=True)
def test_boxes_keep_their_size_beside_a_label_that_wraps(page, meeting_with_actor) -> None:
    raw = page.page
    raw.set_viewport_size({"width": 320, "height": 900})
    page.login(meeting_with_actor["user"])
    page.goto(f"/moten/{meeting_with_actor['meeting'].pk}/")
    radios = raw.locator("input[name=attendee]")
    assert radios.count() == 2
    for index in range(radios.count()):
        box = radios.nth(index).bounding_box()
        assert box["width"] >= 24 and box["height"] >= 24, box
    # The label of the actor wraps onto several lines at 320 px, and the box did not shrink.
    label = raw.locator("label:has(input[name=attendee]:not([value=self]))")
    assert label.bounding_box()["height"] > 40


@pytest.fixture
def meeting_with_actor(networks, rep_a, actor_a):
    actor_a.name = "Föreningen Alfa för kultur, idrott och gemenskap i Andersberg"
    actor_a.save()
    start = timezone.now() + timedelta(days=5)
    meeting = Meeting.objects.create(
        network=networks["andersberg"],
        title="Träff",
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        place="Träffpunkten",
        registration_enabled=True,
        capacity=10,
    )
    return {"meeting": meeting, "user": rep_a}


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("width", [320, 1280])
def test_signed_up_cancelled_and_confirm_pages_fit(page, meeting_with_actor, width) -> None:
    from meetings.services import registration_create

    raw = page.page
    raw.set_viewport_size({"width": width, "height": 900})
    meeting, user = meeting_with_actor["meeting"], meeting_with_actor["user"]
    registration = registration_create(meeting=meeting, user=user, needs="Hörslinga")
    page.login(user)
    for path in (f"/moten/{meeting.pk}/", "/mina-sidor/moten/", f"/mina-sidor/moten/{registration.pk}/avboka/"):
        _look(page, path, width)
    Meeting.objects.filter(pk=meeting.pk).update(status=Meeting.Status.CANCELLED, cancel_reason="Sjukdom.")
    _look(page, f"/moten/{meeting.pk}/", width)
    assert "Du var anmäld, men mötet är inställt: Sjukdom." in raw.locator("main").inner_text()


@pytest.mark.django_db(transaction=True)
def test_copy_button_copies_the_calendar_address(page, live_server, networks) -> None:
    raw = page.page
    raw.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    page.goto("/moten/")
    # Chromium lets only a focused document write to the clipboard; under load another
    # window may hold the focus, and copy.js then (rightly) falls back to selecting the field.
    raw.bring_to_front()
    button = raw.get_by_role("button", name="Kopiera adressen")
    expect(button).to_be_visible()  # shown by copy.js; hidden without JavaScript
    button.click()
    # The clipboard write is asynchronous: wait for the status message instead of reading it at once.
    expect(raw.get_by_role("status").filter(has_text="Adressen är kopierad.")).to_have_count(1, timeout=15_000)
    assert raw.evaluate("navigator.clipboard.readText()").endswith("/moten/kalender.ics")
    page.check()
