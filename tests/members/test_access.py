"""Every members view per role: anonymous, member, representative of another actor,
coordinator of another network, coordinator, steering group."""

from __future__ import annotations

import pytest
from django.urls import reverse

from members.models import Actor, Representation

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "resident", "rep_a", "rep_b", "coord_andersberg", "coord_satra", "steering"]


@pytest.fixture
def cast(resident, rep_a, rep_b, coord_andersberg, coord_satra, steering) -> dict:
    return {
        "anonymous": None,
        "resident": resident,
        "rep_a": rep_a,
        "rep_b": rep_b,
        "coord_andersberg": coord_andersberg,
        "coord_satra": coord_satra,
        "steering": steering,
    }


def _get(client, user, url: str):
    if user is not None:
        client.force_login(user)
    return client.get(url)


# Public pages: everybody may read them.
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("url", ["/aktorer/", "/aktorer/foreningen-alfa/", "/natverk/andersberg/", "/om/"])
def test_public_pages(client, cast, role, url) -> None:
    assert _get(client, cast[role], url).status_code == 200


# Pages about actor A's own data: only A's representatives; everyone else logged in gets 404.
ACTOR_A_PAGES = [
    "/mina-sidor/aktorer/foreningen-alfa/",
    "/mina-sidor/aktorer/foreningen-alfa/ga-med/",
    "/mina-sidor/aktorer/foreningen-alfa/bjud-in/",
]
EXPECTED_ACTOR_A = {
    "resident": 404,
    "rep_a": 200,
    "rep_b": 404,
    "coord_andersberg": 404,
    "coord_satra": 404,
    "steering": 404,
}


@pytest.mark.parametrize("url", ACTOR_A_PAGES)
@pytest.mark.parametrize("role", ROLES)
def test_actor_pages_per_role(client, cast, role, url) -> None:
    response = _get(client, cast[role], url)
    if role == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
    else:
        assert response.status_code == EXPECTED_ACTOR_A[role]


@pytest.mark.parametrize(
    "url", ["/mina-sidor/aktorer/foreningen-alfa/ga-med/", "/mina-sidor/aktorer/foreningen-alfa/bjud-in/"]
)
def test_contact_person_is_read_only_for_joining_and_inviting(client, actor_a, resident, url) -> None:
    Representation.objects.create(user=resident, actor=actor_a, role=Representation.Role.CONTACT)
    client.force_login(resident)
    assert client.get(url).status_code == 403
    assert client.post(url, {"email": "x@example.se", "role": "contact"}).status_code == 403
    # ... but may edit the profile.
    assert client.get("/mina-sidor/aktorer/foreningen-alfa/").status_code == 200


@pytest.mark.parametrize(
    "url",
    [
        "/mina-sidor/",
        "/mina-sidor/aktorer/ny/",
        "/mina-sidor/mina-uppgifter/",
        "/mina-sidor/mina-uppgifter/export/",
        "/mina-sidor/mina-uppgifter/radera/",
        "/aktorer/foreningen-alfa/meddelande/",
    ],
)
@pytest.mark.parametrize("role", ROLES)
def test_logged_in_pages(client, cast, role, url) -> None:
    response = _get(client, cast[role], url)
    if role == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
    else:
        assert response.status_code == 200


@pytest.mark.parametrize(
    ("url", "method"),
    [
        ("/aktorer/", "post"),
        ("/aktorer/foreningen-alfa/", "post"),
        ("/mina-sidor/", "post"),
        ("/mina-sidor/mina-uppgifter/export/", "post"),
        ("/mina-sidor/aktorer/foreningen-alfa/", "delete"),
    ],
)
def test_wrong_method(client, rep_a, url, method) -> None:
    client.force_login(rep_a)
    assert getattr(client, method)(url).status_code == 405


def test_hidden_actor_is_404_for_others_but_visible_to_its_representative(client, actor_a, rep_a, rep_b) -> None:
    Actor.objects.filter(pk=actor_a.pk).update(is_public=False)
    assert client.get("/aktorer/foreningen-alfa/").status_code == 404
    client.force_login(rep_b)
    assert client.get("/aktorer/foreningen-alfa/").status_code == 404
    assert client.get("/aktorer/foreningen-alfa/meddelande/").status_code == 404
    client.force_login(rep_a)
    assert client.get("/aktorer/foreningen-alfa/").status_code == 200


def test_unknown_actor_is_404(client, resident) -> None:
    assert client.get("/aktorer/finns-inte/").status_code == 404
    client.force_login(resident)
    assert client.get("/mina-sidor/aktorer/finns-inte/").status_code == 404


def test_english_pages(client, actor_a) -> None:
    assert client.get("/en/aktorer/").status_code == 200
    assert client.get("/en/aktorer/foreningen-alfa/").status_code == 200


def test_anonymous_directory_sets_no_cookie(client, actor_a) -> None:
    response = client.get("/aktorer/")
    assert not response.cookies
    response = client.get("/aktorer/foreningen-alfa/")
    assert not response.cookies


def test_outsider_post_to_other_actor_changes_nothing(client, actor_a, rep_b) -> None:
    client.force_login(rep_b)
    response = client.post("/mina-sidor/aktorer/foreningen-alfa/", {"name": "Kapad", "kind": "privatperson"})
    assert response.status_code == 404
    actor_a.refresh_from_db()
    assert actor_a.name == "Föreningen Alfa"
