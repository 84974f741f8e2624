"""Weekly cron job (Monday morning): the digest of the week that has just ended, once per subscriber."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from digest.services import Week, digest_send


class Command(BaseCommand):
    help = (
        "Skickar veckobrevet för förra veckan till alla som har valt nätverk under Mina sidor, "
        "ett brev per person och vecka. Går att köra flera gånger: den som redan fått veckans brev får inget till."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--week", help="ISO-vecka som brevet gäller, till exempel 2026-W48 (standard: förra veckan)."
        )
        parser.add_argument("--dry-run", action="store_true", help="Räkna bara: lägg inga brev i kö.")

    def handle(self, *args, week: str | None = None, dry_run: bool = False, **options) -> None:
        try:
            chosen = Week.parse(week) if week else None
        except ValueError:
            raise CommandError(f"--week ska vara en vecka som finns, till exempel 2026-W48, inte {week!r}.") from None
        result = digest_send(week=chosen, dry_run=dry_run)
        verb = "skulle skickas" if dry_run else "skickade"
        self.stdout.write(
            f"Vecka {result.week}: {result.sent} veckobrev {verb}, {result.empty} utan något nytt, "
            f"{result.already} hade redan fått veckans brev."
        )
