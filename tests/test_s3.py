"""Media on S3-compatible object storage (README, "Object storage"), against a local moto server.

moto (from requirements-dev.txt) runs in server mode on a spare port for the session: a
real HTTP S3 endpoint, no network. Each test gets buckets of its own: the public one with
a bucket policy that lets anyone read objects under media/ only, as the README tells an
operator to set it up, and (in the "bucket" mode) a private bucket with no policy at all.
In the "prefix" mode the private files lie under private/ of the public bucket.

In this process the settings are switched to the store the way natverk/settings.py does
it (core.s3.s3_storages()); the two-server test at the end starts gunicorn with the S3_*
environment variables instead and goes through the whole site.
"""

from __future__ import annotations

import datetime
import io
import json
import re
import socket
import threading
import time
import urllib.error
import urllib.request
import uuid

import boto3
import pytest
from botocore.exceptions import ConnectTimeoutError, ReadTimeoutError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from moto.server import ThreadedMotoServer

from core.s3 import s3_storages
from core.storage import private_storage
from core.unavailable import StoreUnavailable
from grants.models import Application, Attachment, FollowUpPhoto, FollowUpReport
from grants.services import applications_user_delete, attachment_add, attachment_remove
from members.images import pending_logo_forget, pending_logo_keep
from members.models import Actor
from tests.appservers import HOST, Browser, app_servers, form_fields, free_port, manage, server_env_with_database
from tests.conftest import PASSWORD
from tests.grants.conftest import make_application
from tests.images import png_small
from tests.voices.conftest import MP4, VTT, WEBM, make_voice, vtt, webm
from voices.services import withdraw_consent

KEYS = {"aws_access_key_id": "moto-test", "aws_secret_access_key": "moto-test-secret"}
REGION = "us-east-1"
PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"


@pytest.fixture(scope="session")
def s3_endpoint():
    """A moto S3 server on a spare port for the whole session."""
    port = free_port()
    server = ThreadedMotoServer(ip_address=HOST, port=port, verbose=False)
    server.start()
    try:
        yield f"http://{HOST}:{port}"
    finally:
        server.stop()


def _client(endpoint: str):
    return boto3.client("s3", endpoint_url=endpoint, region_name=REGION, **KEYS)


class Store:
    """The buckets of one test, and what anyone could fetch from them without keys."""

    def __init__(self, endpoint: str, mode: str) -> None:
        self.endpoint = endpoint
        self.client = _client(endpoint)
        suffix = uuid.uuid4().hex[:12]
        self.bucket = f"natverk-media-{suffix}"
        self.private_bucket = f"natverk-private-{suffix}" if mode == "bucket" else ""
        self.client.create_bucket(Bucket=self.bucket)
        policy = {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": "*",
                    "Action": "s3:GetObject",
                    "Resource": f"arn:aws:s3:::{self.bucket}/media/*",
                }
            ],
        }
        self.client.put_bucket_policy(Bucket=self.bucket, Policy=json.dumps(policy))
        if self.private_bucket:
            self.client.create_bucket(Bucket=self.private_bucket)

    @property
    def private_location(self) -> tuple[str, str]:
        return (self.private_bucket or self.bucket, "private/")

    def keys(self, bucket: str, prefix: str = "") -> set[str]:
        pages = self.client.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix)
        return {item["Key"] for page in pages for item in page.get("Contents", [])}

    def media_keys(self) -> set[str]:
        return self.keys(self.bucket, "media/")

    def private_keys(self) -> set[str]:
        return self.keys(*self.private_location)

    def content_type(self, bucket: str, key: str) -> str:
        return self.client.head_object(Bucket=bucket, Key=key)["ContentType"]

    def private_key(self, name: str) -> str:
        return f"private/{name}"

    def private_url(self, name: str) -> str:
        return f"{self.endpoint}/{self.private_location[0]}/private/{name}"


