"""S3-compatible object storage for media (django-storages), used only when S3_BUCKET is set.

settings.STORAGES names these classes with the bucket, prefix and addresses (s3_storages()
at the end, from the S3_* variables); this module adds what every object must have
whatever the store: bounded waits (a hung store answers with an error, never holds a
request for ever), no ACL sent (public reads come from the bucket policy, private files
have none), a content type judged by the stored name's extension (never the one the
uploading browser claimed), and no overwriting.

A hung store must not take the whole site with it. Every HTTP call to the store goes
through StoreGuard (wrapped around botocore's HTTP session, so that it sees every call:
a HEAD, a download, each part of an upload):
- at most S3_MAX_CONCURRENT_CALLS calls at once per process; a call that finds no free
  slot within S3_QUEUE_TIMEOUT fails with StoreUnavailable at once. A slow store then
  holds a few of a worker's threads, never all of them: pages that do not touch the store
  keep their threads.
- a call that times out or finds the store refusing connections marks the store down for
  S3_BREAKER_SECONDS: the calls in that time (other requests, botocore's own retry of the
  failed call) fail with StoreUnavailable at once instead of each waiting its timeout.
core/unavailable.py answers StoreUnavailable and botocore's timeouts with the 503 page.
Transfers run in the request's own thread (no transfer threads), so that one upload takes
one slot.
"""

from __future__ import annotations

import logging
import threading
import time
from pathlib import PurePosixPath
from urllib.parse import urlparse

from boto3.s3.transfer import TransferConfig
from botocore.config import Config
from botocore.exceptions import ConnectionClosedError, ConnectTimeoutError, EndpointConnectionError, ReadTimeoutError
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from storages.backends.s3 import S3Storage

from core.unavailable import StoreUnavailable

logger = logging.getLogger(__name__)

# The failures that say the store is down or hung (not that it refused one request).
_DOWN_ERRORS = (EndpointConnectionError, ConnectTimeoutError, ReadTimeoutError, ConnectionClosedError)

# The extensions the apps store (members.images, grants.files, voices.media); anything
# else is served as bytes to download, never as something a browser would run.
CONTENT_TYPES = {
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".webp": "image/webp",
    ".gif": "image/gif",
    ".pdf": "application/pdf",
    ".webm": "video/webm",
    ".mp4": "video/mp4",
    ".vtt": "text/vtt; charset=utf-8",
}
DEFAULT_CONTENT_TYPE = "application/octet-stream"


def content_type_for(name: str) -> str:
    return CONTENT_TYPES.get(PurePosixPath(name).suffix.lower(), DEFAULT_CONTENT_TYPE)


def client_config(
    *, connect_timeout: float | None = None, read_timeout: float | None = None, max_attempts: int | None = None
) -> Config:
    """Timeouts and bounded retries on every call to the store.

    The settings by default (the request path); a management command may ask for longer
    waits explicitly (copy_media_to_store).
    """
    s3 = {"addressing_style": settings.S3_ADDRESSING_STYLE} if settings.S3_ADDRESSING_STYLE else {}
    return Config(
        connect_timeout=settings.S3_CONNECT_TIMEOUT if connect_timeout is None else connect_timeout,
        read_timeout=settings.S3_READ_TIMEOUT if read_timeout is None else read_timeout,
        # "standard": a bounded number of tries with a short backoff (throttling, 5xx,
        # timeouts); the guard below refuses a retry while the store is marked down.
        retries={"total_max_attempts": max_attempts or settings.S3_MAX_ATTEMPTS, "mode": "standard"},
        signature_version="s3v4",
        s3=s3,
    )


