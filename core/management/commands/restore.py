"""Restore a backup into a new, empty database and empty media folders (docs/operations.md, "Backup and restore")."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core.backup import BackupError, restore_backup


class Command(BaseCommand):
    help = (
        "Återställer en mapp från `manage.py backup` till DATABASE_URL:s databas, som måste vara tom, "
        "och till MEDIA_ROOT och PRIVATE_MEDIA_ROOT, som måste vara tomma eller saknas. Kontrollerar "
        "först varje fil mot manifestet och efteråt de återställda raderna."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("backup", type=Path, help="en säkerhetskopia, mappen natverk-<tid>")

    def handle(self, *args, backup: Path, **options) -> None:
        try:
            result = restore_backup(backup)
        except BackupError as error:
            raise CommandError(str(error)) from error
        rows = sum(result.counts.values())
        self.stdout.write(f"restored database={result.database} rows={rows} files={result.media_files}")
        if result.unapplied:
            self.stdout.write(
                f"This code has {len(result.unapplied)} migrations the backup does not: run `manage.py migrate`."
            )
