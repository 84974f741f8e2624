"""Changes to applications that touch several models: drafts, co-applicants, files, reports."""

from __future__ import annotations

import datetime
import logging
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Q, Sum
from django.db.models.functions import Coalesce
from django.forms import BaseInlineFormSet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.mail import mail_link, mail_queue_each
from grants.access import may_see_payment_details
from grants.coapplicants import representatives
from grants.files import check_attachment, reencode_photo, stored_name
from grants.formatting import format_kr
from grants.locking import NotEditable, application_lock
from grants.models import (
    Application,
    ApplicationEvent,
    Attachment,
    CoApplicant,
    Decision,
    FollowUpPhoto,
    FollowUpReport,
    Funding,
    Payment,
    Pot,
)
from grants.models.pots import GRANTED_STATUSES
from grants.overview import ANSWERABLE
from grants.workflow import application_transition
from members.models import Actor, Representation, User
from networks.models import Network

# The first reminder goes out this long before the report is due.
REMIND_BEFORE = datetime.timedelta(days=7)

logger = logging.getLogger(__name__)


def application_set_parties(
    *,
    application: Application,
    lead_actor: Actor,
    co_applicants: Iterable[Actor],
    networks: Iterable[Network],
    title: str | None = None,
) -> Application:
    """Save step 1 (who applies, with whom, where); co-applicants are asked when it is submitted.

    Raises NotEditable, with nothing saved, once the application has been sent in.
    """
    with transaction.atomic():
        # Written to, not read: only its status is read (for the check).
        locked = application_lock(application=application, columns=())
        locked.lead_actor = lead_actor
        fields = ["lead_actor", "updated_at"]
        if title is not None:
            locked.title = title
            fields.append("title")
        locked.save(update_fields=fields)
        wanted = {a.pk: a for a in co_applicants if a.pk != lead_actor.pk}
        # No ordering: the links' own (by application, then actor name) joins two tables.
        existing = set(locked.coapplicant_links.order_by().values_list("actor_id", flat=True))
        removed = existing.difference(wanted)
        if removed:
            # Only when some go: a delete reads its rows first (for the signals), a query a save.
            locked.coapplicant_links.filter(actor_id__in=removed).delete()
        for pk, actor in wanted.items():
            if pk not in existing:
                CoApplicant.objects.create(application=locked, actor=actor)
        locked.networks.set(list(networks))
    return locked


def application_save_step(
    *,
    application: Application,
    user: User,
    changes: dict[str, Any],
    budget_lines: BaseInlineFormSet | None = None,
    upload: UploadedFile | None = None,
) -> Application:
    """Save one step of the form: fields of the application, and the budget rows or a new file.

    All or nothing, and nothing once the application has been sent in (NotEditable). Only
    the fields in `changes` are written: the page's copy of the application was read before
    the lock, and saving all of it would put back the status, or another tab's step, from then.
    """
    with transaction.atomic():
        # Written to, not read: only its status is read (for the check).
        locked = application_lock(application=application, columns=())
        for name, value in changes.items():
            setattr(locked, name, value)
        locked.save(update_fields=[*changes, "updated_at"])
        if budget_lines is not None:
            budget_lines.save()
        if upload is not None:
            attachment_add(application=locked, upload=upload, user=user)
    return locked


def application_create_draft(
    *,
    user,
    pot: Pot,
    lead_actor: Actor,
    co_applicants: Iterable[Actor],
    networks: Iterable[Network],
    title: str,
) -> Application:
    with transaction.atomic():
        application = Application(pot=pot, lead_actor=lead_actor, created_by=user, title=title)
        application.save()
        application_set_parties(
            application=application, lead_actor=lead_actor, co_applicants=co_applicants, networks=networks
        )
    return application


