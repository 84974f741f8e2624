from django.apps import AppConfig

from natverk.text import guard_model_fields


class NetworksConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "networks"

    def ready(self) -> None:
        # Typed text refuses control characters, typed dates far-off years (natverk.text).
        guard_model_fields(self.get_models())
