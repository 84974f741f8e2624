"""The steering group's day in the admin: from a submitted application to a closed one.

axe runs on every page: page.goto checks each page it opens, page.check() each page a
click or a submit lands on (error states included).
"""

from __future__ import annotations

import datetime
import hashlib
import os
from pathlib import Path

import pytest
from django.utils import timezone

from grants.models import Application, DecisionLetter, Funding, Payment, Pot
from grants.services import report_submit
from members.models import Actor
from tests.grants.conftest import make_application

S = Application.Status
# SCREENSHOT_DIR=… keeps screenshots of the decision panel at 1280 and 320 px, to look at.
SHOTS = os.environ.get("SCREENSHOT_DIR", "")


@pytest.fixture
def pot(db) -> Pot:
    today = timezone.localdate()
    pot = Pot.objects.create(
        year=today.year,
        name=f"Aktivitetspotten {today.year}",
        opens_on=today - datetime.timedelta(days=60),
        closes_on=today + datetime.timedelta(days=60),
        max_amount_per_application=20_000,
    )
    Funding.objects.create(pot=pot, funder="Gävle kommun", amount=50_000)
    return pot


def click_and_check(page, selector: str) -> None:
    with page.page.expect_navigation():
        page.page.click(selector)
    page.check()


@pytest.mark.django_db(transaction=True)
def test_steering_group_day(page, settings, pot, actor_a, rep_a, actor_b, steering):
    settings.REQUIRE_STAFF_MFA = False
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    raw = page.page
    # 40 000 of the pot's 50 000 kr are already granted: 10 000 kr are left.
    make_application(pot=pot, lead=actor_b, status=S.APPROVED, requested=20_000)
    make_application(pot=pot, lead=actor_b, status=S.PAID, requested=20_000)
    co = Actor.objects.create(name="Föreningen Gamma", slug="foreningen-gamma", kind=Actor.Kind.ASSOCIATION)
    app = make_application(pot=pot, lead=actor_a, co=[co], status=S.SUBMITTED, requested=18_000, confirmed=False)
    # A long name and a long status, as the real list has them.
    long_name = Actor.objects.create(
        name="Hyresgästföreningen Andersbergsringen", slug="hyresgastforeningen", kind=Actor.Kind.ASSOCIATION
    )
    make_application(pot=pot, lead=long_name, status=S.NEEDS_COMPLETION, requested=19_500)

    page.login(steering)
    page.goto("/admin/")
    # The to-do list tells apart what waits for a co-applicant and what waits for a completion.
    todo = raw.inner_text(".todo")
    assert "1 ansökan väntar på att medsökande bekräftar" in todo
    assert "1 ansökan väntar på komplettering från de sökande" in todo
    assert "klar för beslut" not in todo
    page.goto("/admin/grants/application/")
    # The key columns fit at 1280 px: the list does not scroll sideways.
    assert raw.evaluate("(el => el.scrollWidth <= el.clientWidth)(document.querySelector('#changelist .results'))")

    # Opens the submitted application: the decisions are offered at once (no review step),
    # but "Bevilja" is disabled until the co-applicant has confirmed, and says so.
    click_and_check(page, f'a[href="/admin/grants/application/{app.pk}/change/"]')
    panel = raw.inner_text(".grants-decision")
    assert "10\xa0000\xa0kr" in panel and "18\xa0000\xa0kr" in panel
    assert raw.locator(".grants-decision__moves a").all_inner_texts() == ["Begär komplettering", "Avslå"]
    approve = raw.locator(".grants-decision__moves button:text-is('Bevilja')")
    assert approve.is_disabled()
    assert "Föreningen Gamma" in raw.inner_text("#grants-move-bevilja-why")
    if SHOTS:
        raw.locator(".grants-decision").screenshot(path=str(Path(SHOTS) / "panel-1280.png"))
    raw.set_viewport_size({"width": 320, "height": 800})
    assert raw.evaluate("document.documentElement.scrollWidth <= 320")
    page.check()  # axe on the whole page at 320 px as well
    if SHOTS:
        raw.locator(".grants-decision").screenshot(path=str(Path(SHOTS) / "panel-320.png"))
    raw.set_viewport_size({"width": 1280, "height": 900})
    app.refresh_from_db()
    assert app.status == S.SUBMITTED  # looking at it changes nothing

    # The co-applicant confirms: "Bevilja" is a link, with a note that the pot is too small for all of it.
    app.coapplicant_links.update(status="confirmed")
    page.goto(f"/admin/grants/application/{app.pk}/change/")
    assert raw.locator(".grants-decision__moves a").all_inner_texts() == [
        "Bevilja",
        "Begär komplettering",
        "Avslå",
    ]
    assert "10\xa0000\xa0kr återstår" in raw.inner_text("#grants-move-bevilja-why")

    # The case gets a handler and an internal note; a note over the limit is refused on a page
    # of its own that keeps what was typed.
    raw.select_option("#id_handler", str(steering.pk))
    raw.evaluate("document.querySelector('#id_internal_note').value = 'x'.repeat(5001)")
    click_and_check(page, '.grants-casework input[type="submit"]')
    assert raw.title().startswith("Fel:")
    assert len(raw.input_value("#id_internal_note")) == 5001
    raw.fill("#id_internal_note", "Ring föreningen om ljudet innan beslutet.")
    click_and_check(page, '.grants-casework input[type="submit"]')
    assert raw.input_value("#id_internal_note") == "Ring föreningen om ljudet innan beslutet."
    app.refresh_from_db()
    assert app.handler == steering and app.events.filter(kind__in=["note", "handler"]).count() == 2

    # Tries to approve more than the pot holds: refused, the typed reason kept. Opening the
    # page took the application into review, with one history row.
    click_and_check(page, 'a:text-is("Bevilja")')
    app.refresh_from_db()
    assert app.status == S.IN_REVIEW and app.events.filter(kind="transition").count() == 1
    assert "10\xa0000\xa0kr" in raw.inner_text(".grants-decision__summary")
    raw.fill("#id_amount", "12 000")
    raw.fill("#id_motivation", "Vi beviljar tältet och scenen, inte ljudet.")
    click_and_check(page, 'input[type="submit"].default')
    assert raw.title().startswith("Fel:")
    assert "Potten räcker inte" in raw.inner_text("#error-summary")
    assert raw.evaluate("document.activeElement.id") == "error-summary"  # read out first
    assert raw.input_value("#id_amount") == "12 000"
    assert raw.input_value("#id_motivation") == "Vi beviljar tältet och scenen, inte ljudet."
    app.refresh_from_db()
    assert app.status == S.IN_REVIEW

    # Approves a partial amount with the reason.
    raw.fill("#id_amount", "9 000")
    click_and_check(page, 'input[type="submit"].default')
    app.refresh_from_db()
    assert (app.status, app.amount_granted) == (S.APPROVED, 9_000)

    # The decision letter: linked from the application's page, a PDF, the same bytes twice,
    # the ones stored with their SHA-256 in the history.
    letter = DecisionLetter.objects.get(decision__application=app)
    link = raw.locator(f'a[href="{letter.get_absolute_url()}"]').first
    assert link.is_visible()
    url = page.base_url + link.get_attribute("href")
    first = raw.request.get(url)
    second = raw.request.get(url)
    assert first.status == 200 and first.headers["content-type"] == "application/pdf"
    assert first.body() == second.body() and first.body().startswith(b"%PDF-")
    assert hashlib.sha256(first.body()).hexdigest() == letter.sha256
    assert letter.sha256 in app.events.get(kind="letter").note

    # Registers the payment with day and reference; first the decision page at 320 px.
    raw.set_viewport_size({"width": 320, "height": 800})
    click_and_check(page, 'a:text-is("Markera som utbetald")')
    assert raw.evaluate("document.documentElement.scrollWidth <= 320")
    raw.set_viewport_size({"width": 1280, "height": 900})
    body = raw.inner_text("#content")
    assert "9\xa0000\xa0kr" in body and "Bankgiro 5050-1055" in body
    # A day before the approval (today), typed the Swedish way, is refused on the field,
    # with what was typed kept.
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    typed = f"{yesterday.day}/{yesterday.month} {yesterday.year}"
    raw.fill("#id_paid_on", typed)
    raw.fill("#id_reference", "VER-2027-0412")
    click_and_check(page, 'input[type="submit"].default')
    assert raw.title().startswith("Fel:")
    assert "före beslutet att bevilja" in raw.inner_text("#id_paid_on_error")
    assert raw.input_value("#id_paid_on") == typed
    assert raw.input_value("#id_reference") == "VER-2027-0412"
    # Today, day first with a slash ("7/12 2026"): read as the day it is, never month first.
    paid_on = timezone.localdate()
    raw.fill("#id_paid_on", f"{paid_on.day:02d}/{paid_on.month:02d}/{paid_on.year}")
    click_and_check(page, 'input[type="submit"].default')
    payment = Payment.objects.get(application=app)
    assert (payment.paid_on, payment.reference, payment.amount) == (paid_on, "VER-2027-0412", 9_000)

    # The applicant reports back; the steering group approves the report.
    report_submit(application=app, user=rep_a, what_happened="Ungefär 90 kom.", participants=90, actual_costs=9_000)
    page.goto(f"/admin/grants/application/{app.pk}/change/")
    click_and_check(page, 'a:text-is("Godkänn återrapporten")')
    click_and_check(page, 'input[type="submit"].default')
    app.refresh_from_db()
    assert app.status == S.CLOSED
    assert raw.locator(".grants-decision__moves a").count() == 0

    # The pot's page: its table of fundings has a name on every input (axe: label).
    page.goto(f"/admin/grants/pot/{pot.pk}/change/")
    assert raw.get_by_label("Finansiär, rad 1", exact=True).input_value() == "Gävle kommun"
