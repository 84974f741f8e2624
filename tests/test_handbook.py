"""The staff handbook (docs/handbok/) in the admin under "Hjälp": every page shown, links
between pages lead to the admin's pages, and the admin links to it."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from website.handbook import HANDBOOK_DIR, PAGES

pytestmark = pytest.mark.django_db


def test_every_handbook_file_is_a_page_and_the_index_links_them_all() -> None:
    files = {path.stem for path in HANDBOOK_DIR.glob("*.md")}
    assert files == {"index", *PAGES}
    index = (HANDBOOK_DIR / "index.md").read_text(encoding="utf-8")
    assert re.findall(r"\]\(([a-z0-9-]+)\.md\)", index) == PAGES


def test_the_handbook_reads_in_the_admin(client, superuser) -> None:
    client.force_login(superuser)
    index = client.get(reverse("admin:handbook")).content.decode()
    assert "<h1>Handbok för samordnare och styrgrupp</h1>" in index
    for page in PAGES:
        assert f'href="/admin/hjalp/{page}/"' in index  # .md links made admin links
        html = client.get(reverse("admin:handbook-page", kwargs={"page": page})).content.decode()
        assert html.count("<h1>") == 1 and 'lang="sv"' in html
        assert ".md" not in re.sub(r"<[^>]+>", "", html.split('class="handbook"', 1)[1])
    assert client.get("/admin/hjalp/finns-inte/").status_code == 404


def test_the_admin_links_to_the_handbook(client, superuser) -> None:
    client.force_login(superuser)
    html = client.get(reverse("admin:index")).content.decode()
    assert html.count('href="/admin/hjalp/"') == 2  # The header's "Hjälp" and the to-do list.


def test_someone_outside_the_staff_is_sent_to_log_in(client, resident) -> None:
    client.force_login(resident)
    assert client.get("/admin/hjalp/").status_code == 302