class StoreGuard:
    """Bounds the calls to the store of one process: a few at once, none while it is down."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._slots: tuple[int, threading.BoundedSemaphore] | None = None
        self._down_until = 0.0
        self._down_logged = False

    def _semaphore(self) -> threading.BoundedSemaphore:
        size = max(1, int(settings.S3_MAX_CONCURRENT_CALLS))
        with self._lock:
            if self._slots is None or self._slots[0] != size:  # Tests change the setting.
                self._slots = (size, threading.BoundedSemaphore(size))
            return self._slots[1]

    def down_for(self) -> float:
        """Seconds the store stays marked down (0 when it is not)."""
        return max(0.0, self._down_until - time.monotonic())

    def mark_down(self, error: BaseException) -> None:
        with self._lock:
            first = self.down_for() == 0.0
            self._down_until = time.monotonic() + settings.S3_BREAKER_SECONDS
        if first:
            # One line per outage interval, not one per request.
            logger.warning(
                "The object store does not answer (%s: %s); store calls fail at once for %s s",
                type(error).__name__,
                error,
                settings.S3_BREAKER_SECONDS,
            )

    def reset(self) -> None:
        with self._lock:
            self._down_until = 0.0
            self._slots = None

    def send(self, send, request, *, marks_down: bool = True):
        if self.down_for():
            raise StoreUnavailable(f"the store was marked down {settings.S3_BREAKER_SECONDS} s after a failure")
        semaphore = self._semaphore()
        if not semaphore.acquire(timeout=settings.S3_QUEUE_TIMEOUT):
            raise StoreUnavailable(
                f"all {settings.S3_MAX_CONCURRENT_CALLS} store slots of this process stayed taken "
                f"for {settings.S3_QUEUE_TIMEOUT} s"
            )
        try:
            return send(request)
        except _DOWN_ERRORS as error:
            if marks_down:
                self.mark_down(error)
            raise
        finally:
            semaphore.release()


guard = StoreGuard()


class _GuardedHTTPSession:
    """botocore's HTTP session with every send() through the guard."""

    def __init__(self, inner, *, marks_down: bool = True) -> None:
        self._inner = inner
        self._marks_down = marks_down

    def send(self, request):
        return guard.send(self._inner.send, request, marks_down=self._marks_down)

    def __getattr__(self, name):  # close() and anything else botocore asks for.
        return getattr(self._inner, name)


def guard_client(client, *, marks_down: bool = True):
    """Put the guard in front of a boto3 client's HTTP calls (idempotent); returns the client."""
    endpoint = client._endpoint  # botocore keeps the HTTP session here; no public hook sees every call.
    if not isinstance(endpoint.http_session, _GuardedHTTPSession):
        endpoint.http_session = _GuardedHTTPSession(endpoint.http_session, marks_down=marks_down)
    return client


class _MediaStorage(S3Storage):
    def __init__(self, *, guarded: bool = True, **options) -> None:
        options.setdefault("client_config", client_config())
        # In the calling thread, one part after another: one transfer holds one guard slot,
        # and a download is tried at most as often as any other call.
        options.setdefault(
            "transfer_config", TransferConfig(use_threads=False, num_download_attempts=settings.S3_MAX_ATTEMPTS)
        )
        options.setdefault("file_overwrite", False)  # As on disk: a new name, never another's file.
        options.setdefault("default_acl", None)
        # A file read by the app (an attachment it streams) spills to a temporary file
        # beyond this size instead of staying whole in memory.
        options.setdefault("max_memory_size", 2 * 1024 * 1024)
        self._guarded = guarded
        super().__init__(**options)

    @property
    def connection(self):
        resource = super().connection
        if self._guarded:
            guard_client(resource.meta.client)
        return resource

    @property
    def unsigned_connection(self):
        resource = super().unsigned_connection
        if self._guarded:
            guard_client(resource.meta.client)
        return resource

    def _get_write_parameters(self, name, content=None) -> dict:
        params = super()._get_write_parameters(name, content)
        params["ContentType"] = content_type_for(name)
        params.pop("ContentEncoding", None)
        return params


class PublicMediaStorage(_MediaStorage):
    """Public media: read straight from the store (or S3_PUBLIC_URL) at an unsigned address."""

    def __init__(self, **options) -> None:
        options.setdefault("querystring_auth", False)
        super().__init__(**options)


