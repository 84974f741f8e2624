"""axe-core on every members and account page, with and without form errors."""

from __future__ import annotations

import pytest
from allauth.account.models import EmailAddress
from django.core.cache import cache

from members.models import Actor, Invitation, Membership
from tests.conftest import PASSWORD


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()


def _submit(page) -> None:
    page.page.locator("main form[method=post] button[type=submit]").first.click()
    page.page.wait_for_load_state()
    page.check()


def test_public_members_pages(transactional_db, actor_a, actor_b, networks, coord_satra, steering, page) -> None:
    actor_a.contact_email = "alfa@example.se"
    actor_a.contact_consent_at = actor_a.created_at
    actor_a.save()
    for i in range(25):
        Actor.objects.create(name=f"Aktör {i}", slug=f"aktor-{i}", kind="foretag")
    for path in [
        "/aktorer/",
        "/aktorer/?sida=2",
        "/aktorer/?q=alfa&natverk=andersberg&typ=forening",
        "/aktorer/?q=finns-inte",
        "/aktorer/foreningen-alfa/",
        "/natverk/satra/",
        "/om/",
        "/en/aktorer/",
        "/konto/login/",
        "/konto/login/code/",
        "/konto/password/reset/",
        "/konto/signup/",
        "/en/konto/login/",
    ]:
        page.goto(path)


def test_account_form_errors(transactional_db, page) -> None:
    page.goto("/konto/login/")
    page.page.fill("#id_login", "okand@example.se")
    page.page.fill("#id_password", "fel-losenord-123")
    _submit(page)
    assert page.page.title().startswith("Fel:")
    page.goto("/konto/password/reset/")
    page.page.fill("#id_email", "inte-en-adress")
    page.page.locator("#id_email").evaluate("el => el.type = 'text'")
    _submit(page)


def test_logged_in_pages(transactional_db, rep_a, actor_b, page, settings, tmp_path) -> None:
    settings.MEDIA_ROOT = tmp_path
    Invitation.objects.create(
        actor=actor_b, email=rep_a.email, token="tok", expires_at=actor_b.created_at.replace(year=2100)
    )
    Membership.objects.create(actor=rep_a.representations.get().actor, network_id=actor_b.memberships.get().network_id)
    page.login(rep_a)
    for path in [
        "/mina-sidor/",
        "/mina-sidor/aktorer/foreningen-alfa/",
        "/mina-sidor/aktorer/foreningen-alfa/ga-med/",
        "/mina-sidor/aktorer/foreningen-alfa/bjud-in/",
        "/mina-sidor/inbjudan/tok/",
        "/mina-sidor/mina-uppgifter/",
        "/mina-sidor/mina-uppgifter/radera/",
        "/aktorer/foreningen-beta/meddelande/",
        "/konto/email/",
        "/konto/password/change/",
        "/konto/2fa/",
        "/konto/2fa/totp/activate/",
        "/en/mina-sidor/",
        "/konto/logout/",
    ]:
        page.goto(path)
    # Reauthenticate with the password, then the TOTP activation page with its QR code.
    EmailAddress.objects.update_or_create(user=rep_a, email=rep_a.email, defaults={"verified": True, "primary": True})
    page.goto("/konto/2fa/totp/activate/")
    page.page.fill("#id_password", PASSWORD)
    _submit(page)
    assert "/konto/2fa/totp/activate/" in page.page.url
    assert page.page.locator("img.qr-code").count() == 1
    # A wrong code is an error state too.
    page.page.fill("#id_code", "000000")
    _submit(page)
    assert page.page.title().startswith("Fel:")
    # Error states.
    page.goto("/mina-sidor/aktorer/foreningen-alfa/ga-med/")
    _submit(page)
    assert page.page.title().startswith("Fel:")
    page.goto("/mina-sidor/aktorer/foreningen-alfa/bjud-in/")
    page.page.fill("#id_email", rep_a.email)
    _submit(page)
    page.goto("/mina-sidor/mina-uppgifter/radera/")
    _submit(page)
    page.goto("/aktorer/foreningen-beta/meddelande/")
    page.page.locator("#id_subject").evaluate("el => el.removeAttribute('required')")
    page.page.locator("#id_body").evaluate("el => el.removeAttribute('required')")
    _submit(page)
    page.goto("/mina-sidor/aktorer/foreningen-alfa/")
    page.page.fill("#id_org_number", "fel")
    page.page.set_input_files(
        "#id_logo", files=[{"name": "text.png", "mimeType": "image/png", "buffer": b"inte en bild"}]
    )
    _submit(page)
    assert "inte en bild" in page.page.content()


def test_admin_pages_for_coordinator(transactional_db, actor_a, coord_andersberg, page) -> None:
    page.login(coord_andersberg)
    membership = Membership.objects.get(actor=actor_a)
    for path in [
        "/admin/",
        "/admin/members/membership/",
        f"/admin/members/membership/{membership.pk}/change/",
        "/admin/members/actor/",
        f"/admin/members/actor/{actor_a.pk}/change/",
        "/admin/networks/post/",
        "/admin/networks/post/add/",
    ]:
        page.goto(path)
