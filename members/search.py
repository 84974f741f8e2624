"""Accent- and case-blind search text, the same on SQLite and PostgreSQL: how every search
on the site reads what was typed (the folding itself is core.folding's, which "Var bor du?"
in networks/areas.py shares).

Neither database folds "é" to "e" by itself (PostgreSQL needs the unaccent extension,
SQLite's LIKE folds ASCII only), so the folded text is stored in a column of its own
and the query is folded the same way. A query is its folded words (`query_words`), and a
row matches when each word is within its folded text (`folded_match`): "lax hjalp" and
"LÄXHJÄLP" both find "Läxhjälp". The site search (sok), the actor directory, the
co-applicant picker and the admin's actor search all read a query so.
"""

from __future__ import annotations

from django.db.models import Q

from core.folding import fold

# A query's words beyond this many are left out (a pasted paragraph is not a query).
MAX_WORDS = 8


def actor_search_text(*, name: str, description: str) -> str:
    return fold(f"{name}\n{description}")


def query_words(q: str) -> list[str]:
    """The folded words of a query, without repeats, at most MAX_WORDS."""
    words: list[str] = []
    for word in fold(q).split():
        if word not in words:
            words.append(word)
    return words[:MAX_WORDS]


def folded_match(q: str, column: str = "search_text") -> Q:
    """Rows whose folded `column` holds every word of `q` (all rows for an empty query)."""
    condition = Q()
    for word in query_words(q):
        condition &= Q(**{f"{column}__contains": word})
    return condition
