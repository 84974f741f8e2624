"""A news item's page shows its Markdown text as HTML: safely, and valid."""

from __future__ import annotations

import pytest

from networks.models import Post
from tests.htmlcheck import html_problems

pytestmark = pytest.mark.django_db


def test_the_post_page_shows_the_markdown_text_safely(client, networks) -> None:
    post = Post.objects.create(
        network=networks["brynas"],
        title="Loppis på torget",
        slug="loppis",
        summary="Fynda och sälj.",
        body=(
            "# Program\n\n**Fika** – och *kaka*.\n\n- kläder\n- böcker\n\n"
            "[Karta](https://example.se/karta) <script>alert(1)</script> [x](javascript:alert(1))"
        ),
    )
    page = client.get(post.get_absolute_url())
    html = page.content.decode()
    assert "<h2>Program</h2>" in html
    assert "<p><strong>Fika</strong> – och <em>kaka</em>.</p>" in html
    assert "<ul>\n<li>kläder</li>\n<li>böcker</li>\n</ul>" in html
    assert '<a href="https://example.se/karta" rel="nofollow noopener">Karta</a>' in html
    assert "<script>alert(1)" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert 'href="javascript' not in html
    assert html_problems(html) == []


def test_the_english_page_shows_the_english_text_or_says_the_swedish_is_swedish(client, networks) -> None:
    post = Post.objects.create(title="Loppis", slug="loppis", summary="Fynda.", body="**Välkomna!**")
    assert (
        '<div class="post__body" lang="sv" dir="auto"><p><strong>Välkomna!</strong></p>'
        in client.get("/en/nyheter/loppis/").content.decode()
    )
    post.body_en = "**Welcome!**"
    post.save()
    assert (
        '<div class="post__body" lang="en" dir="auto"><p><strong>Welcome!</strong></p>'
        in client.get("/en/nyheter/loppis/").content.decode()
    )
