from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from core.text import guard_model_fields


class DialogConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "dialog"
    verbose_name = _("Frågor från boende")

    def ready(self) -> None:
        # Typed text refuses control characters, typed dates far-off years (core.text).
        guard_model_fields(self.get_models())
