"""Every members view per role: anonymous, member, representative of another actor,
coordinator of another network, coordinator, steering group."""

from __future__ import annotations

from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from members.models import Actor, Invitation, Membership, Representation
from tests.members.conftest import actor_data

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


@pytest.mark.parametrize("role", ROLES)
def test_message_page_is_open_to_all(client, cast, role) -> None:
    """The anonymous visitor gets the form for writers without an account (members.guest)."""
    assert _get(client, cast[role], "/aktorer/foreningen-alfa/meddelande/").status_code == 200


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


# ---- Invitations are bound to the address they were sent to ----


@pytest.fixture
def invitation_for_resident(actor_a, rep_a) -> Invitation:
    from members.services import invitation_create

    return invitation_create(actor=actor_a, email="Boende@Example.se", role="signatory", invited_by=rep_a)


def test_invitation_for_another_address_is_refused_with_a_message(client, invitation_for_resident, rep_b) -> None:
    client.force_login(rep_b)
    url = reverse("members:invitation-accept", args=[invitation_for_resident.token])
    for response in (client.get(url), client.post(url)):
        assert response.status_code == 403
        assert "Inbjudan gäller en annan e-postadress" in response.content.decode()
    assert not Representation.objects.filter(user=rep_b, actor__slug="foreningen-alfa").exists()
    invitation_for_resident.refresh_from_db()
    assert invitation_for_resident.accepted_at is None


def test_invitation_is_accepted_by_a_verified_second_address_whatever_the_case(
    client, invitation_for_resident, rep_b
) -> None:
    EmailAddress.objects.create(user=rep_b, email="BOENDE@example.se", verified=True)
    client.force_login(rep_b)
    response = client.post(reverse("members:invitation-accept", args=[invitation_for_resident.token]))
    assert response.status_code == 302
    assert Representation.objects.get(user=rep_b, actor__slug="foreningen-alfa").role == "signatory"


def test_an_unverified_second_address_does_not_count(client, invitation_for_resident, rep_b) -> None:
    EmailAddress.objects.create(user=rep_b, email="boende@example.se", verified=False)
    client.force_login(rep_b)
    response = client.post(reverse("members:invitation-accept", args=[invitation_for_resident.token]))
    assert response.status_code == 403


def test_the_service_refuses_another_address_too(invitation_for_resident, rep_b) -> None:
    from members.services import invitation_accept

    with pytest.raises(ValidationError) as caught:
        invitation_accept(invitation=invitation_for_resident, user=rep_b)
    assert caught.value.code == "wrong_address"
    assert not Representation.objects.filter(user=rep_b, actor__slug="foreningen-alfa").exists()


# ---- Daily limits on invitations and new actors, counted in the database ----


def test_invitations_are_limited_per_user_and_day(client, rep_a, settings, mailoutbox) -> None:
    settings.MEMBERS_INVITATIONS_PER_DAY = 2
    client.force_login(rep_a)
    url = "/mina-sidor/aktorer/foreningen-alfa/bjud-in/"
    for number in range(2):
        assert client.post(url, {"email": f"person{number}@example.se", "role": "contact"}).status_code == 302
    response = client.post(url, {"email": "en-till@example.se", "role": "contact"})
    assert response.status_code == 200
    assert "inbjudningar det senaste dygnet" in response.content.decode()
    assert not Invitation.objects.filter(email="en-till@example.se").exists()
    # Invitations older than a day no longer count.
    Invitation.objects.update(created_at=timezone.now() - timedelta(hours=25))
    assert client.post(url, {"email": "en-till@example.se", "role": "contact"}).status_code == 302


def test_the_invitation_limit_holds_without_the_cache(client, rep_a, settings) -> None:
    settings.MEMBERS_INVITATIONS_PER_DAY = 1
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    client.force_login(rep_a)
    url = "/mina-sidor/aktorer/foreningen-alfa/bjud-in/"
    assert client.post(url, {"email": "a@example.se", "role": "contact"}).status_code == 302
    assert client.post(url, {"email": "b@example.se", "role": "contact"}).status_code == 200
    assert Invitation.objects.count() == 1


