"""A coordinator writes news in Markdown with an image, previews it and publishes it; the site
shows it rendered. axe checks every page on the way (and vnu the HTML afterwards)."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from networks.models import Post


@pytest.fixture
def media_served(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.ROOT_URLCONF = "tests.voices.urls_with_media"
    settings.REQUIRE_STAFF_MFA = False


def _photo() -> dict:
    out = io.BytesIO()
    Image.new("RGB", (2000, 1200), (0, 90, 112)).save(out, format="JPEG")
    return {"name": "fika.jpg", "mimeType": "image/jpeg", "buffer": out.getvalue()}


BODY = """Välkomna till **Fika** i träffpunkten!

# Program

- kaffe och bullar
- *lekar* för barnen

Läs mer hos [kommunen](https://www.gavle.se/)."""


def test_coordinator_publishes_markdown_news_with_an_image(
    transactional_db, networks, coord_andersberg, media_served, page
) -> None:
    raw = page.page
    raw.set_default_timeout(10_000)
    page.login(coord_andersberg)

    page.goto("/admin/networks/post/add/")
    assert "**Två stjärnor** runt ord ger fetstil" in raw.content()
    # The address's short name follows the title (the admin's own script).
    raw.get_by_label("Rubrik:", exact=True).fill("Fika i Andersberg")
    raw.get_by_label("Ingress:", exact=True).fill("Alla är välkomna på fika på lördag.")
    raw.get_by_label("Text:", exact=True).fill(BODY)
    raw.get_by_label("Bild:", exact=True).set_input_files(_photo())

    # Without its alt text the image is refused, with the reason at the field.
    raw.get_by_role("button", name="Spara och förhandsgranska").click()
    page.check()
    assert "Beskriv kort vad bilden visar, för den som inte ser den." in raw.content()
    assert not Post.objects.exists()
    raw.get_by_label("Bild:", exact=True).set_input_files(_photo())
    raw.get_by_label("Bildtext för skärmläsare:", exact=True).fill("Kaffekoppar och bullar på ett bord.")
    raw.get_by_role("button", name="Spara och förhandsgranska").click()
    page.check()

    # The preview: the site's own layout, the text rendered, not yet on the site.
    post = Post.objects.get()
    assert not post.is_published and post.slug == "fika-i-andersberg"
    assert raw.locator("h1").inner_text() == "Fika i Andersberg"
    assert raw.locator(".post__body strong").inner_text() == "Fika"
    assert raw.locator(".post__body h2").inner_text() == "Program"
    assert raw.locator(".post__body li").all_inner_texts() == ["kaffe och bullar", "lekar för barnen"]
    image = raw.locator("img.post__image")
    assert image.get_attribute("alt") == "Kaffekoppar och bullar på ett bord."
    assert raw.evaluate("document.querySelector('img.post__image').naturalWidth") == 1600
    assert "Nyheten är inte publicerad." in raw.locator(".preview").inner_text()

    raw.get_by_role("button", name="Publicera").click()
    page.check()
    assert "är publicerad och visas nu på webbplatsen" in raw.locator(".messagelist").inner_text()
    post.refresh_from_db()
    assert post.is_published

    # On the site, as a visitor sees it.
    raw.context.clear_cookies()
    page.goto("/nyheter/fika-i-andersberg/")
    assert raw.locator(".post__body strong").inner_text() == "Fika"
    assert "**" not in raw.locator(".post__body").inner_text()
    link = raw.get_by_role("link", name="kommunen")
    assert link.get_attribute("rel") == "nofollow noopener"
    assert raw.locator("img.post__image").get_attribute("alt") == "Kaffekoppar och bullar på ett bord."
    page.goto("/nyheter/")
    assert raw.locator(".news-item__image").get_attribute("alt") == "Kaffekoppar och bullar på ett bord."
    raw.set_viewport_size({"width": 320, "height": 640})
    page.goto("/nyheter/")
    assert raw.evaluate("document.scrollingElement.scrollWidth") <= 320
