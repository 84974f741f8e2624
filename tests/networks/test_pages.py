"""The public pages: every one answers in Swedish and English, is valid and sets no cookie."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.html import escape

from networks.models import Post
from tests.htmlcheck import html_problems
from tests.networks.conftest import make_groups, make_posts

PUBLIC_PAGES = [
    "/",
    "/natverk/",
    "/natverk/andersberg/",
    "/natverk/bomhus/",
    "/natverk/brynas/",
    "/natverk/satra/",
    "/om/",
    "/nyheter/",
    "/nyheter/staddag-i-andersberg/",
    "/tillganglighet/",
    "/personuppgifter/",
]
BOTH_LANGUAGES = [path for page in PUBLIC_PAGES for path in (page, "/en" + page)]


@pytest.mark.parametrize("path", BOTH_LANGUAGES)
def test_public_page_answers_valid_html_without_cookies(client, post, path: str) -> None:
    response = client.get(path)

    assert response.status_code == 200
    language = "en" if path.startswith("/en/") else "sv"
    assert f'<html lang="{language}" dir="ltr">' in response.text
    assert response["Content-Language"] == language
    assert not response.cookies, f"{path} set cookies {list(response.cookies)}"
    assert html_problems(response.text) == []


@pytest.mark.parametrize(
    ("path", "other"),
    [
        ("/natverk/andersberg/", "/en/natverk/andersberg/"),
        ("/en/natverk/andersberg/", "/natverk/andersberg/"),
        ("/nyheter/?sida=2", "/en/nyheter/?sida=2"),
        ("/en/", "/"),
    ],
)
def test_language_link_points_to_the_same_page_in_the_other_language(
    client, networks, settings, path: str, other: str
) -> None:
    settings.SITE_URL = "https://natverk.example.se"
    response = client.get(path)

    other_code = "sv" if path.startswith("/en/") else "en"
    link = re.search(r'<nav class="language"[^>]*>.*?<a href="([^"]+)" hreflang="([a-z]+)"', response.text, re.S)
    assert link is not None
    assert link.group(1).replace("&amp;", "&") == other
    assert link.group(2) == other_code
    # The head's alternates are absolute, built from SITE_URL, as search engines require.
    absolute = "https://natverk.example.se" + other.replace("&", "&amp;")
    assert f'<link rel="alternate" hreflang="{other_code}" href="{absolute}">' in response.text


def test_english_pages_show_english_texts_and_mark_swedish_fallbacks(client, networks) -> None:
    Post.objects.create(title="Bara svenska", slug="bara-svenska", summary="Ingress", body="Text")

    response = client.get("/en/")

    assert escape(networks["andersberg"].summary_en) in response.text
    assert '<a href="/en/nyheter/bara-svenska/" lang="sv" dir="auto">Bara svenska</a>' in response.text


def test_unknown_network_is_404_in_the_site_design(client, networks) -> None:
    response = client.get("/natverk/finns-inte/")

    assert response.status_code == 404
    assert "site-header" in response.text
    assert "Sidan finns inte" in response.text
    assert html_problems(response.text) == []


def test_unpublished_and_future_posts_are_not_shown(client, networks) -> None:
    Post.objects.create(title="Utkast", slug="utkast", summary="s", body="b", is_published=False)
    Post.objects.create(
        title="Framtida", slug="framtida", summary="s", body="b", published_at=timezone.now() + timedelta(days=1)
    )

    assert client.get("/nyheter/utkast/").status_code == 404
    assert client.get("/nyheter/framtida/").status_code == 404
    assert "Utkast" not in client.get("/nyheter/").text
    assert "Framtida" not in client.get("/").text


def test_network_page_shows_its_own_news_and_shared_news_but_not_other_networks(client, networks) -> None:
    make_posts(networks["andersberg"], 1, prefix="andersberg")
    make_posts(networks["satra"], 1, prefix="satra")
    make_posts(None, 1, prefix="alla")

    text = client.get("/natverk/andersberg/").text

    assert "/nyheter/andersberg-0/" in text
    assert "/nyheter/alla-0/" in text
    assert "/nyheter/satra-0/" not in text


def test_network_page_lists_active_working_groups_only(client, networks) -> None:
    active, inactive = make_groups(networks["brynas"], 2)
    inactive.is_active = False
    inactive.save()

    text = client.get("/natverk/brynas/").text

    assert active.name in text
    assert inactive.name not in text


def test_news_list_is_paginated(client, networks) -> None:
    make_posts(None, 12)

    first = client.get("/nyheter/").text
    second = client.get("/nyheter/?sida=2").text

    assert "/nyheter/nyhet-0/" in first and "/nyheter/nyhet-11/" not in first
    assert "/nyheter/nyhet-11/" in second
    assert 'rel="next"' in first


def test_demo_post_is_labelled_as_demo(client, networks) -> None:
    Post.objects.create(title="Påhittad (demo)", slug="pahittad", summary="s", body="b", is_demo=True)

    assert "badge--demo" in client.get("/nyheter/pahittad/").text
    assert "badge--demo" in client.get("/nyheter/").text


@pytest.mark.parametrize("path", ["/", "/natverk/andersberg/", "/nyheter/", "/om/"])
def test_pages_refuse_post(client, networks, path: str) -> None:
    assert client.post(path).status_code == 405


def _query_count(client, path: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return len(queries)


# The most queries each page may make: networks, news, working groups (no N+1 over shown rows).
# "/" and a network page each make one more query for their next meetings (meetings app),
# a network page two more for its member actors and its coordinators (members app),
# and one for "Aktuellt i börsen" (borsen app), one for its voices (voices app) and one for
# the areas it covers ("Var bor du?"). The network's page: one more for its questions from
# residents (dialog.services.network_questions).
MAX_QUERIES = {"/": 3, "/natverk/andersberg/": 10, "/nyheter/": 2, "/natverk/": 1}


@pytest.mark.parametrize("path", list(MAX_QUERIES))
def test_query_count_does_not_grow_with_rows(client, networks, path: str) -> None:
    andersberg = networks["andersberg"]
    make_posts(andersberg, 3, prefix="a")
    make_groups(andersberg, 3)
    few = _query_count(client, path)

    make_posts(andersberg, 27, prefix="b")
    make_posts(None, 30, prefix="c")
    make_groups(andersberg, 27, prefix="Fler")
    make_groups(networks["satra"], 5)
    many = _query_count(client, path)

    assert many == few
    assert many <= MAX_QUERIES[path]
