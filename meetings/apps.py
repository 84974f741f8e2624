from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from core.text import guard_model_fields


class MeetingsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "meetings"
    verbose_name = _("Möten")

    def ready(self) -> None:
        # Typed text refuses control characters, typed dates far-off years (core.text).
        guard_model_fields(self.get_models())

        from meetings.overview import my_pages_meetings
        from meetings.services import (
            REGISTRATIONS_EXPORT_LABELS,
            registrations_user_delete,
            registrations_user_export,
        )
        from members.gdpr import gdpr_register
        from members.overview import my_pages_register

        gdpr_register(
            export=registrations_user_export, delete=registrations_user_delete, labels=REGISTRATIONS_EXPORT_LABELS
        )
        # Coming meetings on the overview of "Mina sidor".
        my_pages_register(my_pages_meetings)
