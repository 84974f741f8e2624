"""Retry e-mail that could not be sent (run from cron, e.g. every five minutes)."""

from django.core.management.base import BaseCommand

from grants.mail import outbox_send


class Command(BaseCommand):
    help = "Skickar e-post som ännu inte har gått iväg."

    def handle(self, *args, **options) -> None:
        sent, failed = outbox_send()
        self.stdout.write(f"sent={sent} failed={failed}")
