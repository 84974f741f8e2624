"""The setup commands: seed_networks and seed_demo can run any number of times."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings

from networks.models import Network, Post, WorkingGroup


def _snapshot() -> list[tuple]:
    return list(Network.objects.order_by("slug").values_list())


@pytest.mark.django_db
def test_seed_networks_creates_the_four_networks_once() -> None:
    out = StringIO()
    call_command("seed_networks", stdout=out)
    first = _snapshot()
    call_command("seed_networks", stdout=out)

    assert [row[0] for row in Network.objects.values_list("slug").order_by("sort_order")] == [
        "andersberg",
        "bomhus",
        "brynas",
        "satra",
    ]
    assert _snapshot() == first
    assert "4 created" in out.getvalue()
    assert "0 created, 4 already there" in out.getvalue()


@pytest.mark.django_db
def test_seed_networks_keeps_texts_a_coordinator_edited() -> None:
    call_command("seed_networks", stdout=StringIO())
    Network.objects.filter(slug="satra").update(summary="Ändrad av samordnaren")

    call_command("seed_networks", stdout=StringIO())

    assert Network.objects.get(slug="satra").summary == "Ändrad av samordnaren"


@pytest.mark.django_db
def test_seeded_facts() -> None:
    call_command("seed_networks", stdout=StringIO())
    networks = {n.slug: n for n in Network.objects.all()}

    assert networks["bomhus"].network_name == "TIBO"
    assert "hela Bomhus" in networks["bomhus"].summary
    assert "äldsta" in networks["andersberg"].summary
    assert "Stadsdelslyftet" in networks["andersberg"].description
    assert "Godisfabriken" in networks["brynas"].description
    assert "Brynästorget" in networks["brynas"].description
    assert "nytt" in networks["satra"].summary
    assert all(n.summary_en and n.description_en and n.how_to_join_en for n in networks.values())


@pytest.mark.django_db
@override_settings(DEBUG=True)
def test_seed_demo_is_idempotent_and_everything_is_marked_demo() -> None:
    call_command("seed_networks", stdout=StringIO())
    out = StringIO()
    call_command("seed_demo", stdout=out)
    posts = list(Post.objects.order_by("slug").values_list())
    groups = list(WorkingGroup.objects.order_by("id").values_list())

    call_command("seed_demo", stdout=out)

    assert posts and groups
    assert list(Post.objects.order_by("slug").values_list()) == posts
    assert list(WorkingGroup.objects.order_by("id").values_list()) == groups
    assert all(post.is_demo and "(demo)" in post.title for post in Post.objects.all())
    assert all("(demo)" in group.name for group in WorkingGroup.objects.all())
    assert {g.network.slug for g in WorkingGroup.objects.select_related("network")} == {
        "andersberg",
        "bomhus",
        "brynas",
        "satra",
    }
    assert "networks" in out.getvalue()


@pytest.mark.django_db
@override_settings(DEBUG=False)
def test_seed_demo_refuses_without_debug() -> None:
    call_command("seed_networks", stdout=StringIO())

    with pytest.raises(CommandError, match="DEBUG"):
        call_command("seed_demo", stdout=StringIO())

    assert not Post.objects.exists()
