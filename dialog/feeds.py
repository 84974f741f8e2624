"""Atom feed of one network's questions from residents, with each one's state."""

from __future__ import annotations

from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _

from core.text import strip_control_characters
from core.translation import ContentLanguageAtom1Feed
from dialog.models import Question, Status
from networks.models import Network

FEED_LENGTH = 30


class NetworkQuestionsFeed(Feed):
    feed_type = ContentLanguageAtom1Feed

    def get_object(self, request, slug: str) -> Network:
        return get_object_or_404(Network, slug=slug)

    def title(self, obj: Network) -> str:
        return _("Frågor från boende i %(network)s") % {"network": obj.display_name}

    def subtitle(self, obj: Network) -> str:
        return _("Vad de boende frågar %(network)s om, och vad nätverket gör med det.") % {"network": obj.display_name}

    def link(self, obj: Network) -> str:
        return f"{reverse('dialog:list')}?natverk={obj.slug}"

    def items(self, obj: Network):
        # Newest change first: an answer brings a question back to the top of a reader.
        return (
            Question.objects.visible()
            .for_network(obj)
            .select_related("network", "author")
            .order_by("-updated_at", "-pk")[:FEED_LENGTH]
        )

    # Forms refuse control characters, but a row saved before they did would make the
    # XML writer refuse the whole feed.
    def item_title(self, item: Question) -> str:
        return strip_control_characters(f"{item.get_status_display()}: {item.title}")

    def item_description(self, item: Question) -> str:
        text = f"{item.text}\n\n{_('Ställd av')} {item.author_shown}"
        if item.status == Status.ANSWERED and item.answer:
            text += f"\n\n{_('Nätverkets svar:')} {item.tr('answer')}"
        return strip_control_characters(text)

    def item_extra_kwargs(self, item: Question) -> dict:
        # The question keeps the language it was written in (the feed's is the page's); an
        # answer in the summary is the network's, in the page's language where translated.
        languages = {"title": item.language}
        if not (item.status == Status.ANSWERED and item.answer):
            languages["summary"] = item.language
        return {"content_languages": languages}

    def item_pubdate(self, item: Question):
        return item.created_at

    def item_updateddate(self, item: Question):
        return item.updated_at
