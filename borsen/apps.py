from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from natverk.text import guard_model_fields


class BorsenConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "borsen"
    verbose_name = _("Samverkansbörsen")

    def ready(self) -> None:
        # Typed text refuses control characters, typed dates far-off years (natverk.text).
        guard_model_fields(self.get_models())
