"""Backups and restores: `manage.py backup` and `manage.py restore` (docs/operations.md, "Backup and restore").

One backup is a folder `natverk-<UTC time>` holding

- the database: `database.dump`, `pg_dump --format=custom` of DATABASE_URL's database
  (PostgreSQL), or `database.sqlite3`, a copy made with SQLite's online backup API;
- the uploaded files: `media.tar` (MEDIA_ROOT) and `private-media.tar` (PRIVATE_MEDIA_ROOT),
  uncompressed (images and videos are compressed already). When the files live in object
  storage (`settings.S3_BUCKET` set) they are not copied: the bucket's versioning keeps them,
  and the manifest says so;
- `manifest.json`: when, the code's git commit, the applied migrations, the number of rows
  of every model, and the size and SHA-256 of every file above.

The folder is written as `<name>.partial` and renamed when complete, so a folder without
that suffix is always a whole backup. The database is dumped first and the files after it:
every file a row in the dump names is in the tars, unless it was deleted in between.

One backup at a time writes into a folder: a run holds an exclusive lock on `.backup.lock`
there (flock) from start to end, and a second run meanwhile stops at once with a message.
The kernel releases the lock when its process ends, however it ends, so a `.partial`
folder found by a run that holds the lock belongs to a run that died (killed, or the
machine went down): it is removed before the new dump starts. A killed run used to leave
its full-size folder behind, and `--keep` only ever counts whole backups. A lock rather
than the folder's age or a pid in it: a long backup is not mistaken for a dead one, and a
reused pid cannot keep a dead one alive.
"""

from __future__ import annotations

import contextlib
import datetime
import fcntl
import hashlib
import json
import logging
import os
import re
import shutil
import sqlite3
import subprocess
import tarfile
from dataclasses import dataclass
from pathlib import Path

import django
from django.apps import apps
from django.conf import settings
from django.db import connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder

NAME_PATTERN = re.compile(r"^natverk-\d{8}T\d{6}Z$")
MANIFEST = "manifest.json"
PG_DUMP_FILE = "database.dump"
SQLITE_FILE = "database.sqlite3"
MEDIA_TAR = "media.tar"
PRIVATE_MEDIA_TAR = "private-media.tar"
FORMAT_VERSION = 1
LOCK_FILE = ".backup.lock"
PARTIAL = ".partial"

