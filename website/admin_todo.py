"""The to-do list on the admin index: what waits for this user, each line a link to the list.

Only what the user may act on: the steering group, who alone decides on grants
(grants.access.decides_grants), sees the applications and reports; coordinators (and
superusers) the membership requests, residents' new questions and meetings of their own
networks. Counts come
from a few aggregate queries, however many rows there are. Every line links to the
changelist filtered to exactly the rows it counts.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.roles import is_superuser
from dialog.models import Question
from grants.access import applications_reviewed_by, decides_grants
from grants.admin_filters import AWAITING_COAPPLICANTS, AWAITING_COMPLETION, PARAMETER, READY, queue_conditions
from grants.models import Application
from grants.models.applications import REPORT_DUE_AFTER
from meetings.access import runs_meetings
from meetings.models import Meeting, without_minutes_q
from members.access import decides_memberships
from members.models import Membership
from networks.access import runs_a_network, scope_to_coordinated

# An application taken up for review and not decided within this many days shows up.
REVIEW_TOO_LONG = datetime.timedelta(days=14)
# How many of the next meetings are listed by name under the count.
NEXT_MEETINGS_SHOWN = 3

S = Application.Status


@dataclass(frozen=True)
class TodoLine:
    text: str
    url: str


@dataclass
class TodoSection:
    heading: str
    lines: list[TodoLine] = field(default_factory=list)
    next_meetings: list[Meeting] = field(default_factory=list)


def _changelist(name: str, **params: str) -> str:
    return f"{reverse(f'admin:{name}_changelist')}?{urlencode(params)}"


def _grants_section(user) -> TodoSection | None:
    if not decides_grants(user):
        return None
    now = timezone.now()
    review_cutoff = (now - REVIEW_TOO_LONG).replace(microsecond=0)
    # A report is late the day after ends_on + REPORT_DUE_AFTER (Application.report_due_on).
    late_before = timezone.localdate() - REPORT_DUE_AFTER
    # grants.workflow saves updated_at with every move and nothing else changes an
    # application under review, so updated_at is when it was taken up for review.
    # Undecided cases by where they stand, counted with the list filter's own conditions.
    queues = queue_conditions()
    counts = applications_reviewed_by(user).aggregate(
        **{slug: Count("pk", filter=condition) for slug, (_label, condition) in queues.items()},
        review_long=Count("pk", filter=Q(status=S.IN_REVIEW, updated_at__lt=review_cutoff)),
        report_late=Count("pk", filter=Q(status=S.PAID, ends_on__lt=late_before)),
        report_in=Count("pk", filter=Q(status=S.REPORTED)),
        to_pay=Count("pk", filter=Q(status=S.APPROVED)),
    )
    name = "grants_application"
    candidates = [
        (
            counts[READY],
            ngettext(
                "%(count)s ansökan är klar för beslut",
                "%(count)s ansökningar är klara för beslut",
                counts[READY],
            ),
            _changelist(name, **{PARAMETER: READY}),
        ),
        (
            counts[AWAITING_COAPPLICANTS],
            ngettext(
                "%(count)s ansökan väntar på att medsökande bekräftar",
                "%(count)s ansökningar väntar på att medsökande bekräftar",
                counts[AWAITING_COAPPLICANTS],
            ),
            _changelist(name, **{PARAMETER: AWAITING_COAPPLICANTS}),
        ),
        (
            counts[AWAITING_COMPLETION],
            ngettext(
                "%(count)s ansökan väntar på komplettering från de sökande",
                "%(count)s ansökningar väntar på komplettering från de sökande",
                counts[AWAITING_COMPLETION],
            ),
            _changelist(name, **{PARAMETER: AWAITING_COMPLETION}),
        ),
        (
            counts["review_long"],
            ngettext(
                "%(count)s ansökan har varit under granskning i mer än 14 dagar",
                "%(count)s ansökningar har varit under granskning i mer än 14 dagar",
                counts["review_long"],
            ),
            _changelist(name, status__exact=S.IN_REVIEW, updated_at__lt=review_cutoff.isoformat()),
        ),
        (
            counts["to_pay"],
            ngettext(
                "%(count)s beviljad ansökan väntar på att utbetalningen registreras",
                "%(count)s beviljade ansökningar väntar på att utbetalningen registreras",
                counts["to_pay"],
            ),
            _changelist(name, status__exact=S.APPROVED),
        ),
        (
            counts["report_in"],
            ngettext(
                "%(count)s återrapport väntar på godkännande",
                "%(count)s återrapporter väntar på godkännande",
                counts["report_in"],
            ),
            _changelist(name, status__exact=S.REPORTED),
        ),
        (
            counts["report_late"],
            ngettext(
                "%(count)s återrapport är försenad",
                "%(count)s återrapporter är försenade",
                counts["report_late"],
            ),
            _changelist(name, status__exact=S.PAID, ends_on__lt=late_before.isoformat()),
        ),
    ]
    section = TodoSection(heading=_("Bidrag"))
    section.lines = [TodoLine(text % {"count": count}, url) for count, text, url in candidates if count]
    return section


def _networks_section(user) -> TodoSection | None:
    may_decide = decides_memberships(user)
    may_run_meetings = runs_meetings(user)
    if not (may_decide or may_run_meetings):
        return None
    if not runs_a_network(user):
        return None
    section = TodoSection(heading=_("Mina nätverk") if not is_superuser(user) else _("Nätverken"))
    if may_decide:
        pending = scope_to_coordinated(Membership.objects.filter(status=Membership.Status.PENDING), user).count()
        if pending:
            section.lines.append(
                TodoLine(
                    ngettext(
                        "%(count)s ansökan om medlemskap väntar på beslut",
                        "%(count)s ansökningar om medlemskap väntar på beslut",
                        pending,
                    )
                    % {"count": pending},
                    _changelist("members_membership", status__exact=Membership.Status.PENDING),
                )
            )
    # Residents' questions no one has moved on yet (dialog.moves: coordinators and superusers).
    new_questions = scope_to_coordinated(Question.objects.open(), user).count()
    if new_questions:
        section.lines.append(
            TodoLine(
                ngettext(
                    "%(count)s ny fråga från boende väntar på nätverket",
                    "%(count)s nya frågor från boende väntar på nätverket",
                    new_questions,
                )
                % {"count": new_questions},
                _changelist("dialog_question", lage=Question.Status.OPEN),
            )
        )
    if may_run_meetings:
        meetings = scope_to_coordinated(Meeting.objects.all(), user)
        upcoming = Q(ends_at__gte=timezone.now(), status=Meeting.Status.PLANNED)
        counts = meetings.aggregate(
            no_minutes=Count("pk", filter=without_minutes_q()),
            upcoming=Count("pk", filter=upcoming),
        )
        if counts["no_minutes"]:
            section.lines.append(
                TodoLine(
                    ngettext(
                        "%(count)s möte har varit men saknar protokoll",
                        "%(count)s möten har varit men saknar protokoll",
                        counts["no_minutes"],
                    )
                    % {"count": counts["no_minutes"]},
                    _changelist("meetings_meeting", protokoll="saknas"),
                )
            )
        if counts["upcoming"]:
            section.lines.append(
                TodoLine(
                    ngettext("%(count)s kommande möte", "%(count)s kommande möten", counts["upcoming"])
                    % {"count": counts["upcoming"]},
                    _changelist("meetings_meeting", nar="kommande", status__exact=Meeting.Status.PLANNED),
                )
            )
            section.next_meetings = list(
                meetings.filter(upcoming).select_related("network").order_by("starts_at", "pk")[:NEXT_MEETINGS_SHOWN]
            )
    return section


def todo_for(user) -> list[TodoSection]:
    """The sections of the to-do list that apply to `user`; empty sections are left out."""
    sections = [_grants_section(user), _networks_section(user)]
    return [section for section in sections if section is not None and (section.lines or section.next_meetings)]
