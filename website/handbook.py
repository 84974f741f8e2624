"""The staff handbook (docs/handbok/, Swedish), shown in the admin under "Hjälp".

The pages are the Markdown files themselves, rendered with core.markdown: what a new
coordinator or steering group member reads in the admin is what the repository holds, and
a link between two pages (`samordnare.md`) leads to the other page in the admin.

A picture on a line of its own, `![Vad bilden visar](bilder/motena.png)`, is a screenshot
in docs/handbok/bilder/. The browser tests take them (tests/browser/test_handbook_pages.py,
`make handbook-images` writes them there) and fail when a page has changed so much that its
picture no longer shows it. Users' Markdown never shows images (core.markdown); these are
the repository's own files, served to staff only.
"""

from __future__ import annotations

import re
from pathlib import Path

from django.conf import settings
from django.contrib import admin
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from PIL import Image

from core.markdown import render_markdown

HANDBOOK_DIR = Path(settings.BASE_DIR) / "docs" / "handbok"
# The pages in the order of the handbook's own index (index.md).
PAGES = ["samordnare", "styrgrupp", "medlemskap", "borsen-och-roster"]
_LINK = re.compile(r"\]\(([a-z0-9-]+)\.md(#[a-z0-9-]+)?\)")
IMAGES_DIR = HANDBOOK_DIR / "bilder"
_IMAGE_LINE = re.compile(r"^!\[([^\]\n]+)\]\(bilder/([a-z0-9-]+)\.png\)$", re.MULTILINE)
_IMAGE_MARK = "HANDBOKSBILD{}"


def images_in(text: str) -> list[tuple[str, str]]:
    """The pictures of a handbook page: (name, alt text), in order."""
    return [(match.group(2), match.group(1)) for match in _IMAGE_LINE.finditer(text)]


def _figure(name: str, alt: str) -> str:
    with Image.open(IMAGES_DIR / f"{name}.png") as image:
        width, height = image.size
    return format_html(
        '<figure class="handbook__figure"><img src="{}" alt="{}" width="{}" height="{}" loading="lazy"></figure>',
        reverse("admin:handbook-image", kwargs={"name": name}),
        alt,
        width,
        height,
    )


def _page_url(slug: str) -> str:
    return reverse("admin:handbook-page", kwargs={"page": slug}) if slug != "index" else reverse("admin:handbook")


def _render(slug: str) -> tuple[str, str]:
    """The page's title (its first line, "# …", the page's h1) and the rest as HTML, with
    links between pages made admin links. Lines are joined as in any Markdown document
    (the files are wrapped at about 90 characters)."""
    text = (HANDBOOK_DIR / f"{slug}.md").read_text(encoding="utf-8")
    first, _, rest = text.partition("\n")
    title = first.removeprefix("# ").strip()
    rest = _LINK.sub(lambda m: f"]({_page_url(m.group(1))}{m.group(2) or ''})", rest)
    # A picture becomes a marker paragraph for the Markdown renderer, then its figure.
    figures = [_figure(name, alt) for name, alt in images_in(rest)]
    counter = iter(range(len(figures)))
    rest = _IMAGE_LINE.sub(lambda m: _IMAGE_MARK.format(next(counter)), rest)
    html = str(render_markdown(rest, top=2, line_breaks=False))
    for number, figure in enumerate(figures):
        html = html.replace(f"<p>{_IMAGE_MARK.format(number)}</p>", figure)
    return title, mark_safe(html)  # noqa: S308 (sanitised Markdown, and figures built by format_html)


def _show(request: HttpRequest, slug: str) -> HttpResponse:
    title, html = _render(slug)
    context = {
        **admin.site.each_context(request),
        "title": title,
        "handbook_html": html,
        "is_index": slug == "index",
    }
    return render(request, "admin/handbook.html", context)


# Served by the admin site (natverk.admin_shortcut.NatverkAdminSite.get_urls), behind its
# login and the staff's two-factor check.


def handbook(request: HttpRequest) -> HttpResponse:
    return _show(request, "index")


def handbook_page(request: HttpRequest, page: str) -> HttpResponse:
    if page not in PAGES:
        raise Http404
    return _show(request, page)


def handbook_image(request: HttpRequest, name: str) -> FileResponse:
    path = IMAGES_DIR / f"{name}.png"
    if not re.fullmatch(r"[a-z0-9-]+", name) or not path.is_file():
        raise Http404
    return FileResponse(path.open("rb"), content_type="image/png")
