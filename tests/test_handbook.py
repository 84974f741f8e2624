"""The staff handbook (docs/handbok/) in the admin under "Hjälp": every page shown, links
between pages lead to the admin's pages, the pictures are the ones the browser tests take,
and the admin links to it."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from tests.browser.test_handbook_images import SHOTS
from website.handbook import HANDBOOK_DIR, IMAGES_DIR, PAGES, images_in

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


def test_the_pictures_are_the_ones_the_browser_tests_take() -> None:
    shown = [name for page in ["index", *PAGES] for name, _alt in images_in(
        (HANDBOOK_DIR / f"{page}.md").read_text(encoding="utf-8")
    )]  # fmt: skip
    assert sorted(shown) == sorted(SHOTS)  # Each once, and each one a picture the tests take.
    assert {path.stem for path in IMAGES_DIR.glob("*")} == set(SHOTS)
    # A picture is written on a line of its own, or it would not be found (and shown as text).
    for page in ["index", *PAGES]:
        text = (HANDBOOK_DIR / f"{page}.md").read_text(encoding="utf-8")
        assert len(re.findall(r"!\[", text)) == len(images_in(text)), page


def test_a_picture_is_shown_with_its_words_and_size(client, coord_satra) -> None:
    client.force_login(coord_satra)
    html = client.get("/admin/hjalp/samordnare/").content.decode()
    figure = re.search(
        r'<figure class="handbook__figure"><img src="/admin/hjalp/bilder/motena.png"[^>]*></figure>', html
    )
    assert figure, "the picture of the meetings list"
    assert 'alt="Listan över möten i administrationen' in figure.group(0)
    assert 'width="1024" height="640"' in figure.group(0)
    response = client.get("/admin/hjalp/bilder/motena.png")
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")
    assert client.get("/admin/hjalp/bilder/finns-inte.png").status_code == 404
    client.logout()
    assert client.get("/admin/hjalp/bilder/motena.png").status_code == 302  # To the admin's login.
