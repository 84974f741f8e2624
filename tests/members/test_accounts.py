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


def test_signup_requires_verification(client, django_capture_on_commit_callbacks) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("account_signup"), {"email": "ny@example.se", "password1": PASSWORD, "password2": PASSWORD}
        )
    assert response.status_code == 302
    user = User.objects.get(email="ny@example.se")
    assert not EmailAddress.objects.get(user=user).verified
    # Not logged in until the address is verified.
    assert client.get("/mina-sidor/").status_code == 302
    link = re.search(r"https?://\S+/konto/confirm-email/\S+", mail.outbox[0].body).group(0)
    path = link.split("://", 1)[1].split("/", 1)[1]
    response = client.post("/" + path)
    assert response.status_code == 302
    assert EmailAddress.objects.get(user=user).verified


def test_signup_errors_are_in_swedish_and_nothing_is_created(client) -> None:
    response = client.post(
        reverse("account_signup"), {"email": "inte-en-adress", "password1": "kort", "password2": "x"}
    )
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
