"""The steering group's decision desk on an application's admin page.

The change page shows a panel (the pot, the budget, the co-applicants, a jäv warning)
with one button per steering move from the current status. A move the workflow would
refuse now (jäv, a co-applicant who has not confirmed, an empty pot) is shown disabled
with the reason beside it; the reasons come from the workflow's own predicates. Each
button leads to a short form on its own page (`<pk>/beslut/<move>/`); every move goes
through `grants.workflow`, and a refusal re-shows the form with what was typed and what
to do next. A submitted application has no button of its own for the review: opening a
decision page takes it into review (see `_decision_view`).
"""

from __future__ import annotations

from dataclasses import dataclass

from django import forms
from django.contrib import messages
from django.contrib.admin import ModelAdmin
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from grants.access import decides_grants, get_application_for_user
from grants.admin_payments import payment_page_context
from grants.formatting import format_kr
from grants.forms import ApproveForm, ConfirmForm, DecisionNoteForm, PayoutForm
from grants.models import Application, Pot
from grants.workflow import (
    NotAllowed,
    Overspend,
    PaymentRefused,
    RecusalRequired,
    TransitionError,
    application_take_up,
    application_transition,
    approval_day,
    coapplicants_message,
    conflicting_actors,
    pot_can_pay,
    steering_may_move,
    unconfirmed_coapplicants,
)
from members.models import Actor

S = Application.Status


@dataclass(frozen=True)
class Move:
    """One of the steering group's moves, as a button and a page."""

    slug: str
    to_status: str
    button: Promise
    title: Promise
    submit: Promise
    next_step: Promise
    # Asked on the page of a move without a form (instead of a generic "Vill du göra …?").
    question: Promise | str = ""


# In the order the buttons are shown; every steering move of MOVES has one (tested),
# except the review, which opening a decision page makes.
DECISION_MOVES: tuple[Move, ...] = (
    Move(
        "bevilja",
        S.APPROVED,
        gettext_lazy("Bevilja"),
        gettext_lazy("Bevilja ansökan"),
        gettext_lazy("Bevilja"),
        gettext_lazy("De sökande får beslutet, beloppet och motiveringen via e-post."),
    ),
    Move(
        "komplettering",
        S.NEEDS_COMPLETION,
        gettext_lazy("Begär komplettering"),
        gettext_lazy("Begär komplettering"),
        gettext_lazy("Skicka begäran"),
        gettext_lazy("De sökande får det ni skriver via e-post och kan ändra och skicka in ansökan igen."),
    ),
    Move(
        "avsla",
        S.REJECTED,
        gettext_lazy("Avslå"),
        gettext_lazy("Avslå ansökan"),
        gettext_lazy("Avslå"),
        gettext_lazy("De sökande får beslutet och motiveringen via e-post."),
    ),
    Move(
        "utbetald",
        S.PAID,
        gettext_lazy("Markera som utbetald"),
        gettext_lazy("Registrera utbetalningen"),
        gettext_lazy("Markera som utbetald"),
        gettext_lazy("De sökande får besked via e-post om utbetalningen och om återrapporten."),
    ),
    Move(
        "avsluta",
        S.CLOSED,
        gettext_lazy("Godkänn återrapporten"),
        gettext_lazy("Godkänn återrapporten och avsluta ärendet"),
        gettext_lazy("Ja, godkänn och avsluta"),
        gettext_lazy("Ärendet avslutas och de sökande får besked om det via e-post."),
        gettext_lazy("Har ni läst återrapporten och vill godkänna den?"),
    ),
)
MOVES_BY_SLUG = {move.slug: move for move in DECISION_MOVES}


@dataclass(frozen=True)
class PanelMove:
    """A button on the panel: a link when the move is possible now, else disabled with why."""

    move: Move
    url: str
    reason: str = ""
    note: str = ""


def relevant_moves(application: Application) -> list[Move]:
    """The steering moves from the current status (a submitted application's decisions too)."""
    return [move for move in DECISION_MOVES if steering_may_move(application.status, move.to_status)]


