"""Site search (/sok/): on SQLite and on PostgreSQL (DATABASE_URL=postgres://…).

Only what a visitor may see is found; case and accents do not matter; a title match
comes before a text match; everything typed is escaped.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from borsen.models import Listing
from core.cache import is_cacheable_path
from grants.models import Application, Pot
from meetings.models import Meeting
from members.models import Actor
from networks.models import Post
from sok.highlight import highlight, snippet
from sok.search import MAX_QUERY_LENGTH, search
from tests.grants.conftest import make_application

pytestmark = pytest.mark.django_db


def _post(title: str, *, summary: str = "Kort om det.", body: str = "Mer om det.", network=None, **extra) -> Post:
    slug = f"post-{Post.objects.count() + 1}"
    return Post.objects.create(title=title, slug=slug, summary=summary, body=body, network=network, **extra)


def _listing(actor: Actor, network, title: str, **extra) -> Listing:
    values = {"last_date": timezone.localdate() + timedelta(days=30), **extra}
    listing = Listing.objects.create(
        actor=actor,
        direction=Listing.Direction.OFFER,
        kind=Listing.Kind.VENUE,
        title=title,
        text="Vi har en samlingslokal för 40 personer.",
        **values,
    )
    listing.networks.add(network)
    return listing


def _meeting(network, title: str, *, days: int = 5, **extra) -> Meeting:
    start = timezone.now() + timedelta(days=days)
    return Meeting.objects.create(
        network=network, title=title, starts_at=start, ends_at=start + timedelta(hours=2), place="Träffpunkten", **extra
    )


def _titles(q: str) -> dict[str, list[str]]:
    """Group key -> the hits' titles without the <mark> tags."""
    return {
        group.key: [str(hit.title).replace("<mark>", "").replace("</mark>", "") for hit in group.hits]
        for group in search(q)
    }


def _found(q: str) -> list[str]:
    return [title for titles in _titles(q).values() for title in titles]


# ---- accents and case ----


def test_accents_and_case_are_ignored(networks) -> None:
    _post("Läxhjälp på biblioteket", network=networks["satra"])
    Actor.objects.create(name="Kafé Ölstugan", slug="kafe-olstugan", kind=Actor.Kind.COMPANY)

    assert _titles("laxhjalp")["nyheter"] == ["Läxhjälp på biblioteket"]
    assert _titles("LÄXHJÄLP")["nyheter"] == ["Läxhjälp på biblioteket"]
    assert _titles("KAFE")["aktorer"] == ["Kafé Ölstugan"]
    assert _titles("kafe olstugan")["aktorer"] == ["Kafé Ölstugan"]
    # The start of a word is enough.
    assert _titles("kaf")["aktorer"] == ["Kafé Ölstugan"]


def test_the_hit_is_marked_in_the_original_text(networks) -> None:
    _post("Läxhjälp på biblioteket", summary="Vi erbjuder LÄXHJÄLP varje tisdag.", network=networks["satra"])
    hit = next(group for group in search("laxhjalp") if group.key == "nyheter").hits[0]
    assert str(hit.title) == "<mark>Läxhjälp</mark> på biblioteket"
    assert str(hit.snippet) == "Vi erbjuder <mark>LÄXHJÄLP</mark> varje tisdag."


def test_every_word_must_be_found(networks) -> None:
    _post("Läxhjälp på biblioteket", network=networks["satra"])
    _post("Läxhjälp i skolan", network=networks["satra"])
    assert _titles("laxhjalp bibliotek")["nyheter"] == ["Läxhjälp på biblioteket"]
    assert _found("laxhjalp simhall") == []


# ---- ranking ----


def test_a_title_match_comes_before_a_text_match(networks) -> None:
    title_hit = _post("Trygghetsvandring i Sätra", published_at=timezone.now() - timedelta(days=30))
    # Newer, so it would come first by date; but the word is only in its text.
    _post("Nytt från nätverket", body="Nästa trygghetsvandring går från torget, alla är välkomna.")
    assert _titles("trygghetsvandring")["nyheter"] == [title_hit.title, "Nytt från nätverket"]

    Actor.objects.create(
        name="Föreningen Sy", slug="sy", kind=Actor.Kind.ASSOCIATION, description="Vi har odlingslotter."
    )
    Actor.objects.create(name="Odlingslotten", slug="odling", kind=Actor.Kind.ASSOCIATION)
    assert _titles("odlingslott")["aktorer"] == ["Odlingslotten", "Föreningen Sy"]


