"""The steering group's list of applications is cached per browser session
(core/usercache.py): fast, and nobody ever gets a page that is not theirs or not current.

The database commits for real (transaction=True): a write makes stored pages stale only
once its transaction commits, as in production.
"""

from __future__ import annotations

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse

from core.roles import STEERING_GROUP
from grants.models import Application
from grants.workflow import application_transition
from members.models import User
from tests.conftest import PASSWORD
from tests.grants.conftest import make_application
from tests.test_user_cache import caches_on  # noqa: F401 (autouse: both caches on and empty)

pytestmark = pytest.mark.django_db(transaction=True)

S = Application.Status
LIST = "/admin/grants/application/"


@pytest.fixture
def steering_two(db):
    user = User.objects.create_user(
        email="sigrid@example.se", password=PASSWORD, name="Sigrid Styrgrupp", is_staff=True
    )
    user.groups.add(Group.objects.get(name=STEERING_GROUP))
    return user


def _browser(user) -> Client:
    """Logged in, with the CSRF cookie the admin's first page sets (as in any browser)."""
    client = Client()
    client.force_login(user)
    first = client.get(LIST)
    assert first.status_code == 200 and "X-Cache" not in first
    assert "csrftoken" in client.cookies
    return client


def _list(client: Client, expected_cache: str) -> str:
    response = client.get(LIST)
    assert response.status_code == 200
    assert response["X-Cache"] == expected_cache
    # The browser still keeps none of it.
    assert "no-store" in response["Cache-Control"]
    return response.content.decode()


def test_a_hit_is_the_list_as_rendered_and_needs_no_query(steering, pot, actor_a, django_assert_max_num_queries):
    make_application(pot=pot, lead=actor_a, status=S.SUBMITTED)
    browser = _browser(steering)
    rendered = _list(browser, "miss")
    with django_assert_max_num_queries(0):
        assert _list(browser, "hit") == rendered


def test_a_decision_shows_on_the_next_request(steering, pot, actor_a):
    app = make_application(pot=pot, lead=actor_a, status=S.SUBMITTED)
    browser = _browser(steering)
    assert "Inskickad" in _list(browser, "miss")
    _list(browser, "hit")
    application_transition(application=app, to_status=S.IN_REVIEW, actor_user=steering)
    assert "Under granskning" in _list(browser, "miss")


def test_two_steering_members_each_get_their_own_page(steering, steering_two, pot, actor_a):
    make_application(pot=pot, lead=actor_a, status=S.SUBMITTED)
    first, second = _browser(steering), _browser(steering_two)
    for expected in ("miss", "hit"):
        page_one, page_two = _list(first, expected), _list(second, expected)
        assert "<strong>Styrgrupp</strong>" in page_one and "Sigrid" not in page_one
        assert "<strong>Sigrid Styrgrupp</strong>" in page_two and "<strong>Styrgrupp</strong>" not in page_two


def test_outsiders_never_get_a_stored_list(steering, rep_a, coord_andersberg, pot, actor_a):
    make_application(pot=pot, lead=actor_a, status=S.SUBMITTED)
    browser = _browser(steering)
    _list(browser, "miss")
    _list(browser, "hit")
    for user in (rep_a, coord_andersberg):
        outsider = Client()
        outsider.force_login(user)
        outsider.get("/mina-sidor/")  # Its CSRF cookie.
        for _ in range(2):
            response = outsider.get(LIST)
            assert response.status_code in (302, 403) and response.get("X-Cache") != "hit"
            assert actor_a.name not in response.content.decode()


def test_leaving_the_steering_group_ends_access_at_once(steering, pot, actor_a):
    make_application(pot=pot, lead=actor_a, status=S.SUBMITTED)
    browser = _browser(steering)
    _list(browser, "miss")
    _list(browser, "hit")
    steering.groups.clear()
    response = browser.get(LIST)
    assert response.status_code in (302, 403)
    assert actor_a.name not in response.content.decode()


def test_the_message_after_an_action_is_shown_not_a_stored_page(steering, pot, actor_a):
    app = make_application(pot=pot, lead=actor_a, status=S.SUBMITTED)
    browser = _browser(steering)
    _list(browser, "miss")
    _list(browser, "hit")
    response = browser.post(
        LIST, {"action": "reject", ACTION_CHECKBOX_NAME: [app.pk], "apply": "1", "note": "Utanför syftet."}, follow=True
    )
    assert response.status_code == 200
    assert response.get("X-Cache") is None  # A message waited: rendered afresh, not stored.
    body = response.content.decode()
    assert 'class="messagelist"' in body and "Avslagen" in body
    assert "messagelist" not in _list(browser, "miss")
    _list(browser, "hit")


def test_filters_sorting_and_pages_are_stored_apart(steering, pot, actor_a, actor_b):
    make_application(pot=pot, lead=actor_a, status=S.SUBMITTED)
    make_application(pot=pot, lead=actor_b, status=S.APPROVED)
    browser = _browser(steering)
    url = reverse("admin:grants_application_changelist")
    for _ in range(2):
        submitted = browser.get(url + "?status__exact=submitted").content.decode()
        approved = browser.get(url + "?status__exact=approved").content.decode()
        assert actor_a.name in submitted and actor_b.name not in submitted
        assert actor_b.name in approved and actor_a.name not in approved