def move_refusal(*, application: Application, move: Move, conflicts: list[Actor], pot: Pot) -> tuple[str, str]:
    """(Why the workflow would refuse `move` now, or "", a caution for an enabled move, or "")."""
    if conflicts:
        return (
            _("Du är jävig: du företräder %(actors)s.") % {"actors": ", ".join(a.name for a in conflicts)},
            "",
        )
    if move.to_status != S.APPROVED:
        return "", ""
    unconfirmed = [
        link.actor.name for link in unconfirmed_coapplicants(application.coapplicant_links.select_related("actor"))
    ]
    if unconfirmed:
        return coapplicants_message(unconfirmed), ""
    asked = application.amount_requested or 0
    if not pot_can_pay(pot, 1):
        return _("Potten är tom: inget återstår att bevilja i %(pot)s.") % {"pot": pot.name}, ""
    if not pot_can_pay(pot, asked):
        return "", _(
            "Potten räcker inte till hela beloppet: %(remaining)s återstår, %(asked)s söks. Ni kan bevilja en del."
        ) % {"remaining": format_kr(pot.remaining), "asked": format_kr(asked)}
    return "", ""


def panel_moves(user, application: Application, conflicts: list[Actor], pot: Pot) -> list[PanelMove]:
    """The buttons for this user: none for readers outside the steering group."""
    if not decides_grants(user):
        return []
    buttons = []
    for move in relevant_moves(application):
        reason, note = move_refusal(application=application, move=move, conflicts=conflicts, pot=pot)
        url = "" if reason else reverse("admin:grants_application_decision", args=[application.pk, move.slug])
        buttons.append(PanelMove(move, url, reason, note))
    return buttons


def decision_panel(request: HttpRequest, application: Application) -> dict:
    """What the change page shows above the (read-only) application."""
    conflicts = conflicting_actors(request.user, application)
    pot = Pot.objects.with_totals().get(pk=application.pot_id)
    return {
        "pot": pot,
        "application": application,
        "budget_total": application.budget_total,
        "coapplicants": list(application.coapplicant_links.select_related("actor")),
        "conflicts": conflicts,
        "is_steering": decides_grants(request.user),
        "moves": panel_moves(request.user, application, conflicts, pot),
    }


class DecisionViews:
    """Mixed into ApplicationAdmin: the decision pages' URLs and view."""

    def decision_urls(self) -> list:
        return [
            path(
                "<int:pk>/beslut/<slug:move>/",
                # Only GET and POST; anything else is 405 (after the admin's own login check).
                self.admin_site.admin_view(require_http_methods(["GET", "POST"])(self.decision_view)),
                name="grants_application_decision",
            ),
        ]

    def decision_view(self, request: HttpRequest, pk: int, move: str) -> HttpResponse:
        return _decision_view(self, request, pk=pk, move=move)


def _form_for(move: Move, application: Application, data: QueryDict | None = None) -> forms.Form:
    if move.to_status == S.APPROVED:
        return ApproveForm(data, asked=application.amount_requested, initial={"amount": application.amount_requested})
    if move.to_status in (S.REJECTED, S.NEEDS_COMPLETION):
        form = DecisionNoteForm(data)
        if move.to_status == S.NEEDS_COMPLETION:
            form.fields["note"].label = _("Vad behöver kompletteras?")
        else:
            form.fields["note"].label = _("Varför avslås ansökan?")
        form.fields["note"].help_text = _("De sökande får läsa det här.")
        return form
    if move.to_status == S.PAID:
        return PayoutForm(data, approved_on=approval_day(application))
    return ConfirmForm(data)


def _transition_kwargs(move: Move, form: forms.Form) -> dict:
    data = form.cleaned_data
    if move.to_status == S.APPROVED:
        return {"amount": data["amount"], "note": data["motivation"]}
    if move.to_status in (S.REJECTED, S.NEEDS_COMPLETION):
        return {"note": data["note"]}
    if move.to_status == S.PAID:
        return {"payment_date": data["paid_on"], "payment_reference": data["reference"]}
    return {}


