"""Send each börs poster whose day has passed one summary of the matches found since their last match mail (hourly)."""

from django.core.management.base import BaseCommand

from borsen.match_mail import match_summaries_send


class Command(BaseCommand):
    help = "Skickar en sammanfattning av nya matchningar i börsen till dem som redan fått ett brev det senaste dygnet."

    def handle(self, *args, **options) -> None:
        count = match_summaries_send()
        self.stdout.write(f"summaries={count}")
