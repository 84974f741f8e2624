"""The grant workflow: the table of allowed moves and the one function that makes them.

Nothing else in the project assigns `Application.status`.

Jäv (conflict of interest) is logged as an ApplicationEvent of kind "recusal" whose
from_status and to_status are both the current status (nothing moved), with a note
saying who stepped aside and why. It is written in its own transaction before the
refusal is raised, so the refusal cannot roll the log entry back.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from grants.access import represents_lead
from grants.formatting import format_kr
from grants.letters import letter_attachment, letter_create
from grants.models import (
    Application,
    ApplicationEvent,
    Decision,
    DecisionLetter,
    Payment,
    Pot,
    ReferenceCounter,
)
from grants.models.pots import GRANTED_STATUSES
from members.models import Actor, User
from members.roles import is_steering_group
from natverk.dates import sensible_range
from natverk.mail import mail_queue_each

S = Application.Status
APPLICANT = "applicant"
STEERING = "steering"

# (from, to) -> who may make the move.
MOVES: dict[tuple[str, str], str] = {
    (S.DRAFT, S.SUBMITTED): APPLICANT,
    (S.SUBMITTED, S.IN_REVIEW): STEERING,
    (S.IN_REVIEW, S.NEEDS_COMPLETION): STEERING,
    (S.NEEDS_COMPLETION, S.SUBMITTED): APPLICANT,
    (S.IN_REVIEW, S.APPROVED): STEERING,
    (S.IN_REVIEW, S.REJECTED): STEERING,
    (S.SUBMITTED, S.WITHDRAWN): APPLICANT,
    (S.IN_REVIEW, S.WITHDRAWN): APPLICANT,
    (S.NEEDS_COMPLETION, S.WITHDRAWN): APPLICANT,
    (S.APPROVED, S.PAID): STEERING,
    (S.PAID, S.REPORTED): APPLICANT,
    (S.REPORTED, S.CLOSED): STEERING,
}

NOTE_REQUIRED = {
    S.NEEDS_COMPLETION: gettext_lazy("Skriv vad som behöver kompletteras."),
    S.REJECTED: gettext_lazy("Skriv varför ansökan avslås."),
}


class TransitionError(Exception):
    """A move that is not allowed; str(error) is a message for the user (Swedish)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class NotAllowed(TransitionError):
    pass


class RecusalRequired(TransitionError):
    """The steering-group member represents an actor in the application (jäv)."""


class Overspend(TransitionError):
    pass


def conflicting_actors(user, application: Application) -> list[Actor]:
    """Actors of the application (lead or co-applicant) that the user represents."""
    if not user.is_authenticated:
        return []
    actor_ids = [application.lead_actor_id, *application.coapplicant_links.values_list("actor_id", flat=True)]
    return list(Actor.objects.filter(pk__in=actor_ids, representations__user=user).distinct())


def _check_role(who: str, user, application: Application) -> None:
    if who == APPLICANT:
        if not represents_lead(user, application):
            raise NotAllowed(_("Bara den sökande aktörens företrädare får göra det här."))
    elif who == STEERING and not is_steering_group(user):
        raise NotAllowed(_("Bara styrgruppen får göra det här."))


def _log_recusal(*, application: Application, user, actors: list[Actor], to_status: str) -> None:
    names = ", ".join(a.name for a in actors)
    with transaction.atomic():
        ApplicationEvent.objects.create(
            application=application,
            kind=ApplicationEvent.Kind.RECUSAL,
            actor_user=user,
            from_status=application.status,
            to_status=application.status,
            note=_("%(user)s steg åt sidan (jäv: företräder %(actors)s) och fick inte ändra till %(status)s.")
            % {"user": user, "actors": names, "status": S(to_status).label},
        )


def _next_reference(year: int) -> str:
    counter, _created = ReferenceCounter.objects.get_or_create(year=year)
    counter = ReferenceCounter.objects.select_for_update().get(pk=counter.pk)
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    return f"SN-{year}-{counter.last_number:04d}"


