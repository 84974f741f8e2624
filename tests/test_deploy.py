"""The deployment kit in deploy/: the nginx site, the systemd units and their timers.

- nginx: `nginx -t` on the shipped site inside a minimal nginx.conf shaped like Debian's,
  with the certificate placeholders replaced by a self-signed certificate and the paths by
  folders in tmp; then the same site is started (on spare ports, in front of a small echo
  server standing in for gunicorn) and asked what an operator relies on. nginx comes from
  Debian (`apt-get install nginx-light`, done by .ci/run): missing, these tests skip, except
  in CI (`CI=true`), where they fail.
- What nginx does when an app server fails: tests/test_faults_nginx.py.
- systemd: `systemd-analyze verify` on every unit, with the executables pointed at stubs in
  tmp (it refuses an ExecStart whose program does not exist); skipped where
  systemd-analyze is missing or cannot run. Every service reports its failure
  (OnFailure=), and the failure hook does what its comments say.
- Every command the "Scheduled jobs" table of docs/operations.md lists has a timer, and
  every unit runs a management command that exists.
"""

from __future__ import annotations

import contextlib
import http.client
import http.server
import json
import os
import re
import shutil
import socket
import ssl
import subprocess
import threading
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import get_commands

from members.images import MAX_UPLOAD_BYTES as PHOTO_MAX_BYTES
from tests.appservers import free_port
from voices.media import CAPTIONS_MAX_BYTES

REPO = Path(__file__).resolve().parent.parent
DEPLOY = REPO / "deploy"
SITE = DEPLOY / "nginx" / "natverk.conf"
UNITS = DEPLOY / "systemd"
HOST_NAME = "natverk.example.se"  # The placeholder host name in the site file.
IN_CI = os.environ.get("CI", "").lower() == "true"


def _tool(name: str, *extra_dirs: str) -> str | None:
    found = shutil.which(name)
    for folder in extra_dirs:
        if found is None and os.access(f"{folder}/{name}", os.X_OK):
            found = f"{folder}/{name}"
    return found


NGINX = _tool("nginx", "/usr/sbin", "/sbin")
SYSTEMD_ANALYZE = _tool("systemd-analyze", "/usr/bin", "/bin")


def _nginx() -> str:
    if NGINX is None:
        message = "nginx is missing (apt-get install -y nginx-light; .ci/run installs it)"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    return NGINX


def _env_example() -> dict[str, str]:
    text = (REPO / ".env.example").read_text(encoding="utf-8")
    return dict(re.findall(r"^([A-Z][A-Z0-9_]+)=(.*)$", text, re.M))


# ---- nginx ----------------------------------------------------------------------------


