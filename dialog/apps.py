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

        from dialog.display import meeting_questions
        from dialog.moves import questions_back_from_cancelled, questions_waiting_preview
        from dialog.overview import my_pages_questions
        from dialog.services import EXPORT_LABELS, questions_user_delete, questions_user_export
        from meetings.agenda import agenda_register
        from meetings.cancelling import CancelHook, cancel_register
        from members.gdpr import gdpr_register
        from members.overview import my_pages_register

        gdpr_register(export=questions_user_export, delete=questions_user_delete, labels=EXPORT_LABELS)
        # "Mina frågor" on the overview of "Mina sidor".
        my_pages_register(my_pages_questions)
        # "Frågor från boende" in the agenda of the meeting a question was taken to.
        agenda_register(meeting_questions)
        # A cancelled meeting's waiting questions go back to "Ny", in the cancellation's transaction.
        cancel_register(CancelHook(preview=questions_waiting_preview, cancelled=questions_back_from_cancelled))
