"""The object store stopped, frozen and back: 503 pages within seconds, the rest of the site fast.

In this process: which store errors count as "unavailable", the guard of core/s3.py
(its slots and its breaker), and the 503 page a view gets. Against real servers: a moto
S3 server in a process of its own (so that the test can SIGSTOP it) and a real gunicorn
with threaded workers, as an operator found it (issue 20): uploads and downloads answer
the 503 page quickly, an anonymous page stays fast while downloads hang, and /healthz
says the store is down but answers 200.
"""

from __future__ import annotations

import contextlib
import json
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from botocore.exceptions import ClientError, ConnectTimeoutError, EndpointConnectionError, ReadTimeoutError
from django.core.files.uploadedfile import SimpleUploadedFile

from core import s3
from core.unavailable import STORE, StoreUnavailable, unavailable_dependency
from tests import test_s3
from tests.appservers import HOST, Browser, app_servers, form_fields, free_port, manage, server_env_with_database
from tests.test_s3 import PDF, REGION, SEED, Store, _login, s3_environment

# test_s3's fixtures: the session's moto server and a test's buckets, a hung endpoint, a
# draft application, and the guard reset before and after each test.
s3_endpoint = test_s3.s3_endpoint
store = test_s3.store
hung_endpoint = test_s3.hung_endpoint
pot = test_s3.pot
draft = test_s3.draft
_fresh_store_guard = test_s3._fresh_store_guard

UNAVAILABLE_TEXT = "Tyvärr, det går inte just nu"
# The bound: no request over 5 s, whatever the store does.
MAX_SECONDS = 5.0


# ---- Which errors mean "the store is unavailable" ----


def _client_error(status: int, code: str) -> ClientError:
    return ClientError({"Error": {"Code": code}, "ResponseMetadata": {"HTTPStatusCode": status}}, "GetObject")


@pytest.mark.parametrize(
    "error",
    [
        EndpointConnectionError(endpoint_url="http://127.0.0.1:1"),
        ConnectTimeoutError(endpoint_url="http://127.0.0.1:1"),
        ReadTimeoutError(endpoint_url="http://127.0.0.1:1"),
        _client_error(503, "SlowDown"),
        _client_error(500, "InternalError"),
        StoreUnavailable("slots taken"),
    ],
)
def test_store_errors_that_mean_unavailable(error) -> None:
    assert unavailable_dependency(error) == STORE


@pytest.mark.parametrize("error", [_client_error(403, "AccessDenied"), _client_error(404, "NoSuchKey"), ValueError()])
def test_store_errors_that_are_ours_stay_errors(error) -> None:
    assert unavailable_dependency(error) is None


# ---- The guard: slots and breaker ----


def _hung_storage(endpoint: str) -> s3.PublicMediaStorage:
    return s3.PublicMediaStorage(
        bucket_name="natverk-media",
        endpoint_url=endpoint,
        region_name=REGION,
        access_key="moto-test",
        secret_key="moto-test-secret",
        location="media",
    )


def test_a_timeout_marks_the_store_down_and_later_calls_fail_at_once(settings, hung_endpoint, caplog) -> None:
    settings.S3_READ_TIMEOUT = 0.5
    settings.S3_BREAKER_SECONDS = 2
    storage = _hung_storage(hung_endpoint)
    storage.connection.meta.client  # noqa: B018 - made once per thread; not what is timed.
    started = time.monotonic()
    with caplog.at_level("WARNING", logger="core.s3"), pytest.raises(StoreUnavailable):
        storage.exists("logos/a.png")
    # One timeout; botocore's second try (after its backoff of at most 1 s) was refused at
    # once instead of waiting out a second timeout.
    assert time.monotonic() - started < 0.5 + 1 + 0.3
    assert s3.guard.down_for() > 0
    started = time.monotonic()
    for _ in range(5):
        with pytest.raises(StoreUnavailable):
            storage.exists("logos/a.png")
    assert time.monotonic() - started < 0.2
    warnings = [r for r in caplog.records if r.name == "core.s3"]
    assert len(warnings) == 1 and warnings[0].exc_info is None  # One line per outage.


