"""The applicant's view of their applications: which ones, and what to do next.

Used by "Mina ansökningar" and by the overview on "Mina sidor" (registered in apps.py
through members.overview).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import BooleanField, ExpressionWrapper, Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _

from grants.models import Application, CoApplicant
from members.models import User
from members.overview import Todo

S = Application.Status
# Answers to a co-applicant's request are taken until the steering group decides.
ANSWERABLE = (S.DRAFT, S.SUBMITTED, S.IN_REVIEW, S.NEEDS_COMPLETION)
# Nothing more will happen: the overview on "Mina sidor" leaves these out.
FINISHED = (S.REJECTED, S.WITHDRAWN, S.CLOSED)
# What the overview reads of an application (and application_next_step: ends_on for the
# report's due day), besides its pot's closing day and its lead actor's name.
APPLICATION_COLUMNS = ("pot", "lead_actor", "title", "reference", "status", "ends_on", "created_at")


@dataclass(frozen=True)
class NextStep:
    """What happens next with an application, as the applicant reads it."""

    text: str
    # Set when the reader has something to do: the page that does it, by when, and the
    # to-do line on "Mina sidor" that says what it is.
    url: str = ""
    due: datetime.date | None = None
    task: str = ""


def coapplications(*, actor_ids: Sequence[int]) -> dict[int, bool]:
    """The applications these actors take part in as co-applicants: {application id: a
    request to take part waits for their answer}."""
    pending: dict[int, bool] = {}
    links = CoApplicant.objects.filter(actor__in=actor_ids).order_by().values_list("application_id", "status")
    for application_id, status in links:
        pending[application_id] = pending.get(application_id, False) or status == CoApplicant.Status.PENDING
    return pending


def my_applications(*, actor_ids: Sequence[int], coapplied: Iterable[int] | None = None) -> QuerySet[Application]:
    """Applications led or co-applied for by these actors (those a user represents), newest
    first, with `is_lead`: led by one of them. `coapplied`: the ids coapplications() gave,
    when the caller has them."""
    if coapplied is None:
        coapplied = coapplications(actor_ids=actor_ids)
    # The co-applied ids first, then one OR on the applications' own columns, which PostgreSQL
    # answers from two indexes. Not an OR across the joins to the co-applicants: PostgreSQL
    # scanned every application for that (about 200 ms at 50,000 applications, make bench),
    # and a UNION in a subquery took 0.4 ms more to build and compile on every view.
    return (
        Application.objects.filter(Q(lead_actor__in=actor_ids) | Q(pk__in=list(coapplied)))
        .select_related("pot", "lead_actor")
        .annotate(is_lead=ExpressionWrapper(Q(lead_actor__in=actor_ids), output_field=BooleanField()))
        .order_by("-created_at", "-pk")
    )


def coapplicant_requests(*, actor_ids: Sequence[int]) -> QuerySet[CoApplicant]:
    """Requests to confirm taking part that wait for one of these actors (those a user represents)."""
    # The actors' ids, not a join with .distinct(): the DISTINCT over every selected column
    # took PostgreSQL about 8 ms to plan on each view of "Mina sidor" (make bench).
    return CoApplicant.objects.filter(
        actor__in=actor_ids,
        status=CoApplicant.Status.PENDING,
        application__status__in=ANSWERABLE,
    ).select_related("actor", "application__lead_actor")


def application_next_step(app: Application, *, is_lead: bool) -> NextStep:
    """The next step for the lead actor's representatives; co-applicants only follow along."""
    if app.status == S.DRAFT:
        if not is_lead:
            return NextStep(_("Den sökande aktören skriver ansökan."))
        return NextStep(
            _("Skicka in"),
            reverse("grants:review", args=[app.pk]),
            app.pot.closes_on,
            _("Ansökan ”%(title)s” är inte inskickad än.") % {"title": app.title},
        )
    if app.status == S.NEEDS_COMPLETION:
        if not is_lead:
            return NextStep(_("Den sökande aktören kompletterar ansökan."))
        return NextStep(
            _("Komplettera"),
            reverse("grants:review", args=[app.pk]),
            task=_("Styrgruppen vill att ni kompletterar ansökan ”%(title)s”.") % {"title": app.title},
        )
    if app.status in (S.SUBMITTED, S.IN_REVIEW):
        return NextStep(_("Styrgruppen behandlar ansökan. Du får besked via e-post."))
    if app.status == S.APPROVED:
        return NextStep(_("Beviljad. Pengarna betalas ut till det konto ni har angett."))
    if app.status == S.PAID:
        if not is_lead:
            return NextStep(_("Utbetald. Den sökande aktören lämnar återrapporten."))
        return NextStep(
            _("Lämna återrapport"),
            reverse("grants:report", args=[app.pk]),
            app.report_due_on,
            _("Berätta hur aktiviteten ”%(title)s” gick och vad pengarna användes till.") % {"title": app.title},
        )
    if app.status == S.REPORTED:
        return NextStep(_("Styrgruppen läser återrapporten."))
    return NextStep(_("Inget mer att göra."))


def my_pages_applications(*, user: User, actor_ids: Sequence[int], network_ids: Sequence[int]) -> dict[str, Any]:
    """The applications part of "Mina sidor": those still under way, each with its next step;
    to do: the requests to take part and the steps the user's actor must take."""
    # Only the columns the overview shows (templates/grants/_my_pages_applications.html and
    # application_next_step): whole rows of applications and actors, long texts included,
    # cost more to read and turn into objects than the page took otherwise.
    coapplied = coapplications(actor_ids=actor_ids)
    applications = list(
        my_applications(actor_ids=actor_ids, coapplied=coapplied)
        .exclude(status__in=FINISHED)
        .only(*APPLICATION_COLUMNS, "pot__closes_on", "lead_actor__name")
    )
    # Every request to take part waits on an application listed here (one of the user's
    # actors co-applies, and an answerable one is not finished): they are read only when one
    # of these has a request to one of the user's actors. Most people have none, and the
    # read cost about 1 ms of CPU (three joins to build and compile) on every view.
    requests = []
    if any(coapplied.get(app.pk) and app.status in ANSWERABLE for app in applications):
        requests = coapplicant_requests(actor_ids=actor_ids).only(
            "application", "actor__name", "application__title", "application__lead_actor__name"
        )
    steps = [(app, application_next_step(app, is_lead=app.is_lead)) for app in applications]
    todo = [
        Todo(
            _("%(lead)s vill söka ”%(title)s” tillsammans med %(actor)s.")
            % {"lead": link.application.lead_actor.name, "title": link.application.title, "actor": link.actor.name},
            _("Svara på förfrågan"),
            reverse("grants:confirm", args=[link.application_id]),
        )
        for link in requests
    ]
    todo += [Todo(step.task, step.text, step.url, step.due) for _app, step in steps if step.url]
    return {"overview_applications": steps, "todo": todo}
