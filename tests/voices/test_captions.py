"""A voice's captions from this site: text/vtt for a published voice, 404 for anything else."""

from __future__ import annotations

import pytest
from django.utils import timezone

from tests.voices.conftest import VTT, make_voice, vtt, webm

pytestmark = pytest.mark.django_db


def _url(voice, prefix: str = "") -> str:
    return f"{prefix}/roster/{voice.pk}/undertexter.vtt"


@pytest.mark.parametrize("prefix", ["", "/en"])
def test_the_captions_of_a_published_voice(client, video_voice, prefix) -> None:
    response = client.get(_url(video_voice, prefix))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/vtt; charset=utf-8"
    assert response["Cache-Control"] == "no-cache"
    assert b"".join(response.streaming_content) == VTT


def test_no_captions_for_an_unpublished_withdrawn_or_missing_voice(client, networks, video_voice) -> None:
    hidden = make_voice(networks["andersberg"], video=webm(), captions=vtt(), is_published=False, person_name="Bo")
    assert client.get(_url(hidden)).status_code == 404
    withdrawn = make_voice(networks["andersberg"], video=webm(), captions=vtt(), person_name="Cia")
    withdrawn.consent_withdrawn_at = timezone.now()
    withdrawn.save()
    assert client.get(_url(withdrawn)).status_code == 404
    without = make_voice(networks["andersberg"], person_name="Dan")
    assert client.get(_url(without)).status_code == 404
    assert client.get("/roster/999999/undertexter.vtt").status_code == 404
    # A stored file that went missing is a 404, not a server error.
    video_voice.captions.storage.delete(video_voice.captions.name)
    assert client.get(_url(video_voice)).status_code == 404
    assert client.post(_url(video_voice)).status_code == 405