# ---- only what a visitor may see ----


def test_a_draft_application_is_never_found(networks, actor_a) -> None:
    today = timezone.localdate()
    pot = Pot.objects.create(
        year=today.year,
        name="Potten",
        opens_on=today,
        closes_on=today + timedelta(days=30),
        max_amount_per_application=1,
    )
    draft = make_application(pot=pot, lead=actor_a, status=Application.Status.DRAFT)
    draft.title = "Zebrafestivalen i Andersberg"
    draft.save()
    assert _found("zebrafestivalen") == []
    response = Client().get("/sok/", {"q": "zebrafestivalen"})
    assert "Zebrafestivalen" not in response.content.decode().replace("”zebrafestivalen”", "")


def test_a_hidden_or_expired_listing_is_never_found(networks, actor_a) -> None:
    andersberg = networks["andersberg"]
    _listing(actor_a, andersberg, "Lokal för kalas")
    _listing(actor_a, andersberg, "Lokal för dans", hidden_at=timezone.now(), hidden_reason="Reklam.")
    _listing(actor_a, andersberg, "Lokal för yoga", last_date=timezone.localdate() - timedelta(days=1))
    assert _titles("lokal")["borsen"] == ["Lokal för kalas"]
    assert _found("dans") == []
    assert _found("yoga") == []


def test_a_listing_of_an_actor_that_is_not_public_is_never_found(networks, actor_a) -> None:
    _listing(actor_a, networks["andersberg"], "Lokal för kalas")
    actor_a.is_public = False
    actor_a.save()
    assert _found("kalas") == []


def test_a_hidden_address_never_matches_and_is_never_shown(networks) -> None:
    Actor.objects.create(
        name="Hemliga föreningen", slug="hemlig", kind=Actor.Kind.ASSOCIATION, contact_email="dold@example.se"
    )
    shown = Actor.objects.create(
        name="Öppna föreningen",
        slug="oppen",
        kind=Actor.Kind.ASSOCIATION,
        contact_email="synlig@example.se",
        contact_consent_at=timezone.now(),
        contact_consent_text="Ja",
        contact_email_verified_at=timezone.now(),
        contact_email_verified_address="synlig@example.se",
    )
    assert _found("dold@example.se") == []
    assert _found("dold") == []
    assert _titles("synlig@example.se")["aktorer"] == [shown.name]
    # The address is not in the snippet of the actor without consent either.
    page = Client().get("/sok/", {"q": "föreningen"}).content.decode()
    assert "Hemliga <mark>föreningen</mark>" in page
    assert "dold@example.se" not in page


def test_unpublished_and_future_news_are_never_found(networks) -> None:
    _post("Utkast om kanotpaddling", is_published=False)
    _post("Kommande kanotpaddling", published_at=timezone.now() + timedelta(days=2))
    assert _found("kanotpaddling") == []


def test_an_actor_that_is_not_public_is_never_found(networks) -> None:
    Actor.objects.create(name="Borttagna klubben", slug="borta", kind=Actor.Kind.ASSOCIATION, is_public=False)
    assert _found("borttagna") == []


def test_networks_and_meetings_past_and_cancelled_are_found(networks) -> None:
    satra = networks["satra"]
    _meeting(satra, "Vårstädning i parken", days=-20)
    _meeting(satra, "Höststädning i parken", status=Meeting.Status.CANCELLED, cancel_reason="Regn.")
    assert sorted(_titles("stadning")["moten"]) == ["Höststädning i parken", "Vårstädning i parken"]
    assert _titles("satra")["natverk"] == ["Sätra"]


# ---- the page ----


