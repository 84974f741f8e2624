"""Remind applicants of follow-up reports: once when due, once when overdue (run daily from cron)."""

from django.core.management.base import BaseCommand

from grants.services import report_reminders_send


class Command(BaseCommand):
    help = "Påminner om återrapporter som snart ska vara inne eller är försenade."

    def handle(self, *args, **options) -> None:
        count = report_reminders_send()
        self.stdout.write(f"reminders={count}")
