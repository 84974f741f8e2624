from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _

from core.text import guard_model_fields


def _sync_role_groups(**kwargs) -> None:
    from core.roles import sync_role_groups

    sync_role_groups()


class MembersConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "members"
    verbose_name = _("Medlemmar och aktörer")

    def ready(self) -> None:
        # Typed text refuses control characters, typed dates far-off years (core.text).
        guard_model_fields(self.get_models())
        # A replaced or removed logo, or the logo of a deleted actor, leaves the store.
        from core.storage import delete_files_with_rows

        delete_files_with_rows(self.get_model("Actor"))
        # Role groups need the permissions of every app, which exist only after migrate.
        post_migrate.connect(_sync_role_groups, dispatch_uid="members_sync_role_groups")
