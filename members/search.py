"""Accent- and case-blind search text, the same on SQLite and PostgreSQL.

Neither database folds "é" to "e" by itself (PostgreSQL needs the unaccent extension,
SQLite's LIKE folds ASCII only), so the folded text is stored in a column of its own
and the query is folded the same way before `icontains`.
"""

from __future__ import annotations

import unicodedata


def fold(text: str) -> str:
    """Lower case without accents: "Läxhjälp på Kafé" -> "laxhjalp pa kafe"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def actor_search_text(*, name: str, description: str) -> str:
    return fold(f"{name}\n{description}")
