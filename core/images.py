"""Opening uploaded images safely: the pixel count is checked before anything is decoded.

A small file can claim a huge picture: a 136 KB PNG of 16 000 × 12 000 px decodes to
hundreds of megabytes. Every upload that is opened as an image (actor logos, voices'
photos, news images, report photos, image attachments) goes through `open_image`, which
reads the size from the header and refuses anything above MAX_PIXELS with a message the
user can act on.

`reencode_image` makes the copy that is stored of a logo, a voice's photo or a news
image: only real images, at most 5 MB, turned upright, at most `max_side` pixels on the
longer side, saved anew as PNG (with transparency) or JPEG, without any metadata.
"""

from __future__ import annotations

import io
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile, UploadedFile
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_PIXELS = 40_000_000
# Pillow's own guard, in line with ours: it warns above this and refuses above twice it.
Image.MAX_IMAGE_PIXELS = MAX_PIXELS

_BOMB = (Image.DecompressionBombError, Image.DecompressionBombWarning)


def too_many_pixels() -> ValidationError:
    return ValidationError(
        _("Bilden är för stor: den har för många bildpunkter. Välj en mindre bild (högst 40 miljoner bildpunkter)."),
        code="too_many_pixels",
    )


@contextmanager
def open_image(source: IO[bytes]) -> Iterator[Image.Image]:
    """Open `source` with Pillow, refusing it by the size in its header before decoding.

    Raises ValidationError (too many pixels) for decompression bombs; other errors of a
    file that is no image (UnidentifiedImageError, OSError, ...) pass to the caller,
    which knows what to call the file.
    """
    with warnings.catch_warnings():
        # Pillow warns before it refuses; a warning is a refusal here.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(source)
        except _BOMB:
            raise too_many_pixels() from None
        with image:
            width, height = image.size
            if width * height > MAX_PIXELS:
                raise too_many_pixels()
            try:
                yield image
            except _BOMB:
                raise too_many_pixels() from None


MAX_UPLOAD_BYTES = 5 * 1024 * 1024
ALLOWED_FORMATS = {"PNG", "JPEG", "GIF", "WEBP"}


def reencode_image(upload: UploadedFile, *, max_side: int, default_stem: str) -> SimpleUploadedFile:
    """A clean PNG or JPEG copy of `upload`, or ValidationError in Swedish.

    The copy is named after the chosen file (`default_stem` when it has no name), with the
    extension of what it became.
    """
    too_large = ValidationError(_("Bilden är för stor. Den får vara högst 5 MB."), code="too_large")
    if upload.size is not None and upload.size > MAX_UPLOAD_BYTES:
        raise too_large
    data = upload.read()
    if len(data) > MAX_UPLOAD_BYTES:
        raise too_large
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
            image.draft("RGB", (max_side, max_side))
            image.load()
            # A phone photo stands upright by its EXIF orientation, which _flatten drops.
            image = _flatten(ImageOps.exif_transpose(image))
    except ValidationError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError):
        raise not_image from None

    image.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    if image.mode == "RGBA":
        image.save(out, format="PNG", optimize=True)
        ext, content_type = "png", "image/png"
    else:
        image.save(out, format="JPEG", quality=85, optimize=True)
        ext, content_type = "jpg", "image/jpeg"
    stem = Path(upload.name or default_stem).stem[:50] or default_stem
    return SimpleUploadedFile(f"{stem}.{ext}", out.getvalue(), content_type=content_type)


def _flatten(image: Image.Image) -> Image.Image:
    """A new image holding only pixels: no EXIF, GPS, ICC or text chunks survive."""
    has_alpha = image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info)
    mode = "RGBA" if has_alpha else "RGB"
    converted = image.convert(mode)
    clean = Image.new(mode, converted.size)
    clean.paste(converted)
    return clean
