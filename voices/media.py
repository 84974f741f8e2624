"""Checks of a voice's files: a video (WebM or MP4 by its first bytes) and its WebVTT captions.

The checks read the file itself, never its name or the browser's content type: a file
called film.mp4 that is really a PDF is refused. Only new uploads are read; a file
already saved passed these checks when it came.
"""

from __future__ import annotations

import uuid
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# A WebVTT file of a few minutes of speech is a few kilobytes.
CAPTIONS_MAX_BYTES = 200 * 1024
# The first bytes that tell the container; WebM names its DocType within its EBML header.
VIDEO_SNIFF_BYTES = 64
EBML_MAGIC = b"\x1a\x45\xdf\xa3"
# ISO base media (MP4) brands that browsers play in <video>; HEIC/AVIF images share the box.
MP4_BRANDS = {
    b"isom", b"iso2", b"iso3", b"iso4", b"iso5", b"iso6", b"mp41", b"mp42", b"avc1", b"dash", b"M4V ", b"mmp4",
}  # fmt: skip


def video_kind(head: bytes) -> str | None:
    """ "webm" or "mp4" from the file's first bytes; None for anything else."""
    if head.startswith(EBML_MAGIC) and b"\x42\x82" in head and b"webm" in head[:VIDEO_SNIFF_BYTES]:
        return "webm"
    if len(head) >= 12 and head[4:8] == b"ftyp" and head[8:12] in MP4_BRANDS:
        return "mp4"
    return None


def _read_head(upload, size: int) -> bytes:
    upload.seek(0)
    head = upload.read(size)
    upload.seek(0)
    return head


def _is_new_upload(value) -> bool:
    """A file chosen in this form (not yet stored): only those are read and checked."""
    return bool(value) and not getattr(value, "_committed", True)


def validate_video(value) -> None:
    """Model field validator: WebM or MP4 by its content, at most VOICES_VIDEO_MAX_BYTES."""
    if not _is_new_upload(value):
        return
    limit = settings.VOICES_VIDEO_MAX_BYTES
    if value.size is not None and value.size > limit:
        raise ValidationError(
            _("Videon är för stor. Den får vara högst %(mb)d MB."),
            code="too_large",
            params={"mb": limit // (1024 * 1024)},
        )
    if video_kind(_read_head(value.file, VIDEO_SNIFF_BYTES)) is None:
        raise ValidationError(
            _("Filen är ingen video som webbläsare kan spela upp. Välj en video i formatet WebM eller MP4."),
            code="not_video",
        )


def validate_captions(value) -> None:
    """Model field validator: UTF-8 text that starts with "WEBVTT" and holds at least one cue."""
    if not _is_new_upload(value):
        return
    if value.size is not None and value.size > CAPTIONS_MAX_BYTES:
        raise ValidationError(_("Textfilen är för stor. Den får vara högst 200 kB."), code="too_large")
    data = _read_head(value.file, CAPTIONS_MAX_BYTES + 1)
    if len(data) > CAPTIONS_MAX_BYTES:
        raise ValidationError(_("Textfilen är för stor. Den får vara högst 200 kB."), code="too_large")
    not_vtt = ValidationError(
        _("Filen är ingen textfil i formatet WebVTT. Den ska börja med ordet ”WEBVTT” och sparas som UTF-8."),
        code="not_webvtt",
    )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise not_vtt from None
    text = text.removeprefix("\ufeff")
    if not text.startswith("WEBVTT") or text[6:7] not in ("", " ", "\t", "\n", "\r"):
        raise not_vtt
    if "\x00" in text:
        raise not_vtt
    if "-->" not in text:
        raise ValidationError(
            _(
                "Textfilen har inga repliker. Varje replik behöver en tidsrad, "
                "till exempel ”00:00:01.000 --> 00:00:04.000”."
            ),
            code="no_cues",
        )


def _random_name(folder: str, filename: str, *, extension: str) -> str:
    # A random name: the person's name never ends up in an address, and nobody guesses one.
    return f"voices/{folder}/{uuid.uuid4().hex}{extension}"


def video_upload_to(instance, filename: str) -> str:
    """Stored as .webm or .mp4 by what the file is (validate_video refused anything else)."""
    upload = getattr(instance.video, "_file", None)  # The chosen file, before it is stored.
    kind = video_kind(_read_head(upload, VIDEO_SNIFF_BYTES)) if upload is not None else None
    if kind is None:
        kind = "mp4" if filename.lower().endswith(".mp4") else "webm"
    return _random_name("video", filename, extension=f".{kind}")


def captions_upload_to(instance, filename: str) -> str:
    return _random_name("captions", filename, extension=".vtt")


def photo_upload_to(instance, filename: str) -> str:
    return _random_name("photos", filename, extension=Path(filename).suffix.lower() or ".jpg")
