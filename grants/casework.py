"""The steering group's own tools on an application: an internal note and a case handler.

Both are the steering group's working material, never the applicants': they show only in
the admin, and every change is a row in the application's history (ApplicationEvent of
kind NOTE or HANDLER, INTERNAL_EVENT_KINDS), which the applicants' pages and their GDPR
export leave out. Jäv applies to preparing a case as to deciding it (förvaltningslagen
16 §), so a member who represents a party neither writes notes nor handles the case.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from core.roles import is_steering_group, steering_group_members
from grants.locking import NotEditable, application_lock
from grants.models import Application, ApplicationEvent
from grants.workflow import conflicting_actors
from members.models import User

NOTE_MAX_LENGTH = Application._meta.get_field("internal_note").max_length
# The steering group works only on applications sent in (grants.access never shows them drafts).
SENT_IN = tuple(status for status in Application.Status.values if status != Application.Status.DRAFT)


def steering_members() -> QuerySet[User]:
    """Who may handle a case: active members of the steering group."""
    return steering_group_members().order_by("name", "email")


def handler_choices(*, application: Application) -> QuerySet[User]:
    """The handlers to offer: steering members who are not parties, and the current handler
    (so that saving the note alone never drops a handler who has since left the group)."""
    parties = [application.lead_actor_id, *application.coapplicant_links.values_list("actor_id", flat=True)]
    offered = Q(pk__in=steering_members().exclude(representations__actor_id__in=parties).values("pk"))
    if application.handler_id is not None:
        offered |= Q(pk=application.handler_id)
    return User.objects.filter(offered).order_by("name", "email")


def _locked(*, application: Application, user) -> Application:
    """The application's row, locked until the transaction ends, if `user` may work on it."""
    if not is_steering_group(user):
        raise ValidationError(_("Bara styrgruppen får skriva anteckningar och välja handläggare."), code="role")
    try:
        locked = application_lock(
            application=application,
            allowed=SENT_IN,
            message=_("Ansökan är ett utkast och har inte skickats in än."),
        )
    except NotEditable as refusal:
        raise ValidationError(str(refusal), code="draft") from refusal
    conflicts = conflicting_actors(user, locked)
    if conflicts:
        raise ValidationError(
            _("Du företräder %(actors)s, som är part i ansökan (jäv). Låt en annan ledamot hålla i ärendet.")
            % {"actors": ", ".join(actor.name for actor in conflicts)},
            code="recusal",
        )
    return locked


def _event(*, application: Application, user, kind: str, note: str) -> ApplicationEvent:
    return ApplicationEvent.objects.create(
        application=application,
        kind=kind,
        actor_user=user,
        from_status=application.status,
        to_status=application.status,
        note=note,
    )


def handler_problem(*, application: Application, handler: User | None) -> str | None:
    """Why `handler` cannot handle the application, or None."""
    if handler is None:
        return None
    name = handler.get_full_name()
    if not (handler.is_active and steering_members().filter(pk=handler.pk).exists()):
        return _("%(name)s är inte med i styrgruppen och kan inte vara handläggare.") % {"name": name}
    conflicts = conflicting_actors(handler, application)
    if conflicts:
        return _("%(name)s företräder %(actors)s, som är part i ansökan, och kan inte vara handläggare (jäv).") % {
            "name": name,
            "actors": ", ".join(actor.name for actor in conflicts),
        }
    return None


@transaction.atomic
def application_note_set(*, application: Application, user, text: str) -> ApplicationEvent | None:
    """Replace the internal note; the new text goes into the history. None if unchanged."""
    text = text.strip()
    if len(text) > NOTE_MAX_LENGTH:
        raise ValidationError(
            _("Anteckningen får vara högst %(max)s tecken.") % {"max": NOTE_MAX_LENGTH}, code="max_length"
        )
    locked = _locked(application=application, user=user)
    if text == locked.internal_note:
        return None
    locked.internal_note = text
    # Only the note: the application's own "ändrad" time is the applicants' edits.
    locked.save(update_fields=["internal_note"])
    application.internal_note = text
    return _event(
        application=locked, user=user, kind=ApplicationEvent.Kind.NOTE, note=text or _("Anteckningen togs bort.")
    )


@transaction.atomic
def application_handler_set(*, application: Application, user, handler: User | None) -> ApplicationEvent | None:
    """Make `handler` (a steering member who is no party) the case's handler, or nobody.
    None if unchanged."""
    locked = _locked(application=application, user=user)
    if locked.handler_id == (handler.pk if handler else None):
        return None
    problem = handler_problem(application=locked, handler=handler)
    if problem:
        raise ValidationError(problem, code="handler")
    locked.handler = handler
    locked.save(update_fields=["handler"])
    application.handler = handler
    name = handler.get_full_name() if handler else ""
    note = _("Handläggare: %(name)s") % {"name": name} if handler else _("Ingen handläggare")
    return _event(application=locked, user=user, kind=ApplicationEvent.Kind.HANDLER, note=note)
