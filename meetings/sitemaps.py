"""sitemap.xml entries for the meeting pages (the lead adds MeetingSitemap to SITEMAPS)."""

from __future__ import annotations

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from meetings.models import Meeting


class MeetingListSitemap(Sitemap):
    i18n = True
    alternates = True
    x_default = True
    changefreq = "weekly"

    def items(self) -> list[str]:
        return ["meetings:list", "meetings:archive"]

    def location(self, item: str) -> str:
        return reverse(item)


class MeetingSitemap(Sitemap):
    i18n = True
    alternates = True
    x_default = True

    def items(self):
        return Meeting.objects.order_by("-starts_at", "pk")

    def lastmod(self, item: Meeting):
        return item.updated_at
