"""Send the site's queued e-mail (run by a timer every minute, see deploy/systemd/).

Exit status: 0 when every mail that was due went out (or none was due); 1 when a mail
failed in this run (it stays queued and is tried again) or was given up, so that systemd's
OnFailure= (or cron's mail) tells someone while the mail can still be saved. The summary
goes to standard output either way, the reason to standard error.
"""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.mail import outbox_send


class Command(BaseCommand):
    help = "Skickar e-post som ännu inte har gått iväg, med allt längre väntan mellan försöken."

    def handle(self, *args, **options) -> None:
        result = outbox_send()
        self.stdout.write(f"sent={result.sent} failed={result.failed} gave_up={result.gave_up} not_tried={result.left}")
        if not (result.failed or result.gave_up):
            return
        parts = []
        queued = result.failed - result.gave_up
        if queued:
            parts.append(
                ngettext(
                    "%(count)d brev kunde inte skickas och ligger kvar i kön",
                    "%(count)d brev kunde inte skickas och ligger kvar i kön",
                    queued,
                )
                % {"count": queued}
            )
        if result.gave_up:
            parts.append(
                ngettext(
                    "%(count)d brev har getts upp och skickas inte mer",
                    "%(count)d brev har getts upp och skickas inte mer",
                    result.gave_up,
                )
                % {"count": result.gave_up}
            )
        if result.left:
            parts.append(
                ngettext(
                    "%(count)d brev till väntar på att e-postservern svarar",
                    "%(count)d brev till väntar på att e-postservern svarar",
                    result.left,
                )
                % {"count": result.left}
            )
        # One line on standard error, whatever the server answered, for the journal and the alert.
        raise CommandError(
            _("E-posten fastnar: %(parts)s. Fel: %(error)s. Se Utgående e-post i admin.")
            % {"parts": ", ".join(parts), "error": " ".join(result.error.split())}
        )