def _recipients(application: Application) -> list[User]:
    """The representatives of the lead actor and of every co-applicant, one account each."""
    actor_ids = [application.lead_actor_id, *application.coapplicant_links.values_list("actor_id", flat=True)]
    return list(User.objects.filter(representations__actor_id__in=actor_ids).distinct().order_by("email"))


def _queue_mail(application: Application, note: str, letter: DecisionLetter | None = None) -> None:
    """Tell everyone behind the application what happened and what to do next (one mail each).

    A decision's mail carries its letter (PDF).
    """
    approved = application.status == S.APPROVED
    mail_queue_each(
        users=_recipients(application),
        template="grants/email/status",
        context={
            "application": application,
            "status": application.status,
            "ref": application.reference or application.title,
            "granted": format_kr(application.amount_granted) if approved else "",
            "asked": format_kr(application.amount_requested) if approved else "",
            "report_due": application.report_due_on,
            "note": note,
            "url": settings.SITE_URL + application.get_absolute_url(),
            "letter": letter is not None,
        },
        attachments=[letter_attachment(letter)] if letter is not None else [],
        kind="grants.status",
    )


def application_transition(
    *,
    application: Application,
    to_status: str,
    actor_user,
    note: str = "",
    amount: int | None = None,
    payment_date: datetime.date | None = None,
    payment_reference: str = "",
) -> Application:
    """Move an application to `to_status`, or raise TransitionError with a message for the user.

    A payment (to "paid") needs the day the money went out and the bank's reference.
    """
    note = (note or "").strip()
    payment_reference = (payment_reference or "").strip()
    who = MOVES.get((application.status, to_status))
    if who == STEERING and is_steering_group(actor_user):
        conflicts = conflicting_actors(actor_user, application)
        if conflicts:
            _log_recusal(application=application, user=actor_user, actors=conflicts, to_status=to_status)
            raise RecusalRequired(
                _(
                    "Du är jävig: du företräder %(actors)s i den här ansökan. "
                    "Låt en annan ledamot i styrgruppen besluta."
                )
                % {"actors": ", ".join(a.name for a in conflicts)}
            )

    with transaction.atomic():
        app = (
            Application.objects.select_for_update(of=("self",))
            .select_related("pot", "lead_actor")
            .get(pk=application.pk)
        )
        from_status = app.status
        who = MOVES.get((from_status, to_status))
        if who is None:
            raise NotAllowed(
                _("Ansökan kan inte gå från ”%(from)s” till ”%(to)s”.")
                % {"from": S(from_status).label, "to": S(to_status).label}
            )
        _check_role(who, actor_user, app)
        if who == STEERING and conflicting_actors(actor_user, app):
            raise RecusalRequired(_("Du är jävig i den här ansökan."))
        if to_status in NOTE_REQUIRED and not note:
            raise TransitionError(str(NOTE_REQUIRED[to_status]))

        now = timezone.now()
        update_fields = ["status", "updated_at"]
        decision = None
        if to_status == S.SUBMITTED:
            from grants.services import application_submit_problems

            problems = application_submit_problems(app, resubmission=from_status == S.NEEDS_COMPLETION)
            if problems:
                raise TransitionError(" ".join(message for _step, message in problems))
            if not app.reference:
                app.reference = _next_reference(timezone.localdate().year)
                update_fields.append("reference")
            app.submitted_at = now
            update_fields.append("submitted_at")
        elif to_status == S.APPROVED:
            _check_coapplicants_confirmed(app)
            granted = app.amount_requested if amount is None else amount
            _check_amount(app, granted)
            app.amount_granted = granted
            update_fields.append("amount_granted")
            decision = Decision.objects.create(
                application=app,
                outcome=Decision.Outcome.APPROVED,
                amount_granted=granted,
                motivation=note,
                decided_by=actor_user,
                decided_at=now,
            )
            if not note:
                note = _("Beviljat %(amount)s.") % {"amount": format_kr(granted)}
            else:
                note = _("Beviljat %(amount)s. %(note)s") % {"amount": format_kr(granted), "note": note}
        elif to_status in (S.REJECTED, S.NEEDS_COMPLETION):
            # A request for completion is a decision too: the applicants get it as a letter.
            decision = Decision.objects.create(
                application=app,
                outcome=Decision.Outcome(to_status),
                motivation=note,
                decided_by=actor_user,
                decided_at=now,
            )
        elif to_status == S.PAID:
            _check_payment(payment_date, payment_reference)
            Payment.objects.create(
                application=app,
                amount=app.amount_granted,
                paid_at=now,
                paid_on=payment_date,
                reference=payment_reference,
                registered_by=actor_user,
            )
            note = note or _("Utbetalt %(day)s, referens %(reference)s.") % {
                "day": date_format(payment_date, "j F Y"),
                "reference": payment_reference,
            }
        elif to_status == S.REPORTED and not hasattr(app, "report"):
            raise TransitionError(_("Återrapporten saknas."))

        app.status = to_status
        app.save(update_fields=update_fields)
        ApplicationEvent.objects.create(
            application=app,
            actor_user=actor_user,
            from_status=from_status,
            to_status=to_status,
            note=note,
        )
        # The letter after the move, so that its history row stands after the decision's.
        letter = letter_create(decision=decision) if decision is not None else None
        _queue_mail(app, note, letter)
        if to_status == S.SUBMITTED:
            from grants.services import coapplicant_requests_send

            # Asked only now that there is a whole application to confirm, not after step 1.
            coapplicant_requests_send(application=app)

    application.refresh_from_db()
    return application


