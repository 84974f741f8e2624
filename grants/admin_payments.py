"""The steering group's payment pages: what is paid, to whom and where.

The single payment page (the decision page of the move "utbetald", grants.admin_decisions)
and the list's bulk payment action (grants.admin_bulk.mark_paid) show, per application,
the granted amount (the amount asked only beside it, labelled), the payee (the lead actor
and its organisation number) and the payment details as a bank shows them
(grants.payment.format_payment_details). An application without payment details cannot
be paid from either page.

The bulk page takes one payment day for the batch and a reference per application. Every
row is checked with grants.workflow.check_payment (and the references against each other)
before anything is saved, and the payments are then made in one transaction: a batch with
one bad row registers nothing, and each bad row says what to fix, with what was typed kept.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django import forms
from django.contrib import admin, messages
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from grants.formatting import format_kr
from grants.forms import PayoutForm
from grants.models import Application
from grants.workflow import (
    MOVES,
    STEERING,
    PaymentRefused,
    TransitionError,
    application_transition,
    approval_day,
    check_payment,
    conflicting_actors,
    recusal_log,
    recusal_message,
)

S = Application.Status


@dataclass(frozen=True)
class PaymentSummary:
    """One application as the person paying needs to see it."""

    application: Application
    granted: int | None
    asked: int | None
    payee: str
    org_number: str
    details: str  # "" when the applicant has not given any
    approved_on: datetime.date | None

    @property
    def missing_details(self) -> bool:
        return not self.details


def payment_summary(application: Application) -> PaymentSummary:
    actor = application.lead_actor
    return PaymentSummary(
        application=application,
        granted=application.amount_granted,
        asked=application.amount_requested,
        payee=actor.name,
        org_number=actor.org_number,
        details=application.payment_details,
        approved_on=approval_day(application),
    )


def payment_page_context(application: Application) -> dict:
    """The single payment page's extra context (grants.admin_decisions, the move "utbetald")."""
    return {"payment": payment_summary(application)}


def total_line(summaries: list[PaymentSummary]) -> str:
    """ "2 ansökningar, totalt 12 500 kr att betala." """
    count = len(summaries)
    total = sum(summary.granted or 0 for summary in summaries)
    return ngettext(
        "%(count)s ansökan, totalt %(total)s att betala.",
        "%(count)s ansökningar, totalt %(total)s att betala.",
        count,
    ) % {"count": count, "total": format_kr(total)}


@dataclass
class PayRow:
    summary: PaymentSummary
    form: forms.Form
    errors: list[str] = field(default_factory=list)

    @property
    def application(self) -> Application:
        return self.summary.application


class _Undo(Exception):
    """Raised inside the batch's transaction to roll every payment of it back."""


def _day_form(data: dict | None) -> forms.Form:
    form = PayoutForm(data)
    del form.fields["reference"]
    form.fields["paid_on"].help_text = _(
        "Samma dag för alla i listan: dagen pengarna gick ut från kontot, tidigast dagen ansökan beviljades "
        "och senast i dag."
    )
    return form


def _reference_form(app: Application, data: dict | None) -> forms.Form:
    form = PayoutForm(data, prefix=f"a{app.pk}")
    del form.fields["paid_on"]
    return form


def _refuse(row: PayRow, day_form: forms.Form, error: TransitionError) -> None:
    """Put a refusal where it is fixed: the shared day, the row's reference, or the row itself."""
    if isinstance(error, PaymentRefused) and error.field == "paid_on":
        day_form.add_error("paid_on", f"{row.application}: {error}")
    elif isinstance(error, PaymentRefused) and error.field in row.form.fields:
        row.form.add_error(error.field, str(error))
    else:
        row.errors.append(str(error))


