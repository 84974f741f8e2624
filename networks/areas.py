"""Which networks cover a place someone typed: the answer of "Var bor du?".

Each network keeps a list of the areas, streets and places it covers (`Area`, kept in the
admin). The typed place and every name are compared as folded words (core.folding, the
site search's folding: no case, no accents, so "GODISFABRIKEN" and "Brynas" are found),
and a name matches when either

- every typed word is the start of one of its words ("godis", "sodra skepp"; a word of
  fewer than MIN_PREFIX letters must be a whole word), or
- every one of its words is among the typed words ("Karamellgatan 5, Gävle" finds
  Karamellgatan).

Words with a digit in them (house numbers, postcodes) are left out of the typed place.
Besides its areas, a network is found by its own names ("Brynäs", "TIBO"). A place may be
in several networks ("Södra" is in more than one list): all of them are returned, in the
networks' order. The lists are short (tens of names per network), so they are read whole
and compared here, the same on SQLite and PostgreSQL.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from core.folding import folded_words
from networks.models import Area, Network

# A typed place is a name and perhaps a number, not a paragraph.
MAX_PLACE_LENGTH = 100
MAX_WORDS = 8
# A typed word shorter than this matches whole words only ("a" is no start of everything).
MIN_PREFIX = 3


@dataclass
class Found:
    """A network that covers the place: by its own name, and/or by these areas."""

    network: Network
    by_name: bool = False
    areas: list[Area] = field(default_factory=list)


def place_words(place: str) -> list[str]:
    """The typed place's folded words without numbers and repeats, at most MAX_WORDS."""
    words: list[str] = []
    for word in folded_words(place):
        if not any(char.isdigit() for char in word) and word not in words:
            words.append(word)
    return words[:MAX_WORDS]


def name_matches(words: list[str], name: str) -> bool:
    """Whether the typed `words` (place_words) name `name`; see the module docstring."""
    name_words = folded_words(name)
    if not words or not name_words:
        return False

    def starts_a_word(typed: str) -> bool:
        if len(typed) < MIN_PREFIX:
            return typed in name_words
        return any(word.startswith(typed) for word in name_words)

    return all(starts_a_word(typed) for typed in words) or all(word in words for word in name_words)


def find_networks(place: str) -> list[Found]:
    """The networks that cover `place`, in the networks' order; [] when none does."""
    words = place_words(place)
    if not words:
        return []
    networks = list(Network.objects.all())
    found: dict[int, Found] = {}
    for network in networks:
        if any(name_matches(words, name) for name in (network.name, network.network_name) if name):
            found[network.pk] = Found(network, by_name=True)
    by_pk = {network.pk: network for network in networks}
    for area in Area.objects.order_by("name", "pk"):
        if name_matches(words, area.name):
            network = by_pk[area.network_id]
            area.network = network
            found.setdefault(network.pk, Found(network)).areas.append(area)
    return [found[network.pk] for network in networks if network.pk in found]
