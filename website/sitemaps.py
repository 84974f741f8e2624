"""sitemap.xml: the fixed pages, the networks and the news, in every language (x-default: Swedish)."""

from __future__ import annotations

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from meetings.sitemaps import MeetingListSitemap, MeetingSitemap
from networks.models import Network, Post


class StaticPagesSitemap(Sitemap):
    i18n = True
    alternates = True
    x_default = True
    changefreq = "monthly"

    def items(self) -> list[str]:
        return [
            "networks:home",
            "networks:list",
            "networks:about",
            "networks:news",
            "networks:accessibility",
            "networks:privacy",
            "networks:easy-read",
        ]

    def location(self, item: str) -> str:
        return reverse(item)


class NetworkSitemap(Sitemap):
    i18n = True
    alternates = True
    x_default = True
    changefreq = "weekly"

    def items(self):
        return Network.objects.all()


class PostSitemap(Sitemap):
    i18n = True
    alternates = True
    x_default = True

    def items(self):
        return Post.objects.published()

    def lastmod(self, item: Post):
        return item.updated_at


SITEMAPS = {
    "pages": StaticPagesSitemap,
    "networks": NetworkSitemap,
    "news": PostSitemap,
    "meeting-pages": MeetingListSitemap,
    "meetings": MeetingSitemap,
}
