from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from core.text import guard_model_fields


class GrantsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "grants"
    verbose_name = _("Bidrag")

    def ready(self) -> None:
        from grants import checks  # noqa: F401 (registers the deploy check of the letters' libraries)

        # Typed text refuses control characters, typed dates far-off years (core.text).
        guard_model_fields(self.get_models())
        # A deleted attachment or photo (also with its draft, GDPR) leaves its store.
        from core.storage import delete_files_with_rows

        delete_files_with_rows(self.get_model("Attachment"))
        delete_files_with_rows(self.get_model("FollowUpPhoto"))
        # A decision letter is written once and kept: refuse any change or deletion of its row.
        from django.db.models.signals import pre_delete, pre_save

        from grants.letters import letter_guard_delete, letter_guard_save

        letter = self.get_model("DecisionLetter")
        pre_save.connect(letter_guard_save, sender=letter, dispatch_uid="grants.letter_guard_save")
        pre_delete.connect(letter_guard_delete, sender=letter, dispatch_uid="grants.letter_guard_delete")

        from grants.overview import my_pages_applications
        from grants.services import (
            APPLICATIONS_EXPORT_LABELS,
            applications_user_delete,
            applications_user_export,
        )
        from members.gdpr import gdpr_register
        from members.overview import my_pages_register

        gdpr_register(
            export=applications_user_export, delete=applications_user_delete, labels=APPLICATIONS_EXPORT_LABELS
        )
        # Applications and their next steps on the overview of "Mina sidor".
        my_pages_register(my_pages_applications)
