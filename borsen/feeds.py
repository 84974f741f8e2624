"""Atom feed of one network's listings in Samverkansbörsen."""

from __future__ import annotations

from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _

from borsen.models import Listing
from core.text import strip_control_characters
from core.translation import ContentLanguageAtom1Feed, fallback_languages
from networks.models import Network

FEED_LENGTH = 30


class NetworkListingsFeed(Feed):
    feed_type = ContentLanguageAtom1Feed

    def get_object(self, request, slug: str) -> Network:
        return get_object_or_404(Network, slug=slug)

    def title(self, obj: Network) -> str:
        return _("Samverkansbörsen i %(network)s") % {"network": obj.display_name}

    def subtitle(self, obj: Network) -> str:
        return _("Vad aktörerna i %(network)s söker och erbjuder.") % {"network": obj.display_name}

    def link(self, obj: Network) -> str:
        return f"{reverse('borsen:list')}?natverk={obj.slug}"

    def items(self, obj: Network):
        return Listing.objects.public().filter(networks=obj).select_related("actor")[:FEED_LENGTH]

    # Forms refuse control characters, but a row saved before they did would make the
    # XML writer refuse the whole feed.
    def item_title(self, item: Listing) -> str:
        prefix = _("Löst: ") if item.is_solved else ""
        return strip_control_characters(f"{prefix}{item.get_direction_display()}: {item.tr('title')}")

    def item_description(self, item: Listing) -> str:
        text = f"{item.actor.name} – {item.get_kind_display()}\n\n{item.tr('text')}"
        if item.is_solved and item.solved_note:
            text += f"\n\n{_('Så löste det sig:')} {item.solved_note}"
        return strip_control_characters(text)

    def item_extra_kwargs(self, item: Listing) -> dict:
        return {"content_languages": fallback_languages(item, title="title", summary="text")}

    def item_pubdate(self, item: Listing):
        return item.created_at

    def item_updateddate(self, item: Listing):
        return item.updated_at