def anonymous_get(url: str) -> tuple[int, str, bytes]:
    """Fetch a URL as a stranger's browser would: no keys, no signature."""
    try:
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - a local moto server
            return response.status, response.headers["Content-Type"], response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("Content-Type", ""), error.read()


def s3_environment(store: Store) -> dict[str, str]:
    """The S3_* variables an operator would set for this store."""
    env = {
        "S3_BUCKET": store.bucket,
        "S3_ENDPOINT_URL": store.endpoint,
        "S3_REGION": REGION,
        "S3_ACCESS_KEY_ID": KEYS["aws_access_key_id"],
        "S3_SECRET_ACCESS_KEY": KEYS["aws_secret_access_key"],
    }
    if store.private_bucket:
        env["S3_PRIVATE_BUCKET"] = store.private_bucket
    return env


@pytest.fixture(params=["bucket", "prefix"])
def store(request, s3_endpoint, settings, tmp_path) -> Store:
    """Media on the object store for this test: private files in their own bucket or prefix."""
    store = Store(s3_endpoint, request.param)
    storages, media_url, _origin = s3_storages(
        bucket=store.bucket,
        private_bucket=store.private_bucket,
        endpoint_url=store.endpoint,
        region=REGION,
        access_key=KEYS["aws_access_key_id"],
        secret_key=KEYS["aws_secret_access_key"],
        addressing_style="path",
    )
    settings.S3_ADDRESSING_STYLE = "path"
    settings.STORAGES = {**settings.STORAGES, **storages}
    settings.MEDIA_URL = media_url
    # Nothing may land on local disk while the store is on: these folders must stay empty.
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    yield store
    assert not (tmp_path / "media").exists() and not (tmp_path / "private").exists()


pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_store_guard():
    """Each test starts with the store not marked down (core/s3.py keeps that per process)."""
    from core.s3 import guard, store_health

    guard.reset()
    store_health.reset()
    yield
    guard.reset()
    store_health.reset()


def test_the_stores_are_the_object_store(store) -> None:
    from core.s3 import PrivateMediaStorage, PublicMediaStorage

    assert isinstance(default_storage, PublicMediaStorage)
    assert isinstance(Actor._meta.get_field("logo").storage, PublicMediaStorage)
    for storage in (
        private_storage,
        Attachment._meta.get_field("file").storage,
        FollowUpPhoto._meta.get_field("image").storage,
    ):
        assert isinstance(storage, PrivateMediaStorage)
    assert default_storage.url("logos/a.png") == f"{store.endpoint}/{store.bucket}/media/logos/a.png"
    with pytest.raises(ValueError, match="access-checked views"):
        private_storage.url("grants/attachments/a.pdf")


# ---- Public media: logos and voices ----


def test_a_logo_is_public_in_the_store_with_its_content_type(client, resident, store) -> None:
    from tests.members.conftest import actor_data, upload

    client.force_login(resident)
    response = client.post("/mina-sidor/aktorer/ny/", actor_data(logo=upload("logga.png", png_small())))
    assert response.status_code == 302
    actor = Actor.objects.get(name="Brynäs Boulesällskap")
    key = f"media/{actor.logo.name}"
    assert store.media_keys() == {key}
    expected_type = "image/png" if key.endswith(".png") else "image/jpeg"
    assert store.content_type(store.bucket, key) == expected_type
    # Anyone reads it straight from the store, at the address the pages use.
    url = actor.logo.url
    assert url == f"{store.endpoint}/{store.bucket}/{key}"
    status, content_type, body = anonymous_get(url)
    assert (status, content_type) == (200, expected_type)
    assert body == store.client.get_object(Bucket=store.bucket, Key=key)["Body"].read()
    # A browser's claim about the type is never stored: the name's extension decides.
    assert default_storage.save("logos/x.png", SimpleUploadedFile("x.png", b"...", content_type="text/html"))
    assert store.content_type(store.bucket, "media/logos/x.png") == "image/png"