def coapplicant_respond(*, link: CoApplicant, user, confirm: bool) -> CoApplicant:
    """A co-applicant's representative confirms or declines taking part, until the decision.

    Raises NotEditable, with nothing saved, when the application stopped taking answers
    (withdrawn, decided) or the lead removed this co-applicant since the page was loaded.
    """
    refused = _("Svaret kunde inte sparas. Ansökan går inte längre att ändra.")
    with transaction.atomic():
        # The application first, as every status move locks it: a withdrawal or a decision
        # and this answer queue one after the other, and the approval sees the answer.
        app = application_lock(application=link.application, allowed=ANSWERABLE, message=refused)
        link = (
            CoApplicant.objects.select_for_update(of=("self",))
            .select_related("actor")
            .filter(pk=link.pk, application=app)
            .first()
        )
        if link is None:
            raise NotEditable(refused)
        link.status = CoApplicant.Status.CONFIRMED if confirm else CoApplicant.Status.DECLINED
        link.confirmed_by = user
        link.confirmed_at = timezone.now()
        link.save()
        mail_queue_each(
            users=representatives(app.lead_actor),
            template="grants/email/coapplicant_answer",
            context={
                "confirmed": confirm,
                "actor": link.actor.name,
                "answered_by": user.get_full_name(),
                "title": app.title,
                "ref": app.reference,
                "url": mail_link(app.get_absolute_url),
            },
            kind="grants.coapplicant",
        )
    return link


@transaction.atomic
def attachment_add(*, application: Application, upload: UploadedFile, user) -> Attachment:
    content_type, extension = check_attachment(upload)
    application_lock(application=application)
    original = upload.name[:200]
    upload.name = stored_name(extension)
    return Attachment.objects.create(
        application=application,
        file=upload,
        original_name=original,
        content_type=content_type,
        size=upload.size,
        uploaded_by=user,
    )


def attachment_remove(*, attachment: Attachment) -> None:
    """Delete the attachment; its file leaves the store after the commit (grants/apps.py).

    Raises NotEditable, with the file kept, once the application has been sent in.
    """
    with transaction.atomic():
        application_lock(
            application=attachment.application,
            message=_("Filen togs inte bort: ansökan har skickats in och kan inte ändras längre."),
        )
        attachment.delete()


def report_submit(
    *,
    application: Application,
    user,
    what_happened: str,
    participants: int,
    actual_costs: int,
    photos: Iterable[UploadedFile] = (),
) -> FollowUpReport:
    """Save the follow-up report and move the application to reported, all or nothing.

    Raises NotEditable, with nothing saved, unless the application waits for its report
    (paid): a second tab that sends the report again is refused, not an error.
    """
    encoded = [reencode_photo(photo) for photo in photos]
    with transaction.atomic():
        application_lock(
            application=application,
            allowed=[Application.Status.PAID],
            message=_(
                "Återrapporten sparades inte: ansökan väntar inte på någon återrapport. Den kan redan vara lämnad."
            ),
        )
        report = FollowUpReport.objects.create(
            application=application,
            what_happened=what_happened,
            participants=participants,
            actual_costs=actual_costs,
            submitted_by=user,
            submitted_at=timezone.now(),
        )
        for content in encoded:
            FollowUpPhoto.objects.create(report=report, image=content)
        application_transition(application=application, to_status=Application.Status.REPORTED, actor_user=user)
    return report


def report_reminders_send(*, today: datetime.date | None = None) -> int:
    """Remind once when the follow-up report is due and once when it is overdue."""
    today = today or timezone.localdate()
    sent = 0
    waiting = Application.objects.filter(status=Application.Status.PAID, ends_on__isnull=False).select_related(
        "lead_actor"
    )
    for app in waiting:
        try:
            sent += _report_reminder_send(application=app, today=today)
        except Exception:
            # One bad row must not stop everybody else's reminders: log it and go on.
            logger.exception("Report reminder for application %s failed", app.pk)
    return sent


def _report_reminder_send(*, application: Application, today: datetime.date) -> int:
    """Queue the reminder `application` is due for, if any; 1 if one was queued."""
    app = application
    due = app.report_due_on
    kind = None
    if due < today and app.report_overdue_reminded_at is None:
        kind = "overdue"
    elif due - REMIND_BEFORE <= today <= due and app.report_due_reminded_at is None:
        kind = "due"
    if kind is None:
        return 0
    with transaction.atomic():
        locked = Application.objects.select_for_update().get(pk=app.pk)
        field = "report_overdue_reminded_at" if kind == "overdue" else "report_due_reminded_at"
        if getattr(locked, field) is not None:
            return 0
        setattr(locked, field, timezone.now())
        locked.save(update_fields=[field])
        mail_queue_each(
            users=representatives(app.lead_actor),
            template="grants/email/report_reminder",
            context={
                "overdue": kind == "overdue",
                "ref": app.reference,
                "title": app.title,
                "due": due,
                "url": mail_link("grants:report", pk=app.pk),
            },
            kind="grants.report_reminder",
        )
    return 1


# ---- "Mina uppgifter": export and account deletion (hooks in members.services) ----


