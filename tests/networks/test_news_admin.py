"""News in the admin: written in Markdown, saved as a draft, published only from its preview and
only as the preview showed it; an image only with its alt text; "publiceringstid" a chosen time."""

from __future__ import annotations

import io
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from networks import publishing
from networks.models import Post
from tests.htmlcheck import html_problems
from tests.members.conftest import jpeg_with_exif

pytestmark = pytest.mark.django_db

ADD = "admin:networks_post_add"


def _preview_url(post: Post) -> str:
    return reverse("admin:networks_post_preview", args=[post.pk])


def _change_url(post: Post) -> str:
    return reverse("admin:networks_post_change", args=[post.pk])


def _form(network, **overrides) -> dict:
    data = {
        "network": network.pk,
        "slug": "varfest",
        "title": "Vårfest",
        "summary": "Välkomna till vårfesten.",
        "body": "**Fika** från klockan tre.\n\n- kaffe\n- te",
        "image_alt": "",
        "published_at_0": "",
        "published_at_1": "",
        **overrides,
    }
    return {key: value for key, value in data.items() if value is not None}


def _fields(post: Post, **overrides) -> dict:
    """The change form's data for a saved post, as the browser sends it back."""
    data = {
        "network": post.network_id,
        "slug": post.slug,
        "title": post.title,
        "summary": post.summary,
        "body": post.body,
        "image_alt": post.image_alt,
        "published_at_0": timezone.localtime(post.published_at).strftime("%Y-%m-%d") if post.published_at else "",
        "published_at_1": timezone.localtime(post.published_at).strftime("%H:%M:%S") if post.published_at else "",
        **overrides,
    }
    return data


def _publish(client, post: Post, fingerprint: str | None = None):
    preview = client.get(_preview_url(post))
    assert preview.status_code == 200
    seen = fingerprint if fingerprint is not None else preview.context["fingerprint"]
    return client.post(_preview_url(post), {"publish": "1", "fingerprint": seen})


def _image(name: str = "bild.jpg", size=(2400, 1200)) -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", size, (0, 90, 112)).save(out, format="JPEG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/jpeg")


