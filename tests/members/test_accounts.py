"""Accounts through allauth: sign-up with verification, login by code, reset, MFA for staff."""

from __future__ import annotations

import re

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.core import mail
from django.core.cache import cache
from django.urls import reverse

from members.models import User
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clear_rate_limits():
    cache.clear()
    yield
    cache.clear()


def _code(body: str) -> str:
    return re.search(r"^([A-Z0-9]{4}-[A-Z0-9]{4})$", body, re.M).group(1)


def test_signup_by_code_with_a_name_logs_in_at_once(client, django_capture_on_commit_callbacks) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("account_signup"), {"email": "ny@example.se", "name": "  Anna   Ny "})
    assert response.status_code == 302
    user = User.objects.get(email="ny@example.se")
    assert user.name == "Anna Ny"
    assert not user.has_usable_password()
    assert not EmailAddress.objects.get(user=user).verified
    # Not logged in until the code is entered.
    assert client.get("/mina-sidor/").status_code == 302
    body = mail.outbox[0].body
    assert body.startswith("Hej Anna!")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("account_email_verification_sent"), {"code": _code(body)})
    assert response.status_code == 302
    assert response["Location"] == reverse("members:my-pages")
    assert EmailAddress.objects.get(user=user).verified
    page = client.get("/mina-sidor/").content.decode()
    assert "Anna Ny" in page


def test_signup_asks_for_a_name(client) -> None:
    response = client.post(reverse("account_signup"), {"email": "ny@example.se", "name": "   "})
    assert response.status_code == 200
    assert "Skriv ditt namn." in response.content.decode()
    assert not User.objects.exists()


def test_signup_page_speaks_plain_swedish(client) -> None:
    html = client.get(reverse("account_signup")).content.decode()
    assert "Ditt namn" in html
    assert 'type="password"' not in html
    for stilted in ("epost", "Verifierings-mail", "mailet"):
        assert stilted not in html


def test_code_login_verifies_an_address_without_a_record(client, rep_a, django_capture_on_commit_callbacks) -> None:
    # Users made by the admin or the demo data have no EmailAddress row; the code proves the address.
    assert not EmailAddress.objects.filter(user=rep_a).exists()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_request_login_code"), {"email": rep_a.email})
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("account_confirm_login_code"), {"code": _code(mail.outbox[0].body)})
    assert response["Location"] == reverse("members:my-pages")
    assert len(mail.outbox) == 1, "no second mail asking to verify the address"
    assert EmailAddress.objects.get(user=rep_a, email=rep_a.email).verified
    assert client.get("/mina-sidor/").status_code == 200


def test_code_login_verifies_an_unverified_address(client, rep_a, django_capture_on_commit_callbacks) -> None:
    EmailAddress.objects.create(user=rep_a, email=rep_a.email, verified=False, primary=True)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_request_login_code"), {"email": rep_a.email})
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("account_confirm_login_code"), {"code": _code(mail.outbox[0].body)})
    assert response["Location"] == reverse("members:my-pages")
    assert EmailAddress.objects.get(user=rep_a).verified


def test_code_pages_and_messages_are_in_plain_swedish(client, django_capture_on_commit_callbacks) -> None:
    html = client.get(reverse("account_request_login_code")).content.decode()
    assert "Logga in med en kod" in html
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("account_signup"), {"email": "ny@example.se", "name": "Anna"}, follow=True)
    html = response.content.decode()
    assert "Skriv in koden från din e-post" in html
    assert "Vi har skickat en kod till ny@example.se" in html
    for stilted in ("epost", "Verifierings-mail"):
        assert stilted not in html


