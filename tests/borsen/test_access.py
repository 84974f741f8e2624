"""Who reads, changes and hides a listing: public ones for all, hidden and expired ones for those involved."""

from __future__ import annotations

import pytest

from borsen.access import actors_for_posting, listings_visible_to, may_hide, may_read, may_write
from borsen.models import Listing
from members.models import Actor, Representation
from tests.borsen.conftest import make_listing

pytestmark = pytest.mark.django_db


def test_open_listing_is_public(client, ask_a) -> None:
    response = client.get(f"/borsen/{ask_a.pk}/")
    assert response.status_code == 200
    assert "Lokal för 30 personer en lördag" in response.content.decode()


@pytest.mark.parametrize("fixture", ["hidden_a", "expired_a"])
def test_hidden_and_expired_are_404_for_outsiders(client, request, fixture, resident, rep_b, coord_satra) -> None:
    listing = request.getfixturevalue(fixture)
    assert client.get(f"/borsen/{listing.pk}/").status_code == 404
    for user in (resident, rep_b, coord_satra):
        client.force_login(user)
        assert client.get(f"/borsen/{listing.pk}/").status_code == 404, user


@pytest.mark.parametrize("fixture", ["hidden_a", "expired_a"])
def test_hidden_and_expired_are_read_by_those_involved(
    client, request, fixture, rep_a, coord_andersberg, steering, superuser
) -> None:
    listing = request.getfixturevalue(fixture)
    for user in (rep_a, coord_andersberg, steering, superuser):
        client.force_login(user)
        response = client.get(f"/borsen/{listing.pk}/")
        assert response.status_code == 200, user
        if listing.is_hidden:
            assert "Reklam för ett företag." in response.content.decode()


def test_hidden_listing_is_not_public_anywhere(client, hidden_a, networks) -> None:
    assert "Dolt inlägg" not in client.get("/borsen/").content.decode()
    assert "Dolt inlägg" not in client.get("/natverk/andersberg/").content.decode()
    assert "Dolt inlägg" not in client.get("/borsen/natverk/andersberg/flode/").content.decode()


def test_only_representatives_change(client, ask_a, rep_a, rep_b, resident, coord_andersberg) -> None:
    for user in (rep_b, resident, coord_andersberg):
        client.force_login(user)
        assert client.get(f"/borsen/{ask_a.pk}/andra/").status_code == 403
        assert client.post(f"/borsen/{ask_a.pk}/lost/", {"note": ""}).status_code == 403
    ask_a.refresh_from_db()
    assert ask_a.solved_at is None
    client.force_login(rep_a)
    assert client.get(f"/borsen/{ask_a.pk}/andra/").status_code == 200


def test_a_contact_person_may_write_too(actor_a, ask_a, resident) -> None:
    Representation.objects.create(user=resident, actor=actor_a, role=Representation.Role.CONTACT)
    assert may_write(resident, ask_a)


def test_hiding_is_for_coordinators_of_its_networks(ask_a, coord_andersberg, coord_satra, steering, superuser) -> None:
    assert may_hide(coord_andersberg, ask_a)
    assert may_hide(superuser, ask_a)
    assert not may_hide(coord_satra, ask_a)
    assert not may_hide(steering, ask_a)


def test_admin_scope(ask_a, actor_b, networks, coord_andersberg, coord_satra, steering) -> None:
    in_satra = make_listing(actor_b, [networks["satra"]], title="I Sätra")
    assert set(listings_visible_to(coord_andersberg)) == {ask_a}
    assert set(listings_visible_to(coord_satra)) == {in_satra}
    assert set(listings_visible_to(steering)) == {ask_a, in_satra}


def test_listing_of_a_removed_actor_is_not_public(ask_a, actor_a, resident) -> None:
    Actor.objects.filter(pk=actor_a.pk).update(is_public=False)
    ask_a.refresh_from_db()
    assert not Listing.objects.public().exists()
    assert not may_read(resident, ask_a)


def test_only_member_actors_may_post(actor_a, rep_a, resident) -> None:
    assert list(actors_for_posting(rep_a)) == [actor_a]
    loner = Actor.objects.create(name="Ensam", slug="ensam", kind=Actor.Kind.ASSOCIATION)
    Representation.objects.create(user=resident, actor=loner)
    assert not actors_for_posting(resident).exists()