class PrivateMediaStorage(_MediaStorage):
    """Private files: only the app reads them, and hands them on after its access check."""

    def __init__(self, **options) -> None:
        options["querystring_auth"] = True
        options["custom_domain"] = None
        super().__init__(**options)

    def _get_write_parameters(self, name, content=None) -> dict:
        params = super()._get_write_parameters(name, content)
        params["ContentDisposition"] = "attachment"
        return params

    def url(self, name, parameters=None, expire=None, http_method=None):
        raise ValueError("Private files have no address of their own; they are served by access-checked views.")


# ---- /healthz: is the store there? ----

# A load balancer asks every few seconds, from every server: each process asks the store
# at most once in this many seconds and answers from the last result in between.
HEALTH_CACHE_SECONDS = 5.0
# One try, short waits: the health check answers within about two seconds whatever the store does.
HEALTH_CONNECT_TIMEOUT = 1.0
HEALTH_READ_TIMEOUT = 1.5


class _StoreHealth:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._clients: dict[tuple, object] = {}
        self._result: dict | None = None
        self._checked_at = 0.0

    def _client(self, storage: S3Storage):
        key = (storage.endpoint_url, storage.region_name, storage.access_key)
        if key not in self._clients:
            client = storage._create_session().client(
                "s3",
                region_name=storage.region_name,
                endpoint_url=storage.endpoint_url,
                use_ssl=storage.use_ssl,
                verify=storage.verify,
                config=client_config(
                    connect_timeout=HEALTH_CONNECT_TIMEOUT, read_timeout=HEALTH_READ_TIMEOUT, max_attempts=1
                ),
            )
            # Through the slots and refused while the store is marked down (that is what
            # the pages get too), but its shorter waits never mark the store down.
            self._clients[key] = guard_client(client, marks_down=False)
        return self._clients[key]

    def check(self, storages: list[S3Storage]) -> dict:
        """{"status": "ok" | "down", ...}: a HEAD on each bucket, at most once per HEALTH_CACHE_SECONDS."""
        with self._lock:
            now = time.monotonic()
            if self._result is not None and now - self._checked_at < HEALTH_CACHE_SECONDS:
                return {**self._result, "checked_seconds_ago": round(now - self._checked_at, 1)}
            result: dict = {"status": "ok"}
            try:
                for bucket, storage in {s.bucket_name: s for s in storages}.items():
                    self._client(storage).head_bucket(Bucket=bucket)
            except Exception as error:  # Any failure means the pages cannot use the store now.
                # /healthz is public: it names the kind of error only; the message (hosts,
                # buckets) goes to the log.
                logger.warning("Health check: the object store is down: %s: %s", type(error).__name__, error)
                result = {"status": "down", "error": type(error).__name__}
            self._result, self._checked_at = result, time.monotonic()
            return {**result, "checked_seconds_ago": 0.0}

    def reset(self) -> None:
        with self._lock:
            self._result, self._checked_at = None, 0.0
            self._clients.clear()


store_health = _StoreHealth()


# ---- Management commands: longer waits, on purpose ----

# A command copying many files (copy_media_to_store) is not a page anybody waits for: a
# slow moment of the store should not stop it half-way.
BATCH_CONNECT_TIMEOUT = 10.0
BATCH_READ_TIMEOUT = 60.0
BATCH_MAX_ATTEMPTS = 5


def batch_storage(alias: str):
    """settings.STORAGES[alias] for a management command: the longer waits above, no guard.

    Not on the object store: the usual storage.
    """
    from django.core.files.storage import storages
    from django.utils.module_loading import import_string

    config = settings.STORAGES[alias]
    backend = import_string(config["BACKEND"])
    if not issubclass(backend, _MediaStorage):
        return storages[alias]
    return backend(
        **config.get("OPTIONS", {}),
        guarded=False,
        client_config=client_config(
            connect_timeout=BATCH_CONNECT_TIMEOUT, read_timeout=BATCH_READ_TIMEOUT, max_attempts=BATCH_MAX_ATTEMPTS
        ),
        transfer_config=TransferConfig(num_download_attempts=BATCH_MAX_ATTEMPTS),
    )


