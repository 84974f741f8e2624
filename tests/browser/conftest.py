"""Playwright driving Debian's Chromium, with axe-core run on every page a test visits."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest

from tests import vnu

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
# Playwright's sync API runs an event loop in this thread; Django must allow ORM calls here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

AXE_RULES = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]}}


def pytest_collection_modifyitems(config, items) -> None:
    for item in items:
        if "tests/browser/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    if os.environ.get("PYTEST_XDIST_WORKER"):
        # A worker's validator would see only its own pages, and its verdict would not reach the run.
        pytest.fail("Browser tests run in one process, not under pytest-xdist (make test runs them after the others).")
    if not (os.path.exists(CHROMIUM) or shutil.which("chromium")):
        if _in_ci():
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


def _in_ci() -> bool:
    return os.environ.get("CI", "").lower() == "true"


@pytest.fixture(scope="session")
def html_pages_dir(request, tmp_path_factory) -> Path:
    """Where the HTML of every visited page is saved for the validator (see pytest_sessionfinish)."""
    folder = tmp_path_factory.mktemp("visited-pages")
    request.config.stash[PAGES_DIR] = folder
    return folder


PAGES_DIR = pytest.StashKey[Path]()


def pytest_sessionfinish(session, exitstatus) -> None:
    """After the browser tests: the W3C validator over every page they visited; an error fails the run."""
    folder = session.config.stash.get(PAGES_DIR, None)
    if folder is None or not any(folder.glob("*.html")):
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    write = reporter.write_line if reporter else print
    if vnu.vnu_command() is None:
        write(("FAILED: " if _in_ci() else "SKIPPED: ") + vnu.missing_message())
        if _in_ci():
            session.exitstatus = pytest.ExitCode.TESTS_FAILED
        return
    problems = vnu.page_errors(folder)
    count = len(list(folder.glob("*.html")))
    if problems:
        write(f"HTML validator (vnu): {len(problems)} errors in the {count} pages the browser tests visited:")
        for problem in problems:
            write("  " + problem)
        write(f"The pages are in {folder}.")
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
    else:
        write(f"HTML validator (vnu): no errors in the {count} pages the browser tests visited.")


class AxePage:
    """A Playwright page that checks every page it lands on with axe-core and saves its HTML for vnu."""

    def __init__(self, page, base_url: str, pages_dir: Path | None = None) -> None:
        self.page = page
        self.base_url = base_url
        self.checked: list[str] = []
        self.outside_requests: list[str] = []
        self.pages_dir = pages_dir
        # Documents the browser loaded since the last check: the HTML the server sent, not
        # the DOM after scripts ran, is what the validator must see.
        self._documents: list = []
        page.on("response", self._note_document)

    def _note_document(self, response) -> None:
        if response.request.is_navigation_request() and response.frame == self.page.main_frame:
            self._documents.append(response)

    def _save_documents(self) -> None:
        from playwright.sync_api import Error as PlaywrightError

        documents, self._documents = self._documents, []
        if self.pages_dir is None:
            return
        for response in documents:
            if 300 <= response.status < 400 or "text/html" not in response.headers.get("content-type", ""):
                continue
            try:
                body = response.body()
            except PlaywrightError:
                # The browser drops a document's body once the next one loaded: only then.
                continue
            path = response.url.removeprefix(self.base_url) or "/"
            name = re.sub(r"[^A-Za-z0-9]+", "-", path).strip("-") or "home"
            number = len(list(self.pages_dir.glob("*.html")))
            (self.pages_dir / f"{number:04d}-{name[:80]}.html").write_bytes(body)

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

        # After a click the next page may still be loading; judge the whole page.
        self.page.wait_for_load_state("load")
        self._save_documents()
        results = Axe().run(self.page, options=AXE_RULES)
        violations = results.response["violations"]
        self.checked.append(self.page.url)
        assert not violations, f"axe violations on {self.page.url}:\n{results.generate_report()}"


@pytest.fixture
def page(browser, live_server, html_pages_dir):
    context = browser.new_context(locale="sv-SE", viewport={"width": 1280, "height": 900})
    pw_page = context.new_page()
    axe_page = AxePage(pw_page, live_server.url, html_pages_dir)

    # No request may leave this machine: no CDN, fonts or analytics.
    def _note(request) -> None:
        if not request.url.startswith((live_server.url, "data:", "about:")):
            axe_page.outside_requests.append(request.url)

    pw_page.on("request", _note)
    yield axe_page
    context.close()
    assert not axe_page.outside_requests, f"requests to other hosts: {axe_page.outside_requests}"


@pytest.fixture
def pot(db):
    """An open pot of 50 000 kr for the applicant's browser journeys."""
    import datetime

    from django.utils import timezone

    from grants.models import Funding, Pot

    today = timezone.localdate()
    pot = Pot.objects.create(
        year=today.year,
        name=f"Aktivitetspotten {today.year}",
        opens_on=today - datetime.timedelta(days=10),
        closes_on=today + datetime.timedelta(days=90),
        max_amount_per_application=20_000,
    )
    Funding.objects.create(pot=pot, funder="Gävle kommun", amount=50_000)
    return pot