def test_a_voice_video_and_captions_have_their_content_types(client, networks, store) -> None:
    voice = make_voice(networks["andersberg"], video=webm(), captions=vtt(), transcript="Det som sägs.")
    mp4 = make_voice(networks["andersberg"], video=SimpleUploadedFile("x.mp4", MP4), captions=vtt(), person_name="Bo")
    types = {
        voice.video.name: "video/webm",
        voice.captions.name: "text/vtt; charset=utf-8",
        mp4.video.name: "video/mp4",
    }
    for name, content_type in types.items():
        assert store.content_type(store.bucket, f"media/{name}") == content_type
    status, content_type, body = anonymous_get(voice.video.url)
    assert (status, content_type, body) == (200, "video/webm", WEBM)
    # The page plays the video from the store and takes the captions from the site.
    html = client.get("/natverk/andersberg/").content.decode()
    assert f'<source src="{voice.video.url}" type="video/webm">' in html
    assert f'src="/roster/{voice.pk}/undertexter.vtt"' in html
    captions = client.get(f"/roster/{voice.pk}/undertexter.vtt")
    assert captions["Content-Type"] == "text/vtt; charset=utf-8"
    assert b"".join(captions.streaming_content) == VTT


# ---- Private files: grant attachments, report photos, kept logos ----


@pytest.fixture
def draft(pot, actor_a, rep_a) -> Application:
    return make_application(pot=pot, lead=actor_a)


@pytest.fixture
def pot(db):
    from grants.models import Funding, Pot

    today = timezone.localdate()
    pot = Pot.objects.create(
        year=today.year,
        name="Potten",
        opens_on=today - datetime.timedelta(days=30),
        closes_on=today + datetime.timedelta(days=60),
        max_amount_per_application=20_000,
    )
    Funding.objects.create(pot=pot, funder="Gävle kommun", amount=60_000)
    return pot


def _attach(app: Application, user) -> Attachment:
    return attachment_add(application=app, upload=SimpleUploadedFile("offert.pdf", PDF), user=user)


def test_a_private_attachment_is_given_to_its_owner_only(client, store, draft, rep_a, rep_b, resident) -> None:
    attachment = _attach(draft, rep_a)
    key = store.private_key(attachment.file.name)
    assert store.private_keys() == {key}
    assert store.media_keys() == set()
    assert store.content_type(store.private_location[0], key) == "application/pdf"
    # Not from the store without keys, whether in a bucket or under a prefix of its own.
    status, _type, body = anonymous_get(store.private_url(attachment.file.name))
    assert status == 403
    assert PDF not in body

    url = attachment.get_absolute_url()
    assert client.get(url).status_code == 302  # To the login page.
    for outsider in (rep_b, resident):
        client.force_login(outsider)
        assert client.get(url).status_code == 404
    client.force_login(rep_a)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="offert.pdf"'
    assert response["Cache-Control"] == "private, no-store"
    assert b"".join(response.streaming_content) == PDF


def test_a_kept_logo_is_private_and_goes(store, resident) -> None:
    kept = pending_logo_keep(
        logo=SimpleUploadedFile("logga.png", png_small()), shown_name="logga.png", user_id=resident.pk
    )
    (key,) = store.private_keys()
    assert key.startswith("private/pending-logos/")
    assert anonymous_get(f"{store.endpoint}/{store.private_location[0]}/{key}")[0] == 403
    pending_logo_forget(token=kept.token)
    assert store.private_keys() == set()


# ---- Deleting (GDPR) removes the object ----


def test_a_removed_attachment_leaves_the_store_after_the_commit(
    store, draft, rep_a, django_capture_on_commit_callbacks
) -> None:
    attachment = _attach(draft, rep_a)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        attachment_remove(attachment=attachment)
    assert store.private_keys() != set(), "not before the commit"
    for callback in callbacks:
        callback()
    assert store.private_keys() == set()