# ---- settings.STORAGES on the store (natverk/settings.py, with S3_BUCKET set) ----


def s3_public_base_url(*, bucket: str, endpoint_url: str, region: str, addressing_style: str, public_url: str) -> str:
    """Where browsers read the bucket's objects: S3_PUBLIC_URL or the bucket's own address."""
    if public_url:
        return public_url
    if endpoint_url:
        if addressing_style == "virtual":
            endpoint = urlparse(endpoint_url)
            return f"{endpoint.scheme}://{bucket}.{endpoint.netloc}{endpoint.path}"
        return f"{endpoint_url}/{bucket}"
    if region:
        return f"https://{bucket}.s3.{region}.amazonaws.com"
    return f"https://{bucket}.s3.amazonaws.com"


def s3_storages(
    *,
    bucket: str,
    private_bucket: str = "",
    endpoint_url: str = "",
    region: str = "",
    access_key: str = "",
    secret_key: str = "",
    media_prefix: str = "media",
    private_prefix: str = "private",
    public_url: str = "",
    addressing_style: str = "",
) -> tuple[dict, str, str]:
    """STORAGES["default"] and ["private"] on the object store, MEDIA_URL, and the media origin.

    Public media under media_prefix, read by browsers at public_url (the address of the
    bucket's root; default the bucket's own address) and allowed by the bucket policy;
    private files in private_bucket, or without it under private_prefix of the same bucket,
    never public: the app streams them after its access check. README, "Object storage".
    """
    # As an operator may write them: a slash at either end of a prefix, at the end of an address.
    endpoint_url, public_url = endpoint_url.rstrip("/"), public_url.rstrip("/")
    media_prefix, private_prefix = media_prefix.strip("/"), private_prefix.strip("/")
    if not media_prefix or not private_prefix or media_prefix == private_prefix:
        raise ImproperlyConfigured("S3_MEDIA_PREFIX and S3_PRIVATE_PREFIX must be two different, non-empty prefixes.")
    if not private_bucket and (
        private_prefix.startswith(media_prefix + "/") or media_prefix.startswith(private_prefix + "/")
    ):
        raise ImproperlyConfigured("S3_PRIVATE_PREFIX must not lie inside S3_MEDIA_PREFIX, nor the other way round.")
    base = s3_public_base_url(
        bucket=bucket,
        endpoint_url=endpoint_url,
        region=region,
        addressing_style=addressing_style,
        public_url=public_url,
    )
    public = urlparse(base)
    if public.scheme not in {"http", "https"} or not public.netloc:
        raise ImproperlyConfigured(f"S3_PUBLIC_URL must be an http(s) address, not {public_url!r}")
    client = {
        "endpoint_url": endpoint_url or None,
        "region_name": region or None,
        # Empty: boto3 finds the keys itself (environment, instance role).
        "access_key": access_key or None,
        "secret_key": secret_key or None,
    }
    storages = {
        "default": {
            "BACKEND": "core.s3.PublicMediaStorage",
            "OPTIONS": {
                **client,
                "bucket_name": bucket,
                "location": media_prefix,
                "url_protocol": f"{public.scheme}:",
                "custom_domain": f"{public.netloc}{public.path}",
            },
        },
        "private": {
            "BACKEND": "core.s3.PrivateMediaStorage",
            "OPTIONS": {**client, "bucket_name": private_bucket or bucket, "location": private_prefix},
        },
    }
    media_url = f"{public.scheme}://{public.netloc}{public.path}/{media_prefix}/"
    return storages, media_url, f"{public.scheme}://{public.netloc}"