def test_page_groups_counts_and_marks(client, networks) -> None:
    satra = networks["satra"]
    _post("Språkcafé på torsdagar", network=satra)
    _post("Språkcafé för nyanlända", network=satra)
    Actor.objects.create(name="Språkcaféet", slug="sprakcafeet", kind=Actor.Kind.ASSOCIATION)
    _meeting(satra, "Träff om språkcafé")

    response = client.get("/sok/", {"q": "sprakcafe"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "4 träffar för ”sprakcafe”" in html
    assert html.count('class="search-group"') == 3
    assert "2 träffar" in html and "1 träff<" in html
    assert "<mark>Språkcafé</mark> på torsdagar" in html
    assert '<a href="/nyheter/' in html


def test_no_hits_says_so_with_a_hint(client, networks) -> None:
    html = client.get("/sok/", {"q": "  xyzzyplugh  "}).content.decode()
    assert "Inga träffar för ”xyzzyplugh”." in html
    assert "Pröva ett annat ord" in html
    assert 'value="xyzzyplugh"' in html


def test_an_empty_query_shows_the_empty_form(client, networks) -> None:
    for params in ({}, {"q": ""}, {"q": "   "}):
        html = client.get("/sok/", params).content.decode()
        assert 'name="q"' in html
        assert "träff" not in html
        assert "error-summary" not in html


def test_the_query_is_escaped(client, networks) -> None:
    _post("Fest <b>med</b> musik")
    q = '<script>alert("x")</script>'
    html = client.get("/sok/", {"q": q}).content.decode()
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    html = client.get("/sok/", {"q": "musik"}).content.decode()
    assert "<b>med</b>" not in html
    assert "Fest &lt;b&gt;med&lt;/b&gt; <mark>musik</mark>" in html


def test_a_long_query_gets_a_message_and_keeps_the_text(client, networks) -> None:
    q = "kafé " * 30
    html = client.get("/sok/", {"q": q}).content.decode()
    assert f"Skriv högst {MAX_QUERY_LENGTH} tecken" in html
    assert "träffar för" not in html
    assert q.strip() in html
    # At the limit it searches.
    html = client.get("/sok/", {"q": "a" * MAX_QUERY_LENGTH}).content.decode()
    assert "Inga träffar för" in html


def test_control_characters_are_dropped_or_refused(client, networks) -> None:
    Actor.objects.create(name="Kafé Ölstugan", slug="kafe-olstugan", kind=Actor.Kind.COMPANY)
    # The middleware drops NUL and other control characters from the query string.
    response = client.get("/sok/?q=ka%00f%1Be")
    assert response.status_code == 200
    assert "<mark>Kafé</mark> Ölstugan" in response.content.decode()
    # A line break is refused like in every one-line field.
    html = client.get("/sok/", {"q": "kafe\nolstugan"}).content.decode()
    assert "Skriv texten på en rad." in html


@pytest.mark.skipif(connection.vendor != "postgresql", reason="trigram similarity is PostgreSQL's")
def test_postgresql_also_finds_a_near_miss_in_a_title(networks) -> None:
    _post("Läxhjälp på biblioteket")
    assert _titles("laxhjelp")["nyheter"] == ["Läxhjälp på biblioteket"]
    assert _found("laxhjelp simhall") == []


def test_odd_characters_never_fail(networks) -> None:
    for q in ["'", "\\", "':*", "a & b | !c", "(((", "<->", "%_", "och", "*", "ä'ö"]:
        assert isinstance(search(q), list), q


def test_few_queries(client, networks, django_assert_max_num_queries) -> None:
    _post("Läxhjälp på biblioteket")
    # One query per group, whatever the number of hits.
    with django_assert_max_num_queries(5):
        search("laxhjalp")


def test_the_search_page_may_be_cached_for_anonymous_visitors() -> None:
    assert is_cacheable_path("/sok/")
    assert is_cacheable_path("/en/sok/")


def test_the_header_has_a_search_box(client, networks) -> None:
    html = client.get("/").content.decode()
    assert 'role="search"' in html
    assert 'action="/sok/"' in html
    # The button's name is its word "Sök", beside a magnifying glass (only the glass on a phone).
    assert '<span class="site-search__label">Sök</span></button>' in html


# ---- the highlighter ----


def test_highlight_escapes_everything_but_the_marks() -> None:
    assert str(highlight("<i>Kafé</i> & bar", ["kafe"])) == "&lt;i&gt;<mark>Kafé</mark>&lt;/i&gt; &amp; bar"


def test_snippet_shows_the_text_around_the_first_hit() -> None:
    text = "Inledning " * 30 + "här står läxhjälp och sedan mer text " * 10
    shown = str(snippet(text, ["laxhjalp"]))
    assert shown.startswith("…") and shown.endswith("…")
    assert "<mark>läxhjälp</mark>" in shown
    assert len(shown) < 300


def test_decomposed_accents_are_marked_whole() -> None:
    decomposed = "Cafe\u0301 i parken"
    assert str(highlight(decomposed, ["cafe"])) == "<mark>Cafe\u0301</mark> i parken"