class NginxSite:
    """The shipped site rewritten into a tmp folder: certificate, paths and (for a live run) ports."""

    def __init__(
        self, tmp: Path, *, http_port: int = 80, https_port: int = 443, app_port: int | list[int] = 8000
    ) -> None:
        self.tmp = tmp
        self.srv = tmp / "srv"
        self.logs = tmp / "logs"
        for folder in (self.logs, self.srv / "staticfiles", self.srv / "media", self.srv / "private-media"):
            folder.mkdir(parents=True, exist_ok=True)
        cert, key = tmp / "cert.pem", tmp / "key.pem"
        subprocess.run(  # noqa: S603
            [  # noqa: S607 - openssl from PATH, like nginx
                "openssl",
                "req",
                "-x509",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-days",
                "1",
                "-subj",
                f"/CN={HOST_NAME}",
                "-keyout",
                str(key),
                "-out",
                str(cert),
            ],
            check=True,
            capture_output=True,
        )
        site = SITE.read_text(encoding="utf-8")
        for placeholder, value in {
            "/etc/natverk/tls/fullchain.pem": str(cert),
            "/etc/natverk/tls/privkey.pem": str(key),
            "/var/log/nginx/": f"{self.logs}/",
            "/srv/natverk/": f"{self.srv}/",
        }.items():
            assert placeholder in site, f"the site file no longer names {placeholder}"
            site = site.replace(placeholder, value)
        site = re.sub(r"listen 80\b", f"listen {http_port}", site)
        site = re.sub(r"listen 443\b", f"listen {https_port}", site)
        site = re.sub(r"listen \[::\]:\d+.*\n", "", site)  # The machine may have no IPv6.
        # Several app servers take turns strictly (max_fails=0: none is set aside after a failure).
        servers = [f"server 127.0.0.1:{port} max_fails=0;" for port in app_port] if isinstance(app_port, list) else []
        site = site.replace("server 127.0.0.1:8000;", "\n    ".join(servers) or f"server 127.0.0.1:{app_port};")
        shutil.copytree(DEPLOY / "nginx" / "errors", self.srv / "deploy" / "nginx" / "errors")
        (tmp / "site.conf").write_text(site, encoding="utf-8")
        # The http block of Debian 12's /etc/nginx/nginx.conf, which the site is included in:
        # a directive the site repeats from it (`gzip on`) would fail `nginx -t` there.
        user = "user root root;\n" if os.geteuid() == 0 else ""  # Workers must read tmp.
        (tmp / "nginx.conf").write_text(
            f"""{user}pid {tmp}/nginx.pid;
error_log {self.logs}/error.log;
events {{ worker_connections 64; }}
http {{
    sendfile on;
    tcp_nopush on;
    types_hash_max_size 2048;
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    ssl_protocols TLSv1 TLSv1.1 TLSv1.2 TLSv1.3;
    ssl_prefer_server_ciphers on;
    access_log {self.logs}/access.log;
    gzip on;
    client_body_temp_path {tmp}/body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
    include {tmp}/site.conf;
}}
""",
            encoding="utf-8",
        )

    def command(self, *args: str) -> list[str]:
        return [_nginx(), "-c", str(self.tmp / "nginx.conf"), "-p", f"{self.tmp}/", *args]


def test_nginx_accepts_the_shipped_site(tmp_path):
    site = NginxSite(tmp_path)

    result = subprocess.run(site.command("-t"), capture_output=True, text=True)  # noqa: S603

    assert result.returncode == 0, result.stderr
    assert "test is successful" in result.stderr
    assert "[warn]" not in result.stderr, result.stderr


def test_nginx_upload_limit_covers_the_largest_upload():
    """client_max_body_size is at least the largest form the app accepts: a voice's video,
    its captions and a photo in one admin post (plus 1 MB for the other fields)."""
    sizes = re.findall(r"^\s*client_max_body_size (\d+)m;", SITE.read_text(encoding="utf-8"), re.M)
    assert len(sizes) == 1, "one limit for the whole site"
    limit = int(sizes[0]) * 1024 * 1024
    largest_file = max(settings.VOICES_VIDEO_MAX_BYTES, settings.GRANT_ATTACHMENT_MAX_BYTES)
    assert limit >= largest_file + CAPTIONS_MAX_BYTES + PHOTO_MAX_BYTES + 1024 * 1024
    assert limit >= settings.DATA_UPLOAD_MAX_MEMORY_SIZE


def test_nginx_paths_match_the_env_example():
    site = SITE.read_text(encoding="utf-8")
    env = _env_example()

    assert f"alias {env['STATIC_ROOT'].rstrip('/')}/;" in site
    assert f"alias {env['MEDIA_ROOT'].rstrip('/')}/;" in site
    # Private files are handed out by the app only: nginx never names their folder.
    assert env["PRIVATE_MEDIA_ROOT"].rstrip("/") not in site.replace(
        f"PRIVATE_MEDIA_ROOT ({env['PRIVATE_MEDIA_ROOT']})", ""
    )


