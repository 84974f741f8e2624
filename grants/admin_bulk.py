"""The application list's actions: the same moves as the decision pages, for many at once.

Every action first shows a page listing the selected applications (nothing happens before
"Bekräfta"); applications whose status does not allow the move are listed apart and left
alone. When some refuse (pot too small, someone else decided first, jäv), the page comes
back with only those, each with its reason and what was typed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from grants.admin_payments import bulk_pay
from grants.forms import ApproveForm, DecisionNoteForm
from grants.models import Application
from grants.workflow import TransitionError, application_take_up, application_transition, steering_may_move

S = Application.Status


@dataclass
class BulkRow:
    application: Application
    form: forms.Form | None = None
    errors: list[str] = field(default_factory=list)


def _note_form(label: str) -> Callable[[dict | None], forms.Form]:
    def make(data: dict | None) -> forms.Form:
        form = DecisionNoteForm(data)
        form.fields["note"].label = label
        form.fields["note"].help_text = _("Samma text går till alla valda ansökningar; de sökande får läsa den.")
        return form

    return make


def _approve_form(app: Application, data: dict | None) -> forms.Form:
    return ApproveForm(data, prefix=f"a{app.pk}", asked=app.amount_requested, initial={"amount": app.amount_requested})


class BulkDecisionActions:
    """Mixed into ApplicationAdmin; every action calls grants.workflow.application_transition."""

    actions = ["approve", "reject", "ask_for_completion", "mark_paid", "approve_report"]

    def _bulk(
        self,
        request: HttpRequest,
        queryset: QuerySet,
        *,
        action: str,
        to_status: str,
        title: str,
        row_form: Callable[[Application, dict | None], forms.Form] | None = None,
        shared_form: Callable[[dict | None], forms.Form] | None = None,
        kwargs: Callable[[forms.Form], dict] = lambda form: {},
    ) -> TemplateResponse | None:
        applying = "apply" in request.POST
        data = request.POST if applying else None
        apps = list(queryset.select_related("lead_actor"))
        # "Bevilja" and the rest are offered only where the workflow allows them (a submitted
        # application's decisions too: it is taken into review first, as on the decision page).
        eligible = [app for app in apps if steering_may_move(app.status, to_status)]
        blocked = [app for app in apps if app not in eligible]
        rows = [BulkRow(app, row_form(app, data) if row_form else None) for app in eligible]
        shared = shared_form(data) if shared_form else None

        forms_valid = all(row.form.is_valid() for row in rows if row.form) and (shared is None or shared.is_valid())
        if applying and rows and forms_valid:
            done = 0
            for row in rows:
                form = row.form or shared
                try:
                    application_take_up(application=row.application, actor_user=request.user)
                    application_transition(
                        application=row.application,
                        to_status=to_status,
                        actor_user=request.user,
                        **(kwargs(form) if form is not None else {}),
                    )
                except TransitionError as error:
                    row.errors.append(str(error))
                else:
                    done += 1
            status = S(to_status).label
            if done:
                self.message_user(
                    request,
                    ngettext(
                        "%(count)s ansökan fick status ”%(status)s”.",
                        "%(count)s ansökningar fick status ”%(status)s”.",
                        done,
                    )
                    % {"count": done, "status": status},
                    messages.SUCCESS,
                )
            rows = [row for row in rows if row.errors]
            if not rows:
                return None
            # What was typed for the refused ones stays on the page with each one's reason.
            blocked = []
            self.message_user(
                request,
                ngettext(
                    "%(count)s ansökan gick inte att ändra; se skälet nedan.",
                    "%(count)s ansökningar gick inte att ändra; se skälen nedan.",
                    len(rows),
                )
                % {"count": len(rows)},
                messages.ERROR,
            )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": title,
            "action": action,
            "rows": rows,
            "blocked": blocked,
            "shared_form": shared,
            "to_status_label": S(to_status).label,
            "has_errors": applying
            and (
                any(row.errors or (row.form is not None and row.form.errors) for row in rows)
                or bool(shared is not None and shared.errors)
            ),
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/grants/application/action_form.html", context)

    @admin.action(description=gettext_lazy("Bevilja (belopp och motivering)"), permissions=["change"])
    def approve(self, request: HttpRequest, queryset: QuerySet):
        return self._bulk(
            request,
            queryset,
            action="approve",
            to_status=S.APPROVED,
            title=_("Bevilja ansökningar"),
            row_form=_approve_form,
            kwargs=lambda form: {"amount": form.cleaned_data["amount"], "note": form.cleaned_data["motivation"]},
        )

    @admin.action(description=gettext_lazy("Avslå (med motivering)"), permissions=["change"])
    def reject(self, request: HttpRequest, queryset: QuerySet):
        return self._bulk(
            request,
            queryset,
            action="reject",
            to_status=S.REJECTED,
            title=_("Avslå ansökningar"),
            shared_form=_note_form(_("Varför avslås ansökan?")),
            kwargs=lambda form: {"note": form.cleaned_data["note"]},
        )

    @admin.action(description=gettext_lazy("Begär komplettering"), permissions=["change"])
    def ask_for_completion(self, request: HttpRequest, queryset: QuerySet):
        return self._bulk(
            request,
            queryset,
            action="ask_for_completion",
            to_status=S.NEEDS_COMPLETION,
            title=_("Begär komplettering"),
            shared_form=_note_form(_("Vad behöver kompletteras?")),
            kwargs=lambda form: {"note": form.cleaned_data["note"]},
        )

    @admin.action(description=gettext_lazy("Markera som utbetald"), permissions=["change"])
    def mark_paid(self, request: HttpRequest, queryset: QuerySet):
        # Its own page: what is paid, to whom and where, and all of the batch or none of it.
        return bulk_pay(self, request, queryset)

    @admin.action(description=gettext_lazy("Godkänn återrapporten (avslutar)"), permissions=["change"])
    def approve_report(self, request: HttpRequest, queryset: QuerySet):
        return self._bulk(
            request,
            queryset,
            action="approve_report",
            to_status=S.CLOSED,
            title=_("Godkänn återrapporter och avsluta"),
        )
