from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from core.text import guard_model_fields


class NetworksConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "networks"
    verbose_name = _("Nätverk")

    def ready(self) -> None:
        # Typed text refuses control characters, typed dates far-off years (core.text).
        guard_model_fields(self.get_models())
        # A news image replaced, removed or deleted with its post leaves the store.
        from core.storage import delete_files_with_rows

        delete_files_with_rows(self.get_model("Post"))
