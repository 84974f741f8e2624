"""The ground library as an app: the site-wide models (the mail outbox, rate-limit hits),
the management commands for mail and backups, the template tags every page uses, and the
messages every form gives (core/form_messages.py, set in ready(); core is first in
INSTALLED_APPS so that this runs before another app's ready() imports a form).

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
        from core import form_messages

        form_messages.install()
