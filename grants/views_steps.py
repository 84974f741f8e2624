"""The application form's steps as a table: each step's title, form, save and extras.

grants.views.step runs every step the same way: GET shows the form; POST checks it and
saves through grants.services (which take the row lock of grants.locking and refuse a
late write), then goes on to the next step, to "Mina ansökningar" ("Spara och fortsätt
senare"), or stays on the step (a file was uploaded). Search and "Lägg till rad" show the
page again with what was typed and save nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.forms import BaseForm, BaseFormSet, ModelForm
from django.forms.utils import ErrorDict
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils.datastructures import MultiValueDict
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.text import strip_control_characters
from grants.forms import (
    MAX_BUDGET_LINES,
    ActivityForm,
    BudgetForm,
    BudgetLineFormSet,
    ContactForm,
    PartiesForm,
    PaymentDetailsForm,
)
from grants.models import Application, BudgetLine, Pot
from grants.rules import STEP_ACTIVITY, STEP_BUDGET, STEP_CONTACT, STEP_PARTIES, STEP_PAYMENT, budget_gap
from grants.services import application_save_step, application_set_parties

# The buttons' values (name="action").
LATER = "later"
SEARCH = "search"
ADD_ROW = "add_row"
UPLOAD = "upload"
# optional_later: every field of the form.
EVERY_FIELD = ("*",)

FormFactory = Callable[[HttpRequest, Application, QueryDict | None, MultiValueDict | None], BaseForm]
Save = Callable[[HttpRequest, Application, BaseForm, BaseFormSet | None], str]


@dataclass(frozen=True)
class Step:
    number: int
    title: Promise
    # The page's form, bound to the POST (data, files) or not (None).
    form: FormFactory
    # Saves the valid form through grants.services; raises NotEditable when it came too late.
    # Returns a message to stay on the step with, or "" to go on.
    save: Save
    # The fields "Spara och fortsätt senare" leaves optional: a draft may be half done.
    optional_later: tuple[str, ...] = ()
    # A second form on the page, checked and saved with the first (step 3's budget rows).
    formset: Callable[[Application, QueryDict | None], BaseFormSet] | None = None
    # Buttons that show the page again and save nothing: their response, else None.
    redisplay: Callable[[HttpRequest, Application, dict], HttpResponse | None] | None = None
    # What the page shows besides the form: (application, POST data or None, formset) -> context.
    context: Callable[[Application, QueryDict | None, BaseFormSet | None], dict] | None = None


def steps_context(app: Application | None, current: int) -> dict:
    return {
        "steps": STEPS,
        "current_step": current,
        # The page's title and heading (the review page has its own).
        "step_title": STEPS_BY_NUMBER[current].title if current in STEPS_BY_NUMBER else None,
        "review_step": REVIEW_STEP,
        "application": app,
    }


def quiet(*forms) -> None:
    """Show bound forms with what was typed but without errors: the user is searching or
    adding a row, not sending, and nothing is saved."""
    for form in forms:
        if hasattr(form, "forms"):  # a formset
            for inner in form.forms:
                inner._errors = ErrorDict()
            form._errors = [ErrorDict() for _inner in form.forms]
            form._non_form_errors = form.error_class()
        else:
            form._errors = ErrorDict()


def changes(form: ModelForm) -> dict[str, Any]:
    """The application's fields a step's form sets, as it cleaned them."""
    return {name: form.cleaned_data[name] for name in form._meta.fields if name in form.cleaned_data}


def after_save(request: HttpRequest, app: Application, step: int) -> HttpResponse:
    if request.POST.get("action") == LATER:
        messages.success(request, _("Utkastet är sparat. Du hittar det under Mina ansökningar."))
        return redirect("grants:my-applications")
    messages.success(request, _("Sparat."))
    if step < len(STEPS):
        return redirect("grants:step", pk=app.pk, step=step + 1)
    return redirect("grants:review", pk=app.pk)


def parties_search(request: HttpRequest, *, pot: Pot, ctx: dict) -> HttpResponse | None:
    """Step 1's co-applicant search and "Lägg till": the page again, with nothing saved."""
    add = request.POST.get("add_coapplicant", "")
    if request.POST.get("action") != SEARCH and not add:
        return None
    data = request.POST.copy()
    if add.isdigit() and add not in data.getlist("co_applicants"):
        data.appendlist("co_applicants", add)
    form = PartiesForm(data, user=request.user, pot=pot)
    quiet(form)
    query = strip_control_characters(data.get("co_search", "")).strip()[:100]
    results = form.search_results(query) if query and not add else None
    ctx.update(form=form, co_query=query, co_results=results, co_added=add.isdigit())
    return render(request, "grants/step.html", ctx)


# ---- Step 1: who applies, with whom, where ----


def _parties_form(request: HttpRequest, app: Application, data, files) -> BaseForm:
    if data is not None:
        # A bound form shows what was posted: the saved parties are not read.
        return PartiesForm(data, user=request.user, pot=app.pot)
    # The saved choices by id, which is what the form shows and checks: two one-table reads,
    # not the actors' and networks' rows.
    initial = {
        "lead_actor": app.lead_actor_id,
        "title": app.title,
        "co_applicants": list(app.coapplicant_links.order_by().values_list("actor_id", flat=True)),
        "networks": list(
            Application.networks.through.objects.filter(application_id=app.pk).values_list("network_id", flat=True)
        ),
    }
    return PartiesForm(None, user=request.user, pot=app.pot, initial=initial)


