from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from core.text import guard_model_fields


class DigestConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "digest"
    label = "digest"
    verbose_name = _("Veckobrev")

    def ready(self) -> None:
        # Typed text refuses control characters, typed dates far-off years (core.text).
        guard_model_fields(self.get_models())

        from digest.overview import my_pages_digest
        from digest.services import DIGEST_EXPORT_LABELS, digest_user_delete, digest_user_export
        from members.gdpr import gdpr_register
        from members.overview import my_pages_register

        gdpr_register(export=digest_user_export, delete=digest_user_delete, labels=DIGEST_EXPORT_LABELS)
        # The networks whose weekly digest the user gets, on the overview of "Mina sidor".
        my_pages_register(my_pages_digest)
