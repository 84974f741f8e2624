"""The grant workflow: the table of allowed moves and the one function that makes them.

Nothing else in the project assigns `Application.status`.

Jäv (conflict of interest) is logged as an ApplicationEvent of kind "recusal" whose
from_status and to_status are both the current status (nothing moved), with a note
saying who stepped aside and why. It is written in its own transaction before the
refusal is raised, so the refusal cannot roll the log entry back.
"""

from __future__ import annotations

import datetime

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.dates import sensible_range
from core.mail import mail_link, mail_queue_each
from grants.access import decides_grants, represents_lead
from grants.coapplicants import coapplicant_requests_send
from grants.formatting import format_kr
from grants.letters import letter_attachment, letter_create
from grants.models import (
    Application,
    ApplicationEvent,
    CoApplicant,
    Decision,
    DecisionLetter,
    Payment,
    Pot,
    ReferenceCounter,
)
from grants.rules import application_submit_problems
from members.models import Actor, User

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

# Said by the payment form as well, when a field is left empty (grants.forms.PayoutForm).
PAYMENT_DAY_MISSING = gettext_lazy("Ange vilken dag pengarna betalades ut.")
PAYMENT_REFERENCE_MISSING = gettext_lazy("Ange betalningsreferensen (verifikationsnummer eller bankens referens).")

NOTE_REQUIRED = {
    S.NEEDS_COMPLETION: gettext_lazy("Skriv vad som behöver kompletteras."),
    S.REJECTED: gettext_lazy("Skriv varför ansökan avslås."),
}


# The decisions the steering group makes on an application under review. A submitted one
# is taken into review when a member opens one of these (application_take_up), so they
# are offered from "submitted" too.
DECISIONS = (S.APPROVED, S.NEEDS_COMPLETION, S.REJECTED)


def steering_may_move(status: str, to_status: str) -> bool:
    """Whether the steering group may make this move now, counting the implicit review."""
    if MOVES.get((status, to_status)) == STEERING:
        return True
    return status == S.SUBMITTED and to_status in DECISIONS


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


class PaymentRefused(TransitionError):
    """A payment refused because of what was typed; `field` names the form field to fix
    ("paid_on", "reference"), or is "" when nothing typed can fix it (no payment details)."""

    def __init__(self, message: str, *, field: str = "") -> None:
        super().__init__(message)
        self.field = field


def conflicting_actors(user, application: Application) -> list[Actor]:
    """Actors of the application (lead or co-applicant) that the user represents."""
    if not user.is_authenticated:
        return []
    actor_ids = [application.lead_actor_id, *application.coapplicant_links.values_list("actor_id", flat=True)]
    return list(Actor.objects.filter(pk__in=actor_ids, representations__user=user).distinct())


def recusal_message(actors: list[Actor]) -> str:
    return _("Du är jävig: du företräder %(actors)s i den här ansökan. Låt en annan ledamot i styrgruppen besluta.") % {
        "actors": ", ".join(a.name for a in actors)
    }


def unconfirmed_coapplicants(links: QuerySet[CoApplicant]) -> QuerySet[CoApplicant]:
    """The co-applicants (of `links`) whose yes approval still waits for (pending or declined).

    The one rule for the workflow's refusal, the decision panel and the lists' filter.
    """
    return links.exclude(status=CoApplicant.Status.CONFIRMED)


def coapplicants_message(names: list[str]) -> str:
    return _("Alla medsökande har inte bekräftat ännu: %(actors)s. Vänta på deras svar, eller begär komplettering.") % {
        "actors": ", ".join(names)
    }


def pot_can_pay(pot: Pot, amount: int) -> bool:
    """Whether `amount` fits in what the pot has left to grant (funded less granted)."""
    return amount <= pot.remaining


def _check_role(who: str, user, application: Application) -> None:
    if who == APPLICANT:
        if not represents_lead(user, application):
            raise NotAllowed(_("Bara den sökande aktörens företrädare får göra det här."))
    elif who == STEERING and not decides_grants(user):
        raise NotAllowed(_("Bara styrgruppen får göra det här."))


def recusal_log(*, application: Application, user, actors: list[Actor], to_status: str) -> None:
    """Note in the history that `user` stepped aside (jäv) instead of moving the application."""
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