class _Echo(http.server.BaseHTTPRequestHandler):
    """Stands in for gunicorn: answers every request with what it received, as JSON."""

    seen: list[str] = []  # The X-Test-Id of every request, in order.

    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        _Echo.seen.append(self.headers.get("X-Test-Id", ""))
        body = json.dumps({"path": self.path, "headers": dict(self.headers.items())}).encode()
        # The app's own error page, e.g. its 503 while the database is down.
        self.send_response(503 if self.path == "/app-503" else 200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = do_HEAD = _answer

    def log_message(self, *args) -> None:
        pass


class _SNIConnection(http.client.HTTPSConnection):
    """HTTPS to 127.0.0.1 that names the site's host in the TLS handshake, as a browser would."""

    def __init__(self, port: int, server_name: str | None = HOST_NAME) -> None:
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        super().__init__("127.0.0.1", port, context=context, timeout=10)
        self.server_name = server_name

    def connect(self) -> None:
        http.client.HTTPConnection.connect(self)
        self.sock = self._context.wrap_socket(self.sock, server_hostname=self.server_name)


@contextlib.contextmanager
def _running(site: NginxSite, https_port: int):
    process = subprocess.Popen(  # noqa: S603
        site.command("-g", "daemon off;"), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        deadline = time.monotonic() + 10
        while True:
            if process.poll() is not None:
                pytest.fail(f"nginx stopped: {process.stderr.read()}")
            try:
                socket.create_connection(("127.0.0.1", https_port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail("nginx did not listen within 10 s")
                time.sleep(0.1)
        yield
    finally:
        process.terminate()
        process.wait(timeout=10)
        process.stdout.close()
        process.stderr.close()


@pytest.fixture
def live_nginx(tmp_path):
    app_port, http_port, https_port = free_port(), free_port(), free_port()
    site = NginxSite(tmp_path, http_port=http_port, https_port=https_port, app_port=app_port)
    app = http.server.ThreadingHTTPServer(("127.0.0.1", app_port), _Echo)
    threading.Thread(target=app.serve_forever, daemon=True).start()
    try:
        with _running(site, https_port):
            yield site, http_port, https_port
    finally:
        app.shutdown()
        app.server_close()


def _get(port: int, path: str, headers: dict | None = None, method: str = "GET"):
    conn = _SNIConnection(port)
    try:
        conn.request(method, path, headers={"Host": HOST_NAME, **(headers or {})})
        response = conn.getresponse()
        return response.status, response.headers, response.read()
    finally:
        conn.close()


def test_nginx_serves_the_site_as_the_operator_expects(live_nginx):
    site, http_port, https_port = live_nginx
    static = site.srv / "staticfiles" / "css"
    static.mkdir(parents=True)
    (static / "site.293e641fd02a.css").write_text("body { color: black; }\n" * 100)
    (site.srv / "staticfiles" / "robots.txt").write_text("User-agent: *\n")
    voices = site.srv / "media" / "voices"
    voices.mkdir(parents=True)
    (voices / "berattelse.vtt").write_text("WEBVTT\n\n00:00.000 --> 00:01.000\nHej\n")
    (voices / "berattelse.webm").write_bytes(b"\x1a\x45\xdf\xa3" + b"\0" * 100)
    (site.srv / "media" / ".hemlig").write_text("inte för webben")
    (site.srv / "private-media" / "bilaga.pdf").write_text("privat bilaga")

    # Plain HTTP moves to HTTPS, on the public host name.
    conn = http.client.HTTPConnection("127.0.0.1", http_port, timeout=10)
    conn.request("GET", "/natverk/?a=1", headers={"Host": HOST_NAME})
    response = conn.getresponse()
    assert response.status == 301
    assert response.headers["Location"] == f"https://{HOST_NAME}/natverk/?a=1"
    conn.close()

    # Static files: hashed names cached for a year, others for an hour; gzip for text.
    status, headers, _body = _get(https_port, "/static/css/site.293e641fd02a.css", {"Accept-Encoding": "gzip"})
    assert status == 200
    assert headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert headers["Content-Type"] == "text/css"
    assert headers["Content-Encoding"] == "gzip"
    assert headers["X-Content-Type-Options"] == "nosniff"
    status, headers, _body = _get(https_port, "/static/robots.txt")
    assert status == 200
    assert headers["Cache-Control"] == "public, max-age=3600"

    # Media: the right types (with nosniff the browser believes them), never run as a page.
    status, headers, body = _get(https_port, "/media/voices/berattelse.vtt")
    assert status == 200
    assert headers["Content-Type"] == "text/vtt"
    assert body.startswith(b"WEBVTT")
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in headers["Content-Security-Policy"]
    status, headers, _body = _get(https_port, "/media/voices/berattelse.webm")
    assert (status, headers["Content-Type"]) == (200, "video/webm")
    assert _get(https_port, "/media/.hemlig")[0] == 404
    assert _get(https_port, "/media/voices/saknas.jpg")[0] == 404

    # Private files are never served by nginx: any other path goes to the app.
    for path in ("/private-media/bilaga.pdf", "/media/../private-media/bilaga.pdf"):
        status, _headers, body = _get(https_port, path)
        assert b"privat bilaga" not in body
        assert status == 200 and json.loads(body)["path"] == path  # The app's answer, not the file.

    # The app gets the host, the scheme and the client's address appended.
    status, _headers, body = _get(https_port, "/mina-sidor/", {"X-Forwarded-For": "203.0.113.9"})
    seen = json.loads(body)["headers"]
    assert status == 200
    assert seen["Host"] == HOST_NAME
    assert seen["X-Forwarded-Proto"] == "https"
    assert seen["X-Forwarded-For"] == "203.0.113.9, 127.0.0.1"  # TRUSTED_PROXY_COUNT=1 takes the last.

    # /healthz reaches the app and is left out of the access log; other requests are logged.
    status, _headers, body = _get(https_port, "/healthz")
    assert status == 200 and json.loads(body)["path"] == "/healthz"
    time.sleep(0.2)
    log = (site.logs / "natverk.access.log").read_text()
    assert "/mina-sidor/" in log
    assert "/healthz" not in log

    # A body above the limit is refused before it reaches the app.
    conn = _SNIConnection(https_port)
    conn.putrequest("POST", "/admin/voices/voice/add/", skip_host=True)
    conn.putheader("Host", HOST_NAME)
    conn.putheader("Content-Length", str(61 * 1024 * 1024))
    conn.endheaders()
    assert conn.getresponse().status == 413
    conn.close()

    # Another host name gets no certificate at all.
    other = _SNIConnection(https_port, server_name="other.example.se")
    with pytest.raises(ssl.SSLError):
        other.request("GET", "/")
    other.close()


# ---- systemd --------------------------------------------------------------------------


FAILURE_TEMPLATE = UNITS / "natverk-failure@.service"
FAILURE_SCRIPT = DEPLOY / "natverk-on-failure"


def _units() -> list[Path]:
    return sorted(p for p in UNITS.iterdir() if p.suffix in {".service", ".timer", ".socket"})


def _services() -> list[Path]:
    """The services that do the work: all but the failure reporter's template."""
    return sorted(p for p in UNITS.glob("*.service") if p != FAILURE_TEMPLATE)


def _unit_value(path: Path, key: str) -> str:
    found = re.findall(rf"^{key}=(.*)$", path.read_text(encoding="utf-8"), re.M)
    assert len(found) == 1, f"{path.name}: {key} {len(found)} times"
    return found[0].strip()


def _systemd_analyze() -> str:
    if SYSTEMD_ANALYZE is None:
        pytest.skip("systemd-analyze is missing (Debian package systemd)")
    probe = subprocess.run([SYSTEMD_ANALYZE, "--version"], capture_output=True)  # noqa: S603
    if probe.returncode != 0:
        pytest.skip("systemd-analyze cannot run here")
    return SYSTEMD_ANALYZE


def test_systemd_units_verify(tmp_path):
    analyze = _systemd_analyze()
    stubs = tmp_path / "venv-bin"
    stubs.mkdir()
    for program in ("python", "gunicorn"):
        (stubs / program).write_text("#!/bin/sh\n")
        (stubs / program).chmod(0o755)
    copies = []
    for unit in _units():
        text = unit.read_text(encoding="utf-8")
        assert "/srv/natverk/.venv/bin/" in text or unit.suffix != ".service" or unit == FAILURE_TEMPLATE
        text = text.replace("/srv/natverk/.venv/bin/", f"{stubs}/").replace("/srv/natverk/deploy/", f"{DEPLOY}/")
        (tmp_path / unit.name).write_text(text, encoding="utf-8")
        # A template is verified through an instance of it.
        copies.append(str(tmp_path / unit.name.replace("@.", "@natverk.service.")))

    result = subprocess.run([analyze, "verify", "--man=no", *copies], capture_output=True, text=True)  # noqa: S603

    if result.returncode != 0 and "Failed to initialize manager" in result.stderr:
        pytest.skip(f"systemd-analyze verify cannot run in this container: {result.stderr.strip()}")
    assert result.returncode == 0, result.stderr
    # Unknown keys and similar mistakes are only warnings: none may be printed.
    assert result.stderr.strip() == ""


def test_systemd_calendar_specs_parse():
    analyze = _systemd_analyze()
    for timer in UNITS.glob("*.timer"):
        spec = _unit_value(timer, "OnCalendar")
        result = subprocess.run([analyze, "calendar", spec], capture_output=True, text=True)  # noqa: S603
        assert result.returncode == 0, f"{timer.name}: {result.stderr}"


def _manage_command(service: Path) -> str:
    exec_start = _unit_value(service, "ExecStart")
    match = re.fullmatch(r"/srv/natverk/\.venv/bin/python manage\.py (\w+)(?: .*)?", exec_start)
    assert match, f"{service.name}: ExecStart does not run a management command: {exec_start}"
    return match.group(1)


def _scheduled_in_docs() -> set[str]:
    operations = (REPO / "docs" / "operations.md").read_text(encoding="utf-8")
    section = re.search(r"^#+ Scheduled jobs\n(.*?)(?=^#+ |\Z)", operations, re.M | re.S)
    assert section, "docs/operations.md has no section Scheduled jobs"
    return set(re.findall(r"^\| `manage\.py (\w+)`", section.group(1), re.M))


def test_every_scheduled_command_has_a_timer_and_every_timer_a_command():
    scheduled = _scheduled_in_docs()
    assert {"send_outbox", "send_weekly_digest", "backup"} <= scheduled
    commands = get_commands()
    timed = {}
    for timer in UNITS.glob("*.timer"):
        service = UNITS / _unit_value(timer, "Unit")
        assert service.exists(), f"{timer.name} starts {service.name}, which is not in deploy/systemd"
        assert service.stem == timer.stem
        timed[_manage_command(service)] = timer.name

    assert scheduled - timed.keys() == set(), "scheduled in docs/operations.md without a timer"
    assert timed.keys() - scheduled == set(), "a timer the table in docs/operations.md does not list"
    assert {name for name in timed if name not in commands} == set(), "a timer runs a command that does not exist"
    # The one-shot migration runs a command that exists too.
    assert _manage_command(UNITS / "natverk-migrate.service") in commands


def test_units_share_one_layout_with_the_env_example():
    env = _env_example()
    writable = {env["MEDIA_ROOT"], env["PRIVATE_MEDIA_ROOT"]}
    for unit in _services() + [FAILURE_TEMPLATE]:
        assert _unit_value(unit, "User") == "natverk"
        assert _unit_value(unit, "WorkingDirectory") == "/srv/natverk"
        assert _unit_value(unit, "EnvironmentFile") == "/etc/natverk/env"
        assert _unit_value(unit, "ProtectSystem") == "strict"
        assert _unit_value(unit, "NoNewPrivileges") == "yes"
    app = UNITS / "natverk.service"
    assert set(_unit_value(app, "ReadWritePaths").split()) == writable
    assert _unit_value(app, "ExecReload") == "/bin/kill -HUP $MAINPID"
    assert _unit_value(UNITS / "natverk-backup.service", "ReadWritePaths") == "/var/backups/natverk"


def test_every_service_reports_its_failure_and_waits_for_local_databases():
    """OnFailure= on the app server and every job (a timer's job that fails, e.g. send_outbox
    after a mail it gave up on, is reported); ordered after a PostgreSQL and Redis that may run
    on the same host, without pulling them in (they may run elsewhere)."""
    assert _services(), "no services found"
    for unit in _services():
        assert _unit_value(unit, "OnFailure") == "natverk-failure@%n.service", unit.name
        after = _unit_value(unit, "After").split()
        assert {"postgresql.service", "redis-server.service"} <= set(after), unit.name
        text = unit.read_text(encoding="utf-8")
        assert not re.search(r"^(?:Wants|Requires|BindsTo)=.*(?:postgresql|redis)", text, re.M), unit.name
    assert not re.search(r"^OnFailure=", FAILURE_TEMPLATE.read_text(encoding="utf-8"), re.M)  # Never itself.
    assert _unit_value(FAILURE_TEMPLATE, "ExecStart") == f"/srv/natverk/deploy/{FAILURE_SCRIPT.name} %i"
    assert os.access(FAILURE_SCRIPT, os.X_OK)


def test_failure_script_logs_a_crit_line_and_runs_the_operators_hook(tmp_path):
    hook, told = tmp_path / "on-failure", tmp_path / "told"
    unit = "natverk-send-outbox.service"

    def report(**env: str) -> subprocess.CompletedProcess:
        return subprocess.run(  # noqa: S603
            [str(FAILURE_SCRIPT), unit],
            env={**os.environ, "NATVERK_ON_FAILURE_HOOK": str(hook), **env},
            capture_output=True,
            text=True,
            timeout=30,
        )

    # No hook: the line in the journal, and a note that nobody else is told.
    done = report()
    assert done.returncode == 0, done.stderr
    first, second = done.stdout.splitlines()
    assert first.startswith(f"<2>natverk: {unit} failed on ") and f"journalctl -u {unit}" in first
    assert second.startswith("<5>")
    # A hook that is not executable is not run.
    hook.write_text(f'#!/bin/sh\necho "$@" > {told}\n')
    assert report().returncode == 0 and not told.exists()
    # An executable hook gets the unit's name; its failure is the unit's failure.
    hook.chmod(0o755)
    done = report()
    assert done.returncode == 0 and told.read_text() == f"{unit}\n"
    assert done.stdout.splitlines()[0].startswith("<2>")
    hook.write_text("#!/bin/sh\nexit 3\n")
    assert report().returncode == 3


def test_app_server_listens_through_the_socket_unit_and_keeps_its_files_apart():
    """natverk.socket holds the port nginx sends to (so a restart drops nothing), and the
    server's pid and heartbeat files live in its own runtime directory."""
    socket_unit, app = UNITS / "natverk.socket", UNITS / "natverk.service"
    upstream = re.findall(r"^\s*server (\S+);", SITE.read_text(encoding="utf-8"), re.M)
    assert upstream == [_unit_value(socket_unit, "ListenStream")]
    assert _unit_value(app, "Requires") == "natverk.socket"
    assert "natverk.socket" in _unit_value(app, "After").split()
    assert _unit_value(app, "RuntimeDirectory") == "natverk"
    exec_start = _unit_value(app, "ExecStart")
    assert "--pid /run/natverk/gunicorn.pid --worker-tmp-dir /run/natverk" in exec_start
    assert _unit_value(app, "Type") == "notify"
