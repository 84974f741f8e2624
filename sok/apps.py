from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SokConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "sok"
    label = "sok"
    verbose_name = _("Sök")

    def ready(self) -> None:
        from sok.index import connect_signals

        # The index follows every save and delete, in the same transaction (sok/index.py).
        connect_signals()