# What the grants keys of the download mean, shown on "Mina uppgifter" (members.gdpr).
APPLICATIONS_EXPORT_LABELS = {
    # Sections
    "grant_applications": gettext_lazy("Bidragsansökningar"),
    "grant_application_events": gettext_lazy("Statusändringar du har gjort"),
    "grant_coapplicant_confirmations": gettext_lazy("Dina svar som medsökande"),
    "grant_decisions": gettext_lazy("Beslut du har fattat"),
    "grant_payments_registered": gettext_lazy("Utbetalningar du har registrerat"),
    "grant_reports_submitted": gettext_lazy("Återrapporter du har lämnat"),
    "grant_attachments_uploaded": gettext_lazy("Bilagor du har laddat upp"),
    # Fields
    "reference": gettext_lazy("Diarienummer"),
    "title": gettext_lazy("Aktivitet"),
    "pot": gettext_lazy("Bidragspott"),
    "lead_actor": gettext_lazy("Sökande aktör"),
    "co_applicants": gettext_lazy("Medsökande"),
    "created_by_me": gettext_lazy("Skapad av dig"),
    "amount_requested": gettext_lazy("Sökt belopp (kr)"),
    "amount_granted": gettext_lazy("Beviljat belopp (kr)"),
    "starts_on": gettext_lazy("Startdatum"),
    "ends_on": gettext_lazy("Slutdatum"),
    "submitted_at": gettext_lazy("Inskickad"),
    "contact_name": gettext_lazy("Kontaktperson"),
    "payment_method": gettext_lazy("Betalningssätt"),
    "giro_number": gettext_lazy("Bankgiro- eller plusgironummer"),
    "clearing_number": gettext_lazy("Clearingnummer"),
    "account_number": gettext_lazy("Kontonummer"),
    "application": gettext_lazy("Ansökan"),
    "from_status": gettext_lazy("Från status"),
    "to_status": gettext_lazy("Till status"),
    "note": gettext_lazy("Anteckning"),
    "at": gettext_lazy("När"),
    "outcome": gettext_lazy("Beslut"),
    "motivation": gettext_lazy("Motivering"),
    "amount": gettext_lazy("Belopp (kr)"),
    "file": gettext_lazy("Fil"),
}


def applications_user_export(*, user) -> dict:
    """The user's part in grant applications, for the JSON download of "Mina uppgifter".

    Applications the user created, or that an actor they represent leads or co-applies for.
    The contact person fields are included only on applications the user created: on the
    others they may be somebody else's name and address. The payment details too, and only
    while the user may see them (grants.access.may_see_payment_details): they are the lead
    actor's account, so a former representative's download has no payment keys at all.
    """
    actor_ids = list(Representation.objects.filter(user=user).values_list("actor_id", flat=True))
    applications = (
        Application.objects.filter(
            Q(created_by=user) | Q(lead_actor_id__in=actor_ids) | Q(coapplicant_links__actor_id__in=actor_ids)
        )
        .distinct()
        .select_related("pot", "lead_actor")
        .prefetch_related("coapplicant_links__actor")
        .order_by("created_at", "pk")
    )

    def application_data(app: Application) -> dict:
        data = {
            "reference": app.reference,
            "title": app.title,
            "pot": app.pot.name,
            "status": app.get_status_display(),
            "lead_actor": app.lead_actor.name,
            "co_applicants": [link.actor.name for link in app.coapplicant_links.all()],
            "created_by_me": app.created_by_id == user.pk,
            "amount_requested": app.amount_requested,
            "amount_granted": app.amount_granted,
            "starts_on": app.starts_on,
            "ends_on": app.ends_on,
            "created_at": app.created_at,
            "submitted_at": app.submitted_at,
        }
        if app.created_by_id == user.pk:
            data.update(contact_name=app.contact_name, contact_email=app.contact_email, contact_phone=app.contact_phone)
        if app.created_by_id == user.pk and may_see_payment_details(user, app):
            data.update(
                payment_method=app.get_payment_method_display(),
                giro_number=app.giro_number,
                clearing_number=app.clearing_number,
                account_number=app.account_number,
            )
        return data

    events = ApplicationEvent.objects.filter(actor_user=user).select_related("application").order_by("created_at", "pk")
    confirmations = (
        CoApplicant.objects.filter(confirmed_by=user).select_related("application", "actor").order_by("confirmed_at")
    )
    return {
        "grant_applications": [application_data(app) for app in applications],
        "grant_application_events": [
            {
                "application": str(e.application),
                "kind": e.get_kind_display(),
                "from_status": e.get_from_status_display(),
                "to_status": e.get_to_status_display(),
                # That they wrote a steering note or chose a handler is theirs to know; the
                # text is the steering group's, kept with the case (grants.casework).
                "note": "" if e.is_internal else e.note,
                "at": e.created_at,
            }
            for e in events
        ],
        "grant_coapplicant_confirmations": [
            {
                "application": str(c.application),
                "actor": c.actor.name,
                "status": c.get_status_display(),
                "at": c.confirmed_at,
            }
            for c in confirmations
        ],
        "grant_decisions": [
            {
                "application": str(d.application),
                "outcome": d.get_outcome_display(),
                "amount_granted": d.amount_granted,
                "motivation": d.motivation,
                "at": d.decided_at,
            }
            for d in Decision.objects.filter(decided_by=user).select_related("application").order_by("decided_at")
        ],
        "grant_payments_registered": [
            {"application": str(p.application), "amount": p.amount, "at": p.paid_at}
            for p in Payment.objects.filter(registered_by=user).select_related("application").order_by("paid_at")
        ],
        "grant_reports_submitted": [
            {"application": str(r.application), "at": r.submitted_at}
            for r in FollowUpReport.objects.filter(submitted_by=user).select_related("application")
        ],
        "grant_attachments_uploaded": [
            {"application": str(a.application), "file": a.original_name, "at": a.uploaded_at}
            for a in Attachment.objects.filter(uploaded_by=user).select_related("application").order_by("uploaded_at")
        ],
    }


