"""The actor directory: filters, search, pagination and a query count that does not grow."""

from __future__ import annotations

import pytest

from members.models import Actor, Membership

pytestmark = pytest.mark.django_db


def _make(n: int, networks) -> None:
    for i in range(n):
        actor = Actor.objects.create(
            name=f"Aktör {i:03}", slug=f"aktor-{i:03}", kind=Actor.Kind.COMPANY if i % 2 else Actor.Kind.ASSOCIATION
        )
        Membership.objects.create(actor=actor, network=networks["brynas" if i % 3 else "bomhus"], status="active")
        Membership.objects.create(actor=actor, network=networks["satra"], status="pending")


@pytest.mark.parametrize("count", [10, 100])
def test_query_count_does_not_grow(client, networks, count, django_assert_max_num_queries) -> None:
    _make(count, networks)
    with django_assert_max_num_queries(5):
        response = client.get("/aktorer/")
    assert response.status_code == 200
    assert len(response.context["page"].object_list) == min(count, 20)


def test_filter_by_network_and_kind(client, actor_a, actor_b, networks) -> None:
    Actor.objects.create(name="Företaget Gamma", slug="gamma", kind=Actor.Kind.COMPANY)
    names = lambda r: [a.name for a in r.context["page"].object_list]  # noqa: E731
    assert names(client.get("/aktorer/?natverk=satra")) == ["Föreningen Beta"]
    assert names(client.get("/aktorer/?typ=foretag")) == ["Företaget Gamma"]
    assert names(client.get("/aktorer/?typ=forening&natverk=andersberg")) == ["Föreningen Alfa"]
    # Unknown values are ignored rather than an error.
    assert len(names(client.get("/aktorer/?typ=okand&natverk=okand"))) == 3


def test_pending_membership_does_not_count_for_network_filter(client, actor_a, networks) -> None:
    Membership.objects.create(actor=actor_a, network=networks["brynas"])
    assert list(client.get("/aktorer/?natverk=brynas").context["page"].object_list) == []


def test_search(client, actor_a, actor_b) -> None:
    actor_b.description = "Vi odlar grönsaker"
    actor_b.save()
    assert [a.name for a in client.get("/aktorer/?q=alfa").context["page"].object_list] == ["Föreningen Alfa"]
    assert [a.name for a in client.get("/aktorer/?q=grönsaker").context["page"].object_list] == ["Föreningen Beta"]
    html = client.get("/aktorer/?q=<script>x</script>").content.decode()
    assert "<script>x</script>" not in html


def test_only_public_actors(client, actor_a, actor_b) -> None:
    actor_b.is_public = False
    actor_b.save()
    assert [a.name for a in client.get("/aktorer/").context["page"].object_list] == ["Föreningen Alfa"]


def test_pagination_keeps_filters(client, networks) -> None:
    _make(45, networks)
    response = client.get("/aktorer/?typ=foretag")
    assert response.context["page"].paginator.num_pages == 2
    assert "?typ=foretag&amp;sida=2" in response.content.decode()
    assert client.get("/aktorer/?typ=foretag&sida=2").context["page"].number == 2
    assert client.get("/aktorer/?sida=abc").status_code == 200
    assert client.get("/aktorer/?sida=999").context["page"].number == 3


def test_actor_page_lists_active_networks_only(client, actor_a, networks) -> None:
    Membership.objects.create(actor=actor_a, network=networks["brynas"])
    html = client.get("/aktorer/foreningen-alfa/").content.decode()
    assert "Andersberg" in html
    assert "/natverk/brynas/" not in html.split("networks-heading")[1].split("</section>")[0]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("kafe", ["Kafé Tranan"]),
        ("KAFÉ", ["Kafé Tranan"]),
        ("laxhjalp", ["Läxhjälp i Sätra"]),
        ("LÄXHJÄLP", ["Läxhjälp i Sätra"]),
        ("smorgas", ["Kafé Tranan"]),  # in the description
        ("tranan sätra", []),  # one phrase, not two words anywhere
    ],
)
def test_search_ignores_case_and_accents(client, networks, query, expected) -> None:
    Actor.objects.create(name="Kafé Tranan", slug="kafe", kind=Actor.Kind.COMPANY, description="Smörgåsar och fika")
    Actor.objects.create(name="Läxhjälp i Sätra", slug="laxhjalp", kind=Actor.Kind.ASSOCIATION)
    Actor.objects.create(name="Kafeteria utan accent", slug="annat", kind=Actor.Kind.COMPANY, description="Bullar")
    found = [a.name for a in client.get("/aktorer/", {"q": query}).context["page"].object_list]
    assert [name for name in found if name != "Kafeteria utan accent"] == expected


def test_search_follows_a_renamed_actor(client, actor_a) -> None:
    actor_a.name = "Ångbåtsföreningen"
    actor_a.save(update_fields=["name"])
    assert [a.name for a in client.get("/aktorer/?q=angbat").context["page"].object_list] == ["Ångbåtsföreningen"]
    assert list(client.get("/aktorer/?q=alfa").context["page"].object_list) == []


@pytest.mark.django_db(transaction=True)
def test_migration_fills_search_text_of_existing_actors() -> None:
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    executor.migrate([("members", "0003_invitation_actormessage")])
    old_apps = executor.loader.project_state([("members", "0003_invitation_actormessage")]).apps
    old_apps.get_model("members", "Actor").objects.create(name="Kafé Ölstugan", slug="kafe", kind="foretag")
    executor = MigrationExecutor(connection)
    executor.migrate([("members", "0004_actor_search_text")])
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
    assert Actor.objects.get(slug="kafe").search_text == "kafe olstugan\n"
