"""The row lock every write to an application takes, and the refusal when it came too late.

A page checks the status when it loads, but another tab (or the steering group) can move
the application before the page is sent back: the draft is submitted, withdrawn or
decided. application_transition (grants.workflow) locks the row for every move, so a
write that takes the same lock and re-reads the status under it either happens wholly
before the move or sees the new status and is refused; it never lands after it.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.translation import gettext as _

from grants.models import Application
from grants.workflow import TransitionError

# The statuses in which the applicant changes the application (Application.is_editable).
EDITABLE = Application.EDITABLE_STATUSES


class NotEditable(TransitionError):
    """The application no longer takes this write; str(error) says so to the user (Swedish)."""


def not_editable_message() -> str:
    return _("Ansökan har skickats in och kan inte ändras längre. Det du skrev sparades inte.")


def application_lock(
    *,
    application: Application,
    allowed: Iterable[str] = EDITABLE,
    message: str = "",
    columns: tuple[str, ...] | None = None,
) -> Application:
    """The application's row, locked until the caller's transaction ends, if its status is in `allowed`.

    Call inside transaction.atomic (select_for_update refuses to run outside one) and
    write through the returned row: `application` may have been read before the lock.
    Raises NotEditable with `message` (or the general one) otherwise; a deleted
    application (a draft removed from another tab) is refused the same way.
    `columns`: the columns the caller reads of the locked row besides its status, None for
    the whole row; `()` for a caller that only writes to it (a step's save: 0.3 ms less CPU).
    """
    rows = Application.objects.select_for_update(of=("self",))
    if columns is not None:
        rows = rows.only("status", *columns)
    try:
        # get(), not first(): no ORDER BY to build for one row.
        locked = rows.get(pk=application.pk)
    except Application.DoesNotExist:
        locked = None
    if locked is None or locked.status not in tuple(allowed):
        raise NotEditable(message or not_editable_message())
    return locked
