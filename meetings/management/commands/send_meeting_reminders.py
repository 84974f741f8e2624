"""Daily cron job: remind everyone with a seat two days before their meeting."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from meetings.services import meeting_send_reminders


class Command(BaseCommand):
    help = "Skickar påminnelser till alla som har en plats på ett möte de närmaste två dagarna (en gång per anmälan)."

    def handle(self, *args, **options) -> None:
        sent = meeting_send_reminders()
        self.stdout.write(f"{sent} påminnelser skickade.")
