"""Back up the database and the uploaded files into a new folder (docs/operations.md, "Backup and restore")."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core.backup import BackupError, create_backup, prune


class Command(BaseCommand):
    help = (
        "Skriver en säkerhetskopia, mappen natverk-<tid>, i --output: pg_dump (custom format) eller "
        "en kopia av SQLite-filen, tar-filer av MEDIA_ROOT och PRIVATE_MEDIA_ROOT, och manifest.json."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--output", required=True, type=Path, help="mappen som håller säkerhetskopiorna")
        parser.add_argument("--keep", type=int, help="ta sedan bort alla utom så här många av de nyaste kopiorna där")

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
