"""Atom feed of published news."""

from __future__ import annotations

from django.contrib.syndication.views import Feed
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from core.text import strip_control_characters
from core.translation import ContentLanguageAtom1Feed, fallback_languages
from networks.models import Post

FEED_LENGTH = 20


class NewsFeed(Feed):
    feed_type = ContentLanguageAtom1Feed
    title = _("Nyheter från stadsdelsnätverken i Gävle")
    subtitle = _("Nyheter från Andersberg, Bomhus (TIBO), Brynäs och Sätra.")
    link = reverse_lazy("networks:news")

    def items(self):
        return Post.objects.published().select_related("network")[:FEED_LENGTH]

    # Forms refuse control characters, but a row saved before they did would make the
    # XML writer refuse the whole feed.
    def item_title(self, item: Post) -> str:
        return strip_control_characters(item.tr("title"))

    def item_description(self, item: Post) -> str:
        return strip_control_characters(item.tr("summary"))

    def item_extra_kwargs(self, item: Post) -> dict:
        return {"content_languages": fallback_languages(item, title="title", summary="summary")}

    def item_pubdate(self, item: Post):
        return item.published_at

    def item_updateddate(self, item: Post):
        return item.updated_at
