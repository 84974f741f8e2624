from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.utils.translation import gettext_lazy as _


def _register_fold(sender, connection, **kwargs) -> None:
    """SQLite: the SQL function natverk_fold(text), members.search.fold (see sok/search.py)."""
    if connection.vendor == "sqlite":
        from sok.search import sqlite_fold

        connection.connection.create_function("natverk_fold", 1, sqlite_fold, deterministic=True)


class SokConfig(AppConfig):
    name = "sok"
    label = "sok"
    verbose_name = _("Sök")

    def ready(self) -> None:
        connection_created.connect(_register_fold, dispatch_uid="sok.register_fold")
