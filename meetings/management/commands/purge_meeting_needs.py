"""Daily: empty the access needs and food wishes of registrations 30 days after their meeting."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from meetings.services import NEEDS_KEPT_DAYS, registration_needs_purge


class Command(BaseCommand):
    help = f"Tömmer anmälningarnas behov av anpassning och kost {NEEDS_KEPT_DAYS} dagar efter mötet."

    def handle(self, *args, **options) -> None:
        emptied = registration_needs_purge()
        self.stdout.write(f"{emptied} anmälningar fick sina behov raderade.")
