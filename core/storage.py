"""Where uploaded files live: the public media store and the private one.

Two stores, both named in settings.STORAGES: "default" for public media (actor logos,
voices' photos, videos and captions) and "private" for files only some users may see
(grant attachments and report photos, logos kept across a form error). Both are folders on
local disk unless S3_BUCKET is set; then both are S3-compatible object storage
(core/s3.py), the private files in a bucket or prefix of their own that is never public
and reached only through access-checked views, which stream them.

A file a row lets go of (replaced, cleared or its row deleted) is deleted from its store
once the change has committed: a rolled-back change keeps its files.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.conf import settings
from django.core.files.storage import FileSystemStorage, Storage, storages
from django.core.signals import setting_changed
from django.db import models, transaction
from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver
from django.utils.functional import LazyObject, cached_property, empty

from core.unavailable import unavailable_dependency

logger = logging.getLogger(__name__)


class PrivateFileSystemStorage(FileSystemStorage):
    """PRIVATE_MEDIA_ROOT on local disk, read when first used (tests change it); no URLs."""

    def __init__(self, location=None, **kwargs) -> None:
        kwargs["base_url"] = None
        super().__init__(location=location, **kwargs)

    @cached_property
    def base_location(self):
        return self._value_or_setting(self._location, settings.PRIVATE_MEDIA_ROOT)

    def _clear_cached_properties(self, setting, **kwargs) -> None:
        super()._clear_cached_properties(setting, **kwargs)
        if setting == "PRIVATE_MEDIA_ROOT":
            self.__dict__.pop("base_location", None)
            self.__dict__.pop("location", None)

    def url(self, name):
        raise ValueError("Private files have no address of their own; they are served by access-checked views.")


class _PrivateStorage(LazyObject):
    """settings.STORAGES["private"], looked up on first use (like Django's default_storage)."""

    def _setup(self) -> None:
        self._wrapped = storages["private"]


private_storage = _PrivateStorage()


@receiver(setting_changed)
def _storages_changed(*, setting, **kwargs) -> None:
    if setting == "STORAGES":
        private_storage._wrapped = empty


def delete_after_commit(storage: Storage, names: Iterable[str]) -> None:
    """Delete stored files once the current transaction has committed (at once outside one).

    A store that cannot be reached loses nothing but a file that nobody points to any
    more; that is logged, and the change itself stands.
    """
    names = [name for name in names if name]
    if not names:
        return

    def delete() -> None:
        # Runs after the commit, inside the request: whatever the store does, the change
        # stands and the request answers as it would have (never a 500 or 503 for a save
        # that committed). A store that is down fails fast (core/s3.py's guard).
        for name in names:
            try:
                storage.delete(name)
            except Exception as error:  # OSError on disk, botocore's errors on S3.
                if unavailable_dependency(error) is not None:
                    logger.warning("Could not delete the stored file %s: the store is unavailable (%s)", name, error)
                else:
                    logger.exception("Could not delete the stored file %s", name)

    transaction.on_commit(delete)


def _file_fields(model: type[models.Model]) -> list[str]:
    return [field.name for field in model._meta.get_fields() if isinstance(field, models.FileField)]


def delete_files_with_rows(model: type[models.Model]) -> None:
    """Delete the stored files a row of `model` lets go of: replaced, cleared or deleted with it.

    Costs one query per save of an existing row (the file names before the save).
    """
    fields = _file_fields(model)
    uid = f"core.storage.{model._meta.label}"

    def remember(sender, instance, raw=False, **kwargs) -> None:
        instance._stored_files_before = {}
        if raw or instance.pk is None or instance._state.adding:
            return
        instance._stored_files_before = model._default_manager.filter(pk=instance.pk).values(*fields).first() or {}

    def replaced(sender, instance, raw=False, **kwargs) -> None:
        before = getattr(instance, "_stored_files_before", {})
        for field in fields:
            old = before.get(field)
            if old and old != getattr(instance, field).name:
                delete_after_commit(getattr(instance, field).storage, [old])
        instance._stored_files_before = {}

    def deleted(sender, instance, **kwargs) -> None:
        for field in fields:
            value = getattr(instance, field)
            if value:
                delete_after_commit(value.storage, [value.name])

    pre_save.connect(remember, sender=model, weak=False, dispatch_uid=f"{uid}.remember")
    post_save.connect(replaced, sender=model, weak=False, dispatch_uid=f"{uid}.replaced")
    post_delete.connect(deleted, sender=model, weak=False, dispatch_uid=f"{uid}.deleted")
