"""Opening uploaded images safely: the pixel count is checked before anything is decoded.

A small file can claim a huge picture: a 136 KB PNG of 16 000 × 12 000 px decodes to
hundreds of megabytes. Every upload that is opened as an image (actor logos, report
photos, image attachments) goes through `open_image`, which reads the size from the
header and refuses anything above MAX_PIXELS with a message the user can act on.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from PIL import Image

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