def _parties_save(request: HttpRequest, app: Application, form: BaseForm, formset: BaseFormSet | None) -> str:
    application_set_parties(
        application=app,
        title=form.cleaned_data["title"],
        lead_actor=form.cleaned_data["lead_actor"],
        co_applicants=form.cleaned_data["co_applicants"],
        networks=form.cleaned_data["networks"],
    )
    return ""


def _parties_redisplay(request: HttpRequest, app: Application, ctx: dict) -> HttpResponse | None:
    return parties_search(request, pot=app.pot, ctx=ctx)


# ---- Steps 2 to 5: fields of the application (and the budget rows, a file) ----


def _save_fields(request: HttpRequest, app: Application, form: BaseForm, formset: BaseFormSet | None) -> str:
    application_save_step(application=app, user=request.user, changes=changes(form), budget_lines=formset)
    return ""


def _budget_formset(app: Application, data: QueryDict | None) -> BaseFormSet:
    # The rows by id: the model's own order (by application, then id) joins the applications
    # table to sort one application's rows, in the same order.
    return BudgetLineFormSet(data, instance=app, prefix="rad", queryset=BudgetLine.objects.order_by("pk"))


def _budget_add_row(request: HttpRequest, app: Application, ctx: dict) -> HttpResponse | None:
    """ "Lägg till rad" without JavaScript: the same page with one more empty row, values kept."""
    if request.POST.get("action") != ADD_ROW:
        return None
    data = request.POST.copy()
    key = "rad-TOTAL_FORMS"
    total = data.get(key, "")
    if total.isdigit() and int(total) < MAX_BUDGET_LINES:
        data[key] = str(int(total) + 1)
    form = BudgetForm(data, instance=app)
    formset = _budget_formset(app, data)
    quiet(form, formset)
    ctx.update(form=form, formset=formset, focus_last_row=True)
    return render(request, "grants/step.html", ctx)


def _budget_context(app: Application, data: QueryDict | None, formset: BaseFormSet | None) -> dict:
    # The warning about the amounts is about what is saved: shown when the page is opened,
    # from the saved rows the formset reads anyway (one query for both).
    if data is not None:
        return {}
    lines = formset.get_queryset()
    return {"budget_gap": budget_gap(app, lines), "budget_total": sum(line.amount for line in lines)}


def _contact_form(request: HttpRequest, app: Application, data, files) -> BaseForm:
    # The contact person is usually the one filling in the form: start from the account.
    initial = {}
    if not app.contact_name:
        initial["contact_name"] = request.user.name
    if not app.contact_email:
        initial["contact_email"] = request.user.email
    return ContactForm(data, files, instance=app, initial=initial)


def _contact_save(request: HttpRequest, app: Application, form: BaseForm, formset: BaseFormSet | None) -> str:
    upload = form.cleaned_data.get("attachment")
    given_name = upload.name if upload else ""  # Saving renames the file for the store.
    application_save_step(application=app, user=request.user, changes=changes(form), upload=upload)
    if upload and request.POST.get("action") == UPLOAD:
        return _("Filen ”%(name)s” är bifogad.") % {"name": given_name}
    return ""


def _contact_context(app: Application, data: QueryDict | None, formset: BaseFormSet | None) -> dict:
    # By upload time, the model's order for one application without joining the applications table.
    return {"attachments": app.attachments.order_by("uploaded_at")}


STEP_TABLE: tuple[Step, ...] = (
    Step(
        STEP_PARTIES,
        gettext_lazy("Sökande och nätverk"),
        form=_parties_form,
        save=_parties_save,
        redisplay=_parties_redisplay,
    ),
    Step(
        STEP_ACTIVITY,
        gettext_lazy("Aktiviteten"),
        form=lambda request, app, data, files: ActivityForm(data, instance=app),
        save=_save_fields,
        optional_later=EVERY_FIELD,
    ),
    Step(
        STEP_BUDGET,
        gettext_lazy("Budget"),
        form=lambda request, app, data, files: BudgetForm(data, instance=app),
        save=_save_fields,
        optional_later=("amount_requested",),
        formset=_budget_formset,
        redisplay=_budget_add_row,
        context=_budget_context,
    ),
    Step(
        STEP_CONTACT,
        gettext_lazy("Kontakt och bilagor"),
        form=_contact_form,
        save=_contact_save,
        optional_later=("contact_name", "contact_email"),
        context=_contact_context,
    ),
    Step(
        STEP_PAYMENT,
        gettext_lazy("Utbetalning"),
        form=lambda request, app, data, files: PaymentDetailsForm(data, instance=app),
        save=_save_fields,
        optional_later=("payment_method",),
    ),
)
STEPS_BY_NUMBER = {step.number: step for step in STEP_TABLE}
# For the step list in the page: (number, title).
STEPS = [(step.number, step.title) for step in STEP_TABLE]
# "Granska och skicka in" is the last item of the step list, and counted: "Steg 1 av 6".
REVIEW_STEP = len(STEPS) + 1


def optional_for_later(form: BaseForm, step: Step) -> None:
    """ "Spara och fortsätt senare": the step's fields that a half-done draft may leave empty."""
    names = form.fields if step.optional_later == EVERY_FIELD else step.optional_later
    for name in names:
        form.fields[name].required = False
