from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebsiteConfig(AppConfig):
    """The public site's own pages (home, about, accessibility, privacy, easy read, the
    network pages), the sitemaps, the demo data and the admin index's to-do list: the top
    floor, which reads from every app below it."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "website"
    verbose_name = _("Webbplatsen")
