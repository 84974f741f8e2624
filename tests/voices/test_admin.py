"""Voices in the admin: coordinators keep to their own networks; the same file checks as the model."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from tests.images import png_bomb
from tests.voices.conftest import PDF, make_voice, vtt, webm
from voices.models import Voice

pytestmark = pytest.mark.django_db
ADD = "/admin/voices/voice/add/"


def _form(network, **extra) -> dict:
    return {
        "network": network.pk,
        "quote": "Vi hittade en lokal genom nätverket.",
        "person_name": "Karin Ek",
        "role": "kassör",
        "actor_name": "Föreningen Gamma",
        "consent_given_at": timezone.localdate().isoformat(),
        "consent_recorded": "skriftligt samtycke, arkiverat hos samordnaren",
        "is_published": "on",
        "sort_order": "0",
        "transcript": "",
        "photo_alt": "",
        **extra,
    }


def test_the_admin_refuses_a_video_without_captions(client, coord_andersberg, networks) -> None:
    client.force_login(coord_andersberg)
    response = client.post(ADD, _form(networks["andersberg"], video=webm()))
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "En video måste ha undertexter." in errors["captions"][0]
    # What was typed is still there.
    assert "Vi hittade en lokal genom nätverket." in response.content.decode()
    assert not Voice.objects.exists()


def test_the_admin_refuses_files_by_their_content(client, coord_andersberg, networks) -> None:
    client.force_login(coord_andersberg)
    fake = SimpleUploadedFile("film.mp4", PDF, content_type="video/mp4")
    not_vtt = SimpleUploadedFile("text.vtt", b"%PDF-1.4", content_type="text/vtt")
    bomb = SimpleUploadedFile("foto.png", png_bomb(), content_type="image/png")
    response = client.post(ADD, _form(networks["andersberg"], video=fake, captions=not_vtt, photo=bomb, photo_alt="x"))
    errors = response.context["adminform"].form.errors
    assert "ingen video" in errors["video"][0]
    assert "WebVTT" in errors["captions"][0]
    assert "photo" in errors
    assert not Voice.objects.exists()


def test_a_coordinator_adds_a_voice_with_a_captioned_video(client, coord_andersberg, networks) -> None:
    client.force_login(coord_andersberg)
    response = client.post(ADD, _form(networks["andersberg"], video=webm(), captions=vtt()))
    assert response.status_code == 302
    voice = Voice.objects.get()
    assert voice.network == networks["andersberg"] and voice.video and voice.captions
    page = client.get(f"/admin/voices/voice/{voice.pk}/change/").content.decode()
    assert "Samtycket har återkallats" in page and f"/admin/voices/voice/{voice.pk}/aterkalla/" in page


def test_a_coordinator_cannot_put_a_voice_in_another_network(client, coord_andersberg, networks, actor_a, actor_b):
    client.force_login(coord_andersberg)
    form = client.get(ADD).context["adminform"].form
    assert list(form.fields["network"].queryset) == [networks["andersberg"]]
    # Only the actors of their own networks can be named (actor B is in Sätra).
    assert list(form.fields["actor"].queryset) == [actor_a]
    response = client.post(ADD, _form(networks["satra"]))
    assert "network" in response.context["adminform"].form.errors
    assert not Voice.objects.exists()


def test_coordinators_see_only_their_networks_voices(client, coord_andersberg, coord_satra, networks) -> None:
    here = make_voice(networks["andersberg"], person_name="Här")
    there = make_voice(networks["satra"], person_name="Där")
    client.force_login(coord_andersberg)
    listed = list(client.get("/admin/voices/voice/").context["cl"].result_list)
    assert listed == [here]
    assert client.get(f"/admin/voices/voice/{here.pk}/change/").status_code == 200
    # Someone else's voice is answered like one that does not exist.
    assert client.get(f"/admin/voices/voice/{there.pk}/change/").status_code == 302
    assert client.get(f"/admin/voices/voice/{there.pk}/aterkalla/").status_code == 404
    assert client.post(f"/admin/voices/voice/{there.pk}/aterkalla/").status_code == 404
    there.refresh_from_db()
    assert not there.is_withdrawn


def test_the_steering_group_and_superusers_see_every_voice(client, steering, superuser, networks) -> None:
    voices = [make_voice(networks["andersberg"]), make_voice(networks["satra"])]
    for user in (steering, superuser):
        client.force_login(user)
        assert set(client.get("/admin/voices/voice/").context["cl"].result_list) == set(voices)
        assert client.get(f"/admin/voices/voice/{voices[1].pk}/change/").status_code == 200


def test_residents_and_representatives_never_reach_the_admin(client, resident, rep_a, networks) -> None:
    voice = make_voice(networks["andersberg"])
    for user in (resident, rep_a):
        client.force_login(user)
        assert client.get(f"/admin/voices/voice/{voice.pk}/aterkalla/").status_code == 302
        assert client.post(f"/admin/voices/voice/{voice.pk}/aterkalla/").status_code == 302
    voice.refresh_from_db()
    assert not voice.is_withdrawn
