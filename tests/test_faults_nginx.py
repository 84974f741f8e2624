"""nginx when an app server fails (deploy/nginx/natverk.conf; docs/operations-reload.md).

The shipped site runs as in tests/test_deploy.py (whose NginxSite and echo server stand in
for the real thing): with no app server answering it shows its own static page in Swedish
and English with Retry-After; the app's own error pages pass through untouched; and with two
app servers a request whose worker dies is tried on the other one, except a POST, which the
dead worker may have saved already. Skipped where nginx is missing, except in CI.
"""

from __future__ import annotations

import http.server
import json
import re
import socketserver
import threading

from tests.appservers import free_port
from tests.test_deploy import DEPLOY, NginxSite, _Echo, _get, _running

ERROR_PAGE = DEPLOY / "nginx" / "errors" / "50x.html"


def _request(port: int, method: str, path: str, test_id: str = ""):
    return _get(port, path, {"X-Test-Id": test_id} if test_id else None, method=method)


def test_nginx_error_page_is_self_contained_and_in_both_languages():
    page = ERROR_PAGE.read_text(encoding="utf-8")

    assert page.startswith('<!DOCTYPE html>\n<html lang="sv">')
    assert page.count("<h1>") == 1 and "<h1>Tjänsten är tillfälligt otillgänglig</h1>" in page
    assert '<section lang="en">\n<h2>The service is temporarily unavailable</h2>' in page
    # Nothing is fetched from anywhere: no style sheet, script, image, font or frame.
    assert re.findall(r"(?:src|href)\s*=|url\(|@import|<(?:link|script|img|iframe)\b", page) == []
    assert '<meta name="viewport"' in page and "<title>" in page


def test_nginx_shows_its_own_page_when_no_app_server_answers(tmp_path):
    http_port, https_port = free_port(), free_port()
    site = NginxSite(tmp_path, http_port=http_port, https_port=https_port, app_port=free_port())  # Nobody there.
    with _running(site, https_port):
        for method, path in (("GET", "/"), ("POST", "/konto/login/"), ("GET", "/healthz")):
            status, headers, body = _request(https_port, method, path)
            assert status == 502, (method, path)
            assert body == ERROR_PAGE.read_bytes()
            assert headers["Content-Type"] == "text/html; charset=utf-8"
            assert headers["Retry-After"] == "30"
            assert headers["Cache-Control"] == "no-store"
            assert "default-src 'none'" in headers["Content-Security-Policy"]
        # The page's own address is not a page of the site.
        assert _request(https_port, "GET", "/_natverk/50x.html")[0] == 404


def test_nginx_passes_the_apps_own_error_pages_through(tmp_path):
    app_port, http_port, https_port = free_port(), free_port(), free_port()
    site = NginxSite(tmp_path, http_port=http_port, https_port=https_port, app_port=app_port)
    app = http.server.ThreadingHTTPServer(("127.0.0.1", app_port), _Echo)
    threading.Thread(target=app.serve_forever, daemon=True).start()
    try:
        with _running(site, https_port):
            status, headers, body = _request(https_port, "GET", "/app-503")
    finally:
        app.shutdown()
        app.server_close()

    assert status == 503
    assert json.loads(body)["path"] == "/app-503"  # The app's answer, not nginx's page.
    assert "Retry-After" not in headers


class _Dies(socketserver.BaseRequestHandler):
    """An app server whose worker dies with the request: reads it, then closes without an answer."""

    seen: list[str] = []

    def handle(self) -> None:
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = self.request.recv(65536)
            if not chunk:
                return
            data += chunk
        found = re.search(rb"^X-Test-Id: (\S+)", data, re.M | re.I)
        _Dies.seen.append(found.group(1).decode() if found else "")


def test_nginx_tries_a_get_on_the_next_app_server_but_never_a_post(tmp_path):
    """With two app servers a worker killed mid-request costs no GET; a POST the dead worker
    had received is not sent again (it may have been saved), nginx answers with its page."""
    dying_port, echo_port, http_port, https_port = free_port(), free_port(), free_port(), free_port()
    site = NginxSite(tmp_path, http_port=http_port, https_port=https_port, app_port=[dying_port, echo_port])
    dying = socketserver.ThreadingTCPServer(("127.0.0.1", dying_port), _Dies)
    echo = http.server.ThreadingHTTPServer(("127.0.0.1", echo_port), _Echo)
    _Dies.seen, _Echo.seen = [], []
    for server in (dying, echo):
        threading.Thread(target=server.serve_forever, daemon=True).start()
    answers = {}
    try:
        with _running(site, https_port):
            # The servers take turns, and a GET's retry is a turn too: mixed orders make sure
            # both a GET and a POST meet the dying server.
            for n, method in enumerate(["GET", "POST", "POST"] * 4):
                test_id = f"{method}-{n}"
                answers[test_id] = _request(https_port, method, "/natverk/", test_id)
    finally:
        for server in (dying, echo):
            server.shutdown()
            server.server_close()

    died = set(_Dies.seen)
    assert any(i.startswith("GET") for i in died) and any(i.startswith("POST") for i in died)
    for test_id, (status, _headers, body) in answers.items():
        if test_id.startswith("GET"):
            assert status == 200 and json.loads(body)["path"] == "/natverk/", test_id
            assert _Echo.seen.count(test_id) == 1
        elif test_id in died:
            assert (status, body) == (502, ERROR_PAGE.read_bytes()), test_id
            assert test_id not in _Echo.seen  # Never sent again.
        else:
            assert status == 200 and _Echo.seen.count(test_id) == 1, test_id