def _recipients(application: Application) -> tuple[list[User], list[User]]:
    """The lead actor's representatives, and the co-applicants' (one account each; a person
    who speaks for both counts as the lead's).

    When the application is sent in, a co-applicant that has not answered yet is left out:
    its request to confirm (grants.coapplicants) is then the one thing its mail says.
    """
    lead = list(User.objects.filter(representations__actor_id=application.lead_actor_id).distinct().order_by("email"))
    links = application.coapplicant_links.all()
    if application.status == S.SUBMITTED:
        links = links.exclude(status=CoApplicant.Status.PENDING)
    co = (
        User.objects.filter(representations__actor_id__in=links.values("actor_id"))
        .exclude(pk__in=[user.pk for user in lead])
        .distinct()
        .order_by("email")
    )
    return lead, list(co)


def _queue_mail(application: Application, note: str, letter: tuple[DecisionLetter, bytes] | None = None) -> None:
    """Tell everyone behind the application what happened and what to do next (one mail each),
    each for their part: the lead actor acts, a co-applicant follows along.

    A decision's mail carries its letter (PDF).
    """
    approved = application.status == S.APPROVED
    context = {
        "application": application,
        "status": application.status,
        "ref": application.reference or application.title,
        "granted": format_kr(application.amount_granted) if approved else "",
        "asked": format_kr(application.amount_requested) if approved else "",
        "report_due": application.report_due_on,
        "note": note,
        "url": mail_link(application.get_absolute_url),
        "letter": letter is not None,
    }
    lead, co = _recipients(application)
    for users, is_lead in ((lead, True), (co, False)):
        mail_queue_each(
            users=users,
            template="grants/email/status",
            context={**context, "is_lead": is_lead},
            attachments=[letter_attachment(*letter)] if letter is not None else [],
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
    if who == STEERING and decides_grants(actor_user):
        conflicts = conflicting_actors(actor_user, application)
        if conflicts:
            recusal_log(application=application, user=actor_user, actors=conflicts, to_status=to_status)
            raise RecusalRequired(recusal_message(conflicts))

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
            # The pots of the year, locked in one order: two payments with the same reference
            # (of any application of the year) queue here, and the second sees the first.
            list(Pot.objects.select_for_update().filter(year=app.pot.year).order_by("pk").values_list("pk"))
            check_payment(application=app, payment_date=payment_date, payment_reference=payment_reference)
            try:
                with transaction.atomic():
                    Payment.objects.create(
                        application=app,
                        amount=app.amount_granted,
                        paid_at=now,
                        paid_on=payment_date,
                        reference=payment_reference,
                        registered_by=actor_user,
                    )
            except IntegrityError:
                # The unique (pot, reference) constraint, if a payment slipped past the lock
                # (a pot of the year created meanwhile): the same refusal, not a server error.
                _check_reference_free(app, payment_reference)
                raise
            note = note or _("Utbetalt %(day)s, referens %(reference)s.") % {
                "day": date_format(payment_date, "DATE_FORMAT"),
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
            # Asked only now that there is a whole application to confirm, not after step 1.
            coapplicant_requests_send(application=app)

    application.refresh_from_db()
    return application


def _check_coapplicants_confirmed(app: Application) -> None:
    """Approval waits until every co-applicant has said yes (they are asked on submission)."""
    unconfirmed = [link.actor.name for link in unconfirmed_coapplicants(app.coapplicant_links.select_related("actor"))]
    if unconfirmed:
        raise TransitionError(coapplicants_message(unconfirmed))


def approval_day(application: Application) -> datetime.date | None:
    """The local day of the decision that approved the application (None before one exists)."""
    decided_at = (
        application.decisions.filter(outcome=Decision.Outcome.APPROVED)
        .order_by("-decided_at")
        .values_list("decided_at", flat=True)
        .first()
    )
    return timezone.localdate(decided_at) if decided_at else None


def check_payment(*, application: Application, payment_date: datetime.date | None, payment_reference: str) -> None:
    """Raise PaymentRefused unless the application can be paid on that day with that reference.

    The rules of a payment, in one place: the payee's details are known, the day lies between
    the approval and today, and the reference names no other payment of the pots of the same
    year. The payment move runs it under the lock; the bulk payment page runs it first for
    every row so that a batch with one bad row changes nothing.
    """
    app = application
    reference = (payment_reference or "").strip()
    if not app.payment_details:
        raise PaymentRefused(
            _(
                "Ansökan saknar uppgifter om vart pengarna ska betalas, så den kan inte markeras som "
                "utbetald. Be den sökande fylla i steg 5 ”Utbetalning” (bankgiro, plusgiro eller "
                "clearing- och kontonummer) och betala ut först när uppgifterna finns."
            )
        )
    day = payment_date
    if not isinstance(day, datetime.date):
        raise PaymentRefused(str(PAYMENT_DAY_MISSING), field="paid_on")
    first, last = sensible_range()
    if not first <= day <= last:
        raise PaymentRefused(_("Utbetalningsdagen ligger orimligt långt bort. Kontrollera årtalet."), field="paid_on")
    today = timezone.localdate()
    if day > today:
        raise PaymentRefused(
            _("Utbetalningsdagen kan inte ligga i framtiden. Registrera utbetalningen när pengarna har gått ut."),
            field="paid_on",
        )
    approved_on = approval_day(app)
    if approved_on and day < approved_on:
        raise PaymentRefused(
            _(
                "Utbetalningsdagen %(day)s ligger före beslutet att bevilja (%(approved)s). "
                "Pengar kan inte ha betalats ut före beslutet: kontrollera dagen, den ska ligga mellan "
                "%(approved)s och i dag."
            )
            % {"day": date_format(day, "DATE_FORMAT"), "approved": date_format(approved_on, "DATE_FORMAT")},
            field="paid_on",
        )
    if not reference:
        raise PaymentRefused(str(PAYMENT_REFERENCE_MISSING), field="reference")
    _check_reference_free(app, reference)


def _check_reference_free(app: Application, reference: str) -> None:
    """Refuse a reference that another payment of the pots of the same year already has."""
    other = (
        Payment.objects.filter(pot__year=app.pot.year, reference__iexact=reference.strip())
        .exclude(application_id=app.pk)
        .select_related("application", "pot")
        .first()
    )
    if other is not None:
        raise PaymentRefused(
            _(
                "Betalningsreferensen ”%(reference)s” används redan för utbetalningen till %(other)s "
                "(%(pot)s). Varje utbetalning under ett år behöver en egen referens: kontrollera "
                "verifikationsnumret."
            )
            % {"reference": other.reference, "other": other.application, "pot": other.pot.name},
            field="reference",
        )


def _check_amount(app: Application, granted) -> None:
    """Refuse a bad amount, and one the pot cannot pay; the pot row stays locked until commit."""
    if not isinstance(granted, int) or isinstance(granted, bool) or granted <= 0:
        raise TransitionError(_("Det beviljade beloppet måste vara ett helt antal kronor större än 0."))
    if granted > (app.amount_requested or 0):
        raise TransitionError(
            _("Det går inte att bevilja mer än det sökta beloppet (%(asked)s).")
            % {"asked": format_kr(app.amount_requested)}
        )
    # Lock the pot so that concurrent approvals (also from other app servers) queue here,
    # then read its sums (in statements of their own, so they see what the others committed).
    pot = Pot.objects.select_for_update().get(pk=app.pot_id)
    pot.total_amount, pot.granted_amount = pot.total, pot.granted
    if not pot_can_pay(pot, granted):
        raise Overspend(
            _("Potten räcker inte: %(remaining)s återstår i %(pot)s, men %(amount)s skulle beviljas.")
            % {"remaining": format_kr(max(pot.remaining, 0)), "pot": pot.name, "amount": format_kr(granted)}
        )
    # The database checks these too (pot_granted_within_funded).
    pot.save_totals(funded=pot.total, granted=pot.granted + granted)


def application_take_up(*, application: Application, actor_user) -> bool:
    """Take a submitted application into review for a steering member; True when it moved.

    False when it is no longer submitted (another member took it up a moment before), so
    that opening a decision page twice, or two members at once, writes one history row.
    The caller checks jäv first: a refusal here would log a recusal for merely looking.
    """
    if application.status != S.SUBMITTED:
        return False
    try:
        application_transition(application=application, to_status=S.IN_REVIEW, actor_user=actor_user)
    except NotAllowed:
        application.refresh_from_db()
        if application.status == S.SUBMITTED:
            raise
        return False
    return True
