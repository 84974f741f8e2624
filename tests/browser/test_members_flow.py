"""Sign up, verify, create an actor with a logo, ask to join Brynäs, get approved, show up."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from PIL import Image

from members.models import Actor, Membership
from tests.conftest import _coordinator


@pytest.fixture
def logo_path(tmp_path):
    path = tmp_path / "logga.png"
    Image.new("RGB", (1600, 900), (0, 90, 112)).save(path)
    return path


def test_sign_up_create_actor_join_and_get_approved(transactional_db, networks, page, logo_path, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    coordinator = _coordinator("samordnare.brynas@example.se", networks["brynas"])
    pw = page.page

    # Sign up by code, first with errors.
    page.goto("/konto/signup/")
    pw.get_by_role("button", name="Skicka koden").click()
    pw.wait_for_load_state()
    if pw.locator(".error-summary").count() == 0:
        # The browser stopped the empty form itself (required fields); send a bad one instead.
        pw.fill("#id_name", " ")
        pw.fill("#id_email", "ny@example.se")
        pw.get_by_role("button", name="Skicka koden").click()
        pw.wait_for_load_state()
    assert pw.title().startswith("Fel:")
    page.check()
    pw.fill("#id_name", "Anna Ny")
    pw.fill("#id_email", "ny@example.se")
    pw.get_by_role("button", name="Skicka koden").click()
    pw.wait_for_load_state()
    page.check()

    # The code from the e-mail logs the new user in at once.
    code = re.search(r"^([A-Z0-9]{4}-[A-Z0-9]{4})$", mail.outbox[-1].body, re.M).group(1)
    assert mail.outbox[-1].body.startswith("Hej Anna!")
    pw.fill("#id_code", code)
    pw.get_by_role("button", name="Fortsätt").click()
    pw.wait_for_load_state()
    page.check()
    assert "Anna Ny" in pw.locator(".site-header").inner_text()
    page.goto("/mina-sidor/")
    assert pw.locator("h1").inner_text() == "Mina sidor"

    # Create an actor: first with a wrong organisation number, then right, with a logo.
    pw.get_by_role("link", name="Skapa en aktör").click()
    pw.wait_for_load_state()
    page.check()
    pw.fill("#id_name", "Brynäs Boulesällskap")
    pw.get_by_label("Förening").check()
    pw.fill("#id_org_number", "123456-7890")
    pw.get_by_role("button", name="Skapa aktören").click()
    pw.wait_for_load_state()
    assert pw.title().startswith("Fel:")
    page.check()
    assert pw.locator("#id_name").input_value() == "Brynäs Boulesällskap"
    pw.fill("#id_org_number", "802400-6911")
    pw.fill("#id_description", "Vi spelar boule vid Brynäs torg.")
    pw.set_input_files("#id_logo", str(logo_path))
    pw.get_by_role("button", name="Skapa aktören").click()
    pw.wait_for_load_state()
    page.check()
    actor = Actor.objects.get(name="Brynäs Boulesällskap")
    with Image.open(actor.logo.path) as image:
        assert max(image.size) == 800

    # Ask to join Brynäs.
    pw.get_by_label("Brynäs").check()
    pw.get_by_role("button", name="Skicka ansökan").click()
    pw.wait_for_load_state()
    page.check()
    assert Membership.objects.get(actor=actor).status == Membership.Status.PENDING

    # The Brynäs coordinator approves in the admin.
    page.login(coordinator)
    page.goto("/admin/")
    page.goto("/admin/members/membership/")
    pw.locator("input[name=_selected_action]").first.check()
    pw.select_option("select[name=action]", "approve")
    pw.locator("button[name=index]").click()
    pw.wait_for_load_state()
    page.check()  # the action asks first
    assert Membership.objects.get(actor=actor).status == Membership.Status.PENDING
    pw.get_by_role("button", name="Ja, godkänn").click()
    pw.wait_for_load_state()
    page.check()
    assert "1 ansökan godkänd." in pw.locator(".messagelist").inner_text()
    assert Membership.objects.get(actor=actor).status == Membership.Status.ACTIVE

    # The actor shows on Brynäs's page and in the directory.
    page.goto("/natverk/brynas/")
    assert pw.get_by_role("link", name="Brynäs Boulesällskap").count() == 1
    page.goto("/aktorer/?natverk=brynas")
    pw.get_by_role("link", name="Brynäs Boulesällskap").click()
    pw.wait_for_load_state()
    page.check()