def test_new_actors_are_limited_per_user_and_day(client, resident, settings) -> None:
    settings.MEMBERS_ACTORS_PER_DAY = 1
    client.force_login(resident)
    assert client.post("/mina-sidor/aktorer/ny/", actor_data(name="Första föreningen")).status_code == 302
    response = client.post("/mina-sidor/aktorer/ny/", actor_data(name="Andra föreningen"))
    assert response.status_code == 200
    # One is the limit here, so the message speaks of one actor (ngettext).
    assert "Du har skapat 1 aktör det senaste dygnet" in response.content.decode()
    assert not Actor.objects.filter(name="Andra föreningen").exists()


# ---- The admin: coordinators see the actors of their own networks only ----


def test_coordinator_lists_and_opens_only_actors_of_their_networks(client, coord_satra, actor_a, actor_b) -> None:
    pending = Actor.objects.create(name="Föreningen Väntar", slug="foreningen-vantar", kind=Actor.Kind.ASSOCIATION)
    Membership.objects.create(actor=pending, network=actor_b.memberships.get().network)
    client.force_login(coord_satra)
    listed = client.get(reverse("admin:members_actor_changelist")).context["cl"].result_list
    assert set(listed) == {actor_b, pending}
    assert client.get(reverse("admin:members_actor_change", args=[actor_b.pk])).status_code == 200
    response = client.get(reverse("admin:members_actor_change", args=[actor_a.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:index")


def test_actor_autocomplete_obeys_the_scope_and_never_searches_contact_email(
    client, coord_satra, superuser, actor_a, actor_b
) -> None:
    Actor.objects.filter(pk=actor_a.pk).update(contact_email="hemlig@example.se")
    url = reverse("admin:autocomplete")
    params = {"app_label": "members", "model_name": "membership", "field_name": "actor"}
    client.force_login(coord_satra)
    found = [r["text"] for r in client.get(url, {**params, "term": "Föreningen"}).json()["results"]]
    assert found == ["Föreningen Beta"]
    client.force_login(superuser)
    assert client.get(url, {**params, "term": "hemlig"}).json()["results"] == []
    found = [r["text"] for r in client.get(url, {**params, "term": "Föreningen"}).json()["results"]]
    assert found == ["Föreningen Alfa", "Föreningen Beta"]


# ---- allauth's per-IP limits behind the reverse proxy ----


def _refused(response) -> bool:
    """Whether allauth refused the login for too many failed attempts (a form error, not 429)."""
    form = response.context["form"] if response.context else None
    return response.status_code == 429 or bool(
        form is not None and any(error.code == "too_many_login_attempts" for error in form.non_field_errors().as_data())
    )


def _fail_logins(client, forwarded_for: str, count: int) -> list[bool]:
    return [
        _refused(
            client.post(
                reverse("account_login"),
                {"login": f"person{n}@example.se", "password": "fel"},
                HTTP_X_FORWARDED_FOR=forwarded_for,
            )
        )
        for n in range(count)
    ]


@pytest.fixture
def _empty_cache():
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.mark.usefixtures("_empty_cache")
def test_two_clients_behind_the_proxy_are_limited_separately(client, settings) -> None:
    from django.test import Client

    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    # allauth allows ten failed logins a minute per address.
    assert _fail_logins(client, "203.0.113.7", 11) == [False] * 10 + [True]
    assert _fail_logins(Client(), "198.51.100.9", 1) == [False]


@pytest.mark.usefixtures("_empty_cache")
def test_without_a_trusted_proxy_every_client_shares_the_proxys_address(client, settings) -> None:
    from django.test import Client

    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 0
    assert _fail_logins(client, "203.0.113.7", 11) == [False] * 10 + [True]
    assert _fail_logins(Client(), "198.51.100.9", 1) == [True]


def test_trusted_proxy_count_comes_from_the_environment() -> None:
    import subprocess
    import sys

    code = "from django.conf import settings; print(settings.ALLAUTH_TRUSTED_PROXY_COUNT)"
    env = {"DJANGO_SETTINGS_MODULE": "natverk.settings", "DEBUG": "true", "TRUSTED_PROXY_COUNT": "1", "PATH": ""}
    result = subprocess.run(  # noqa: S603 - our own interpreter and a fixed command
        [sys.executable, "-c", f"import django; django.setup(); {code}"], env=env, capture_output=True, text=True
    )
    assert result.stdout.strip() == "1", result.stderr