def _precheck(request: HttpRequest, rows: list[PayRow], day_form: forms.Form) -> None:
    """Every rule of every row, before anything is saved; the errors land on the page."""
    day = day_form.cleaned_data["paid_on"]
    seen: dict[str, Application] = {}
    day_problems: dict[str, list[Application]] = {}
    for row in rows:
        reference = row.form.cleaned_data["reference"].strip()
        conflicts = conflicting_actors(request.user, row.application)
        if conflicts:
            # As on the single page: the refusal, and a row in the history that they stepped aside.
            recusal_log(application=row.application, user=request.user, actors=conflicts, to_status=S.PAID)
            row.errors.append(recusal_message(conflicts))
            continue
        # Two rows with one reference are told so even when the day is wrong as well.
        earlier = seen.setdefault(reference.casefold(), row.application)
        if earlier is not row.application:
            row.form.add_error(
                "reference",
                _("Samma referens som för %(other)s här ovanför. Varje utbetalning behöver en egen referens.")
                % {"other": earlier},
            )
        try:
            check_payment(application=row.application, payment_date=day, payment_reference=reference)
        except PaymentRefused as error:
            if error.field == "paid_on":
                day_problems.setdefault(str(error), []).append(row.application)
            elif earlier is row.application:
                _refuse(row, day_form, error)
    # A day in the future is wrong for every row: said once, not once per application.
    for message, apps in day_problems.items():
        if len(apps) == len(rows):
            day_form.add_error("paid_on", message)
        else:
            day_form.add_error("paid_on", f"{', '.join(str(app) for app in apps)}: {message}")


def _pay_all(request: HttpRequest, rows: list[PayRow], day_form: forms.Form) -> bool:
    """Pay every row in one transaction; False (and nothing saved) if any is refused."""
    day = day_form.cleaned_data["paid_on"]
    try:
        with transaction.atomic():
            for row in rows:
                try:
                    application_transition(
                        application=row.application,
                        to_status=S.PAID,
                        actor_user=request.user,
                        payment_date=day,
                        payment_reference=row.form.cleaned_data["reference"],
                    )
                except TransitionError as error:
                    # Someone else paid, or used the reference, since the check above.
                    _refuse(row, day_form, error)
                    raise _Undo from error
    except _Undo:
        # The rows paid before the refusal were rolled back; show them as they are now.
        for row in rows:
            row.application.refresh_from_db()
        return False
    return True


def bulk_pay(model_admin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet) -> TemplateResponse | None:
    """The list's "Markera som utbetald": a confirm page, then all the payments or none."""
    applying = "apply" in request.POST
    data = request.POST if applying else None
    apps = list(queryset.select_related("lead_actor", "pot"))
    eligible = [app for app in apps if MOVES.get((app.status, S.PAID)) == STEERING]
    blocked = [app for app in apps if app not in eligible]
    summaries = [payment_summary(app) for app in eligible]
    missing = [summary for summary in summaries if summary.missing_details]
    rows = [PayRow(summary, _reference_form(summary.application, data)) for summary in summaries if summary.details]
    day_form = _day_form(data)

    if applying and rows:
        # Every form validated, not only up to the first bad one, so that each shows its errors.
        valid = [day_form.is_valid(), *(row.form.is_valid() for row in rows)]
        if all(valid):
            _precheck(request, rows, day_form)
        clean = not day_form.errors and not any(row.errors or row.form.errors for row in rows)
        if clean and _pay_all(request, rows, day_form):
            model_admin.message_user(
                request,
                ngettext(
                    "%(count)s ansökan fick status ”%(status)s”.",
                    "%(count)s ansökningar fick status ”%(status)s”.",
                    len(rows),
                )
                % {"count": len(rows), "status": S.PAID.label}
                + " "
                + _("Utbetalt totalt %(total)s.") % {"total": format_kr(sum(row.summary.granted or 0 for row in rows))},
                messages.SUCCESS,
            )
            return None
        model_admin.message_user(
            request,
            _("Inga utbetalningar registrerades. Rätta det som är markerat nedan och bekräfta igen."),
            messages.ERROR,
        )

    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.model._meta,
        "title": _("Registrera utbetalningar"),
        "action": "mark_paid",
        "rows": rows,
        "blocked": blocked,
        "missing": missing,
        "day_form": day_form,
        "total_line": total_line([row.summary for row in rows]),
        "to_status_label": S.PAID.label,
        "has_errors": applying and bool(day_form.errors or any(row.errors or row.form.errors for row in rows)),
        "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
    }
    return TemplateResponse(request, "admin/grants/application/payment_form.html", context)
