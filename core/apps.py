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
