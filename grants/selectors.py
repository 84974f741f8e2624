"""Reads that build pages: the pot open now, an application with its parts, the public
register of what was granted, and the back office's list totals and CSV export.

Who may read what is not decided here (grants.access): the callers pass what the user may see.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Prefetch, QuerySet, Sum, prefetch_related_objects

from grants.models import (
    Application,
    ApplicationEvent,
    Attachment,
    BudgetLine,
    CoApplicant,
    DecisionLetter,
    FollowUpReport,
    Pot,
)
from grants.models.applications import INTERNAL_EVENT_KINDS
from grants.models.pots import GRANTED_STATUSES
from members.models import Membership, Representation
from networks.models import Network

ApplicationNetwork = Application.networks.through


def current_pot(*, totals: bool = True) -> Pot | None:
    """The pot that takes applications now (the newest, the one closing first), with its
    totals unless `totals` is False: the application form needs only the pot's rules."""
    pots = Pot.objects.accepting().order_by("-year", "closes_on")
    return (pots.with_totals() if totals else pots).first()


def representations_for_start(user) -> list[Representation]:
    """The user's public actors, each with `is_pending` (a membership request waits): what the
    start page offers someone who may not apply yet."""
    return list(
        Representation.objects.filter(user=user, actor__is_public=True)
        .select_related("actor")
        .annotate(
            is_pending=Exists(Membership.objects.filter(actor=OuterRef("actor"), status=Membership.Status.PENDING))
        )
        .order_by("actor__name")
    )


def _parts() -> list[Prefetch]:
    """What an application's pages show besides its row: networks, budget, files, co-applicants.

    One application's rows in their models' own order, which sorts by the application first:
    left out here, it joined the applications table into three of these reads for nothing.
    """
    return [
        # The names the pages show (grants/_summary.html), not each network's texts in every language.
        Prefetch("networks", queryset=Network.objects.only("name", "network_name", "sort_order")),
        Prefetch("budget_lines", queryset=BudgetLine.objects.order_by("pk")),
        Prefetch("attachments", queryset=Attachment.objects.order_by("uploaded_at")),
        Prefetch("coapplicant_links", queryset=CoApplicant.objects.select_related("actor").order_by("actor__name")),
    ]


def application_with_parts(pk: int) -> Application:
    """The application with what its pages show: pot, parties, networks, budget and files."""
    return Application.objects.select_related("pot", "lead_actor").prefetch_related(*_parts()).get(pk=pk)


def with_parts(application: Application) -> Application:
    """`application`, already read with its pot and lead actor (grants.access), with its parts
    as application_with_parts reads them: the row is not read a second time."""
    prefetch_related_objects([application], *_parts())
    return application


def public_events(application: Application) -> QuerySet[ApplicationEvent]:
    """The history the applicants read: the steering group's notes and handler are theirs alone."""
    return application.events.exclude(kind__in=INTERNAL_EVENT_KINDS).select_related("actor_user")


def decision_letters(application: Application) -> QuerySet[DecisionLetter]:
    return DecisionLetter.objects.filter(decision__application=application).select_related("decision")


# ---- The public register of what was granted ----


@dataclass
class GrantedRegister:
    """One year of the register, perhaps of one network: rows (one per application and
    network) and the amount granted per network id."""

    rows: QuerySet
    totals: dict[int, int]


def granted_years() -> list[int]:
    """The years in which something was granted, newest first."""
    return list(
        Pot.objects.filter(applications__status__in=GRANTED_STATUSES)
        .values_list("year", flat=True)
        .distinct()
        .order_by("-year")
    )


def granted_register(*, year: int | None, network: Network | None) -> GrantedRegister:
    """What the shared pot paid for in `year`: no personal data, the confirmed co-applicants
    by name. An activity in several networks is listed, and counted, under each of them."""
    rows = ApplicationNetwork.objects.filter(
        application__status__in=GRANTED_STATUSES, application__pot__year=year
    ).select_related("network", "application__lead_actor")
    if network is not None:
        rows = rows.filter(network=network)
    totals = {
        row["network"]: row["total"]
        for row in rows.order_by().values("network").annotate(total=Sum("application__amount_granted"))
    }
    rows = (
        rows.annotate(has_report=Exists(FollowUpReport.objects.filter(application=OuterRef("application"))))
        .prefetch_related(
            Prefetch(
                "application__coapplicant_links",
                queryset=CoApplicant.objects.filter(status=CoApplicant.Status.CONFIRMED).select_related("actor"),
            )
        )
        .order_by("network__sort_order", "network__name", "application__title", "application__pk")
    )
    return GrantedRegister(rows=rows, totals=totals)


# ---- The back office ----


def pot_totals_for_list(pot_id: str | None) -> list[Pot]:
    """The totals above the applications' list: of the pot it is filtered to, else of the
    newest pot (summing every pot's decisions on each page view would grow with the years)."""
    pots = Pot.objects.with_totals()
    if pot_id and pot_id.isdigit():
        pots = pots.filter(pk=pot_id)
    return list(pots[:1])


def applications_for_export(queryset: QuerySet[Application]) -> QuerySet[Application]:
    """The list's applications with what the CSV names: networks and co-applicants, one query each."""
    return queryset.prefetch_related("networks", "coapplicant_links__actor")
