"""Checks for uploaded attachments and photos: real type by content, size, re-encoding."""

from __future__ import annotations

import io
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from PIL import ImageOps, UnidentifiedImageError

from core.images import open_image

SIGNATURES = {
    b"%PDF-": ("application/pdf", "pdf"),
    b"\xff\xd8\xff": ("image/jpeg", "jpg"),
    b"\x89PNG\r\n\x1a\n": ("image/png", "png"),
}
PHOTO_MAX_SIDE = 2000
# The extension each checked type is stored and served with, and other spellings of it
# that a name the person gave may keep ("kvitto.jpeg" stays "kvitto.jpeg").
EXTENSIONS = dict(SIGNATURES.values())
EXTENSION_SPELLINGS = {"image/jpeg": {"jpg", "jpeg"}}


def max_bytes() -> int:
    return getattr(settings, "GRANT_ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024)


def _check_size(upload: UploadedFile) -> None:
    limit = max_bytes()
    if upload.size > limit:
        raise ValidationError(
            _("Filen är för stor (%(size)s MB). Den får vara högst %(limit)s MB.")
            % {"size": round(upload.size / 1024 / 1024, 1), "limit": limit // (1024 * 1024)},
            code="too_large",
        )


def check_attachment(upload: UploadedFile) -> tuple[str, str]:
    """Return (content_type, extension) judged by the file's content, or raise ValidationError."""
    _check_size(upload)
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    found = next((kind for magic, kind in SIGNATURES.items() if head.startswith(magic)), None)
    if found is None:
        raise ValidationError(
            _("Filen ”%(name)s” är inte en PDF, JPEG eller PNG. Andra filtyper går inte att bifoga.")
            % {"name": upload.name},
            code="bad_type",
        )
    content_type, extension = found
    if content_type.startswith("image/"):
        _verify_image(upload, _("Bilden går inte att läsa. Spara om den och försök igen."))
    else:
        upload.seek(0)
        if b"%%EOF" not in upload.read()[-2048:]:
            upload.seek(0)
            raise ValidationError(_("PDF-filen verkar vara trasig."), code="bad_pdf")
        upload.seek(0)
    return content_type, extension


def stored_name(extension: str) -> str:
    """A random file name: the uploaded name is kept only as text, never used on disk."""
    return f"{uuid.uuid4().hex}.{extension}"


def download_name(original_name: str, content_type: str) -> str:
    """The name a file is served with: the name the person gave, with the extension of the
    type its content was checked as (`check_attachment`): "offert.html" holding a PDF goes
    out as "offert.pdf". The name as given is still shown beside the link."""
    extension = EXTENSIONS.get(content_type, "bin")
    stem, dot, given = original_name.strip().rpartition(".")
    if not dot:
        stem, given = given, ""
    if given.lower() in EXTENSION_SPELLINGS.get(content_type, {extension}):
        extension = given
    stem = stem.strip(" .") or _("bilaga")
    return f"{stem}.{extension}"


def check_photo(upload: UploadedFile) -> None:
    """Refuse a report photo in the form already: too large, too many pixels, or no image."""
    _check_size(upload)
    _verify_image(upload, _("Bilden går inte att läsa. Använd en JPEG- eller PNG-bild."))


def _verify_image(upload: UploadedFile, unreadable: str) -> None:
    """Refuse an image that is too large in pixels (core.images) or cannot be read."""
    try:
        upload.seek(0)
        with open_image(upload) as image:
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise ValidationError(unreadable, code="bad_image") from None
    finally:
        upload.seek(0)


def reencode_photo(upload: UploadedFile) -> ContentFile:
    """Verify a photo, drop its metadata (GPS and all) and save it as a new JPEG."""
    _check_size(upload)
    try:
        upload.seek(0)
        with open_image(upload) as image:
            image.load()
            image = ImageOps.exif_transpose(image)
            image = image.convert("RGB")
            image.thumbnail((PHOTO_MAX_SIDE, PHOTO_MAX_SIDE))
            out = io.BytesIO()
            image.save(out, format="JPEG", quality=85)
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise ValidationError(
            _("Bilden går inte att läsa. Använd en JPEG- eller PNG-bild."), code="bad_image"
        ) from None
    return ContentFile(out.getvalue(), name=stored_name("jpg"))
