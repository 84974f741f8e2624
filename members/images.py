"""Logo uploads: only real images, not too large, resized and re-encoded without metadata."""

from __future__ import annotations

import io
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile, UploadedFile
from django.utils.translation import gettext_lazy as _
from PIL import Image, UnidentifiedImageError

from natverk.images import open_image

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
MAX_SIDE = 800
ALLOWED_FORMATS = {"PNG", "JPEG", "GIF", "WEBP"}


def process_logo(upload: UploadedFile) -> SimpleUploadedFile:
    """Return a clean PNG or JPEG copy of `upload`, or raise ValidationError in Swedish."""
    if upload.size is not None and upload.size > MAX_UPLOAD_BYTES:
        raise ValidationError(_("Bilden är för stor. Den får vara högst 5 MB."), code="too_large")
    data = upload.read()
    if len(data) > MAX_UPLOAD_BYTES:
        raise ValidationError(_("Bilden är för stor. Den får vara högst 5 MB."), code="too_large")
    not_image = ValidationError(
        _("Filen är inte en bild som vi kan läsa. Välj en PNG-, JPEG-, GIF- eller WebP-bild."), code="not_image"
    )
    try:
        with open_image(io.BytesIO(data)) as probe:
            if probe.format not in ALLOWED_FORMATS:
                raise not_image
            probe.verify()
        # verify() leaves the image unusable; open it again to decode it.
        with open_image(io.BytesIO(data)) as image:
            # JPEG can decode at a reduced scale: less memory for large photos.
            image.draft("RGB", (MAX_SIDE, MAX_SIDE))
            image.load()
            image = _flatten(image)
    except ValidationError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError):
        raise not_image from None

    image.thumbnail((MAX_SIDE, MAX_SIDE), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    if image.mode == "RGBA":
        image.save(out, format="PNG", optimize=True)
        ext, content_type = "png", "image/png"
    else:
        image.save(out, format="JPEG", quality=85, optimize=True)
        ext, content_type = "jpg", "image/jpeg"
    stem = Path(upload.name or "logotyp").stem[:50] or "logotyp"
    return SimpleUploadedFile(f"{stem}.{ext}", out.getvalue(), content_type=content_type)


def _flatten(image: Image.Image) -> Image.Image:
    """A new image holding only pixels: no EXIF, GPS, ICC or text chunks survive."""
    has_alpha = image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info)
    mode = "RGBA" if has_alpha else "RGB"
    converted = image.convert(mode)
    clean = Image.new(mode, converted.size)
    clean.paste(converted)
    return clean
