"""`manage.py backup` and `manage.py restore` (core/backup.py), and the restore drill.

The drill (PostgreSQL only): applications with their events, a meeting with registrations,
an actor's logo and a private grant attachment are backed up with the command, restored
into a NEW database and fresh media folders, and a gunicorn started on the restored copy
shows the same applications, registrations and files (the attachment downloaded and
compared byte for byte). The new database is dropped afterwards.
"""

from __future__ import annotations

import datetime
import http.client
import io
import json
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import psycopg
import pytest
from allauth.account.models import EmailAddress
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.utils import timezone

from core import backup
from grants.models import Application, ApplicationEvent, Attachment, Funding, Pot
from meetings.models import Meeting, Registration
from tests.appservers import Browser, form_fields, free_port, test_database_url
from tests.conftest import PASSWORD
from tests.grants.conftest import make_application
from tests.images import png_small

REPO = Path(__file__).resolve().parent.parent
PDF = b"%PDF-1.4\n% bilaga till ansokan\n" + bytes(range(256)) * 40 + b"\n%%EOF\n"


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    return settings


def _data(settings, actor_a, rep_a, pot, resident):
    """What the drill expects back: applications with events, registrations, two files."""
    actor_a.logo.save("alfa.png", ContentFile(png_small()))
    apps = [
        make_application(pot=pot, lead=actor_a, status=Application.Status.SUBMITTED),
        make_application(pot=pot, lead=actor_a, status=Application.Status.APPROVED, requested=5_000),
    ]
    for app in apps:
        ApplicationEvent.objects.create(
            application=app, actor_user=rep_a, from_status="draft", to_status="submitted", note="Inskickad."
        )
    # Written by hand: the attachments' storage took PRIVATE_MEDIA_ROOT when the model loaded,
    # and the backup reads the folder these tests set.
    name = "grants/attachments/2026/budget.pdf"
    (Path(settings.PRIVATE_MEDIA_ROOT) / name).parent.mkdir(parents=True)
    (Path(settings.PRIVATE_MEDIA_ROOT) / name).write_bytes(PDF)
    attachment = Attachment.objects.create(
        application=apps[0],
        file=name,
        original_name="Budget 2026.pdf",
        content_type="application/pdf",
        size=len(PDF),
        uploaded_by=rep_a,
    )
    meeting = Meeting.objects.create(
        network=actor_a.memberships.get().network,
        title="Nätverksträff i backupens tecken",
        starts_at=timezone.now() + datetime.timedelta(days=5),
        ends_at=timezone.now() + datetime.timedelta(days=5, hours=2),
        place="Träffpunkten",
        registration_enabled=True,
        capacity=10,
    )
    Registration.objects.create(meeting=meeting, user=rep_a, actor=actor_a)
    Registration.objects.create(meeting=meeting, user=resident)
    return apps, attachment, meeting


# ---- the commands, on either database -------------------------------------------------


def _pot():
    today = timezone.localdate()
    pot = Pot.objects.create(
        year=today.year,
        name="Potten för övningen",
        opens_on=today - datetime.timedelta(days=30),
        closes_on=today + datetime.timedelta(days=60),
        max_amount_per_application=20_000,
    )
    Funding.objects.create(pot=pot, funder="Gävle kommun", amount=100_000)
    return pot


@pytest.fixture
def pot(db):
    return _pot()


@pytest.mark.django_db(transaction=True)  # SQLite's backup API waits for open transactions.
def test_backup_writes_database_files_and_a_manifest_that_checks_out(media, tmp_path, actor_a, rep_a, pot, resident):
    apps, attachment, _meeting = _data(media, actor_a, rep_a, pot, resident)

    call_command("backup", "--output", str(tmp_path / "backups"), stdout=io.StringIO())

    [folder] = backup.complete_backups(tmp_path / "backups")
    manifest = backup.read_manifest(folder)  # Checks every file's size and checksum.
    database_file = "database.dump" if connection.vendor == "postgresql" else "database.sqlite3"
    assert set(manifest["files"]) == {database_file, "media.tar", "private-media.tar"}
    assert manifest["counts"]["grants.Application"] == 2
    assert manifest["counts"]["grants.ApplicationEvent"] == 2
    assert manifest["counts"]["meetings.Registration"] == 2
    assert "grants.0001_initial" in manifest["migrations"]
    assert manifest["media"]["media"]["files"] == 1
    assert manifest["media"]["private-media"]["files"] == 1
    assert (folder.stat().st_mode & 0o777) == 0o700


@pytest.mark.django_db(transaction=True)  # SQLite's backup API waits for open transactions.
def test_retention_keeps_the_newest(media, tmp_path):
    output = tmp_path / "backups"
    made = [
        backup.create_backup(output, now=datetime.datetime(2026, 11, day, 2, 30, tzinfo=datetime.UTC))
        for day in (1, 2, 3, 4)
    ]
    (output / "natverk-20261105T023000Z.partial").mkdir()  # A failed run's leftovers are no backup.

    deleted = backup.prune(output, 2)

    assert deleted == made[:2]
    assert backup.complete_backups(output) == made[2:]


