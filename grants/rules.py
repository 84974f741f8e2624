"""What an application must be: who may apply and with whom, and what stops it from being
sent in, each problem with the step of the form that fixes it.

Read by the form's pages and its forms (grants.views, grants.forms) and by the submit
move (grants.workflow); it imports neither, so that they import it without a circle.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from grants.formatting import format_kr
from grants.models import Application, BudgetLine, Pot
from members.models import Actor, Membership

# Which step of the form each problem belongs to, for the "change" links.
STEP_PARTIES, STEP_ACTIVITY, STEP_BUDGET, STEP_CONTACT, STEP_PAYMENT = 1, 2, 3, 4, 5


def applicant_actors(*, user) -> QuerySet[Actor]:
    """The actors `user` may apply for: those they represent that are active members of a network."""
    return (
        Actor.objects.represented_by(user)
        .filter(pk__in=Membership.objects.active().values("actor_id"))
        .distinct()
        .order_by("name")
    )


def coapplicant_candidates(*, user) -> QuerySet[Actor]:
    """Public actors that share an active network with one of the user's actors; never the user's own."""
    own = Actor.objects.represented_by(user).values("pk")
    networks = Membership.objects.active().filter(actor__in=own).values("network_id")
    sharing = Membership.objects.active().filter(network__in=networks).values("actor_id")
    return Actor.objects.public().filter(pk__in=sharing).exclude(pk__in=own)


def actor_problems(*, pot: Pot, actor: Actor, known_member: bool = False) -> list[str]:
    """What stops `actor` from applying from `pot`. `known_member`: the caller took the actor
    from applicant_actors (active members only), so the membership is not read again."""
    problems = []
    if not known_member and not Membership.objects.active().filter(actor=actor).exists():
        problems.append(
            _("%(actor)s är inte aktiv medlem i något nätverk. Bara medlemmar kan söka bidrag.") % {"actor": actor.name}
        )
    if not pot.allows_kind(actor.kind):
        problems.append(
            _("Aktörer av typen ”%(kind)s” kan inte söka ur %(pot)s.") % {"kind": actor.get_kind_display(), "pot": pot}
        )
    return problems


def start_date_problem(*, pot: Pot, starts_on: datetime.date | None) -> str | None:
    if starts_on and pot.must_apply_before_start and starts_on < timezone.localdate():
        return _("Aktiviteten har redan börjat. Ansökan måste komma in innan aktiviteten börjar.")
    return None


def amount_problem(*, pot: Pot, amount: int | None) -> str | None:
    if amount is not None and amount > pot.max_amount_per_application:
        return _("Du kan söka högst %(max)s ur %(pot)s.") % {
            "max": format_kr(pot.max_amount_per_application),
            "pot": pot,
        }
    return None


def application_submit_problems(application: Application, *, resubmission: bool = False) -> list[tuple[int, str]]:
    """Everything that stops the application from being sent in, with the step to fix it."""
    app, pot = application, application.pot
    problems: list[tuple[int, str]] = []
    if not resubmission and not pot.accepts_applications():
        problems.append((STEP_PARTIES, _("%(pot)s är stängd för ansökningar.") % {"pot": pot}))
    problems += [(STEP_PARTIES, p) for p in actor_problems(pot=pot, actor=app.lead_actor)]
    if not app.networks.exists():
        problems.append((STEP_PARTIES, _("Välj minst ett nätverk där aktiviteten sker.")))
    # Co-applicants are asked to confirm when the application is submitted (they then see a
    # whole application); the steering group's approval waits for them (grants.workflow).
    required = [
        (STEP_ACTIVITY, "title", _("Aktivitetens namn saknas.")),
        (STEP_ACTIVITY, "description", _("Beskrivningen saknas.")),
        (STEP_ACTIVITY, "purpose", _("Syftet saknas.")),
        (STEP_ACTIVITY, "target_group", _("Målgruppen saknas.")),
        (STEP_ACTIVITY, "starts_on", _("Startdatum saknas.")),
        (STEP_ACTIVITY, "ends_on", _("Slutdatum saknas.")),
        (STEP_ACTIVITY, "place", _("Plats saknas.")),
        (STEP_ACTIVITY, "expected_participants", _("Antal deltagare saknas.")),
        (STEP_BUDGET, "amount_requested", _("Sökt belopp saknas.")),
        (STEP_CONTACT, "contact_name", _("Kontaktperson saknas.")),
        (STEP_CONTACT, "contact_email", _("Kontaktpersonens e-post saknas.")),
    ]
    problems += [(step, message) for step, field, message in required if getattr(app, field) in (None, "")]
    started = start_date_problem(pot=pot, starts_on=app.starts_on)
    if started:
        problems.append((STEP_ACTIVITY, started))
    if not app.budget_lines.exists():
        problems.append((STEP_BUDGET, _("Budgeten saknar rader.")))
    too_much = amount_problem(pot=pot, amount=app.amount_requested)
    if too_much:
        problems.append((STEP_BUDGET, too_much))
    if not app.payment_details:
        problems.append((STEP_PAYMENT, _("Uppgifter om vart pengarna ska betalas saknas.")))
    return problems


def budget_gap(application: Application, lines: Iterable[BudgetLine] | None = None) -> int | None:
    """How much the amount asked differs from costs minus own contribution and other funding.

    Positive: more is asked than the budget needs; negative: less. None while either is unknown.
    Not a reason to refuse (a partial amount can be deliberate), but worth a clear warning.
    `lines`: the application's budget rows when the caller has read them already.
    """
    app = application
    if app.amount_requested is None:
        return None
    amounts = [line.amount for line in (app.budget_lines.all() if lines is None else lines)]
    if not amounts:
        return None
    needed = sum(amounts) - app.own_contribution - app.other_funding
    return app.amount_requested - needed
