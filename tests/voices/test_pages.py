"""Voices on the network page and /om/: the native player with its Swedish caption track."""

from __future__ import annotations

import re

import pytest

from tests.voices.conftest import make_voice
from voices import demo
from voices.models import Voice

pytestmark = pytest.mark.django_db


def _track(html: str) -> str:
    found = re.search(r"<track [^>]*>", html)
    assert found, "no <track> in the page"
    return found.group(0)


@pytest.mark.parametrize("url", ["/natverk/andersberg/", "/om/", "/en/natverk/andersberg/"])
def test_the_caption_track_is_in_the_page(client, video_voice, url) -> None:
    html = client.get(url).content.decode()
    assert "Hör representanter berätta" in html or "/en/" in url
    assert '<video class="voice__video" controls preload="metadata">' in html
    assert f'<source src="/media/{video_voice.video.name}" type="video/webm">' in html
    track = _track(html)
    label = 'label="Swedish"' if url.startswith("/en/") else 'label="Svenska"'
    # The captions come from this site whatever stores the video (voices/views.py).
    captions = f"{'/en' if url.startswith('/en/') else ''}/roster/{video_voice.pk}/undertexter.vtt"
    for part in ['kind="captions"', 'srclang="sv"', label, f'src="{captions}"']:
        assert part in track
    assert track.endswith(" default>")
    assert "<details" in html and "Det som sägs i videon." in html


def test_a_voice_shows_only_on_its_own_network_and_when_published(client, networks, video_voice) -> None:
    make_voice(networks["andersberg"], person_name="Inte publicerad", is_published=False)
    assert "Anna Andersson" not in client.get("/natverk/satra/").content.decode()
    html = client.get("/natverk/andersberg/").content.decode()
    assert "Inte publicerad" not in html
    # /om/ names each voice's network.
    section = client.get("/om/").content.decode().split('<section class="voices"')[1].split("</section>")[0]
    assert "Anna Andersson" in section and "Andersberg" in section


def test_no_voices_no_section(client, networks) -> None:
    assert "voices-heading" not in client.get("/natverk/andersberg/").content.decode()
    assert "voices-heading" not in client.get("/om/").content.decode()


def test_a_photo_has_its_alt_text_and_an_actor_its_link(client, networks, actor_a) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.images import png_claiming

    photo = SimpleUploadedFile("foto.png", png_claiming(8, 8), content_type="image/png")
    make_voice(networks["andersberg"], photo=photo, photo_alt="Anna framför träffpunkten", actor=actor_a)
    html = client.get("/natverk/andersberg/").content.decode()
    assert 'alt="Anna framför träffpunkten"' in html
    assert f'<a href="{actor_a.get_absolute_url()}" lang="sv" dir="auto">{actor_a.name}</a>' in html


def test_the_csp_allows_media_from_the_site_only(client, networks) -> None:
    policy = client.get("/om/")["Content-Security-Policy"]
    assert "media-src 'self'" in policy


def test_demo_voices_are_marked_and_made_once(networks, settings, tmp_path) -> None:
    from members.demo import create_demo as members_demo

    members_demo()
    demo.create_demo()
    demo.create_demo()
    voices = Voice.objects.filter(is_demo=True)
    assert voices.count() == len(demo.DEMO_VOICES)
    assert all("(demo)" in voice.person_name for voice in voices)
    with_video = voices.get(video__gt="")
    assert with_video.captions and with_video.transcript and with_video.is_published
    assert voices.exclude(photo="").get().photo_alt
    files = list(demo.DEMO_MEDIA.iterdir())
    assert sum(path.stat().st_size for path in files) < 300 * 1024


@pytest.mark.parametrize("path", ["/natverk/andersberg/", "/om/"])
def test_one_query_for_the_voices_however_many(client, networks, actor_a, path) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(path).status_code == 200
        return len(queries)

    make_voice(networks["andersberg"], actor=actor_a)
    few = count()
    for number in range(5):
        make_voice(networks["andersberg"], person_name=f"Person {number}", actor=actor_a)
        make_voice(networks["satra"], person_name=f"Sätrabo {number}", actor_name="Föreningen")
    assert count() == few
