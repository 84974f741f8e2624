"""A representative applies with a co-applicant, the steering group approves part of it, the
applicant reports back. The applicant's run is keyboard only; axe runs on every page."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from grants.models import Application

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def co_actor(networks):
    from members.models import Actor, Membership, Representation
    from tests.conftest import _user

    actor = Actor.objects.create(name="Föreningen Gamma", slug="foreningen-gamma", kind=Actor.Kind.ASSOCIATION)
    Membership.objects.create(actor=actor, network=networks["andersberg"], status=Membership.Status.ACTIVE)
    user = _user("gamma@example.se")
    Representation.objects.create(user=user, actor=actor)
    return actor, user


def tab_to(page, selector: str, limit: int = 80) -> None:
    """Press Tab until the element matching `selector` has focus (keyboard only, no clicks)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("(s) => document.activeElement && document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"Tab never reached {selector}")


def type_into(page, selector: str, text: str) -> None:
    tab_to(page, selector)
    page.keyboard.press("Control+A")
    page.keyboard.type(text)


def type_date(page, selector: str, day: datetime.date) -> None:
    """A date typed as a Swede writes it, day first ("6/1 2027"), into a plain text field;
    `app.starts_on == start` below checks that it was read day first."""
    type_into(page, selector, f"{day.day}/{day.month} {day.year}")


def press_button(page, selector: str) -> None:
    tab_to(page, selector)
    with page.expect_navigation():
        page.keyboard.press("Enter")


@pytest.mark.django_db(transaction=True)
def test_apply_confirm_approve_and_report(page, settings, pot, networks, actor_a, rep_a, co_actor, steering):
    settings.REQUIRE_STAFF_MFA = False
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    co, co_user = co_actor
    raw = page.page
    start = timezone.localdate() + datetime.timedelta(days=30)

    # The applicant, keyboard only.
    page.login(rep_a)
    page.goto("/bidrag/")
    assert "50\xa0000\xa0kr" in raw.inner_text(".grants-remaining")
    press_button(raw, 'a[href="/bidrag/ansok/"]')
    page.check()
    assert raw.get_attribute('[aria-current="step"]', "aria-current") == "step"

    # Step 1, first with an error: no network chosen.
    type_into(raw, "#id_title", "Sommarfest på gården")
    press_button(raw, 'button[value="next"]')
    page.check()
    assert raw.title().startswith("Fel:")
    # The co-applicant is found by search and added with a button.
    type_into(raw, "#id_co_search", "gamma")
    press_button(raw, 'button[value="search"]')
    page.check()
    press_button(raw, f'button[name="add_coapplicant"][value="{co.pk}"]')
    page.check()
    tab_to(raw, f'input[name="networks"][value="{networks["andersberg"].pk}"]')
    raw.keyboard.press("Space")
    press_button(raw, 'button[value="next"]')
    page.check()
    app = Application.objects.get()

    # Step 2.
    type_into(raw, "#id_description", "Grillning, lekar och musik för alla på gården.")
    type_into(raw, "#id_purpose", "Att grannar lär känna varandra.")
    type_into(raw, "#id_target_group", "Alla som bor runt gården")
    type_date(raw, "#id_starts_on", start)
    type_date(raw, "#id_ends_on", start)
    type_into(raw, "#id_place", "Gården vid Andersbergsringen")
    type_into(raw, "#id_expected_participants", "80")
    press_button(raw, 'button[value="next"]')
    page.check()
    app.refresh_from_db()
    assert app.starts_on == start

    # Step 3, first with a decimal amount.
    type_into(raw, "#id_rad-0-what", "Hyra av tält")
    type_into(raw, "#id_rad-0-amount", "6 000")
    tab_to(raw, "[data-budget-add]")
    raw.keyboard.press("Enter")  # adds a row in place and moves focus to it
    assert raw.evaluate("document.activeElement.id") == "id_rad-1-what"
    type_into(raw, "#id_rad-1-what", "Mat och fika")
    type_into(raw, "#id_rad-1-amount", "4 000")
    type_into(raw, "#id_own_contribution", "500")
    type_into(raw, "#id_amount_requested", "10 000,50")
    press_button(raw, 'button[value="next"]')
    page.check()
    assert "hela kronor" in raw.inner_text(".error-summary")
    type_into(raw, "#id_amount_requested", "10 000")
    press_button(raw, 'button[value="next"]')
    page.check()

    # Step 4: contact and an attachment (the file chooser is the browser's own dialog).
    type_into(raw, "#id_contact_name", "Alva Alfa")
    type_into(raw, "#id_contact_email", "alva@example.se")
    raw.set_input_files("#id_attachment", files=[{"name": "offert.pdf", "mimeType": "application/pdf", "buffer": PDF}])
    press_button(raw, 'button[value="next"]')
    page.check()

    # Step 5: where the pot pays.
    tab_to(raw, 'input[name="payment_method"][value="bankgiro"]')
    raw.keyboard.press("ArrowDown")  # radios: Tab reaches the group, arrows choose
    assert raw.is_checked('input[name="payment_method"][value="plusgiro"]')
    type_into(raw, "#id_giro_number", "28 65 43-4")
    press_button(raw, 'button[value="next"]')
    page.check()
    assert not raw.query_selector(".error-summary")  # co-applicants confirm after submission

    # The applicant submits (keyboard).
    press_button(raw, "form[data-submit-once] button")
    page.check()
    app.refresh_from_db()
    assert app.status == Application.Status.SUBMITTED
    assert app.reference in raw.inner_text(".grants-reference")

    # The co-applicant confirms, now that there is something to confirm.
    page.login(co_user)
    page.goto("/mina-sidor/ansokningar/")
    raw.click(f'a[href="/bidrag/ansokningar/{app.pk}/bekrafta/"]')
    page.check()
    raw.click('button[value="yes"]')
    page.check()

    # The steering group approves part of it in the admin.
    page.login(steering)
    page.goto("/admin/grants/application/")
    # No separate review step: approving a submitted application takes it into review first.
    _admin_action(page, app, "approve")
    raw.fill(f"#id_a{app.pk}-amount", "7 500")
    raw.fill(f"#id_a{app.pk}-motivation", "Vi beviljar tältet och en del av maten.")
    raw.click('input[type="submit"]')
    page.check()
    app.refresh_from_db()
    assert (app.status, app.amount_granted) == (Application.Status.APPROVED, 7_500)
    _admin_action(page, app, "mark_paid")
    raw.fill(f"#id_a{app.pk}-reference", "VER-2027-0099")
    raw.click('input[type="submit"]')
    page.check()
    assert app.__class__.objects.get(pk=app.pk).payment.reference == "VER-2027-0099"
    page.goto(f"/admin/grants/application/{app.pk}/change/")
    page.goto(f"/admin/grants/pot/{pot.pk}/diagram/")

    # The applicant sees the decision and reports back.
    page.login(rep_a)
    page.goto("/mina-sidor/ansokningar/")
    assert "7\xa0500\xa0kr" in raw.inner_text("table")
    page.goto(f"/bidrag/ansokningar/{app.pk}/")
    press_button(raw, f'a[href="/bidrag/ansokningar/{app.pk}/aterrapport/"]')
    page.check()
    press_button(raw, "form[data-submit-once] button")
    page.check()
    assert raw.title().startswith("Fel:")
    type_into(raw, "#id_what_happened", "Ungefär 90 grannar kom.")
    type_into(raw, "#id_participants", "90")
    type_into(raw, "#id_actual_costs", "7 400")
    press_button(raw, "form[data-submit-once] button")
    page.check()
    app.refresh_from_db()
    assert app.status == Application.Status.REPORTED
    page.goto("/bidrag/beviljade/")


def _admin_action(page, app: Application, action: str) -> None:
    raw = page.page
    raw.goto(page.base_url + "/admin/grants/application/")
    raw.check(f'input[name="_selected_action"][value="{app.pk}"]')
    raw.select_option('select[name="action"]', action)
    raw.click('button[name="index"]')
    page.check()
