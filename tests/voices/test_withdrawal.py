"""A withdrawn consent removes the voice at once: from every page, the cache and storage."""

from __future__ import annotations

import pytest
from django.contrib.admin.models import LogEntry
from django.core.cache import cache
from django.core.files.storage import default_storage
from django.test import Client

from voices.models import Voice

pytestmark = pytest.mark.django_db


@pytest.fixture
def page_cache(settings):
    settings.ANON_CACHE_SECONDS = 300
    cache.clear()
    yield
    cache.clear()


def _files(voice: Voice) -> list[str]:
    return [voice.video.name, voice.captions.name]


def test_withdrawal_removes_the_voice_at_once(
    client, coord_andersberg, video_voice, page_cache, django_capture_on_commit_callbacks
) -> None:
    visitor = Client()
    pages = ["/natverk/andersberg/", "/om/", "/en/om/"]
    for url in pages:
        visitor.get(url)
        cached = visitor.get(url)
        assert cached["X-Cache"] == "hit" and "Anna Andersson" in cached.content.decode()
    files = _files(video_voice)
    assert all(default_storage.exists(name) for name in files)

    client.force_login(coord_andersberg)
    url = f"/admin/voices/voice/{video_voice.pk}/aterkalla/"
    confirm = client.get(url)
    assert confirm.status_code == 200
    assert "Ja, ta bort rösten" in confirm.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"confirm": "1"}, follow=True)
    assert "Samtycket är återkallat." in response.content.decode()

    for url in pages:
        page = visitor.get(url)
        assert page["X-Cache"] == "miss"
        html = page.content.decode()
        assert "Anna Andersson" not in html and "<track" not in html and "Hör representanter berätta" not in html
    assert not any(default_storage.exists(name) for name in files)

    video_voice.refresh_from_db()
    assert video_voice.is_withdrawn and video_voice.consent_withdrawn_by == coord_andersberg
    assert not video_voice.is_published
    assert (video_voice.quote, video_voice.person_name, video_voice.role, video_voice.transcript) == ("", "", "", "")
    assert not (video_voice.video or video_voice.captions or video_voice.photo)
    # The record that a consent existed and was withdrawn stays.
    assert video_voice.consent_given_at and video_voice.consent_recorded
    # The admin's history no longer names the person.
    assert LogEntry.objects.filter(object_id=str(video_voice.pk)).exists()
    assert not LogEntry.objects.filter(object_repr__contains="Anna").exists()


def test_a_withdrawn_voice_is_read_only_and_cannot_be_withdrawn_twice(client, coord_andersberg, video_voice) -> None:
    client.force_login(coord_andersberg)
    url = f"/admin/voices/voice/{video_voice.pk}/aterkalla/"
    client.post(url, {"confirm": "1"})
    again = client.get(url, follow=True)
    assert "Samtycket är redan återkallat." in again.content.decode()
    change = client.get(f"/admin/voices/voice/{video_voice.pk}/change/")
    assert change.status_code == 200 and not change.context["has_change_permission"]
    assert "Samtycket återkallades" in change.content.decode()


def test_the_list_action_asks_first_then_withdraws(
    client, steering, networks, video_voice, django_capture_on_commit_callbacks
) -> None:
    from tests.voices.conftest import make_voice

    other = make_voice(networks["satra"], person_name="Bertil Sätra")
    client.force_login(steering)
    data = {"action": "withdraw_consent", "_selected_action": [video_voice.pk, other.pk]}
    confirm = client.post("/admin/voices/voice/", data)
    assert confirm.status_code == 200
    assert "Anna Andersson" in confirm.content.decode() and "Ja, ta bort rösterna" in confirm.content.decode()
    assert not Voice.objects.filter(consent_withdrawn_at__isnull=False).exists()
    files = _files(video_voice)
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post("/admin/voices/voice/", {**data, "confirm": "1"}, follow=True)
    assert "Samtycket är återkallat för 2 röster." in done.content.decode()
    assert Voice.objects.filter(consent_withdrawn_at__isnull=False).count() == 2
    assert not any(default_storage.exists(name) for name in files)