def _hold_lock(output: Path, partial: str) -> subprocess.Popen:
    """Another backup run: holds the folder's lock and writes its own .partial folder.

    It writes its process id as core.backup.exclusive() does, over a longer id an earlier run left.
    """
    holder = subprocess.Popen(  # noqa: S603
        [
            sys.executable,
            "-c",
            "import fcntl, os, pathlib, sys, time; out = pathlib.Path(sys.argv[1]); out.mkdir(exist_ok=True); "
            "fd = os.open(out / '.backup.lock', os.O_RDWR | os.O_CREAT, 0o600); fcntl.flock(fd, fcntl.LOCK_EX); "
            "os.ftruncate(fd, 0); os.pwrite(fd, f'{os.getpid()}\\n'.encode(), 0); (out / sys.argv[2]).mkdir(); "
            "(out / sys.argv[2] / 'database.dump').write_bytes(bytes(1 << 20)); print('ok', flush=True); "
            "time.sleep(120)",
            str(output),
            partial,
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout.readline().strip() == "ok"
    return holder


@pytest.mark.django_db(transaction=True)  # SQLite's backup API waits for open transactions.
def test_a_killed_backups_partial_folder_is_removed_by_the_next_run_never_a_running_ones(media, tmp_path):
    output = tmp_path / "backups"
    older = backup.create_backup(output, now=datetime.datetime(2026, 11, 1, 2, 30, tzinfo=datetime.UTC))
    partial = "natverk-20261102T023000Z.partial"
    holder = _hold_lock(output, partial)
    try:
        # While that run is alive its folder is left alone, and no second run starts.
        with pytest.raises(CommandError, match=rf"another backup \(process {holder.pid}\) is writing into"):
            call_command("backup", "--output", str(output), "--keep", "1", stdout=io.StringIO())
        assert (output / partial / "database.dump").stat().st_size == 1 << 20
        assert backup.complete_backups(output) == [older]  # --keep did not run either.
    finally:
        holder.kill()  # As the OOM killer or a reboot would: nothing is cleaned up.
        holder.wait()
    (output / "natverk-notes.partial").mkdir()  # Not a backup's name: not ours to remove.

    out = io.StringIO()
    call_command("backup", "--output", str(output), "--keep", "2", stdout=out)

    assert not (output / partial).exists()
    assert (output / "natverk-notes.partial").is_dir()
    newest = backup.complete_backups(output)[-1]
    assert backup.complete_backups(output) == [older, newest]
    assert f"backup={newest}" in out.getvalue()


@pytest.mark.django_db(transaction=True)  # SQLite's backup API waits for open transactions.
def test_backup_with_object_storage_notes_it_instead_of_copying_files(media, tmp_path):
    media.S3_BUCKET = "natverk-media"
    (tmp_path / "media").mkdir()
    (tmp_path / "media" / "logo.png").write_bytes(png_small())

    folder = backup.create_backup(tmp_path / "backups")

    manifest = backup.read_manifest(folder)
    assert manifest["media"]["stored_in"] == "object storage"
    assert "versioning" in manifest["media"]["note"]
    assert not (folder / "media.tar").exists()


@pytest.mark.django_db(transaction=True)  # SQLite's backup API waits for open transactions.
def test_restore_refuses_a_damaged_backup_a_newer_schema_and_filled_folders(media, tmp_path):
    folder = backup.create_backup(tmp_path / "backups")
    fresh = {"MEDIA_ROOT": tmp_path / "new-media", "PRIVATE_MEDIA_ROOT": tmp_path / "new-private"}
    for key, value in fresh.items():
        setattr(media, key, value)

    # The database in use has tables: never restored over.
    with pytest.raises(CommandError, match="has tables already"):
        call_command("restore", str(folder))

    # Files not empty: refused before the database is touched.
    fresh["MEDIA_ROOT"].mkdir()
    (fresh["MEDIA_ROOT"] / "x.png").write_bytes(b"x")
    with pytest.raises(CommandError, match="is not empty"):
        call_command("restore", str(folder))

    # A backup from code with a migration this code lacks.
    manifest_path = folder / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    manifest["migrations"].append("grants.9999_from_the_future")
    manifest_path.write_text(json.dumps(manifest))
    with pytest.raises(CommandError, match="newer code"):
        call_command("restore", str(folder))

    # A damaged file.
    with (folder / "media.tar").open("ab") as f:
        f.write(b"\0")
    with pytest.raises(CommandError, match="media.tar differs"):
        call_command("restore", str(folder))


# ---- the drill (PostgreSQL) -----------------------------------------------------------


def _admin_dsn(database: str = "postgres") -> str:
    s = connection.settings_dict
    return psycopg.conninfo.make_conninfo(
        host=s["HOST"] or "127.0.0.1", port=s["PORT"] or 5432, user=s["USER"], password=s["PASSWORD"], dbname=database
    )


@pytest.fixture
def new_database():
    name = f"natverk_restore_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(_admin_dsn(), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield name
    finally:
        with psycopg.connect(_admin_dsn(), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def _production_password_hasher(settings):
    from django.conf import global_settings

    settings.PASSWORD_HASHERS = global_settings.PASSWORD_HASHERS


def _env(database_url: str, tmp: Path, which: str) -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "natverk.settings",  # Not the test process's natverk.settings_test.
        "DATABASE_URL": database_url,
        "MEDIA_ROOT": str(tmp / f"{which}-media"),
        "PRIVATE_MEDIA_ROOT": str(tmp / f"{which}-private"),
        "SECRET_KEY": "restore-drill-" + "x" * 50,
        "DEBUG": "false",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "SESSION_COOKIE_SECURE": "false",
        "REQUIRE_STAFF_MFA": "false",
        "STATIC_ROOT": str(tmp / "static"),
        "REDIS_URL": "",
        "LOG_LEVEL": "WARNING",
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
    }


def _manage(env: dict[str, str], *args: str) -> str:
    result = subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", *args], cwd=REPO, env=env, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


@pytest.mark.slow
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="the drill restores a pg_dump into a new PostgreSQL database (set DATABASE_URL=postgres://...)",
)
@pytest.mark.django_db(transaction=True)
def test_restore_drill(settings, tmp_path, new_database, _production_password_hasher, actor_a, rep_a, resident):
    pot = _pot()
    old = _env(test_database_url(), tmp_path, "old")
    settings.MEDIA_ROOT, settings.PRIVATE_MEDIA_ROOT = Path(old["MEDIA_ROOT"]), Path(old["PRIVATE_MEDIA_ROOT"])
    apps, attachment, meeting = _data(settings, actor_a, rep_a, pot, resident)
    EmailAddress.objects.create(user=rep_a, email=rep_a.email, verified=True, primary=True)
    logo_bytes = Path(actor_a.logo.path).read_bytes()

    out = _manage(old, "backup", "--output", str(tmp_path / "backups"))
    folder = Path(out.split("backup=", 1)[1].split()[0])

    # Restore into the new database and new, empty media folders, as an operator would.
    s = connection.settings_dict
    new_url = test_database_url().rsplit("/", 1)[0] + f"/{new_database}"
    assert new_database != s["NAME"]
    new = _env(new_url, tmp_path, "new")
    out = _manage(new, "restore", str(folder))
    assert f"restored database={new_database}" in out
    assert "files=2" in out

    # The rows, counted in the new database itself.
    with psycopg.connect(_admin_dsn(new_database)) as conn:
        count = {
            table: conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]  # noqa: S608
            for table in ("grants_application", "grants_applicationevent", "meetings_registration", "grants_attachment")
        }
    assert count == {
        "grants_application": 2,
        "grants_applicationevent": 2,
        "meetings_registration": 2,
        "grants_attachment": 1,
    }
    assert (Path(new["MEDIA_ROOT"]) / actor_a.logo.name).read_bytes() == logo_bytes

    # The app started on the restored copy shows the same things.
    _manage(new, "collectstatic", "--noinput", "-v0")
    port = free_port()
    server = subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "gunicorn", "natverk.wsgi:application", "--workers", "1", "--bind", f"127.0.0.1:{port}"],
        cwd=REPO,
        env=new,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            if server.poll() is not None:
                pytest.fail(f"gunicorn stopped: {server.stderr.read().decode()}")
            try:
                if Browser().get(port, "/healthz")[0] == 200:
                    break
            except OSError:
                pass
            assert time.monotonic() < deadline, "gunicorn did not answer within 30 s"
            time.sleep(0.2)

        visitor = Browser()
        status, _headers, html = visitor.get(port, f"/aktorer/{actor_a.slug}/")
        assert status == 200
        assert f"/media/{actor_a.logo.name}" in html

        status, _headers, html = visitor.get(port, f"/moten/{meeting.pk}/")
        assert status == 200
        assert meeting.title in html

        # The representative logs in with the password from before the backup.
        status, _headers, html = visitor.get(port, "/konto/login/")
        assert status == 200
        fields = dict(form_fields(html, "login-form")) | {"login": rep_a.email, "password": PASSWORD}
        status, headers, _html = visitor.request(port, "POST", "/konto/login/", fields)
        assert status == 302, "the login on the restored copy failed"

        status, _headers, html = visitor.get(port, "/mina-sidor/ansokningar/")
        assert status == 200
        for app in apps:
            assert app.reference in html
        status, _headers, html = visitor.get(port, "/mina-sidor/moten/")
        assert status == 200
        assert meeting.title in html

        # The private attachment, through the app's permission check, byte for byte.
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        conn.request(
            "GET",
            attachment.get_absolute_url(),
            headers={"Host": "127.0.0.1", "Cookie": "; ".join(f"{k}={v}" for k, v in visitor.cookies.items())},
        )
        response = conn.getresponse()
        assert response.status == 200
        assert response.read() == PDF
        conn.close()
        # And not to someone else.
        assert Browser().get(port, attachment.get_absolute_url())[0] in (302, 404)
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
        server.stderr.close()
