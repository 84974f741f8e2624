"""One search: the actor directory, the co-applicant picker and the admin's actor search read
a query as the site search does (members.search): case, accents and word order do not matter,
and every word must be found."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils.html import strip_tags

from members.models import Actor, Membership
from members.search import folded_match, query_words
from sok.search import search
from tests.grants.conftest import pot  # noqa: F401 (a fixture)
from tests.grants.test_views import _parties

pytestmark = pytest.mark.django_db

FINDS = ["laxhjalp", "LÄXHJÄLP", "Läxhjälp kafé", "kafe laxhjalp", "lax hjalp", "HJÄLP lax"]
MISSES = ["laxhjalp simhall", "bibliotek"]


@pytest.fixture
def cafe(networks) -> Actor:
    actor = Actor.objects.create(
        name="Kafé Läxhjälpen",
        slug="kafe",
        kind=Actor.Kind.COMPANY,
        description="Fika och läxor efter skolan.",
        is_public=True,
    )
    Membership.objects.create(actor=actor, network=networks["andersberg"], status=Membership.Status.ACTIVE)
    return actor


def test_a_query_is_its_folded_words() -> None:
    assert query_words("  Läxhjälp  KAFÉ läxhjälp ") == ["laxhjalp", "kafe"]
    assert query_words(" ".join(f"ord{n}" for n in range(20))) == [f"ord{n}" for n in range(8)]
    assert str(folded_match("")) == str(folded_match("   "))  # No words: no condition.


def _directory(client, q: str) -> list[str]:
    return [actor.name for actor in client.get(reverse("members:directory"), {"q": q}).context["page"]]


def _picker(client, networks, actor_a, q: str) -> list[str]:
    data = {**_parties(networks, actor_a), "title": "Läxhjälp", "action": "search", "co_search": q}
    return [actor.name for actor in client.post(reverse("grants:new"), data).context["co_results"]]


def _admin(client, q: str) -> list[str]:
    response = client.get(reverse("admin:members_actor_changelist"), {"q": q})
    return [actor.name for actor in response.context["cl"].result_list]


def test_every_actor_search_finds_the_same(
    client,
    pot,  # noqa: F811
    networks,
    rep_a,
    actor_a,
    cafe,
    superuser,
) -> None:
    for q in FINDS:
        assert _directory(client, q) == ["Kafé Läxhjälpen"], q
    for q in MISSES:
        assert _directory(client, q) == [], q
    client.force_login(rep_a)
    for q in FINDS:
        assert _picker(client, networks, actor_a, q) == ["Kafé Läxhjälpen"], q
    for q in MISSES:
        assert _picker(client, networks, actor_a, q) == [], q
    client.force_login(superuser)
    for q in FINDS:
        assert "Kafé Läxhjälpen" in _admin(client, q), q
    for q in MISSES:
        assert "Kafé Läxhjälpen" not in _admin(client, q), q


def test_the_site_search_finds_the_actor_for_the_same_whole_words(cafe) -> None:
    # The site search ranks whole words and prefixes on PostgreSQL (full-text search); the
    # queries of whole words and word starts find the same actor there as everywhere else.
    for q in ["laxhjalp", "LÄXHJÄLP", "Läxhjälp kafé", "kafe laxhjalp"]:
        actors = next(group for group in search(q) if group.key == "aktorer")
        assert [strip_tags(hit.title) for hit in actors.hits] == ["Kafé Läxhjälpen"], q
    for q in MISSES:
        assert not [group for group in search(q) if group.key == "aktorer" and group.hits], q
