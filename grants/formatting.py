"""Amounts, file sizes and file types the Swedish way: 12 500 kr, 9 kB, PDF."""

from __future__ import annotations

from django.utils.translation import get_language_bidi
from django.utils.translation import gettext as _

NBSP = "\u00a0"
# Unicode's left-to-right isolate and its end: in Arabic text "12 500 kr" would otherwise be
# shown as "kr 500 12". Characters, not HTML, so that the same text works in mail and the admin.
LTR_ISOLATE = "\u2066"
POP_ISOLATE = "\u2069"


def format_kr(amount: int | None, *, bidi: bool | None = None) -> str:
    """`bidi`: whether the language is written right to left, if the caller knows (a list
    of amounts asks once); else the active language's."""
    if amount is None:
        return "–"
    text = f"{amount:,}".replace(",", NBSP) + f"{NBSP}kr"
    if bidi is None:
        bidi = get_language_bidi()
    return f"{LTR_ISOLATE}{text}{POP_ISOLATE}" if bidi else text


def format_size(size: int | None) -> str:
    """Bytes as a person reads them: 812 byte, 9 kB, 2,4 MB (SI units, decimal comma)."""
    if size is None:
        return "–"
    if size < 1000:
        return f"{size}{NBSP}byte"
    if size < 1_000_000:
        return f"{round(size / 1000)}{NBSP}kB"
    return f"{size / 1_000_000:.1f}".replace(".", ",") + f"{NBSP}MB"


def file_kind(content_type: str) -> str:
    """A MIME type in words ("PDF", "JPEG-bild"); the type itself when it has no name here."""
    kinds = {
        "application/pdf": _("PDF"),
        "application/msword": _("Word-dokument"),
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document": _("Word-dokument"),
        "image/jpeg": _("JPEG-bild"),
        "image/png": _("PNG-bild"),
    }
    return kinds.get(content_type, content_type)
