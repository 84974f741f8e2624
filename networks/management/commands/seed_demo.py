"""Demo content for `make run`; refuses to run unless DEBUG is on."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

import meetings.demo


class Command(BaseCommand):
    help = "Fyller databasen med demoinnehåll (bara när DEBUG är på)."

    def handle(self, *args, **options) -> None:
        if not settings.DEBUG:
            raise CommandError("seed_demo only runs with DEBUG=true.")
        meetings.demo.create_demo()
        self.stdout.write("Demo content created.")
