"""Demo content for `make run`; refuses to run unless DEBUG is on."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Skapar demoinnehåll (bara med DEBUG)."

    def handle(self, *args, **options) -> None:
        if not settings.DEBUG:
            raise CommandError("seed_demo only runs with DEBUG=true.")
        import grants.demo

        grants.demo.create_demo()
        self.stdout.write("demo content created")
