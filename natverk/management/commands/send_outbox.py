"""Send the site's queued e-mail (run from cron every minute or every few minutes)."""

from django.core.management.base import BaseCommand

from natverk.mail import outbox_send


class Command(BaseCommand):
    help = "Skickar e-post som ännu inte har gått iväg, med allt längre väntan mellan försöken."

    def handle(self, *args, **options) -> None:
        result = outbox_send()
        self.stdout.write(f"sent={result.sent} failed={result.failed} gave_up={result.gave_up} not_tried={result.left}")