def _check_coapplicants_confirmed(app: Application) -> None:
    """Approval waits until every co-applicant has said yes (they are asked on submission)."""
    unconfirmed = [
        link.actor.name
        for link in app.coapplicant_links.select_related("actor")
        if link.status != link.Status.CONFIRMED
    ]
    if unconfirmed:
        raise TransitionError(
            _("Alla medsökande har inte bekräftat ännu: %(actors)s. Vänta på deras svar, eller begär komplettering.")
            % {"actors": ", ".join(unconfirmed)}
        )


def _check_payment(day: datetime.date | None, reference: str) -> None:
    if not isinstance(day, datetime.date):
        raise TransitionError(_("Ange vilken dag pengarna betalades ut."))
    first, last = sensible_range()
    if not first <= day <= last:
        raise TransitionError(_("Utbetalningsdagen ligger orimligt långt bort. Kontrollera årtalet."))
    if not reference:
        raise TransitionError(_("Ange betalningsreferensen (verifikationsnummer eller bankens referens)."))


def _check_amount(app: Application, granted) -> None:
    """Refuse a bad amount, and one the pot cannot pay; the pot row stays locked until commit."""
    if not isinstance(granted, int) or isinstance(granted, bool) or granted <= 0:
        raise TransitionError(_("Det beviljade beloppet måste vara ett helt antal kronor större än 0."))
    if granted > (app.amount_requested or 0):
        raise TransitionError(
            _("Det går inte att bevilja mer än det sökta beloppet (%(asked)s).")
            % {"asked": format_kr(app.amount_requested)}
        )
    # Lock the pot so that concurrent approvals (also from other app servers) queue here.
    pot = Pot.objects.select_for_update().get(pk=app.pot_id)
    already = Application.objects.filter(pot=pot, status__in=GRANTED_STATUSES).aggregate(
        s=Coalesce(Sum("amount_granted"), 0)
    )["s"]
    funded = pot.total
    remaining = funded - already
    if granted > remaining:
        raise Overspend(
            _("Potten räcker inte: %(remaining)s återstår i %(pot)s, men %(amount)s skulle beviljas.")
            % {"remaining": format_kr(max(remaining, 0)), "pot": pot.name, "amount": format_kr(granted)}
        )
    # The database checks these too (pot_granted_within_funded).
    pot.save_totals(funded=funded, granted=already + granted)
