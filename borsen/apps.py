from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from core.text import guard_model_fields


class BorsenConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "borsen"
    verbose_name = _("Samverkansbörsen")

    def ready(self) -> None:
        # Typed text refuses control characters, typed dates far-off years (core.text).
        guard_model_fields(self.get_models())

        from borsen.overview import my_pages_listings
        from borsen.services import LISTINGS_EXPORT_LABELS, listings_user_delete, listings_user_export
        from members.gdpr import gdpr_register
        from members.overview import my_pages_register

        gdpr_register(export=listings_user_export, delete=listings_user_delete, labels=LISTINGS_EXPORT_LABELS)
        # The listings of the user's actors on the overview of "Mina sidor".
        my_pages_register(my_pages_listings)