@pytest.fixture(autouse=True)
def _media(settings, tmp_path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


# ---- the form ----


def test_the_form_explains_markdown_and_has_no_published_tick(client, coord_andersberg) -> None:
    client.force_login(coord_andersberg)
    response = client.get(reverse(ADD))
    html = response.content.decode()
    assert "**Två stjärnor** runt ord ger fetstil" in html
    assert "[ordet som syns](https://adressen.se)" in html
    assert 'name="is_published"' not in html
    assert 'name="_preview"' in html and "Spara och förhandsgranska" in html
    # The publication time starts empty: "when I publish it", not when the draft was begun.
    assert response.context["adminform"].form["published_at"].value() is None
    assert html_problems(html) == []


def test_a_saved_post_is_a_draft_until_published_from_its_preview(client, coord_andersberg, networks) -> None:
    client.force_login(coord_andersberg)
    response = client.post(reverse(ADD), _form(networks["andersberg"], _preview="1"))
    post = Post.objects.get()
    assert response.status_code == 302 and response["Location"] == _preview_url(post)
    assert not post.is_published and post.published_at is None
    assert post.author == coord_andersberg
    assert client.get(post.get_absolute_url()).status_code == 404
    assert "Vårfest" not in client.get(reverse("networks:news")).content.decode()

    preview = client.get(_preview_url(post))
    html = preview.content.decode()
    # Rendered as on the site, in the site's layout.
    assert 'class="site-header"' in html
    assert "<p><strong>Fika</strong> från klockan tre.</p>" in html
    assert "<li>kaffe</li>" in html
    assert "Nyheten är inte publicerad. När du publicerar den visas den genast." in html
    assert html_problems(html) == []

    before = timezone.now()
    response = client.post(_preview_url(post), {"publish": "1", "fingerprint": preview.context["fingerprint"]})
    assert response.status_code == 302 and response["Location"] == reverse("admin:networks_post_changelist")
    post.refresh_from_db()
    assert post.is_published and before.replace(microsecond=0) <= post.published_at <= timezone.now()
    page = client.get(post.get_absolute_url())
    assert page.status_code == 200
    assert "<strong>Fika</strong>" in page.content.decode()


def test_a_post_changed_since_its_preview_is_not_published(client, coord_andersberg, networks) -> None:
    client.force_login(coord_andersberg)
    client.post(reverse(ADD), _form(networks["andersberg"]))
    post = Post.objects.get()
    seen = client.get(_preview_url(post)).context["fingerprint"]
    # Meanwhile, in another tab, the text changes.
    client.post(_change_url(post), _fields(post, body="Ny text som ingen har sett."))

    response = client.post(_preview_url(post), {"publish": "1", "fingerprint": seen}, follow=True)
    post.refresh_from_db()
    assert not post.is_published
    assert "Nyheten har ändrats sedan du förhandsgranskade den." in response.content.decode()
    # Seen again, it is published.
    assert _publish(client, post).status_code == 302
    post.refresh_from_db()
    assert post.is_published


def test_publishing_without_a_preview_publishes_nothing(client, coord_andersberg, networks) -> None:
    client.force_login(coord_andersberg)
    client.post(reverse(ADD), _form(networks["andersberg"], is_published="on"))
    post = Post.objects.get()
    assert not post.is_published
    for fingerprint in ("", "0" * 64):
        response = client.post(_preview_url(post), {"publish": "1", "fingerprint": fingerprint})
        assert response.status_code == 302 and response["Location"] == _preview_url(post)
    post.refresh_from_db()
    assert not post.is_published


def test_a_change_to_a_published_posts_text_takes_it_back_to_a_draft(client, coord_andersberg, networks) -> None:
    client.force_login(coord_andersberg)
    client.post(reverse(ADD), _form(networks["andersberg"]))
    post = Post.objects.get()
    _publish(client, post)
    post.refresh_from_db()
    published_at = post.published_at

    # Another network or demo flag: no text, still published.
    client.post(_change_url(post), _fields(post, is_demo="on"))
    post.refresh_from_db()
    assert post.is_published and post.is_demo

    # A new text, in any language: back to a draft, and to the preview.
    response = client.post(_change_url(post), _fields(post, summary_en="Welcome to the spring party.", _save="1"))
    post.refresh_from_db()
    assert not post.is_published
    assert response.status_code == 302 and response["Location"] == _preview_url(post)
    preview = client.get(_preview_url(post)).content.decode()
    assert "förrän du har förhandsgranskat och publicerat den igen" in preview
    # The preview shows the translation too, in its language.
    assert '<summary lang="en">English</summary>' in preview
    assert "Welcome to the spring party." in preview

    # Published again: it keeps its date (a correction is no new news).
    _publish(client, post)
    post.refresh_from_db()
    assert post.is_published and post.published_at == published_at


def test_unpublish_takes_the_post_off_the_site(client, coord_andersberg, networks) -> None:
    client.force_login(coord_andersberg)
    client.post(reverse(ADD), _form(networks["andersberg"]))
    post = Post.objects.get()
    _publish(client, post)
    assert client.get(post.get_absolute_url()).status_code == 200
    response = client.post(_preview_url(post), {"unpublish": "1"})
    assert response.status_code == 302
    post.refresh_from_db()
    assert not post.is_published
    assert client.get(post.get_absolute_url()).status_code == 404


# ---- a chosen publication time ----


def test_a_post_published_for_later_appears_at_its_time(client, coord_andersberg, networks, monkeypatch) -> None:
    client.force_login(coord_andersberg)
    when = timezone.localtime() + timedelta(days=2)
    when = when.replace(hour=10, minute=0, second=0, microsecond=0)
    data = _form(networks["andersberg"], published_at_0=when.strftime("%Y-%m-%d"), published_at_1="10:00")
    client.post(reverse(ADD), data)
    post = Post.objects.get()
    assert post.published_at == when

    preview = client.get(_preview_url(post)).content.decode()
    assert "När du publicerar den visas den från" in preview and "kl. 10.00" in preview
    response = _publish(client, post)
    post.refresh_from_db()
    assert post.is_published and post.published_at == when
    assert "visas på webbplatsen från" in client.get(response["Location"]).content.decode()

    assert not Post.objects.published().exists()
    assert client.get(post.get_absolute_url()).status_code == 404
    changelist = client.get(reverse("admin:networks_post_changelist")).content.decode()
    assert "Schemalagd" in changelist

    monkeypatch.setattr(timezone, "now", lambda: when + timedelta(seconds=1))
    assert list(Post.objects.published()) == [post]
    assert client.get(post.get_absolute_url()).status_code == 200


def test_a_published_post_always_has_a_time() -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        Post.objects.create(title="t", slug="t", summary="s", body="b", is_published=True, published_at=None)


def test_publish_keeps_a_chosen_time_and_fills_an_empty_one(networks) -> None:
    later = timezone.now() + timedelta(hours=3)
    chosen = Post.objects.create(title="a", slug="a", summary="s", body="b", is_published=False, published_at=later)
    empty = Post.objects.create(title="b", slug="b", summary="s", body="b", is_published=False, published_at=None)
    assert publishing.publish(chosen, seen=chosen.preview_fingerprint()).published_at == later
    assert publishing.publish(empty, seen=empty.preview_fingerprint()).published_at is not None


# ---- the image and its alt text ----


def test_an_image_needs_its_alt_text(client, coord_andersberg, networks) -> None:
    client.force_login(coord_andersberg)
    response = client.post(reverse(ADD), _form(networks["andersberg"], image=_image()))
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert errors["image_alt"] == ["Beskriv kort vad bilden visar, för den som inte ser den."]
    assert not Post.objects.exists()
    # Spaces are no description.
    response = client.post(reverse(ADD), _form(networks["andersberg"], image=_image(), image_alt="   "))
    assert "image_alt" in response.context["adminform"].form.errors
    # The database refuses it too, whatever path writes it.
    with pytest.raises(IntegrityError), transaction.atomic():
        Post.objects.create(
            title="t", slug="t", summary="s", body="b", image="news/x.jpg", image_width=1, image_height=1, image_alt=""
        )


def test_the_image_is_reencoded_small_and_without_metadata(client, coord_andersberg, networks) -> None:
    client.force_login(coord_andersberg)
    photo = SimpleUploadedFile("Mobilfoto.JPG", jpeg_with_exif(), content_type="image/jpeg")
    client.post(reverse(ADD), _form(networks["andersberg"], image=photo, image_alt="Kaffekoppar på ett bord."))
    post = Post.objects.get()
    assert post.image.name.startswith("news/") and post.image.name.endswith(".jpg")
    assert "Mobilfoto" not in post.image.name
    with Image.open(post.image.path) as image:
        assert len(image.getexif()) == 0
        assert (post.image_width, post.image_height) == image.size
    assert b"Kameratillverkare" not in post.image.read()

    client.post(reverse(ADD), _form(networks["andersberg"], slug="stor", image=_image(), image_alt="En blå yta."))
    big = Post.objects.get(slug="stor")
    assert (big.image_width, big.image_height) == (1600, 800)


def test_a_file_that_is_no_image_is_refused(client, coord_andersberg, networks) -> None:
    client.force_login(coord_andersberg)
    fake = SimpleUploadedFile("bild.png", b"<svg><script>alert(1)</script></svg>", content_type="image/png")
    response = client.post(reverse(ADD), _form(networks["andersberg"], image=fake, image_alt="x"))
    assert "image" in response.context["adminform"].form.errors
    assert not Post.objects.exists()


def test_the_image_shows_with_its_alt_text_on_the_page_and_the_news_list(client, coord_andersberg, networks) -> None:
    client.force_login(coord_andersberg)
    client.post(reverse(ADD), _form(networks["andersberg"], image=_image(), image_alt="Kaffekoppar på ett bord."))
    post = Post.objects.get()
    preview = client.get(_preview_url(post)).content.decode()
    assert f'src="{post.image.url}" alt="Kaffekoppar på ett bord."' in preview
    _publish(client, post)
    client.logout()

    page = client.get(post.get_absolute_url()).content.decode()
    image = f'<img class="post__image" src="{post.image.url}" alt="Kaffekoppar på ett bord." lang="sv" dir="auto"'
    assert f'{image} width="1600"' in page
    assert html_problems(page) == []
    listing = client.get(reverse("networks:news")).content.decode()
    assert 'class="news-item__image"' in listing and 'alt="Kaffekoppar på ett bord."' in listing
    # An English page without an English alt text says the Swedish one is Swedish.
    english = client.get("/en/nyheter/varfest/").content.decode()
    assert 'alt="Kaffekoppar på ett bord." lang="sv"' in english


def test_a_replaced_image_leaves_the_store(
    client, coord_andersberg, networks, django_capture_on_commit_callbacks
) -> None:
    client.force_login(coord_andersberg)
    client.post(reverse(ADD), _form(networks["andersberg"], image=_image(), image_alt="Första bilden."))
    post = Post.objects.get()
    first = post.image.path
    with django_capture_on_commit_callbacks(execute=True):
        client.post(_change_url(post), _fields(post, image=_image("ny.jpg"), image_alt="Andra bilden."))
    post.refresh_from_db()
    assert post.image.path != first
    assert not Path(first).exists() and Path(post.image.path).exists()


# ---- who may ----


def test_a_coordinator_previews_and_publishes_only_their_own_networks_news(
    client, coord_andersberg, coord_satra, steering, networks
) -> None:
    post = Post.objects.create(
        network=networks["andersberg"], title="Andersbergsnytt", slug="nytt", summary="s", body="b", is_published=False
    )
    seen = post.preview_fingerprint()

    client.force_login(coord_satra)
    assert client.get(_preview_url(post)).status_code == 404
    assert client.post(_preview_url(post), {"publish": "1", "fingerprint": seen}).status_code == 404
    client.force_login(steering)
    assert client.get(_preview_url(post)).status_code == 403
    assert client.post(_preview_url(post), {"publish": "1", "fingerprint": seen}).status_code == 403
    post.refresh_from_db()
    assert not post.is_published

    client.force_login(coord_andersberg)
    assert client.post(_preview_url(post), {"publish": "1", "fingerprint": seen}).status_code == 302
    post.refresh_from_db()
    assert post.is_published


def test_the_preview_answers_get_and_post_only(client, coord_andersberg, networks) -> None:
    post = Post.objects.create(network=networks["andersberg"], title="t", slug="t", summary="s", body="b")
    client.force_login(coord_andersberg)
    assert client.put(_preview_url(post)).status_code == 405