def test_calls_beyond_the_slots_fail_fast_instead_of_queueing(settings, hung_endpoint) -> None:
    settings.S3_READ_TIMEOUT = 1.5
    settings.S3_MAX_ATTEMPTS = 1
    settings.S3_MAX_CONCURRENT_CALLS = 2
    settings.S3_QUEUE_TIMEOUT = 0.2
    storage = _hung_storage(hung_endpoint)

    ready = threading.Barrier(6)

    def call() -> tuple[str, float]:
        # Each thread makes its own boto3 client first (once per thread, as in gunicorn;
        # slow), then all call at once.
        storage.connection.meta.client  # noqa: B018
        ready.wait(timeout=30)
        started = time.monotonic()
        try:
            storage.exists("logos/a.png")
        except Exception as error:
            return type(error).__name__, time.monotonic() - started
        return "answered", time.monotonic() - started

    with ThreadPoolExecutor(6) as pool:
        results = list(pool.map(lambda _: call(), range(6)))
    waited = [elapsed for name, elapsed in results if name == "ReadTimeoutError"]
    refused = [elapsed for name, elapsed in results if name == "StoreUnavailable"]
    # Two calls held the two slots until their timeout; the other four gave up within the
    # queue timeout, long before the store's timeout.
    assert len(waited) == 2, results
    assert len(refused) == 4, results
    assert all(elapsed < 1.0 for elapsed in refused), results


def test_the_health_check_does_not_mark_the_store_down(settings, hung_endpoint) -> None:
    storage = _hung_storage(hung_endpoint)
    s3.store_health._client(storage)  # Made once per process; not what is timed.
    started = time.monotonic()
    state = s3.store_health.check([storage])
    assert time.monotonic() - started < s3.HEALTH_CONNECT_TIMEOUT + s3.HEALTH_READ_TIMEOUT + 0.5
    # /healthz is public: the kind of error, never its message (the store's host and port).
    assert state["status"] == "down" and state["error"] == "ReadTimeoutError"
    assert hung_endpoint.split("//")[-1] not in json.dumps(state)
    assert s3.guard.down_for() == 0
    # Asked again at once: the last answer, not another wait.
    started = time.monotonic()
    assert s3.store_health.check([storage])["status"] == "down"
    assert time.monotonic() - started < 0.1


# ---- The 503 page, in this process ----


def test_a_download_while_the_store_is_marked_down_answers_the_503_page(client, store, draft, rep_a, caplog) -> None:
    from grants.services import attachment_add

    attachment = attachment_add(application=draft, upload=SimpleUploadedFile("offert.pdf", PDF), user=rep_a)
    client.force_login(rep_a)
    assert client.get(attachment.get_absolute_url()).status_code == 200

    s3.guard.mark_down(ReadTimeoutError(endpoint_url=store.endpoint))
    with caplog.at_level("WARNING"):
        response = client.get(attachment.get_absolute_url())
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert UNAVAILABLE_TEXT in response.content.decode()
    # One warning line for the 503, no traceback.
    records = [r for r in caplog.records if r.name == "core.unavailable"]
    assert len(records) == 1 and records[0].exc_info is None
    assert "store" in records[0].getMessage()

    # An upload: refused with the page, and nothing half-saved.
    step = f"/bidrag/ansokningar/{draft.pk}/steg/4/"
    page = client.get(step).content.decode()
    data = dict(form_fields(page, multipart=True)) | {
        "action": "upload",
        "attachment": SimpleUploadedFile("budget.pdf", PDF),
    }
    response = client.post(step, data)
    assert response.status_code == 503
    assert "Det du skickade har troligen inte sparats" in response.content.decode()
    assert draft.attachments.count() == 1


# ---- A real moto server, stopped and frozen, behind a real gunicorn ----


