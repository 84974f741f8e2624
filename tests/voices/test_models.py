"""A voice's rules in the model: captions required for a video, files checked by content."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.images import png_claiming
from tests.voices.conftest import MP4, PDF, WEBM, make_voice, vtt, webm
from voices.media import video_kind
from voices.models import Voice

pytestmark = pytest.mark.django_db


def _errors(network, **fields) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as caught:
        make_voice(network, **fields)
    return caught.value.message_dict


def test_a_video_without_captions_is_refused(networks) -> None:
    errors = _errors(networks["andersberg"], video=webm())
    assert errors["captions"] == [
        "En video måste ha undertexter. Ladda upp en textfil i formatet WebVTT (.vtt) eller ta bort videon."
    ]
    assert not Voice.objects.exists()


def test_captions_without_a_video_are_refused(networks) -> None:
    assert "captions" in _errors(networks["andersberg"], captions=vtt())


def test_a_photo_needs_its_alt_text(networks) -> None:
    photo = SimpleUploadedFile("bild.png", png_claiming(10, 10), content_type="image/png")
    assert _errors(networks["andersberg"], photo=photo)["photo_alt"] == [
        "Beskriv kort vad fotot visar, för den som inte ser bilden."
    ]


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("film.mp4", PDF),  # A PDF with a video's name.
        ("film.webm", png_claiming(10, 10)),
        ("film.webm", b"\x1a\x45\xdf\xa3\x42\x82\x88matroska"),  # Matroska, but not WebM.
        ("film.mp4", b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00"),  # An HEIC image shares MP4's box.
        ("film.webm", b""),
    ],
)
def test_a_file_that_is_not_webm_or_mp4_is_refused(networks, name, data) -> None:
    upload = SimpleUploadedFile(name, data, content_type="video/webm")
    errors = _errors(networks["andersberg"], video=upload, captions=vtt())
    assert errors["video"] == [
        "Filen är ingen video som webbläsare kan spela upp. Välj en video i formatet WebM eller MP4."
    ]


def test_webm_and_mp4_are_known_by_their_first_bytes() -> None:
    assert video_kind(WEBM[:64]) == "webm"
    assert video_kind(MP4[:64]) == "mp4"
    assert video_kind(PDF[:64]) is None


def test_a_video_is_stored_by_what_it_is_under_a_random_name(networks) -> None:
    voice = make_voice(networks["andersberg"], video=webm("Anna Andersson berättar.mp4"), captions=vtt())
    assert voice.video.name.startswith("voices/video/") and voice.video.name.endswith(".webm")
    assert "Anna" not in voice.video.name and voice.video_type == "video/webm"
    assert voice.captions.name.endswith(".vtt")
    mp4 = make_voice(networks["andersberg"], video=SimpleUploadedFile("x.webm", MP4), captions=vtt(), person_name="Bo")
    assert mp4.video.name.endswith(".mp4") and mp4.video_type == "video/mp4"


def test_a_video_above_the_limit_is_refused(networks, settings) -> None:
    settings.VOICES_VIDEO_MAX_BYTES = 1024 * 1024
    big = SimpleUploadedFile("stor.webm", WEBM + b"\x00" * (1024 * 1024), content_type="video/webm")
    assert _errors(networks["andersberg"], video=big, captions=vtt())["video"] == [
        "Videon är för stor. Den får vara högst 1 MB."
    ]


@pytest.mark.parametrize(
    ("data", "code_text"),
    [
        (b"1\n00:00:01.000 --> 00:00:02.000\nHej\n", "ingen textfil i formatet WebVTT"),  # SubRip, not WebVTT.
        (b"WEBVTTX\n\n00:00:01.000 --> 00:00:02.000\nHej\n", "ingen textfil i formatet WebVTT"),
        ("WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nHallå där\n".encode("latin-1"), "ingen textfil i formatet WebVTT"),
        (b"WEBVTT\n\nBara text utan tider.\n", "inga repliker"),
        (b"WEBVTT\n\n" + b"x" * 210_000, "för stor"),
    ],
)
def test_captions_that_are_not_webvtt_are_refused(networks, data, code_text) -> None:
    errors = _errors(networks["andersberg"], video=webm(), captions=vtt(data=data))
    assert code_text in errors["captions"][0]


def test_captions_with_a_byte_order_mark_are_fine(networks) -> None:
    voice = make_voice(
        networks["andersberg"],
        video=webm(),
        captions=vtt(data=b"\xef\xbb\xbf" + b"WEBVTT\n\n00:00:00.000 --> 00:00:01.000\nHej\n"),
    )
    assert default_storage.exists(voice.captions.name)


def test_replaced_and_deleted_files_leave_storage(video_voice, django_capture_on_commit_callbacks) -> None:
    old_video = video_voice.video.name
    with django_capture_on_commit_callbacks(execute=True):
        video_voice.video = webm()
        video_voice.save()
    assert not default_storage.exists(old_video)
    names = [video_voice.video.name, video_voice.captions.name]
    assert all(default_storage.exists(name) for name in names)
    with django_capture_on_commit_callbacks(execute=True):
        video_voice.delete()
    assert not any(default_storage.exists(name) for name in names)


def test_only_published_voices_with_standing_consent_are_public(networks, video_voice) -> None:
    make_voice(networks["andersberg"], person_name="Opublicerad", is_published=False)
    assert list(Voice.objects.public()) == [video_voice]