logger = logging.getLogger(__name__)


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why, for the operator."""


@dataclass
class Restored:
    database: str
    counts: dict[str, int]
    media_files: int
    unapplied: list[str]


# ---- shared ---------------------------------------------------------------------------


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1024 * 1024), b""):
            digest.update(block)
    return digest.hexdigest()


def _git_commit() -> str:
    try:
        result = subprocess.run(  # noqa: S603
            ["git", "-C", str(settings.BASE_DIR), "rev-parse", "HEAD"],  # noqa: S607
            capture_output=True,
            text=True,
            timeout=10,
        )
    except (OSError, subprocess.SubprocessError):
        return ""
    return result.stdout.strip() if result.returncode == 0 else ""


def _uses_object_storage() -> bool:
    return bool(getattr(settings, "S3_BUCKET", ""))


def row_counts() -> dict[str, int]:
    """Rows of every model with a table of its own (that exists), by app_label.ModelName."""
    tables = set(connection.introspection.table_names())
    counts = {}
    with connection.cursor() as cursor:
        for label, table in sorted(_tables_of_models().items()):
            if table in tables:
                cursor.execute(f"SELECT count(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608
                counts[label] = cursor.fetchone()[0]
    return counts


def _applied_migrations() -> list[str]:
    return sorted(f"{app}.{name}" for app, name in MigrationRecorder(connection).applied_migrations())


def _known_migrations() -> set[str]:
    return {f"{app}.{name}" for app, name in MigrationLoader(None, ignore_no_migrations=True).disk_migrations}


def _pg_environment() -> dict[str, str]:
    """DATABASE_URL's connection as libpq's variables, so that no password is on a command line."""
    s = connection.settings_dict
    env = {**os.environ, "PGDATABASE": s["NAME"]}
    for key, variable in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER"), ("PASSWORD", "PGPASSWORD")):
        if s.get(key):
            env[variable] = str(s[key])
    if s.get("OPTIONS", {}).get("sslmode"):
        env["PGSSLMODE"] = s["OPTIONS"]["sslmode"]
    return env


def _program(name: str) -> str:
    found = shutil.which(name)
    if not found:
        raise BackupError(f"{name} is missing: apt-get install postgresql-client (PostgreSQL's client programs).")
    return found


def _run(command: list[str], env: dict[str, str]) -> None:
    result = subprocess.run(command, env=env, capture_output=True, text=True)  # noqa: S603
    if result.returncode != 0:
        raise BackupError(f"{Path(command[0]).name} failed ({result.returncode}): {result.stderr.strip()}")


# ---- backup ---------------------------------------------------------------------------


def _tables_of_models() -> dict[str, str]:
    return {
        model._meta.label: model._meta.db_table
        for model in apps.get_models()
        if model._meta.managed and not model._meta.proxy and not model._meta.swapped
    }


def _dump_database(folder: Path) -> tuple[str, list[str], dict[str, int]]:
    """Write the database into `folder`; returns the file's name, and the applied migrations
    and row counts of exactly what was written (a running site goes on writing meanwhile)."""
    if connection.vendor == "postgresql":
        path = folder / PG_DUMP_FILE
        # pg_dump reads the snapshot this transaction exported, so the counts below and
        # the dump see the same rows.
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
            _run(
                [_program("pg_dump"), "--format=custom", f"--snapshot={snapshot}", "--file", str(path)],
                _pg_environment(),
            )
            return path.name, _applied_migrations(), row_counts()
    if connection.vendor == "sqlite":
        path = folder / SQLITE_FILE
        connection.ensure_connection()
        target = sqlite3.connect(path)
        try:
            connection.connection.backup(target)
            # Counted in the copy itself.
            tables = {row[0] for row in target.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            counts = {
                label: target.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]  # noqa: S608
                for label, table in sorted(_tables_of_models().items())
                if table in tables
            }
            migrations = sorted(
                f"{app}.{name}" for app, name in target.execute("SELECT app, name FROM django_migrations")
            )
        finally:
            target.close()
        return path.name, migrations, counts
    raise BackupError(f"backups support PostgreSQL and SQLite, not {connection.vendor}")


def _tar_folder(root: Path, path: Path) -> dict:
    files = size = 0
    with tarfile.open(path, "w") as tar:
        if root.is_dir():
            for item in sorted(root.rglob("*")):
                if item.is_symlink() or not (item.is_file() or item.is_dir()):
                    continue  # Uploads are plain files; a link could point anywhere.
                tar.add(item, arcname=str(item.relative_to(root)), recursive=False)
                if item.is_file():
                    files += 1
                    size += item.stat().st_size
    return {"files": files, "bytes": size}


@contextlib.contextmanager
def exclusive(output: Path):
    """Hold the backup folder's lock for a run; BackupError if another process holds it."""
    output.mkdir(parents=True, exist_ok=True)
    fd = os.open(output / LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip() or "?"
            raise BackupError(
                f"another backup (process {holder}) is writing into {output}; wait until it has finished."
            ) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        yield
    finally:
        os.close(fd)  # Releases the lock; the file stays (removing it would race with a new run).


def remove_dead_partials(output: Path) -> list[Path]:
    """Remove the `.partial` folders of runs that died. Only with the lock held (exclusive())."""
    removed = []
    for folder in sorted(output.iterdir()):
        if folder.is_dir() and folder.name.endswith(PARTIAL) and NAME_PATTERN.match(folder.name[: -len(PARTIAL)]):
            shutil.rmtree(folder)
            logger.warning("Removed %s, left by a backup that did not finish.", folder)
            removed.append(folder)
    return removed


def create_backup(output: Path, *, now: datetime.datetime | None = None) -> Path:
    """Write one complete backup folder into `output` and return its path."""
    with exclusive(output):
        remove_dead_partials(output)
        return _write_backup(output, now=now)


def _write_backup(output: Path, *, now: datetime.datetime | None) -> Path:
    now = (now or datetime.datetime.now(tz=datetime.UTC)).astimezone(datetime.UTC)
    name = f"natverk-{now:%Y%m%dT%H%M%SZ}"
    final, partial = output / name, output / f"{name}{PARTIAL}"
    if final.exists() or partial.exists():
        raise BackupError(f"{final} exists already; wait a second and run again.")
    partial.mkdir(mode=0o700)
    try:
        database_file, migrations, counts = _dump_database(partial)
        manifest: dict = {
            "format": FORMAT_VERSION,
            "created_at": now.isoformat(),
            "git_commit": _git_commit(),
            "django": django.get_version(),
            "database": {"vendor": connection.vendor, "file": database_file},
            "migrations": migrations,
            "counts": counts,
        }
        if _uses_object_storage():
            manifest["media"] = {
                "stored_in": "object storage",
                "bucket": settings.S3_BUCKET,
                "note": "Uploaded files are in the bucket, not in this backup: its versioning keeps them.",
            }
        else:
            manifest["media"] = {
                "media": {"root": str(settings.MEDIA_ROOT), "file": MEDIA_TAR}
                | _tar_folder(Path(settings.MEDIA_ROOT), partial / MEDIA_TAR),
                "private-media": {"root": str(settings.PRIVATE_MEDIA_ROOT), "file": PRIVATE_MEDIA_TAR}
                | _tar_folder(Path(settings.PRIVATE_MEDIA_ROOT), partial / PRIVATE_MEDIA_TAR),
            }
        manifest["files"] = {
            item.name: {"bytes": item.stat().st_size, "sha256": _sha256(item)} for item in sorted(partial.iterdir())
        }
        (partial / MANIFEST).write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        partial.rename(final)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    return final


def complete_backups(output: Path) -> list[Path]:
    """The whole backups in `output`, oldest first."""
    if not output.is_dir():
        return []
    return sorted(p for p in output.iterdir() if p.is_dir() and NAME_PATTERN.match(p.name) and (p / MANIFEST).is_file())


def prune(output: Path, keep: int) -> list[Path]:
    """Delete all but the `keep` newest whole backups; returns what was deleted."""
    if keep < 1:
        raise BackupError("--keep must be at least 1.")
    with exclusive(output):
        old = complete_backups(output)[:-keep]
        for folder in old:
            shutil.rmtree(folder)
    return old


# ---- restore --------------------------------------------------------------------------


def read_manifest(folder: Path) -> dict:
    """The manifest, after checking that every file it lists is there, whole and unchanged."""
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BackupError(f"{folder} holds no {MANIFEST}: not a complete backup.") from None
    if manifest.get("format") != FORMAT_VERSION:
        raise BackupError(f"unknown backup format {manifest.get('format')!r}")
    for name, expected in manifest["files"].items():
        path = folder / name
        if not path.is_file():
            raise BackupError(f"{name} is missing from the backup.")
        if path.stat().st_size != expected["bytes"] or _sha256(path) != expected["sha256"]:
            raise BackupError(f"{name} differs from the manifest (damaged or changed): not restored.")
    return manifest


def _database_is_empty() -> bool:
    return not connection.introspection.table_names()


def _restore_database(folder: Path, manifest: dict) -> None:
    vendor = manifest["database"]["vendor"]
    if vendor != connection.vendor:
        raise BackupError(f"the backup holds a {vendor} database; DATABASE_URL points to {connection.vendor}.")
    if not _database_is_empty():
        raise BackupError(
            "the database DATABASE_URL points to has tables already. Restore into a new, empty "
            "database (createdb), never over a running one."
        )
    source = folder / manifest["database"]["file"]
    if vendor == "postgresql":
        connection.close()
        _run(
            [
                _program("pg_restore"),
                "--no-owner",
                "--no-privileges",
                "--exit-on-error",
                "--single-transaction",
                "--dbname",
                connection.settings_dict["NAME"],
                str(source),
            ],
            _pg_environment(),
        )
    else:
        connection.ensure_connection()
        backup = sqlite3.connect(source)
        try:
            backup.backup(connection.connection)
        finally:
            backup.close()


def _restore_folder(tar_path: Path, root: Path) -> int:
    if root.exists() and any(root.iterdir()):
        raise BackupError(f"{root} is not empty: restore the files into an empty folder.")
    root.mkdir(parents=True, exist_ok=True)
    with tarfile.open(tar_path) as tar:
        members = tar.getmembers()
        tar.extractall(root, filter="data")  # No absolute paths, no "..", no links out.
    return sum(1 for m in members if m.isfile())


def restore_backup(folder: Path) -> Restored:
    """Restore a backup into the (new, empty) database of DATABASE_URL and empty media folders."""
    manifest = read_manifest(folder)
    unknown = sorted(set(manifest["migrations"]) - _known_migrations())
    if unknown:
        raise BackupError(
            "the backup was made by newer code (migrations this code does not have: "
            + ", ".join(unknown[:5])
            + "). Install the version of its git commit "
            + (manifest.get("git_commit") or "(unknown)")
            + " first."
        )
    media = manifest["media"]
    targets = []
    if "stored_in" not in media:
        targets = [
            (folder / media["media"]["file"], Path(settings.MEDIA_ROOT)),
            (folder / media["private-media"]["file"], Path(settings.PRIVATE_MEDIA_ROOT)),
        ]
        for _tar, root in targets:  # Refuse before anything is written.
            if root.exists() and any(root.iterdir()):
                raise BackupError(f"{root} is not empty: restore the files into an empty folder.")
    _restore_database(folder, manifest)
    media_files = sum(_restore_folder(tar, root) for tar, root in targets)

    counts = row_counts()
    differ = {label: (n, counts.get(label)) for label, n in manifest["counts"].items() if counts.get(label) != n}
    if differ:
        raise BackupError(f"restored rows differ from the manifest (expected, found): {differ}")
    # Pages cached (in a shared Redis) before the restore must not be served after it.
    from core.cache import bump_content_version

    bump_content_version()
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return Restored(
        database=str(connection.settings_dict["NAME"]),
        counts=counts,
        media_files=media_files,
        unapplied=[f"{m.app_label}.{m.name}" for m, _backwards in plan],
    )
