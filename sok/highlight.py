"""Snippets with the searched words in <mark>, the same on SQLite and PostgreSQL.

The words are found in the folded text (members.search.fold: no case, no accents), and
the hits are marked in the original text, so "laxhjalp" marks "Läxhjälp". Everything
that is not a <mark> tag is escaped: the result is safe to put in a page.
"""

from __future__ import annotations

import unicodedata

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from members.search import fold

SNIPPET_CHARS = 220
# How much text a snippet shows before the first hit.
LEAD_CHARS = 60


def _folded_with_positions(text: str) -> tuple[str, list[int]]:
    """The folded text, and for each of its characters the index of the original one."""
    parts: list[str] = []
    positions: list[int] = []
    for index, char in enumerate(text):
        # ASCII folds to its lower case; only the rest needs Unicode decomposition.
        folded = char.lower() if char.isascii() else fold(char)
        parts.append(folded)
        positions.extend([index] * len(folded))
    return "".join(parts), positions


def _at_word_start(folded: str, start: int) -> bool:
    return start == 0 or not folded[start - 1].isalnum()


def _find(folded: str, term: str) -> list[tuple[int, int]]:
    found = []
    start = folded.find(term)
    while start != -1:
        found.append((start, start + len(term)))
        start = folded.find(term, start + 1)
    # A word is searched as the start of a word (PostgreSQL) or anywhere (SQLite): mark
    # the starts of words when there are any, so "kaf" marks "Kafé", not "sKAFferi".
    at_start = [span for span in found if _at_word_start(folded, span[0])]
    return at_start or found


def _spans_of(folded: str, words: list[str]) -> list[tuple[int, int]]:
    spans = []
    for word in words:
        found = _find(folded, word)
        # PostgreSQL finds a word by its stem: "föreningarna" finds "förening". Mark the
        # longest start of the word that is there, down to two thirds of it.
        cut = len(word) - 1
        while not found and cut >= max(4, (2 * len(word)) // 3):
            found = _find(folded, word[:cut])
            cut -= 1
        spans.extend(found)
    return spans


def _original_spans(text: str, words: list[str]) -> list[tuple[int, int]]:
    folded, positions = _folded_with_positions(text)
    spans = []
    for start, end in _spans_of(folded, words):
        first, last = positions[start], positions[end - 1] + 1
        # Combining accents typed after the last letter belong to it.
        while last < len(text) and unicodedata.combining(text[last]):
            last += 1
        spans.append((first, last))
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _render(text: str, spans: list[tuple[int, int]]) -> SafeString:
    pieces = []
    at = 0
    for start, end in spans:
        pieces.append(escape(text[at:start]))
        pieces.append(f"<mark>{escape(text[start:end])}</mark>")
        at = end
    pieces.append(escape(text[at:]))
    # Every piece is escaped text or a <mark> tag of ours.
    return mark_safe("".join(pieces))  # noqa: S308


def has_hit(text: str, words: list[str]) -> bool:
    return bool(words) and bool(_spans_of(fold(text), words))


def highlight(text: str, words: list[str]) -> SafeString:
    """The whole (one-line) text, escaped, with the words marked."""
    return _render(text, _original_spans(text, words))


def snippet(text: str, words: list[str], *, length: int = SNIPPET_CHARS) -> SafeString:
    """About `length` characters of `text` around the first hit, escaped, with the words marked."""
    text = " ".join(text.split())
    spans = _original_spans(text, words)
    start = 0
    if spans and spans[0][0] > LEAD_CHARS:
        start = text.rfind(" ", 0, spans[0][0] - LEAD_CHARS) + 1
    end = len(text)
    if end - start > length:
        end = text.rfind(" ", start, start + length)
        if end <= start or (spans and end < spans[0][1]):
            end = start + length
    inside = [(max(s, start) - start, min(e, end) - start) for s, e in spans if s < end and e > start]
    body = _render(text[start:end], inside)
    return mark_safe(("…" if start > 0 else "") + body + ("…" if end < len(text) else ""))  # noqa: S308
