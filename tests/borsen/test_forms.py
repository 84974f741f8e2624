"""Posting and editing: bounded text, the last date within 90 days and not past, only the actor's networks."""

from __future__ import annotations

import datetime

import pytest

from borsen.models import Listing
from tests.borsen.conftest import TODAY

pytestmark = pytest.mark.django_db


def _data(all_networks, **extra) -> dict:
    return {
        "actor": "",
        "direction": "soker",
        "kind": "lokal",
        "title": "Lokal för 30 personer en lördag",
        "text": "Gärna med kök.",
        "networks": [all_networks["andersberg"].pk],
        "last_date": (TODAY + datetime.timedelta(days=30)).isoformat(),
        **extra,
    }


def _errors(response) -> dict:
    return response.context["form"].errors


def test_default_last_date_is_30_days_ahead(client, rep_a) -> None:
    client.force_login(rep_a)
    form = client.get("/borsen/nytt/").context["form"]
    assert form["last_date"].value() == TODAY + datetime.timedelta(days=30)
    # The only actor is chosen already.
    assert form["actor"].value() == rep_a.representations.get().actor_id


def test_post_a_listing(client, rep_a, actor_a, networks) -> None:
    client.force_login(rep_a)
    response = client.post("/borsen/nytt/", _data(networks, actor=actor_a.pk))
    listing = Listing.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/borsen/{listing.pk}/"
    assert listing.author == rep_a and listing.actor == actor_a
    assert list(listing.networks.all()) == [networks["andersberg"]]
    page = client.get(response["Location"]).content.decode()
    assert "är publicerat" in page


@pytest.mark.parametrize(
    ("days", "message"),
    [(-1, "kan inte ha passerat"), (91, "högst 90 dagar framåt"), (3650 * 3, "")],
)
def test_last_date_bounds(client, rep_a, actor_a, networks, days, message) -> None:
    client.force_login(rep_a)
    last = (TODAY + datetime.timedelta(days=days)).isoformat()
    response = client.post("/borsen/nytt/", _data(networks, actor=actor_a.pk, last_date=last))
    assert response.status_code == 200
    assert "last_date" in _errors(response)
    assert message in " ".join(_errors(response)["last_date"])
    # Nothing typed is lost.
    assert response.context["form"]["title"].value() == "Lokal för 30 personer en lördag"
    assert not Listing.objects.exists()


def test_last_date_may_be_today_and_90_days_ahead(client, rep_a, actor_a, networks) -> None:
    client.force_login(rep_a)
    for days in (0, 90):
        last = (TODAY + datetime.timedelta(days=days)).isoformat()
        assert client.post("/borsen/nytt/", _data(networks, actor=actor_a.pk, last_date=last)).status_code == 302
    assert Listing.objects.count() == 2


def test_only_networks_where_the_actor_is_a_member(client, rep_a, actor_a, networks) -> None:
    client.force_login(rep_a)
    response = client.post("/borsen/nytt/", _data(networks, actor=actor_a.pk, networks=[networks["brynas"].pk]))
    assert "är inte medlem i Brynäs" in " ".join(_errors(response)["networks"])
    assert not Listing.objects.exists()


def test_only_the_users_actors(client, rep_a, actor_b, networks) -> None:
    client.force_login(rep_a)
    response = client.post("/borsen/nytt/", _data(networks, actor=actor_b.pk, networks=[networks["satra"].pk]))
    assert "actor" in _errors(response)
    assert not Listing.objects.exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [("title", "x" * 121), ("title", "Rad\nett"), ("text", "x" * 3001), ("text", "Hej\x00"), ("title", "")],
)
def test_text_is_bounded(client, rep_a, actor_a, networks, field, value) -> None:
    client.force_login(rep_a)
    response = client.post("/borsen/nytt/", _data(networks, actor=actor_a.pk, **{field: value}))
    assert field in _errors(response)


def test_someone_without_a_member_actor_is_told_how(client, resident) -> None:
    client.force_login(resident)
    response = client.get("/borsen/nytt/")
    assert "Du kan inte skriva i börsen ännu" in response.content.decode()
    assert client.post("/borsen/nytt/", {}).status_code == 200
    assert not Listing.objects.exists()


def test_a_pending_member_is_told_the_membership_waits_for_the_coordinator(client, networks) -> None:
    from members.models import Actor, Membership, Representation, User

    user = User.objects.create_user(email="ny@example.se", password="x", name="Ny Företrädare")
    actor = Actor.objects.create(name="Nya föreningen", slug="nya", kind=Actor.Kind.ASSOCIATION)
    Representation.objects.create(user=user, actor=actor, role=Representation.Role.SIGNATORY)
    Membership.objects.create(actor=actor, network=networks["satra"], status=Membership.Status.PENDING)
    hidden = Actor.objects.create(name="Dolda föreningen", slug="dolda", kind=Actor.Kind.ASSOCIATION, is_public=False)
    Representation.objects.create(user=user, actor=hidden, role=Representation.Role.SIGNATORY)
    Membership.objects.create(actor=hidden, network=networks["satra"], status=Membership.Status.ACTIVE)
    client.force_login(user)
    html = client.get("/borsen/nytt/").content.decode()
    assert "Ansökan om medlemskap för Nya föreningen i Sätra väntar på att samordnaren beslutar." in html
    assert "Dolda föreningen visas inte på webbplatsen" in html and "/mina-sidor/aktorer/dolda/" in html
    assert "Skapa en aktör och ansök om medlemskap" not in html


def test_edit_keeps_the_actor_and_checks_dates(client, rep_a, ask_a, networks) -> None:
    client.force_login(rep_a)
    data = _data(networks, title="Lokal för 40 personer")
    data.pop("actor")
    response = client.post(f"/borsen/{ask_a.pk}/andra/", data)
    assert response.status_code == 302
    ask_a.refresh_from_db()
    assert ask_a.title == "Lokal för 40 personer"
    data["last_date"] = (TODAY - datetime.timedelta(days=2)).isoformat()
    assert "last_date" in _errors(client.post(f"/borsen/{ask_a.pk}/andra/", data))


def test_hidden_or_solved_listing_cannot_be_edited(client, rep_a, hidden_a) -> None:
    client.force_login(rep_a)
    response = client.get(f"/borsen/{hidden_a.pk}/andra/", follow=True)
    assert "dolt av en samordnare" in response.content.decode()