def test_signup_errors_are_in_swedish_and_nothing_is_created(client) -> None:
    response = client.post(reverse("account_signup"), {"email": "inte-en-adress", "name": "Anna"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "<title>Fel:" in html
    assert "Det finns fel i formuläret" in html
    assert not User.objects.exists()


def test_login_page_in_site_design(client) -> None:
    html = client.get(reverse("account_login")).content.decode()
    assert html.count("<h1") == 1
    assert 'class="site-header"' in html
    assert "Skicka mig en inloggningskod" in html


def test_login_with_password(client, rep_a) -> None:
    EmailAddress.objects.create(user=rep_a, email=rep_a.email, verified=True, primary=True)
    response = client.post(reverse("account_login"), {"login": rep_a.email, "password": PASSWORD})
    assert response.status_code == 302
    assert client.get("/mina-sidor/").status_code == 200


def test_login_by_code(client, rep_a, django_capture_on_commit_callbacks) -> None:
    EmailAddress.objects.create(user=rep_a, email=rep_a.email, verified=True, primary=True)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("account_request_login_code"), {"email": rep_a.email})
    assert response.status_code == 302
    code = re.search(r"^([A-Z0-9]{4}-[A-Z0-9]{4})$", mail.outbox[0].body, re.M).group(1)
    response = client.post(reverse("account_confirm_login_code"), {"code": code})
    assert response.status_code == 302
    assert client.get("/mina-sidor/").status_code == 200


def test_password_reset_does_not_reveal_whether_address_exists(client, rep_a) -> None:
    known = client.post(reverse("account_reset_password"), {"email": rep_a.email})
    unknown = client.post(reverse("account_reset_password"), {"email": "okand@example.se"})
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]


def test_logout(client, rep_a) -> None:
    client.force_login(rep_a)
    response = client.post(reverse("account_logout"))
    assert response.status_code == 302
    assert client.get("/mina-sidor/").status_code == 302


def test_admin_login_goes_through_allauth(client) -> None:
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert "next=/admin/" in response["Location"]
    response = client.get("/admin/")
    assert response.status_code == 302


def test_admin_login_for_logged_in_non_staff_is_403(client, rep_a) -> None:
    client.force_login(rep_a)
    assert client.get("/admin/login/?next=/admin/").status_code == 403


@pytest.mark.parametrize("url", ["/admin/", "/en/admin/", "/admin/members/membership/"])
def test_staff_without_totp_is_sent_to_activation(client, settings, coord_satra, url) -> None:
    settings.REQUIRE_STAFF_MFA = True
    client.force_login(coord_satra)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")
    response = client.get(url, follow=True)
    # The message is in the language of the page that asked for the admin.
    expected = "two-step verification" if url.startswith("/en/") else "tvåstegsverifiering"
    assert expected in response.content.decode()


def test_staff_with_totp_reaches_admin(client, settings, coord_satra) -> None:
    settings.REQUIRE_STAFF_MFA = True
    Authenticator.objects.create(user=coord_satra, type=Authenticator.Type.TOTP, data={"secret": "x"})
    client.force_login(coord_satra)
    assert client.get("/admin/").status_code == 200


def test_mfa_requirement_off(client, settings, coord_satra) -> None:
    settings.REQUIRE_STAFF_MFA = False
    client.force_login(coord_satra)
    assert client.get("/admin/").status_code == 200


def test_mfa_requirement_does_not_touch_the_public_site(client, settings, coord_satra) -> None:
    settings.REQUIRE_STAFF_MFA = True
    client.force_login(coord_satra)
    assert client.get("/mina-sidor/").status_code == 200
    assert client.get("/aktorer/").status_code == 200


def test_mfa_pages_are_available_to_everyone(client, resident) -> None:
    client.force_login(resident)
    assert client.get(reverse("mfa_index")).status_code == 200


def test_header_names_the_user_and_logs_out_with_post(client, rep_a) -> None:
    rep_a.name = "Anna Andersson"
    rep_a.save()
    client.force_login(rep_a)
    html = client.get("/aktorer/").content.decode()
    header = html.split("</header>", 1)[0]
    assert "Inloggad som Anna Andersson" in header
    assert f'<form method="post" action="{reverse("account_logout")}">' in header
    client.post(reverse("account_logout"))
    assert client.get("/mina-sidor/").status_code == 302


@pytest.mark.parametrize("url_name", ["account_change_password", "account_set_password"])
def test_password_hints_with_a_list_are_valid_html(client, rep_a, url_name: str, tmp_path) -> None:
    # Django's password help text is a <ul>; inside a <p> the browser closes the <p> early
    # and vnu reports "No p element in scope but a p end tag seen".
    from tests import vnu

    client.force_login(rep_a)
    html = client.get(reverse(url_name), follow=True).content.decode()
    assert "<ul><li>" in html, "the password rules are shown as a list"
    assert not re.search(r"<p\b[^>]*>(?:(?!</p>).)*<ul\b", html, re.S)
    if vnu.vnu_command() is not None:
        page = tmp_path / "password.html"
        page.write_text(html, encoding="utf-8")
        assert vnu.vnu_errors([page]) == []
