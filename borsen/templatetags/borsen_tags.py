from __future__ import annotations

from django import template

from borsen.models import Listing

register = template.Library()

NETWORK_SECTION_COUNT = 5


@register.simple_tag
def latest_listings(network, count: int = NETWORK_SECTION_COUNT) -> list[Listing]:
    """The newest public listings of a network, for "Aktuellt i börsen" on its page."""
    return list(Listing.objects.public().filter(networks=network).select_related("actor")[:count])
