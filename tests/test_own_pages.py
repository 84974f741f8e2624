"""A logged-in user's own pages ("Mina sidor") and the sessions read through the cache
(core/sessions.py): nobody ever sees another's page, and every change shows at once.

The database commits for real (transaction=True), as in production.
"""

from __future__ import annotations

import re
import time

import pytest
from allauth.account.models import EmailAddress
from django.contrib.messages import constants
from django.contrib.messages.storage.base import Message
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.test import Client, RequestFactory
from django.urls import reverse

import core.cache_backend
from core.sessions import SessionStore
from members.models import Actor, Membership, Representation, User
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)

MY_PAGES = "/mina-sidor/"


@pytest.fixture(autouse=True)
def caches_on(settings):
    settings.ANON_CACHE_SECONDS = 300
    cache.clear()
    yield
    cache.clear()


def _browser(user: User) -> Client:
    """A logged-in browser that has had its CSRF cookie (from a first page) like any browser."""
    client = Client()
    client.force_login(user)
    first = client.get(MY_PAGES)
    assert first.status_code == 200
    assert "csrftoken" in client.cookies
    return client


def _page(client: Client) -> str:
    response = client.get(MY_PAGES)
    assert response.status_code == 200
    assert "X-Cache" not in response  # Rendered for this request, never stored.
    return response.content.decode()


def test_two_users_in_turn_each_see_only_their_own_page(rep_a, rep_b) -> None:
    alfa, beta = _browser(rep_a), _browser(rep_b)
    pages = {
        "alfa": [_page(alfa)],
        "beta": [_page(beta)],
    }
    pages["alfa"].append(_page(alfa))
    pages["beta"].append(_page(beta))
    pages["alfa"].append(_page(alfa))
    for page in pages["alfa"]:
        assert "Föreningen Alfa" in page and "Inloggad som Alfa." in page
        assert "Föreningen Beta" not in page and "Beta" not in page
    for page in pages["beta"]:
        assert "Föreningen Beta" in page and "Inloggad som Beta." in page
        assert "Föreningen Alfa" not in page and "Alfa" not in page


def test_the_same_user_in_two_browsers_gets_two_pages_each_with_its_own_csrf_token(rep_a) -> None:
    first = _browser(rep_a)
    _page(first)
    _page(first)
    second = Client(enforce_csrf_checks=True)
    second.force_login(rep_a)
    second.get(MY_PAGES)  # Its CSRF cookie.
    assert _page(second)
    page = _page(second)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    # The form on the page works in this browser: the logout button.
    response = second.post(reverse("account_logout"), {"csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert "_auth_user_id" not in second.session


def test_admin_lists_in_turn_show_each_coordinator_only_their_network(
    coord_andersberg, coord_satra, actor_a, actor_b
) -> None:
    andersberg, satra = Client(), Client()
    andersberg.force_login(coord_andersberg)
    satra.force_login(coord_satra)
    url = reverse("admin:members_membership_changelist")
    for _ in range(2):
        page_a = andersberg.get(url).content.decode()
        page_s = satra.get(url).content.decode()
        assert "Föreningen Alfa" in page_a and "Föreningen Beta" not in page_a
        assert "Föreningen Beta" in page_s and "Föreningen Alfa" not in page_s


def test_any_write_shows_on_the_next_request_also_without_signals(rep_a, actor_a, networks) -> None:
    alfa = _browser(rep_a)
    _page(alfa)
    _page(alfa)
    Actor.objects.filter(pk=actor_a.pk).update(name="Föreningen Alfa Omdöpt")  # No signal sent.
    page = _page(alfa)
    assert "Föreningen Alfa Omdöpt" in page
    _page(alfa)
    # Written by somebody else, in a transaction: a new membership of the user's actor.
    Membership.objects.create(actor=actor_a, network=networks["satra"], status=Membership.Status.PENDING)
    page = _page(alfa)
    assert "Sätra" in page


def test_a_waiting_message_is_shown(rep_a) -> None:
    alfa = _browser(rep_a)
    _page(alfa)
    _page(alfa)
    storage = CookieStorage(RequestFactory().get("/"))
    alfa.cookies["messages"] = storage._encode([Message(constants.SUCCESS, "Sparat: ett test.")])
    response = alfa.get(MY_PAGES)
    assert response.status_code == 200
    assert "X-Cache" not in response
    assert "Sparat: ett test." in response.content.decode()


def test_a_logged_out_session_gets_no_page(rep_a) -> None:
    alfa = _browser(rep_a)
    _page(alfa)
    _page(alfa)
    session_cookie = alfa.cookies["sessionid"].value
    alfa.post(reverse("account_logout"))
    alfa.cookies["sessionid"] = session_cookie  # The old cookie, sent again.
    response = alfa.get(MY_PAGES)
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_a_new_password_elsewhere_ends_the_session(rep_a) -> None:
    alfa = _browser(rep_a)
    _page(alfa)
    _page(alfa)
    user = User.objects.get(pk=rep_a.pk)
    user.set_password("Ett-helt-annat-lösenord-456")
    user.save()
    response = alfa.get(MY_PAGES)
    assert response.status_code == 302


def test_a_removed_representation_shows_at_once(rep_a, actor_a) -> None:
    alfa = _browser(rep_a)
    _page(alfa)
    _page(alfa)
    Representation.objects.filter(user=rep_a).delete()
    page = _page(alfa)
    assert "Föreningen Alfa" not in page


@pytest.fixture
def unreachable_cache(settings, monkeypatch):
    monkeypatch.setattr(core.cache_backend, "_circuits", {})
    settings.CACHES = {
        "default": {
            "BACKEND": "core.cache_backend.ResilientRedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # Port 1: refused at once.
            "OPTIONS": {"CIRCUIT_BREAKER_SECONDS": 60},
        }
    }


def test_without_the_cache_login_and_pages_still_work(rep_a, unreachable_cache) -> None:
    EmailAddress.objects.create(user=rep_a, email=rep_a.email, verified=True, primary=True)
    client = Client()
    response = client.post(reverse("account_login"), {"login": rep_a.email, "password": PASSWORD})
    assert response.status_code == 302
    for _ in range(3):
        response = client.get(MY_PAGES)
        assert response.status_code == 200
        assert "X-Cache" not in response
        assert "Föreningen Alfa" in response.content.decode()
    client.post(reverse("account_logout"))
    assert client.get(MY_PAGES).status_code == 302


def test_a_session_stays_in_the_cache_only_briefly(rep_a, settings) -> None:
    settings.SESSION_CACHE_SECONDS = 120
    client = Client()
    client.force_login(rep_a)
    key = SessionStore.cache_key_prefix + client.cookies["sessionid"].value
    assert cache.get(key) is not None
    # LocMemCache keeps each key's expiry time.
    assert 0 < cache._expire_info[cache.make_and_validate_key(key)] - time.time() <= 120