def _decision_view(model_admin: ModelAdmin, request: HttpRequest, *, pk: int, move: str) -> HttpResponse:
    chosen = MOVES_BY_SLUG.get(move)
    if chosen is None:
        raise Http404
    # 404 for whoever may not read the application (coordinators, drafts), as on the site.
    application = get_application_for_user(request, pk)
    # Readers who are not the steering group (superusers, applicants with staff access) may not decide.
    if not (decides_grants(request.user) and model_admin.has_change_permission(request)):
        raise PermissionDenied
    change_url = reverse("admin:grants_application_change", args=[application.pk])
    conflicts = conflicting_actors(request.user, application)
    if request.method == "GET":
        if not steering_may_move(application.status, chosen.to_status):
            # A stale button (someone else decided first): say so on the application's page.
            messages.warning(
                request,
                _("Ansökan har status ”%(status)s” nu, så ”%(move)s” går inte. Se vad som går att göra här.")
                % {"status": application.get_status_display(), "move": chosen.button},
            )
            return HttpResponseRedirect(change_url)
        pot = Pot.objects.with_totals().get(pk=application.pot_id)
        reason, _note = move_refusal(application=application, move=chosen, conflicts=conflicts, pot=pot)
        if reason:
            # The panel shows this button disabled; a typed or stale URL gets the same reason.
            messages.warning(
                request, _("”%(move)s” går inte just nu. %(reason)s") % {"move": chosen.button, "reason": reason}
            )
            return HttpResponseRedirect(change_url)
        # Opening a decision page takes a submitted application into review (one history
        # row, and one mail telling the applicants it is being reviewed), so the group sees
        # who has picked the case up, without a separate step before every decision. A GET
        # that changes state is deliberate here: only a steering member without jäv gets
        # this far, and it is idempotent (the second opening finds it under review).
        application_take_up(application=application, actor_user=request.user)

    form = _form_for(chosen, application, request.POST if request.method == "POST" else None)
    refusal = ""
    if request.method == "POST" and form.is_valid():
        try:
            application_transition(
                application=application,
                to_status=chosen.to_status,
                actor_user=request.user,
                **_transition_kwargs(chosen, form),
            )
        except PaymentRefused as error:
            # On the field to fix, with what was typed kept.
            if error.field in form.fields:
                form.add_error(error.field, str(error))
            else:
                refusal = _refusal_message(error, application)
        except TransitionError as error:
            refusal = _refusal_message(error, application)
            conflicts = conflicting_actors(request.user, application)
        else:
            messages.success(
                request,
                _("%(app)s har nu status ”%(status)s”.")
                % {"app": application, "status": application.get_status_display()},
            )
            return HttpResponseRedirect(change_url)

    context = {
        **model_admin.admin_site.each_context(request),
        **decision_panel(request, application),
        "opts": model_admin.model._meta,
        "title": chosen.title,
        "subtitle": str(application),
        "move": chosen,
        "form": form,
        "refusal": refusal,
        "conflicts": conflicts,
        "change_url": change_url,
        "has_errors": bool(refusal or form.errors),
        **(payment_page_context(application) if chosen.to_status == S.PAID else {}),
    }
    return TemplateResponse(request, "admin/grants/application/decision.html", context)


def _refusal_message(error: TransitionError, application: Application) -> str:
    """The workflow's reason plus what to do next."""
    if isinstance(error, Overspend):
        hint = _("Sänk beloppet (och skriv varför) eller låt potten få mer finansiering först.")
    elif isinstance(error, RecusalRequired):
        hint = _("Ditt jäv är antecknat i ärendets historik. Be en annan ledamot fatta beslutet.")
    elif isinstance(error, NotAllowed):
        application.refresh_from_db()
        hint = _("Ansökan har status ”%(status)s” nu. Gå tillbaka till ansökan och se vad som går att göra.") % {
            "status": application.get_status_display()
        }
    else:
        hint = ""
    return f"{error} {hint}".strip()
