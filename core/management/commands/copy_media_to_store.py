"""Copy the files on local disk (MEDIA_ROOT, PRIVATE_MEDIA_ROOT) into the object store.

Run once when a site moves to S3 (docs/operations.md, "Object storage"), with the S3_* settings on and
MEDIA_ROOT and PRIVATE_MEDIA_ROOT still pointing at the old folders. Every file keeps its
name, so the rows need no change; a file already in the store is left alone, so the
command can be run again after an interruption. Nothing on disk is deleted.

It talks to the store with longer waits and more tries than a page does
(core.s3.batch_storage): nobody waits on it, and a slow moment of the store should
not stop it half-way.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.files import File
from django.core.files.storage import FileSystemStorage, Storage, default_storage
from django.core.management.base import BaseCommand, CommandError

from core.s3 import batch_storage
from core.storage import private_storage


class Command(BaseCommand):
    help = "Kopierar filer från MEDIA_ROOT och PRIVATE_MEDIA_ROOT till objektlagringen (S3)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="Visa bara vad som skulle kopieras.")

    def handle(self, *args, dry_run: bool = False, **options) -> None:
        if isinstance(default_storage, FileSystemStorage) or isinstance(private_storage, FileSystemStorage):
            raise CommandError("S3_BUCKET is not set: the files already live on local disk.")
        copied = skipped = 0
        for folder, storage in (
            (Path(settings.MEDIA_ROOT), batch_storage("default")),
            (Path(settings.PRIVATE_MEDIA_ROOT), batch_storage("private")),
        ):
            c, s = self._copy(folder, storage, dry_run=dry_run)
            copied, skipped = copied + c, skipped + s
        verb = "would copy" if dry_run else "copied"
        self.stdout.write(f"{verb}={copied} already_there={skipped}")

    def _copy(self, folder: Path, storage: Storage, *, dry_run: bool) -> tuple[int, int]:
        copied = skipped = 0
        if not folder.is_dir():
            return copied, skipped
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            name = path.relative_to(folder).as_posix()
            if storage.exists(name):
                skipped += 1
                continue
            self.stdout.write(f"{folder}: {name}", ending="\n")
            if not dry_run:
                with path.open("rb") as handle:
                    saved = storage.save(name, File(handle, name=path.name))
                if saved != name:
                    raise CommandError(f"{name} was stored as {saved}; check the store and run again.")
            copied += 1
        return copied, skipped
