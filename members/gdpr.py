"""The GDPR hooks other apps register: what "Mina uppgifter" exports and what deleting an account removes.

Each app registers its own functions in its AppConfig.ready(), so that members never
imports the apps that build on it and nobody keeps a list of dotted paths in sync.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from members.models import User

UserExport = Callable[..., dict[str, Any]]
UserDelete = Callable[..., None]

# Functions `f(*, user) -> dict`; their results are added to the JSON download.
USER_EXPORT_SECTIONS: list[UserExport] = []
# Functions `f(*, user)` that remove or anonymise the app's own rows of a user who deletes
# the account; they run inside the deletion's transaction, before the user row goes.
USER_DELETE_CLEANUPS: list[UserDelete] = []


def gdpr_register(*, export: UserExport, delete: UserDelete) -> None:
    """Register an app's export section and deletion clean-up; safe to call twice."""
    if export not in USER_EXPORT_SECTIONS:
        USER_EXPORT_SECTIONS.append(export)
    if delete not in USER_DELETE_CLEANUPS:
        USER_DELETE_CLEANUPS.append(delete)


def gdpr_export(*, user: User) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for section in USER_EXPORT_SECTIONS:
        data.update(section(user=user))
    return data


def gdpr_delete(*, user: User) -> None:
    for cleanup in USER_DELETE_CLEANUPS:
        cleanup(user=user)
