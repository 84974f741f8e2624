"""Logo uploads: only real images, not too large, resized and re-encoded without metadata
(core.images.reencode_image, which news images and voices' photos use too).

Also keeps a checked logo across a validation error of the rest of the form."""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from django.core import signing
from django.core.files.base import ContentFile
from django.core.files.storage import Storage
from django.core.files.uploadedfile import SimpleUploadedFile, UploadedFile
from django.utils import timezone

from core import images
from core.storage import private_storage
from core.unavailable import unavailable_dependency

logger = logging.getLogger(__name__)

MAX_SIDE = 800
# The one upload limit of every image, also read by tests/test_deploy.py for nginx's limit.
MAX_UPLOAD_BYTES = images.MAX_UPLOAD_BYTES


def process_logo(upload: UploadedFile) -> SimpleUploadedFile:
    """Return a clean PNG or JPEG copy of `upload`, or raise ValidationError in Swedish."""
    return images.reencode_image(upload, max_side=MAX_SIDE, default_stem="logotyp")


# ---- A logo kept across a validation error ----
# The browser cannot refill a file input, so a logo that passed its checks while another
# field did not is kept in private storage (shared by all app servers, not served) and
# named in the form by a signed token bound to the user. It is read back on the next try.

PENDING_DIR = "pending-logos"
PENDING_MAX_AGE = timedelta(days=1)
PENDING_SALT = "members.pending-logo"


@dataclass(frozen=True)
class PendingLogo:
    token: str
    name: str
    size: int


def _pending_storage() -> Storage:
    return private_storage


def _sweep_stale(storage: Storage) -> None:
    """Remove logos kept longer than a day: their forms were abandoned."""
    try:
        kept = storage.listdir(PENDING_DIR)[1]  # An object store has no folders to test for.
    except FileNotFoundError:
        return
    cutoff = timezone.now() - PENDING_MAX_AGE
    for name in kept:
        path = f"{PENDING_DIR}/{name}"
        try:
            if storage.get_modified_time(path) < cutoff:
                storage.delete(path)
        except FileNotFoundError:
            continue  # another request swept it first


def pending_logo_keep(*, logo: UploadedFile, shown_name: str, user_id: int | None) -> PendingLogo:
    """Store a checked logo until the form is sent again; `shown_name` is the file the user chose."""
    storage = _pending_storage()
    _sweep_stale(storage)
    logo.seek(0)
    data = logo.read()
    ext = Path(logo.name).suffix.lower() or ".png"
    stored = storage.save(f"{PENDING_DIR}/{secrets.token_hex(16)}{ext}", ContentFile(data))
    token = signing.dumps({"f": stored, "n": shown_name, "u": user_id}, salt=PENDING_SALT)
    return PendingLogo(token=token, name=shown_name, size=len(data))


def pending_logo_load(*, token: str, user_id: int | None) -> tuple[PendingLogo, SimpleUploadedFile] | None:
    """The kept logo named by `token`, or None if the token is forged, stale or not this user's."""
    try:
        data = signing.loads(token, salt=PENDING_SALT, max_age=PENDING_MAX_AGE)
    except signing.BadSignature:
        return None
    stored = data.get("f", "")
    if data.get("u") != user_id or not stored.startswith(f"{PENDING_DIR}/"):
        return None
    storage = _pending_storage()
    try:
        with storage.open(stored, "rb") as handle:
            content = handle.read()
    except FileNotFoundError:
        return None
    suffix = Path(stored).suffix
    content_type = "image/png" if suffix == ".png" else "image/jpeg"
    # Stored re-encoded: the chosen name with the extension of what it became.
    upload = SimpleUploadedFile(f"{Path(data['n']).stem[:50] or 'logotyp'}{suffix}", content, content_type=content_type)
    return PendingLogo(token=token, name=data["n"], size=len(content)), upload


def pending_logo_forget(*, token: str) -> None:
    """Delete the kept file once the logo is saved with the actor (or removed)."""
    try:
        data = signing.loads(token, salt=PENDING_SALT)
    except signing.BadSignature:
        return
    stored = data.get("f", "")
    if not stored.startswith(f"{PENDING_DIR}/"):
        return
    try:
        _pending_storage().delete(stored)
    except Exception as error:
        # Called after the actor's save has committed: a store that is down must not turn a
        # saved form into an error page. The daily sweep removes the leftover file.
        if unavailable_dependency(error) is None:
            raise
        logger.warning("The kept logo %s was not deleted (the store is unavailable): %s", stored, error)
