"""News text in Markdown (core/markdown.py): the few forms rendered, everything else harmless."""

from __future__ import annotations

import pytest
from django.template import engines

from core.markdown import markdown_text, render_markdown
from tests.htmlcheck import html_problems


@pytest.fixture(autouse=True)
def _site(settings) -> None:
    settings.SITE_URL = "https://natverk.gavle.se"


def test_emphasis_lists_paragraphs_and_line_breaks() -> None:
    html = render_markdown("**Fika** och *kaka*\nklockan tre\n\n- kaffe\n- te\n\n1. först\n2. sedan")
    assert html == (
        "<p><strong>Fika</strong> och <em>kaka</em><br>\nklockan tre</p>\n"
        "<ul>\n<li>kaffe</li>\n<li>te</li>\n</ul>\n"
        "<ol>\n<li>först</li>\n<li>sedan</li>\n</ol>\n"
    )


@pytest.mark.parametrize(
    ("text", "top", "expected"),
    [
        # A post's own headings start under the page's h1, whichever level it began with.
        ("# Program\n\n## Kväll", 2, ["<h2>Program</h2>", "<h3>Kväll</h3>"]),
        ("## Program\n\n### Kväll", 2, ["<h2>Program</h2>", "<h3>Kväll</h3>"]),
        # Under an h2 (the preview's translations), never deeper than h6.
        ("# A\n\n## B\n\n###### C", 3, ["<h3>A</h3>", "<h4>B</h4>", "<h6>C</h6>"]),
    ],
)
def test_headings_are_moved_under_the_page_title(text: str, top: int, expected: list[str]) -> None:
    html = render_markdown(text, top=top)
    assert all(heading in html for heading in expected), html
    assert "<h1" not in html


def test_links_to_other_hosts_get_nofollow_noopener() -> None:
    html = render_markdown(
        "[Kommunen](https://www.gavle.se/) [Möten](/moten/) [Här](https://natverk.gavle.se/nyheter/) "
        "[Post](mailto:info@example.se) <https://example.org/x>"
    )
    assert '<a href="https://www.gavle.se/" rel="nofollow noopener">Kommunen</a>' in html
    assert '<a href="/moten/">Möten</a>' in html
    assert '<a href="https://natverk.gavle.se/nyheter/">Här</a>' in html
    assert '<a href="mailto:info@example.se">Post</a>' in html
    assert '<a href="https://example.org/x" rel="nofollow noopener">' in html


@pytest.mark.parametrize(
    "attack",
    [
        "<script>alert(1)</script>",
        '<img src="x" onerror="alert(1)">',
        '<a href="javascript:alert(1)">klick</a>',
        '<div style="position:fixed">stor</div>',
        "<iframe src='https://evil.example'></iframe>",
        "<svg onload=alert(1)>",
        "<!-- kommentar --><b>fet</b>",
    ],
)
def test_raw_html_shows_as_text(attack: str) -> None:
    html = render_markdown(attack)
    assert "<script" not in html and "<img" not in html and "<iframe" not in html and "<svg" not in html
    assert "<div" not in html and "<b>" not in html and "<a " not in html
    # What was typed stays readable, as characters.
    assert "&lt;" in html


@pytest.mark.parametrize(
    "link",
    [
        "[klick](javascript:alert(1))",
        "[klick](JaVaScRiPt:alert(1))",
        "[klick](java&#115;cript:alert(1))",
        "[klick](vbscript:msgbox(1))",
        "[klick](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
        "[klick](file:///etc/passwd)",
        "<javascript:alert(1)>",
    ],
)
def test_dangerous_links_are_no_links(link: str) -> None:
    html = render_markdown(link)
    assert "<a" not in html, html
    assert "href" not in html


def test_no_images_from_markdown() -> None:
    html = render_markdown('![En katt](https://evil.example/spår.png "titel") och ![](/media/x.png)')
    assert "<img" not in html and "evil.example" not in html
    assert html == "<p>En katt och </p>\n"


def test_indented_lines_and_underlined_lines_stay_text() -> None:
    # A coordinator's indented address or "---" under a line is no code block or heading.
    html = render_markdown("Adress:\n\n    Stortorget 1\n\nProgram\n---\nSlut")
    assert "<pre" not in html and "<code" not in html
    assert "<h" not in html.replace("<hr", "")
    assert "<p>Stortorget 1</p>" in html


def test_the_template_filter_gives_valid_html() -> None:
    template = engines["django"].from_string("{% load natverk_tags %}<div>{{ text|markdown }}</div>")
    page = template.render(
        {"text": "# Rubrik\n\nText med [länk](https://example.se) & <b>taggar</b>.\n\n> Ett citat\n\n---\n\n3. tre"}
    )
    assert '<ol start="3">' in page
    assert html_problems(f"<!DOCTYPE html><html lang=sv><title>x</title><h1>Nyhet</h1>{page}") == []


def test_empty_text_is_empty() -> None:
    assert render_markdown("") == "" and render_markdown("  \n") == ""
    assert markdown_text("") == ""


def test_plain_text_has_the_words_without_the_markup() -> None:
    text = (
        "# Program\n\n**Fika** och *kaka* i [parken](https://example.se/park).\n"
        "Välkomna!\n\n- kaffe\n- te\n  1. grönt\n\n> Citat med `kod`\n\n---\n\n![Bild](x.png) &amp; mer"
    )
    assert markdown_text(text) == (
        "Program\n\nFika och kaka i parken.\nVälkomna!\n\nkaffe\nte\ngrönt\n\nCitat med kod\n\nBild & mer"
    )


def test_plain_text_keeps_what_is_no_markup() -> None:
    # Raw HTML is shown as typed on the page, so the plain text has it as typed too.
    assert markdown_text("1 < 2 och <b>x</b>") == "1 < 2 och <b>x</b>"
    assert markdown_text("Vanlig text\nutan markering.") == "Vanlig text\nutan markering."