class MotoProcess:
    """moto's S3 server in a process of its own: stopped with SIGKILL, frozen with SIGSTOP."""

    def __init__(self) -> None:
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    @property
    def endpoint(self) -> str:
        return f"http://{HOST}:{self.port}"

    def start(self) -> None:
        self.process = subprocess.Popen(  # noqa: S603 - a fixed program and arguments.
            [sys.executable, "-m", "moto.server", "-H", HOST, "-p", str(self.port)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError), socket.create_connection((HOST, self.port), timeout=0.2):
                return
            time.sleep(0.1)
        raise RuntimeError("moto_server did not start")

    def freeze(self) -> None:
        self.process.send_signal(signal.SIGSTOP)

    def thaw(self) -> None:
        self.process.send_signal(signal.SIGCONT)

    def stop(self) -> None:
        if self.process is not None:
            self.process.send_signal(signal.SIGCONT)
            self.process.kill()
            self.process.wait(timeout=10)
            self.process = None


@pytest.fixture
def moto():
    server = MotoProcess()
    server.start()
    yield server
    server.stop()


def _timed(browser: Browser, port: int, method: str, path: str, data=None, files=None):
    started = time.monotonic()
    status, headers, body = browser.request_bytes(port, method, path, data, files)
    elapsed = time.monotonic() - started
    assert elapsed < MAX_SECONDS, f"{method} {path} took {elapsed:.1f} s"
    assert status < 500 or status == 503, f"{method} {path} answered {status}"
    if status == 503:
        assert UNAVAILABLE_TEXT in body.decode(), body[:500]
        assert int(headers["Retry-After"]) > 0
    return status, headers, body, elapsed


def _health(port: int) -> dict:
    status, _headers, body, _elapsed = _timed(Browser(), port, "GET", "/healthz")
    assert status == 200  # The store never takes the server out of the load balancer.
    return json.loads(body)


def _until(condition, seconds: float, pause: float = 0.3):
    deadline = time.monotonic() + seconds
    while True:
        value = condition()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(pause)


@pytest.mark.slow
@pytest.mark.serial
@pytest.mark.django_db(transaction=True)
def test_a_stopped_or_frozen_store_answers_503_quickly_and_the_rest_stays_fast(moto, tmp_path) -> None:
    buckets = Store(moto.endpoint, "bucket")
    extra = {
        **s3_environment(buckets),
        "MEDIA_ROOT": str(tmp_path / "media"),
        "PRIVATE_MEDIA_ROOT": str(tmp_path / "private"),
        # Pages rendered each time (not from the page cache): the anonymous page below
        # really runs while the downloads hang.
        "ANON_CACHE_SECONDS": "0",
        # As app_servers() runs gunicorn (10 threads): the store gets half of them.
        "GUNICORN_THREADS": "10",
    }
    env = server_env_with_database(extra, tmp_path)
    seeded = json.loads(manage(env, "shell", "--no-imports", "-c", SEED).strip().splitlines()[-1])

    with app_servers(env, count=1) as (port,):
        owner = Browser()
        _login(owner, port, "agare@example.se")
        step = f"/bidrag/ansokningar/{seeded['application']}/steg/4/"
        attachments = f"/bidrag/ansokningar/{seeded['application']}/bilagor/"

        def upload(name: str):
            page = owner.get(port, step)[2]
            fields = [*form_fields(page, multipart=True), ("action", "upload")]
            return _timed(owner, port, "POST", step, fields, files={"attachment": (name, PDF)})

        def listed() -> list[str]:
            return sorted(set(re.findall(rf'href="{attachments}(\d+/)"', owner.get(port, step)[2])))

        # Healthy: an upload and its download work, the store is ok.
        assert upload("offert.pdf")[0] == 302
        (download,) = [attachments + path for path in listed()]
        assert _timed(owner, port, "GET", download)[2] == PDF
        assert _health(port)["checks"]["store"]["status"] == "ok"

        # ---- Frozen (SIGSTOP): connections are accepted, nothing is answered ----
        moto.freeze()
        try:
            with ThreadPoolExecutor(8) as pool:
                downloads = [pool.submit(_timed, owner, port, "GET", download) for _ in range(8)]
                time.sleep(0.5)  # All eight are in the server, waiting on the store.
                anonymous = [_timed(Browser(), port, "GET", path) for path in ("/", "/aktorer/", "/nyheter/") * 2]
                results = [future.result() for future in downloads]
            assert [status for status, *_ in results] == [503] * 8
            # A page that needs no file is served at once beside them.
            assert all(status == 200 for status, *_ in anonymous)
            slowest_anonymous = max(elapsed for *_, elapsed in anonymous)
            assert slowest_anonymous < 1.5, slowest_anonymous
            # An upload meanwhile: the 503 page, and no attachment saved.
            status, _headers, body, _elapsed = upload("budget.pdf")
            assert status == 503 and "Det du skickade har troligen inte sparats" in body.decode()
            health = _until(lambda: (h := _health(port))["checks"]["store"]["status"] == "down" and h, 10)
            assert health, "/healthz never reported the frozen store"
            assert health["status"] == "degraded" and health["checks"]["database"]["status"] == "ok"
        finally:
            moto.thaw()

        # Back: within the breaker's few seconds the files are served again.
        assert _until(lambda: _timed(owner, port, "GET", download)[0] == 200, 15), "no recovery after the freeze"
        assert listed() == [download[len(attachments) :]]  # The refused upload left no row.
        assert _until(lambda: _health(port)["checks"]["store"]["status"] == "ok", 10)

        # ---- Stopped: connections are refused ----
        moto.stop()
        for _ in range(3):
            status, _headers, _body, elapsed = _timed(owner, port, "GET", download)
            assert status == 503 and elapsed < 2
        assert upload("budget.pdf")[0] == 503
        assert _timed(Browser(), port, "GET", "/")[0] == 200
        health = _until(lambda: (h := _health(port))["checks"]["store"]["status"] == "down" and h, 10)
        assert health and health["status"] == "degraded"
