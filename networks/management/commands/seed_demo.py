from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

import members.demo


class Command(BaseCommand):
    help = "Adds clearly marked demo content for local development (DEBUG only). Safe to run again."

    def handle(self, *args, **options) -> None:
        if not settings.DEBUG:
            raise CommandError("seed_demo only runs with DEBUG on: demo content must never reach production.")
        # Each app adds one line here: (what it makes, its create_demo function).
        steps = [
            ("members: demo actors and one login per role", members.demo.create_demo),
        ]
        for label, create_demo in steps:
            create_demo()
            self.stdout.write(f"Demo content ready: {label}")
