"""Restore a backup into a new, empty database and empty media folders (README, "Backup and restore")."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from natverk.backup import BackupError, restore_backup


class Command(BaseCommand):
    help = (
        "Restores a folder written by `manage.py backup` into DATABASE_URL's database, which must "
        "be empty, and into MEDIA_ROOT and PRIVATE_MEDIA_ROOT, which must be empty or missing. "
        "Checks every file against the manifest first, and the restored rows after."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("backup", type=Path, help="a backup folder natverk-<time>")

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
