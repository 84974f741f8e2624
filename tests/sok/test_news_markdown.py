"""News written in Markdown is searched and shown in the results as its words, without the markup."""

from __future__ import annotations

import pytest

from networks.models import Post
from sok.models import Entry
from sok.search import search

pytestmark = pytest.mark.django_db

BODY = "## Program\n\n**Läxhjälp** varje *tisdag* på [biblioteket](https://example.se/bibliotek).\n\n- matte\n- svenska"


def test_the_index_holds_the_words_not_the_markup(networks) -> None:
    post = Post.objects.create(title="Hösten i Sätra", slug="hosten", summary="Nytt i höst.", body=BODY)
    entry = Entry.objects.get(source="networks.post", object_id=post.pk)
    assert entry.text_c == "Program\n\nLäxhjälp varje tisdag på biblioteket.\n\nmatte\nsvenska"
    assert "**" not in entry.text_folded and "example.se" not in entry.text_folded


def test_the_snippet_shows_the_words_not_the_markup(networks) -> None:
    Post.objects.create(title="Hösten i Sätra", slug="hosten", summary="Nytt i höst.", body=BODY)
    hit = next(group for group in search("laxhjalp") if group.key == "nyheter").hits[0]
    assert "<mark>Läxhjälp</mark> varje tisdag på biblioteket." in str(hit.snippet)
    assert "*" not in str(hit.snippet) and "](" not in str(hit.snippet)