def test_deleting_a_user_deletes_the_files_of_their_drafts(
    store, draft, rep_a, django_capture_on_commit_callbacks
) -> None:
    _attach(draft, rep_a)
    _attach(draft, rep_a)
    assert len(store.private_keys()) == 2
    with django_capture_on_commit_callbacks(execute=True):
        applications_user_delete(user=rep_a)
    assert not Application.objects.filter(pk=draft.pk).exists()
    assert store.private_keys() == set()


def test_a_deleted_report_photo_leaves_the_store(
    store, pot, actor_a, rep_a, django_capture_on_commit_callbacks
) -> None:
    app = make_application(pot=pot, lead=actor_a, status=Application.Status.PAID)
    report = FollowUpReport.objects.create(
        application=app,
        what_happened="Det blev en fest.",
        participants=40,
        actual_costs=9_000,
        submitted_by=rep_a,
        submitted_at=timezone.now(),
    )
    photo = FollowUpPhoto.objects.create(report=report, image=ContentFile(b"\xff\xd8\xff jpeg", name="bild.jpg"))
    assert store.private_keys() == {store.private_key(photo.image.name)}
    with django_capture_on_commit_callbacks(execute=True):
        photo.delete()
    assert store.private_keys() == set()


def test_a_withdrawn_consent_deletes_the_voice_files(
    store, networks, coord_andersberg, django_capture_on_commit_callbacks
) -> None:
    photo = SimpleUploadedFile("foto.png", png_small(), content_type="image/png")
    voice = make_voice(networks["andersberg"], video=webm(), captions=vtt(), photo=photo, photo_alt="Anna")
    assert len(store.media_keys()) == 3
    with django_capture_on_commit_callbacks(execute=True):
        withdraw_consent(voice=voice, by=coord_andersberg)
    assert store.media_keys() == set()


def test_a_replaced_logo_and_the_logo_of_a_deleted_actor_leave_the_store(
    store, actor_a, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        actor_a.logo = ContentFile(png_small(), name="forsta.png")
        actor_a.save()
    first = f"media/{actor_a.logo.name}"
    assert store.media_keys() == {first}
    with django_capture_on_commit_callbacks(execute=True):
        actor_a.logo = ContentFile(png_small(), name="andra.png")
        actor_a.save()
    second = f"media/{actor_a.logo.name}"
    assert store.media_keys() == {second}
    with django_capture_on_commit_callbacks(execute=True):
        Actor.objects.get(pk=actor_a.pk).delete()
    assert store.media_keys() == set()


# ---- Moving a site's local files into the store ----


def test_copy_media_to_store_keeps_every_name_and_can_run_again(store, settings, tmp_path) -> None:
    from django.core.management import call_command

    local_media, local_private = tmp_path / "old-media", tmp_path / "old-private"
    files = {
        local_media / "logos" / "alfa.png": png_small(),
        local_media / "voices" / "captions" / "a.vtt": VTT,
        local_private / "grants" / "attachments" / "2026" / "b.pdf": PDF,
    }
    for path, content in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
    settings.MEDIA_ROOT, settings.PRIVATE_MEDIA_ROOT = local_media, local_private

    out = io.StringIO()
    call_command("copy_media_to_store", "--dry-run", stdout=out)
    assert "would copy=3 already_there=0" in out.getvalue()
    assert store.media_keys() == set() and store.private_keys() == set()

    call_command("copy_media_to_store", stdout=io.StringIO())
    assert store.media_keys() == {"media/logos/alfa.png", "media/voices/captions/a.vtt"}
    assert store.private_keys() == {"private/grants/attachments/2026/b.pdf"}
    assert store.content_type(store.bucket, "media/voices/captions/a.vtt") == "text/vtt; charset=utf-8"
    assert private_storage.open("grants/attachments/2026/b.pdf").read() == PDF
    out = io.StringIO()
    call_command("copy_media_to_store", stdout=out)
    assert "copied=0 already_there=3" in out.getvalue()
    assert all(path.exists() for path in files)  # Nothing on disk is deleted.
    # Put the folders back to the ones the fixture checks stay empty.
    settings.MEDIA_ROOT, settings.PRIVATE_MEDIA_ROOT = tmp_path / "media", tmp_path / "private"


def test_copy_media_to_store_refuses_without_a_store(db) -> None:
    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError, match="S3_BUCKET is not set"):
        call_command("copy_media_to_store")


