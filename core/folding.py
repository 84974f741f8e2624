"""Accent- and case-blind text: how every search on the site reads what was typed.

`fold` is the one folding: the site search and its index (sok, through members/search.py),
the actor directory and "Var bor du?" (networks/areas.py) all compare folded text, so
"LÄXHJÄLP", "laxhjalp" and "Läxhjälp" are the same word everywhere, and "Brynas" is Brynäs.
"""

from __future__ import annotations

import re
import unicodedata

_WORD = re.compile(r"\w+")


def fold(text: str) -> str:
    """Lower case without accents: "Läxhjälp på Kafé" -> "laxhjalp pa kafe"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def folded_words(text: str) -> list[str]:
    """The folded words of `text`, punctuation left out: "Södra Skeppsbron 3, Gävle" ->
    ["sodra", "skeppsbron", "3", "gavle"]."""
    return _WORD.findall(fold(text))
