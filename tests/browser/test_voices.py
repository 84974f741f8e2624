"""A voice with a captioned video on the network page and /om/, at 1280 and 320 px.

The video plays in the browser's own player from the site, with the Swedish caption
track loaded; axe checks each page (and vnu the HTML afterwards).
"""

from __future__ import annotations

import pytest

from tests.voices.conftest import make_voice, vtt, webm


@pytest.fixture
def media_served(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.ROOT_URLCONF = "tests.voices.urls_with_media"


@pytest.mark.parametrize("width", [1280, 320])
def test_a_captioned_video_on_the_network_page_and_om(transactional_db, networks, media_served, page, width) -> None:
    make_voice(
        networks["andersberg"],
        video=webm(),
        captions=vtt(),
        transcript="[Demo] På träffarna lär vi känna grannar.",
    )
    raw = page.page
    raw.set_viewport_size({"width": width, "height": 900})
    for path in ["/natverk/andersberg/", "/om/"]:
        page.goto(path)
        assert raw.evaluate("document.querySelector('video.voice__video').textTracks.length") == 1
        # The caption file was fetched from the site and parsed: the track is LOADED (2), with cues.
        raw.wait_for_function("document.querySelector('video.voice__video track').readyState === 2", timeout=10_000)
        assert raw.evaluate("document.querySelector('video.voice__video').textTracks[0].language") == "sv"
        assert raw.evaluate("document.querySelector('video.voice__video').textTracks[0].cues.length") >= 1
        # The video's own metadata loaded too (VP9 WebM from MEDIA_URL).
        raw.wait_for_function("document.querySelector('video.voice__video').readyState >= 1", timeout=10_000)
        scroll = raw.evaluate("document.scrollingElement.scrollWidth")
        assert scroll <= width, f"{path} scrolls sideways at {width} px: {scroll} px"
        video_width = raw.evaluate("document.querySelector('video.voice__video').getBoundingClientRect().width")
        assert 0 < video_width <= width
        raw.get_by_text("Läs det som sägs i videon").click()
        assert raw.get_by_text("[Demo] På träffarna lär vi känna grannar.").is_visible()
        page.check()


def test_coordinator_withdraws_a_consent_in_the_admin(transactional_db, networks, coord_andersberg, media_served, page):
    voice = make_voice(networks["andersberg"], video=webm(), captions=vtt())
    page.login(coord_andersberg)
    page.goto(f"/admin/voices/voice/{voice.pk}/change/")
    page.page.get_by_role("link", name="Samtycket har återkallats").click()
    page.check()
    page.page.get_by_role("button", name="Ja, ta bort rösten").click()
    page.check()
    assert "Samtycket är återkallat." in page.page.content()
    page.goto("/natverk/andersberg/")
    assert page.page.locator("video").count() == 0
