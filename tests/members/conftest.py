"""Images and helpers for the members tests."""

from __future__ import annotations

import io

import pytest
from allauth.account.models import EmailAddress
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

VALID_ORG_NUMBER = "802400-6911"  # passes the Luhn check (a made-up association)
VALID_COMPANY_NUMBER = "556036-0793"


def png_bytes(size: tuple[int, int] = (1200, 600), mode: str = "RGB", **save) -> bytes:
    image = Image.new(mode, size, (0, 90, 112) if mode == "RGB" else (0, 90, 112, 128))
    out = io.BytesIO()
    image.save(out, format="PNG", **save)
    return out.getvalue()


def jpeg_with_exif() -> bytes:
    image = Image.new("RGB", (1000, 1000), (200, 100, 50))
    exif = Image.Exif()
    exif[0x010F] = "Kameratillverkare"  # Make
    exif[0x8825] = {1: "N", 2: (60.0, 40.0, 0.0)}  # GPS IFD
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def upload(name: str, data: bytes, content_type: str = "image/png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


def actor_data(**overrides) -> dict:
    data = {
        "name": "Brynäs Boulesällskap",
        "kind": "forening",
        "description": "Vi spelar boule på torsdagar.",
        "website": "https://boule.example.se",
        "org_number": VALID_ORG_NUMBER,
        "contact_email": "boule@example.se",
        "contact_phone": "026-12 34 56",
    }
    data.update(overrides)
    return data


def verify_account(user, email: str | None = None, *, primary: bool = True) -> EmailAddress:
    """What sign-up leaves: a verified allauth address (the cast is made without one)."""
    address, _ = EmailAddress.objects.update_or_create(
        user=user, email=email or user.email, defaults={"verified": True, "primary": primary}
    )
    return address
