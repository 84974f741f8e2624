"""Playwright driving Debian's Chromium, with axe-core run on every page a test visits."""

from __future__ import annotations

import os
import shutil

import pytest

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
# Playwright's sync API runs an event loop in this thread; Django must allow ORM calls here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

AXE_RULES = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}


def pytest_collection_modifyitems(config, items) -> None:
    for item in items:
        if "tests/browser/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    if not (os.path.exists(CHROMIUM) or shutil.which("chromium")):
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"Chromium is missing at {CHROMIUM}; in CI a skipped browser test is a failure.")
        pytest.skip(f"Chromium is missing at {CHROMIUM} (make test installs it).")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


class AxePage:
    """A Playwright page that checks every page it lands on with axe-core."""

    def __init__(self, page, base_url: str) -> None:
        self.page = page
        self.base_url = base_url
        self.checked: list[str] = []
        self.outside_requests: list[str] = []

    def goto(self, path: str, *, status: int = 200):
        """Open `path`, insist on the HTTP status (after redirects), and run axe on the page."""
        response = self.page.goto(self.base_url + path)
        assert response is not None, f"no response for {path}"
        assert response.status == status, f"{path} answered {response.status}, expected {status}"
        self.check()
        return response

    def login(self, user) -> None:
        """Log the browser in as `user` without going through the login form."""
        from django.conf import settings
        from django.test import Client

        client = Client()
        client.force_login(user)
        cookie = client.cookies[settings.SESSION_COOKIE_NAME]
        self.page.context.add_cookies(
            [{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": self.base_url}]
        )

    def check(self) -> None:
        from axe_playwright_python.sync_playwright import Axe

        results = Axe().run(self.page, options=AXE_RULES)
        violations = results.response["violations"]
        self.checked.append(self.page.url)
        assert not violations, f"axe violations on {self.page.url}:\n{results.generate_report()}"


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(locale="sv-SE", viewport={"width": 1280, "height": 900})
    pw_page = context.new_page()
    axe_page = AxePage(pw_page, live_server.url)

    # No request may leave this machine: no CDN, fonts or analytics.
    def _note(request) -> None:
        if not request.url.startswith((live_server.url, "data:", "about:")):
            axe_page.outside_requests.append(request.url)

    pw_page.on("request", _note)
    yield axe_page
    context.close()
    assert not axe_page.outside_requests, f"requests to other hosts: {axe_page.outside_requests}"