# ---- A hung store answers with an error, in bounded time ----


@pytest.fixture
def hung_endpoint():
    """A TCP port that accepts connections and never answers."""
    listener = socket.socket()
    listener.bind((HOST, 0))
    listener.listen(16)
    accepted: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                accepted.append(listener.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"http://{HOST}:{listener.getsockname()[1]}"
    stop.set()
    thread.join(timeout=2)
    for sock in accepted:
        sock.close()
    listener.close()


def test_a_hung_store_does_not_hang_the_request(settings, hung_endpoint) -> None:
    from core.s3 import PublicMediaStorage

    settings.S3_CONNECT_TIMEOUT = 0.5
    settings.S3_READ_TIMEOUT = 0.5
    settings.S3_MAX_ATTEMPTS = 2
    storage = PublicMediaStorage(
        bucket_name="natverk-media",
        endpoint_url=hung_endpoint,
        region_name=REGION,
        access_key=KEYS["aws_access_key_id"],
        secret_key=KEYS["aws_secret_access_key"],
        location="media",
    )
    assert storage.client_config.connect_timeout == 0.5
    assert storage.client_config.read_timeout == 0.5
    started = time.monotonic()
    # The first try times out; its retry is refused at once, the store being marked down.
    with pytest.raises((ReadTimeoutError, ConnectTimeoutError, StoreUnavailable)):
        storage.exists("logos/a.png")
    assert time.monotonic() - started < 5


# ---- Two app servers, one store ----


@pytest.mark.slow
@pytest.mark.serial
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("mode", ["bucket", "prefix"])
def test_upload_through_one_server_read_through_the_other(s3_endpoint, tmp_path, mode) -> None:
    """What one server receives, the other serves; private files only to their owners.

    The servers share the pytest database on PostgreSQL, and a database file of their own
    on SQLite (an in-memory test database cannot be shared), set up and filled through
    manage.py either way.
    """
    store = Store(s3_endpoint, mode)
    extra = {
        **s3_environment(store),
        # Local folders the servers must not use: they stay empty.
        "MEDIA_ROOT": str(tmp_path / "media"),
        "PRIVATE_MEDIA_ROOT": str(tmp_path / "private"),
    }
    env = server_env_with_database(extra, tmp_path)
    seeded = json.loads(manage(env, "shell", "--no-imports", "-c", SEED).strip().splitlines()[-1])

    with app_servers(env) as (a, b):
        owner, outsider = Browser(), Browser()
        _login(owner, a, "agare@example.se")
        _login(outsider, b, "utomstaende@example.se")

        # A logo uploaded through A is on B's public page, at the store's address.
        edit = f"/mina-sidor/aktorer/{seeded['slug']}/"
        status, _headers, html = owner.get(a, edit)
        assert status == 200
        fields = form_fields(html, multipart=True)
        status, headers, html = owner.request(a, "POST", edit, fields, files={"logo": ("logga.png", png_small())})
        assert status == 302, re.findall(r"error-summary.*?</div>|class=\"errorlist.*?</ul>", html, re.S)
        (logo_key,) = store.media_keys()
        status, headers, html = Browser().get(b, f"/aktorer/{seeded['slug']}/")
        assert status == 200
        logo_url = f"{store.endpoint}/{store.bucket}/{logo_key}"
        assert f'src="{logo_url}"' in html
        # The site's content security policy lets the page show it.
        img_src = next(p for p in headers["Content-Security-Policy"].split(";") if p.strip().startswith("img-src"))
        assert store.endpoint in img_src
        status, content_type, _body = anonymous_get(logo_url)
        assert status == 200 and content_type in {"image/png", "image/jpeg"}

        # An attachment uploaded through A: the owner gets it through B, nobody else.
        step = f"/bidrag/ansokningar/{seeded['application']}/steg/4/"
        status, _headers, html = owner.get(a, step)
        assert status == 200
        fields = [*form_fields(html, multipart=True), ("action", "upload")]
        status, headers, html = owner.request(a, "POST", step, fields, files={"attachment": ("offert.pdf", PDF)})
        assert status == 302, re.findall(r"error-summary.*?</div>|class=\"errorlist.*?</ul>", html, re.S)
        (private_key,) = store.private_keys()
        attachment = f"/bidrag/ansokningar/{seeded['application']}/bilagor/"
        status, _headers, html = owner.get(b, step)
        attachment_path = html.split(f'href="{attachment}')[1].split('"')[0]
        status, headers, body = owner.request_bytes(b, "GET", attachment + attachment_path)
        assert (status, headers["Content-Type"], body) == (200, "application/pdf", PDF)
        assert outsider.request_bytes(b, "GET", attachment + attachment_path)[0] == 404
        assert outsider.request_bytes(a, "GET", attachment + attachment_path)[0] == 404
        assert Browser().request_bytes(b, "GET", attachment + attachment_path)[0] == 302
        assert anonymous_get(f"{store.endpoint}/{store.private_location[0]}/{private_key}")[0] == 403

        # Removed through B: gone from the store, which A sees too.
        delete = attachment + attachment_path + "ta-bort/"
        token = dict(form_fields(owner.get(b, step)[2], multipart=True))["csrfmiddlewaretoken"]
        status, _headers, _html = owner.request(b, "POST", delete, {"csrfmiddlewaretoken": token})
        assert status == 302
        assert store.private_keys() == set()
        assert owner.request_bytes(a, "GET", attachment + attachment_path)[0] == 404

    assert not (tmp_path / "media").exists() and not (tmp_path / "private").exists()


def _login(browser: Browser, port: int, email: str) -> None:
    status, _headers, html = browser.get(port, "/konto/login/")
    assert status == 200
    fields = dict(form_fields(html, "login-form")) | {"login": email, "password": PASSWORD}
    status, headers, html = browser.request(port, "POST", "/konto/login/", fields)
    assert status == 302, f"the login of {email} failed: {html[:2000]}"


# Run by `manage.py shell` with the servers' settings: an actor and its representative
# with a draft application, and a resident who represents nobody. Prints their ids.
SEED = f"""
import datetime, json
from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password
from django.utils import timezone
from grants.models import Application, Funding, Pot
from members.models import Actor, Membership, Representation, User
from networks.models import Network
from networks.seed import seed_networks

if not Network.objects.exists():
    seed_networks()
today = timezone.localdate()
users = {{}}
for email in ("agare@example.se", "utomstaende@example.se"):
    user = User.objects.create(email=email, name=email.split("@")[0].title(), password=make_password({PASSWORD!r}))
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    users[email] = user
actor = Actor.objects.create(
    name="Föreningen Molnet", slug="foreningen-molnet", kind=Actor.Kind.ASSOCIATION, org_number="802400-6911"
)
Membership.objects.create(actor=actor, network=Network.objects.first(), status=Membership.Status.ACTIVE)
Representation.objects.create(user=users["agare@example.se"], actor=actor, role=Representation.Role.SIGNATORY)
pot = Pot.objects.create(
    year=today.year, name="Molnpotten", opens_on=today - datetime.timedelta(days=30),
    closes_on=today + datetime.timedelta(days=60), max_amount_per_application=20_000,
)
Funding.objects.create(pot=pot, funder="Gävle kommun", amount=60_000)
app = Application.objects.create(
    pot=pot, lead_actor=actor, status=Application.Status.DRAFT, title="Sommarfest i molnet",
    created_by=users["agare@example.se"], amount_requested=5_000,
)
print(json.dumps({{"slug": actor.slug, "application": app.pk}}))
"""
