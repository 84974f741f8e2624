"""S3-compatible object storage for media (django-storages), used only when S3_BUCKET is set.

settings.STORAGES names these classes and passes the bucket, prefix and addresses; this
module adds what every object must have whatever the store: bounded waits (a hung store
answers with an error, never holds a request for ever), no ACL sent (public reads come
from the bucket policy, private files have none), a content type judged by the stored
name's extension (never the one the uploading browser claimed), and no overwriting.
"""

from __future__ import annotations

from pathlib import PurePosixPath

from botocore.config import Config
from django.conf import settings
from storages.backends.s3 import S3Storage

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


def client_config() -> Config:
    """Timeouts and bounded retries on every call to the store."""
    s3 = {"addressing_style": settings.S3_ADDRESSING_STYLE} if settings.S3_ADDRESSING_STYLE else {}
    return Config(
        connect_timeout=settings.S3_CONNECT_TIMEOUT,
        read_timeout=settings.S3_READ_TIMEOUT,
        retries={"total_max_attempts": settings.S3_MAX_ATTEMPTS, "mode": "standard"},
        signature_version="s3v4",
        s3=s3,
    )


class _MediaStorage(S3Storage):
    def __init__(self, **options) -> None:
        options.setdefault("client_config", client_config())
        options.setdefault("file_overwrite", False)  # As on disk: a new name, never another's file.
        options.setdefault("default_acl", None)
        # A file read by the app (an attachment it streams) spills to a temporary file
        # beyond this size instead of staying whole in memory.
        options.setdefault("max_memory_size", 2 * 1024 * 1024)
        super().__init__(**options)

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
