"""The warning on the admin index when mail is stuck: the mail server may be down.

Shown to the steering group and to superusers, above the to-do list, when a mail has
waited in the outbox for more than an hour (a working server takes it within a minute or
two: right after the save or at send_outbox's next run), or when a mail was given up in
the last seven days (core/mail.py: after MAIL_GIVE_UP_AFTER). Superusers get each line
as a link to the outbox list filtered to exactly the rows it counts; the steering group
may not open that list (it holds every mail's address and text), so their lines say whom
to tell instead. One aggregate query over the unsent rows (an index keeps them few).
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

from core.admin import FAILED, QUEUED
from core.models import Outbox
from core.roles import is_steering_group, is_superuser, may_read_mail_records

# Longer than any wait a working mail server causes (the first retries are 1, 2, 4 minutes apart).
STUCK_AFTER = datetime.timedelta(hours=1)
GIVEN_UP_SHOWN_FOR = datetime.timedelta(days=7)


@dataclass(frozen=True)
class MailWarningLine:
    text: str
    # "" for a user who may not open the outbox list.
    url: str = ""


@dataclass
class MailWarning:
    lines: list[MailWarningLine] = field(default_factory=list)
    advice: str = ""


def may_see_mail_warning(user) -> bool:
    return is_superuser(user) or is_steering_group(user)


def _outbox_list(**params: str) -> str:
    return f"{reverse('admin:natverk_outbox_changelist')}?{urlencode(params)}"


def mail_warning_for(user, *, now: datetime.datetime | None = None) -> MailWarning | None:
    """The warning for `user`, or None when mail flows or the user is not one to be told."""
    if not may_see_mail_warning(user):
        return None
    now = now or timezone.now()
    # Whole seconds: the cut-offs go into the links, and must count the same rows there.
    stuck_before = (now - STUCK_AFTER).replace(microsecond=0)
    given_up_since = (now - GIVEN_UP_SHOWN_FOR).replace(microsecond=0)
    counts = Outbox.objects.filter(sent_at__isnull=True).aggregate(
        stuck=Count("pk", filter=Q(failed_at__isnull=True, created_at__lt=stuck_before)),
        given_up=Count("pk", filter=Q(failed_at__gte=given_up_since)),
    )
    if not (counts["stuck"] or counts["given_up"]):
        return None
    links = may_read_mail_records(user)
    warning = MailWarning()
    if counts["stuck"]:
        warning.lines.append(
            MailWarningLine(
                ngettext(
                    "%(count)s brev har väntat mer än en timme på att skickas",
                    "%(count)s brev har väntat mer än en timme på att skickas",
                    counts["stuck"],
                )
                % {"count": counts["stuck"]},
                _outbox_list(status=QUEUED, created_at__lt=stuck_before.isoformat()) if links else "",
            )
        )
    if counts["given_up"]:
        warning.lines.append(
            MailWarningLine(
                ngettext(
                    "%(count)s brev kunde inte skickas och gavs upp de senaste 7 dagarna",
                    "%(count)s brev kunde inte skickas och gavs upp de senaste 7 dagarna",
                    counts["given_up"],
                )
                % {"count": counts["given_up"]},
                _outbox_list(status=FAILED, failed_at__gte=given_up_since.isoformat()) if links else "",
            )
        )
    if not links:
        warning.advice = _("E-postservern svarar kanske inte. Tala om det för webbplatsens administratör.")
    elif counts["given_up"]:
        warning.advice = _(
            "E-postservern svarar kanske inte. Se till att den fungerar och köa sedan de brev som "
            "har getts upp igen med ”Försök skicka igen” i listan."
        )
    else:
        warning.advice = _(
            "E-postservern svarar kanske inte. Se till att den fungerar: "
            "breven i kön går iväg av sig själva när den svarar."
        )
    return warning