def applications_user_delete(*, user) -> None:
    """Delete the drafts the user created, with their budget lines, co-applicant links and files.

    A draft goes even when another representative of the same lead actor could pick it up:
    it was started in this user's name (the contact person fields default to them), it has
    never been sent in, so it is no public record, and the account holder asked for their
    data to go. The other representative can start a new application. Anything that was
    sent in (any other status) stays: it is a public record (allmän handling), and the user
    row it points to is anonymised by members.services.user_delete instead of deleted. The
    payment details the user gave go from those that are paid or closed without payment.
    """
    S = Application.Status
    with transaction.atomic():
        # Payment details given by the user are needed only until the pot has paid (or will
        # not pay); on open applications they are the actor's, which still has to be paid.
        Application.objects.filter(
            created_by=user, status__in=[S.REJECTED, S.WITHDRAWN, S.PAID, S.REPORTED, S.CLOSED]
        ).exclude(payment_method="").update(payment_method="", giro_number="", clearing_number="", account_number="")
        drafts = Application.objects.filter(created_by=user, status=Application.Status.DRAFT)
        # Budget lines, attachments and co-applicant links go with the draft (CASCADE); the
        # attachments' files leave the store once the rows are surely gone (grants/apps.py).
        drafts.delete()


# ---- Pots and fundings ----


def _pot_granted(pot: Pot) -> int:
    return pot.applications.filter(status__in=GRANTED_STATUSES).aggregate(s=Coalesce(Sum("amount_granted"), 0))["s"]


def pot_funding_problem(*, pot: Pot, funded: int) -> str | None:
    """Why the pot's fundings cannot add up to `funded`, or None.

    Locks the pot row until the end of the caller's transaction, so that no approval
    slips in between this check and the save.
    """
    locked = Pot.objects.select_for_update().get(pk=pot.pk)
    granted = _pot_granted(locked)
    if funded < granted:
        return _(
            "Potten har redan beviljat %(granted)s. Finansieringen kan inte sänkas till %(funded)s; "
            "den måste vara minst det beviljade beloppet."
        ) % {"granted": format_kr(granted), "funded": format_kr(funded)}
    return None


@transaction.atomic
def pot_fundings_save(*, pot: Pot, fundings: Iterable[Funding]) -> Pot:
    """Save new and changed fundings of `pot`: its funding never goes below what is granted."""
    locked = Pot.objects.select_for_update().get(pk=pot.pk)
    for funding in fundings:
        funding.pot = locked
        funding.save()
    funded = locked.fundings.aggregate(s=Coalesce(Sum("amount"), 0))["s"]
    problem = pot_funding_problem(pot=locked, funded=funded)
    if problem:
        raise ValidationError(problem, code="below_granted")
    locked.save_totals(funded=funded, granted=_pot_granted(locked))
    return locked
