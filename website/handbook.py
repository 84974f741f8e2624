"""The staff handbook (docs/handbok/, Swedish), shown in the admin under "Hjälp".

The pages are the Markdown files themselves, rendered with core.markdown: what a new
coordinator or steering group member reads in the admin is what the repository holds, and
a link between two pages (`samordnare.md`) leads to the other page in the admin.
"""

from __future__ import annotations

import re
from pathlib import Path

from django.conf import settings
from django.contrib import admin
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from core.markdown import render_markdown

HANDBOOK_DIR = Path(settings.BASE_DIR) / "docs" / "handbok"
# The pages in the order of the handbook's own index (index.md).
PAGES = ["samordnare", "styrgrupp", "medlemskap", "borsen-och-roster"]
_LINK = re.compile(r"\]\(([a-z0-9-]+)\.md(#[a-z0-9-]+)?\)")


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
    return title, render_markdown(rest, top=2, line_breaks=False)


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
