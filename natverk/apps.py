"""The project package as an app, for the site-wide models (the mail outbox)."""

from allauth.mfa.apps import MFAConfig
from django.apps import AppConfig
from django.contrib.admin.apps import AdminConfig
from django.utils.translation import gettext_lazy as _


class NatverkConfig(AppConfig):
    name = "natverk"
    label = "natverk"
    verbose_name = _("Webbplatsen")
    default_auto_field = "django.db.models.BigAutoField"


class MfaConfig(MFAConfig):
    """allauth's two-factor app under a Swedish section name in the admin (its own is "MFA")."""

    verbose_name = _("Tvåstegsverifiering")


class NatverkAdminConfig(AdminConfig):
    """Django's admin with the portal's site: its view-on-site shortcut checks the row, and
    an unreadable action selection is a message (natverk/admin_shortcut.py)."""

    default_site = "natverk.admin_shortcut.NatverkAdminSite"
