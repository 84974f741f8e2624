"""Voice fixtures: real tiny media files and a voice factory."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from voices.models import Voice

DEMO_MEDIA = Path(__file__).resolve().parents[2] / "voices" / "demo_media"
WEBM = (DEMO_MEDIA / "demo-rost.webm").read_bytes()
VTT = (DEMO_MEDIA / "demo-rost.vtt").read_bytes()
# The start of an MP4 file: an ftyp box with the isom brand, then an empty mdat box.
MP4 = b"\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2" + b"\x00\x00\x00\x08mdat"
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n"


def webm(name: str = "film.webm") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, WEBM, content_type="video/webm")


def vtt(name: str = "text.vtt", data: bytes = VTT) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="text/vtt")


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


def make_voice(network, **fields) -> Voice:
    defaults = {
        "quote": "Nätverket gav oss en lokal och nya vänner.",
        "person_name": "Anna Andersson",
        "role": "ordförande",
        "consent_given_at": timezone.localdate() - datetime.timedelta(days=3),
        "consent_recorded": "skriftligt samtycke, arkiverat hos samordnaren",
        "is_published": True,
    }
    voice = Voice(network=network, **(defaults | fields))
    voice.full_clean()
    voice.save()
    return voice


@pytest.fixture
def video_voice(networks) -> Voice:
    return make_voice(networks["andersberg"], video=webm(), captions=vtt(), transcript="Det som sägs i videon.")
