"""Real app servers for tests: gunicorn processes on free ports, and a small HTTP client.

Used by tests/test_multi_server.py (two servers sharing PostgreSQL and Redis) and
tests/test_s3.py (two servers sharing an object store). The servers run with production
settings (DEBUG off) plus the environment the test passes.
"""

from __future__ import annotations

import contextlib
import http.client
import mimetypes
import os
import secrets
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from html.parser import HTMLParser
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import quote, urlencode

import pytest
from django.db import connection

REPO = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def test_database_url() -> str:
    """The pytest test database (test_...), as DATABASE_URL for the servers (PostgreSQL only)."""
    s = connection.settings_dict
    auth = quote(s["USER"] or "", safe="")
    if s["PASSWORD"]:
        auth += ":" + quote(s["PASSWORD"], safe="")
    return f"postgres://{auth}@{s['HOST'] or HOST}:{s['PORT'] or 5432}/{quote(s['NAME'], safe='')}"


test_database_url.__test__ = False  # A helper, not a test.


def _multipart(fields: list[tuple[str, str]], files: dict[str, tuple[str, bytes]]) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts: list[bytes] = []
    for name, value in fields:
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
    for name, (filename, content) in files.items():
        kind = mimetypes.guess_type(filename)[0] or "application/octet-stream"
        head = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
            f"Content-Type: {kind}\r\n\r\n"
        )
        parts.append(head.encode() + content + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


class Browser:
    """Keeps its cookies for 127.0.0.1, whatever the port (as browsers do); follows no redirects.

    Sends `Host: 127.0.0.1` to both ports, as a load balancer in front of them would pass on
    the one public host name: the servers then see the same site (and the same cache keys).
    """

    def __init__(self) -> None:
        self.cookies: dict[str, str] = {}

    def request(self, port: int, method: str, path: str, data=None, files: dict[str, tuple[str, bytes]] | None = None):
        status, headers, content = self.request_bytes(port, method, path, data, files)
        return status, headers, content.decode()

    def request_bytes(self, port: int, method: str, path: str, data=None, files=None):
        headers = {"Host": HOST}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if files:
            fields = list(data.items()) if isinstance(data, dict) else list(data or [])
            body, headers["Content-Type"] = _multipart(fields, files)
        elif data is not None:
            body = urlencode(data, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        conn = http.client.HTTPConnection(HOST, port, timeout=30)
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            content = response.read()
            for header in response.headers.get_all("Set-Cookie") or []:
                for name, morsel in SimpleCookie(header).items():
                    if morsel.value:
                        self.cookies[name] = morsel.value
                    else:
                        self.cookies.pop(name, None)
            return response.status, response.headers, content
        finally:
            conn.close()

    def get(self, port: int, path: str):
        return self.request(port, "GET", path)


class FormFields(HTMLParser):
    """The fields a browser would submit from one form.

    The form with the given id (None: a form without one), or with `multipart` the form
    that uploads files (enctype multipart/form-data).
    """

    def __init__(self, form_id: str | None, multipart: bool = False) -> None:
        super().__init__()
        self.form_id = form_id
        self.multipart = multipart
        self.inside = False
        self.fields: list[tuple[str, str]] = []
        self._select: str | None = None
        self._textarea: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            if self.multipart:
                self.inside = a.get("enctype") == "multipart/form-data"
            else:
                self.inside = a.get("id") == self.form_id
        if not self.inside:
            return
        if tag == "input" and a.get("name"):
            kind = a.get("type", "text")
            if kind in ("submit", "button", "file", "image", "reset"):
                return
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            self.fields.append((a["name"], a.get("value", "on" if kind == "checkbox" else "")))
        elif tag == "select":
            self._select = a.get("name")
        elif tag == "option" and self._select and "selected" in a:
            self.fields.append((self._select, a.get("value", "")))
        elif tag == "textarea":
            self._textarea, self._text = a.get("name"), []

    def handle_data(self, data):
        if self._textarea:
            self._text.append(data)

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "select":
            self._select = None
        elif tag == "textarea" and self._textarea:
            text = "".join(self._text)
            self.fields.append((self._textarea, text[1:] if text.startswith("\n") else text))
            self._textarea = None


def form_fields(html: str, form_id: str | None = None, *, multipart: bool = False) -> list[tuple[str, str]]:
    parser = FormFields(form_id, multipart=multipart)
    parser.feed(html)
    return parser.fields


def server_env(extra: dict[str, str], tmp_path: Path) -> dict[str, str]:
    """The environment of the servers (and of any manage.py command run for them)."""
    return {
        **os.environ,
        # Production settings, not the test process's own (natverk/settings_test.py).
        "DJANGO_SETTINGS_MODULE": "natverk.settings",
        "SECRET_KEY": secrets.token_urlsafe(50),  # The same on all: a session made by one is valid on the others.
        "DEBUG": "false",
        "ALLOWED_HOSTS": HOST,
        "SECURE_SSL_REDIRECT": "false",
        "SESSION_COOKIE_SECURE": "false",
        # Staff would otherwise have to set up TOTP before the admin (tests/members cover that).
        "REQUIRE_STAFF_MFA": "false",
        "STATIC_ROOT": str(tmp_path / "static"),
        "LOG_LEVEL": "WARNING",
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        **extra,
    }


def server_env_with_database(extra: dict[str, str], tmp_path: Path) -> dict[str, str]:
    """server_env with a database the subprocesses share with the test.

    On PostgreSQL the test's own database (the test commits for real: transaction=True); on
    SQLite a file of its own, migrated here, as the test's in-memory database is invisible
    to other processes.
    """
    if connection.vendor == "postgresql":
        env = server_env({**extra, "DATABASE_URL": test_database_url()}, tmp_path)
    else:
        env = server_env({**extra, "DATABASE_URL": f"sqlite:///{tmp_path / 'servers.sqlite3'}"}, tmp_path)
        manage(env, "migrate", "--noinput", "-v0")
    return env


def manage(env: dict[str, str], *args: str) -> str:
    """Run manage.py with the servers' environment; its standard output."""
    done = subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", *args], cwd=REPO, env=env, check=True, capture_output=True, text=True
    )
    return done.stdout


@contextlib.contextmanager
def app_servers(env: dict[str, str], count: int = 2) -> Iterator[list[int]]:
    """`count` gunicorn instances with the environment from server_env(); yields their ports.

    One worker process each with ten threads, so that ten requests to one server are in
    flight at the same time (the database pool of a process holds ten connections).
    """
    subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=REPO, env=env, check=True
    )
    ports = [free_port() for _ in range(count)]
    processes = [
        subprocess.Popen(  # noqa: S603
            [
                sys.executable,
                "-m",
                "gunicorn",
                "natverk.wsgi:application",
                "--workers",
                "1",
                "--threads",
                "10",
                "--bind",
                f"{HOST}:{port}",
            ],
            cwd=REPO,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        for port in ports
    ]
    try:
        for port, process in zip(ports, processes, strict=True):
            deadline = time.monotonic() + 30
            while True:
                if process.poll() is not None:
                    pytest.fail(f"gunicorn on {port} stopped:\n{process.stderr.read().decode()}")
                try:
                    if Browser().get(port, "/healthz")[0] == 200:
                        break
                except OSError:
                    pass
                if time.monotonic() > deadline:
                    pytest.fail(f"gunicorn on {port} did not answer within 30 s")
                time.sleep(0.2)
        yield ports
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
            process.stderr.close()
