"""The stored search index (sok.Entry): it follows every save and delete in the same
transaction, an actor's address only while the actor consents, a stale entry never shows
what a visitor may not see, the rebuild command, and a bound on the search's queries.
On SQLite and on PostgreSQL (DATABASE_URL=postgres://…)."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.test import Client
from django.utils import timezone

from borsen.models import Listing
from meetings.models import Meeting
from members.models import Actor, Representation
from members.services import user_delete
from networks.models import Network, Post
from sok import search as search_module
from sok.models import Entry
from sok.search import HITS_PER_GROUP, search
from tests.sok.test_search import _found, _listing, _meeting, _post, _titles

pytestmark = pytest.mark.django_db


def _entry(obj) -> Entry:
    return Entry.objects.get(source=obj._meta.label_lower, object_id=obj.pk)


def _has_entry(obj) -> bool:
    return Entry.objects.filter(source=obj._meta.label_lower, object_id=obj.pk).exists()


def _consenting_actor(**extra) -> Actor:
    values = {
        "name": "Cykelklubben",
        "slug": "cykelklubben",
        "kind": Actor.Kind.ASSOCIATION,
        "contact_email": "ordforande@cykelklubben.example",
        "contact_consent_at": timezone.now(),
        "contact_consent_text": "Ja",
        # Proven by its owner (members/contact.py): only then is it published.
        "contact_email_verified_at": timezone.now(),
        "contact_email_verified_address": "ordforande@cykelklubben.example",
        **extra,
    }
    return Actor.objects.create(**values)


# ---- the index follows saves and deletes ----


def test_a_save_writes_the_entry_and_a_change_rewrites_it(networks) -> None:
    post = _post("Vinterbad vid Engeltofta", summary="Kallt och skönt.", body="Vi ses vid bryggan.")
    entry = _entry(post)
    assert entry.title == "Vinterbad vid Engeltofta"
    assert entry.title_folded == "vinterbad vid engeltofta"
    assert "skont" in entry.text_folded and "bryggan" in entry.text_folded
    if connection.vendor == "postgresql":
        assert entry.vector and entry.title_vector
    assert _titles("vinterbad")["nyheter"] == ["Vinterbad vid Engeltofta"]

    post.title = "Höstmöte i Engeltofta"
    post.save()
    assert Entry.objects.filter(source="networks.post", object_id=post.pk).count() == 1
    assert _entry(post).title == "Höstmöte i Engeltofta"
    assert _found("vinterbad") == []
    assert _titles("hostmote")["nyheter"] == ["Höstmöte i Engeltofta"]


def test_every_searched_model_is_indexed(networks, actor_a) -> None:
    post = _post("Nyhet om isfiske")
    meeting = _meeting(networks["satra"], "Möte om isfiske")
    listing = _listing(actor_a, networks["andersberg"], "Lokal för isfiske")
    for obj in [post, meeting, listing, actor_a, *networks.values()]:
        assert _has_entry(obj), obj


def test_a_delete_removes_the_entry(networks, actor_a) -> None:
    post = _post("Pimpelfiske på isen")
    listing = _listing(actor_a, networks["andersberg"], "Pimpelspön att låna")
    post.delete()
    listing.delete()
    assert not Entry.objects.filter(source__in=["networks.post", "borsen.listing"]).exists()
    assert _found("pimpel") == []


def test_a_cascade_removes_the_entries_too(networks) -> None:
    network = Network.objects.create(name="Testby", slug="testby", summary="Kort.", description="Lång.", how_to_join="")
    post = _post("Nyhet från Testby", network=network)
    network.delete()
    assert not _has_entry(network)
    assert not _has_entry(post)


def test_a_rolled_back_save_leaves_no_entry(networks) -> None:
    with pytest.raises(RuntimeError), transaction.atomic():
        _post("Ångrad nyhet")
        raise RuntimeError
    assert not Entry.objects.filter(source="networks.post").exists()


# ---- an actor's address, only with consent ----


def test_the_address_is_indexed_only_while_the_actor_consents(networks) -> None:
    actor = _consenting_actor()
    assert "ordforande@cykelklubben.example" in _entry(actor).text_b
    assert _titles("ordforande")["aktorer"] == ["Cykelklubben"]

    # Withdrawn consent: the next save writes the entry without the address.
    actor.contact_consent_at = None
    actor.contact_consent_text = ""
    actor.save()
    entry = _entry(actor)
    assert "ordforande" not in entry.text_b + entry.text_folded
    assert _found("ordforande") == []
    assert _found("ordforande cykelklubben") == []
    assert "ordforande@" not in Client().get("/sok/", {"q": "cykelklubben"}).content.decode()


def test_a_consented_address_nobody_has_proven_is_not_indexed(networks) -> None:
    actor = _consenting_actor(contact_email_verified_at=None, contact_email_verified_address="")
    assert "ordforande" not in _entry(actor).text_b + _entry(actor).text_folded
    assert _found("ordforande") == []
    # Proven later: the save that records the proof puts it in.
    actor.contact_email_verified_at = timezone.now()
    actor.contact_email_verified_address = actor.contact_email
    actor.save(update_fields=["contact_email_verified_at", "contact_email_verified_address"])
    assert _titles("ordforande")["aktorer"] == ["Cykelklubben"]


def test_an_actor_without_consent_has_no_address_in_the_index(networks) -> None:
    actor = Actor.objects.create(
        name="Tysta klubben", slug="tysta", kind=Actor.Kind.ASSOCIATION, contact_email="hemlig@tysta.example"
    )
    entry = _entry(actor)
    assert entry.text_b == ""
    assert "hemlig" not in entry.text_folded
    assert _found("hemlig") == []


def test_a_deleted_account_takes_its_actors_address_out_of_the_index(networks, rep_a, actor_a) -> None:
    actor_a.contact_email = "alfa@example.se"
    actor_a.contact_consent_at = timezone.now()
    actor_a.contact_consent_text = "Ja"
    actor_a.contact_email_verified_at = timezone.now()
    actor_a.contact_email_verified_address = "alfa@example.se"
    actor_a.save()
    assert _titles("alfa@example.se")["aktorer"] == ["Föreningen Alfa"]
    assert Representation.objects.filter(user=rep_a, actor=actor_a).exists()

    # members.services.user_delete hides the actor and clears its address with
    # QuerySet.update() (no signal), then deletes the representations (signals).
    user_delete(user=rep_a)
    entry = _entry(actor_a)
    assert "alfa@example.se" not in entry.text_b + entry.text_folded
    assert _found("alfa") == []


# ---- a stale entry never shows what is not public ----


def test_unpublished_news_is_not_found_whether_saved_or_updated(networks) -> None:
    saved = _post("Skridskodisco i Sätra")
    updated = _post("Skridskodisco i Andersberg")
    assert len(_titles("skridskodisco")["nyheter"]) == 2

    saved.is_published = False
    saved.save()
    # No signal: the entry stays as it was, the public queryset decides.
    Post.objects.filter(pk=updated.pk).update(is_published=False)
    assert _has_entry(updated)
    assert _found("skridskodisco") == []


def test_a_hidden_listing_is_not_found_whether_saved_or_updated(networks, actor_a) -> None:
    andersberg = networks["andersberg"]
    saved = _listing(actor_a, andersberg, "Släde att låna ut")
    updated = _listing(actor_a, andersberg, "Släde att hyra ut")
    assert len(_titles("slade")["borsen"]) == 2

    saved.hidden_at = timezone.now()
    saved.hidden_reason = "Reklam."
    saved.save()
    Listing.objects.filter(pk=updated.pk).update(hidden_at=timezone.now(), hidden_reason="Reklam.")
    assert _found("slade") == []


def test_an_entry_whose_row_is_gone_is_never_shown(networks) -> None:
    post = _post("Snöskulpturer på torget")
    # A row deleted behind the signals' back (raw SQL, a restored dump, ...).
    Post.objects.filter(pk=post.pk)._raw_delete(connection.alias)
    assert _has_entry(post)
    assert _found("snoskulpturer") == []
    assert Client().get("/sok/", {"q": "snoskulpturer"}).status_code == 200


# ---- the rebuild command ----


def test_the_rebuild_command_writes_every_entry_afresh(networks, actor_a) -> None:
    post = _post("Julmarknad i Sätra")
    meeting = _meeting(networks["satra"], "Möte om julmarknaden")
    listing = _listing(actor_a, networks["andersberg"], "Julgranar att låna")
    withdrawn = _consenting_actor()
    # Changes that sent no signal, and an index that lost everything.
    Actor.objects.filter(pk=withdrawn.pk).update(contact_consent_at=None)
    Post.objects.filter(pk=post.pk).update(title="Adventsfest i Sätra")
    Entry.objects.all().delete()

    out = StringIO()
    call_command("rebuild_search_index", stdout=out)
    expected = Network.objects.count() + Post.objects.count() + Meeting.objects.count()
    expected += Actor.objects.count() + Listing.objects.count()
    assert Entry.objects.count() == expected
    assert f"{expected} poster" in out.getvalue()
    for obj in [post, meeting, listing, withdrawn, actor_a]:
        assert _has_entry(obj)
    assert _entry(withdrawn).text_b == ""
    assert _titles("adventsfest")["nyheter"] == ["Adventsfest i Sätra"]
    assert _found("julmarknad") == ["Möte om julmarknaden"]
    if connection.vendor == "postgresql":
        assert not Entry.objects.filter(vector__isnull=True).exists()
        assert not Entry.objects.filter(title_vector__isnull=True).exists()

    # Twice is the same as once.
    call_command("rebuild_search_index", stdout=StringIO())
    assert Entry.objects.count() == expected


# ---- ranking, counting and the number of queries ----


def test_titles_come_first_even_when_many_texts_hold_the_word(networks) -> None:
    for i in range(HITS_PER_GROUP + 2):
        _post(f"Nyhet {i}", body="Vi pratar om kanotpaddling i ån.")
    in_title = _post("Kanotpaddling för nybörjare", published_at=timezone.now() - timedelta(days=300))
    group = next(g for g in search("kanotpaddling") if g.key == "nyheter")
    assert group.count == HITS_PER_GROUP + 3
    titles = [str(hit.title).replace("<mark>", "").replace("</mark>", "") for hit in group.hits]
    assert titles[0] == in_title.title
    # Then the text hits, newest first.
    assert titles[1:] == [f"Nyhet {i}" for i in range(HITS_PER_GROUP + 1, 2, -1)]


def test_a_count_stops_at_the_limit_and_the_page_says_more(client, networks, monkeypatch) -> None:
    monkeypatch.setattr(search_module, "COUNT_LIMIT", 3)
    for i in range(5):
        _post(f"Isbana {i}")
    group = next(g for g in search("isbana") if g.key == "nyheter")
    assert (group.count, group.more, len(group.hits)) == (3, True, 5)
    html = client.get("/sok/", {"q": "isbana"}).content.decode()
    assert "Fler än 3 träffar för ”isbana”" in html
    assert "Nyheter (fler än 3)" in html
    assert "Fler än 3 träffar – här visas de 5 bästa." in html

    monkeypatch.setattr(search_module, "COUNT_LIMIT", 5)
    group = next(g for g in search("isbana") if g.key == "nyheter")
    assert (group.count, group.more) == (5, False)


def _extra_queries(words: str) -> int:
    # PostgreSQL sets the trigram threshold for a one-word query of 4 letters or more.
    one_word = len(words.split()) == 1 and len(words) >= search_module.TRIGRAM_MIN_LENGTH
    return 1 if connection.vendor == "postgresql" and one_word else 0


def test_one_query_for_the_counts_and_one_per_group_with_hits(networks, actor_a, django_assert_num_queries) -> None:
    satra = networks["satra"]
    for i in range(HITS_PER_GROUP + 5):
        _post(f"Zebralöpning {i}", body="Spring med oss.")
        Actor.objects.create(name=f"Zebraklubben {i}", slug=f"zebra-{i}", kind=Actor.Kind.ASSOCIATION)
        _meeting(satra, f"Zebralöpning, träff {i}")
        _listing(actor_a, networks["andersberg"], f"Zebrakostymer {i}")
    # Counts, then each group's best ten with their rows; nothing per hit.
    with django_assert_num_queries(1 + 4 + _extra_queries("zebra")):
        groups = search("zebra")
    assert [g.count for g in groups] == [0, 15, 15, 15, 15, 0]
    # No hits: the counts only.
    with django_assert_num_queries(1 + _extra_queries("xyzzyplugh")):
        search("xyzzyplugh")


def test_the_number_of_queries_is_bounded(networks, actor_a, django_assert_max_num_queries) -> None:
    satra = networks["satra"]
    # Few titles and many texts in every group: every phase runs.
    _post("Slalom i backen", body="Tävling.")
    Actor.objects.create(name="Slalomklubben", slug="slalom", kind=Actor.Kind.ASSOCIATION)
    for i in range(HITS_PER_GROUP + 2):
        _post(f"Nyhet {i}", body="Vi åker slalom.")
        Actor.objects.create(name=f"Klubb {i}", slug=f"klubb-{i}", kind=Actor.Kind.ASSOCIATION, description="Slalom.")
        _meeting(satra, f"Träff {i}", agenda="Slalom.")
    phases = 3 if connection.vendor == "postgresql" else 2
    with django_assert_max_num_queries(_extra_queries("slalom") + 1 + len(search_module.SOURCES) * phases):
        groups = search("slalom")
    counts = {g.key: g.count for g in groups}
    assert counts["nyheter"] == HITS_PER_GROUP + 3
    assert counts["aktorer"] == HITS_PER_GROUP + 3
