"""The ground library as an app: the site-wide models (the mail outbox, rate-limit hits),
the management commands for mail and backups, and the template tags every page uses.

Its label stays "natverk", the name the tables and migrations were created under when
this code lived in the project package.
"""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    label = "natverk"
    verbose_name = _("Webbplatsen")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.db import connections
        from django.db.backends.signals import connection_created

        from core.usercache import install_write_watch

        # Every write, on every connection of every process, makes personal pages stale.
        connection_created.connect(install_write_watch, dispatch_uid="core.usercache.watch")
        for connection in connections.all(initialized_only=True):
            install_write_watch(sender=type(connection), connection=connection)
