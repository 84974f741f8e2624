"""Back up the database and the uploaded files into a new folder (README, "Backup and restore")."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from natverk.backup import BackupError, create_backup, prune


class Command(BaseCommand):
    help = (
        "Writes a backup folder natverk-<time> into --output: pg_dump (custom format) or a copy "
        "of the SQLite file, tars of MEDIA_ROOT and PRIVATE_MEDIA_ROOT, and manifest.json."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--output", required=True, type=Path, help="folder that holds the backups")
        parser.add_argument("--keep", type=int, help="afterwards delete all but this many newest backups there")

    def handle(self, *args, output: Path, keep: int | None, **options) -> None:
        if keep is not None and keep < 1:
            raise CommandError("--keep must be at least 1.")
        try:
            folder = create_backup(output)
            deleted = prune(output, keep) if keep else []
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"backup={folder}")
        for old in deleted:
            self.stdout.write(f"deleted={old}")
