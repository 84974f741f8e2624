"""The applicant's pages: start, the form in steps, submit, confirm, withdraw, report, files."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Exists, OuterRef, Prefetch, Sum
from django.forms import BaseForm, ModelForm
from django.forms.utils import ErrorDict
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from core.decorators import private_no_store
from core.text import strip_control_characters
from grants.access import (
    get_application_for_user,
    get_application_for_user_rw,
    get_attachment_for_user,
    get_attachment_for_user_rw,
    get_coapplicant_links_for_user,
    get_letter_for_user,
    may_see_payment_details,
    represents_lead,
)
from grants.forms import (
    MAX_BUDGET_LINES,
    ActivityForm,
    BudgetForm,
    BudgetLineFormSet,
    ContactForm,
    PartiesForm,
    PaymentDetailsForm,
    ReportForm,
    WithdrawForm,
)
from grants.letters import CONTENT_TYPE as LETTER_CONTENT_TYPE
from grants.letters import letter_filename
from grants.locking import NotEditable, not_editable_message
from grants.models import Application, CoApplicant, DecisionLetter, FollowUpReport, Pot
from grants.models.applications import INTERNAL_EVENT_KINDS
from grants.models.pots import GRANTED_STATUSES
from grants.overview import ANSWERABLE, coapplicant_requests
from grants.overview import my_applications as my_applications_of
from grants.rules import application_submit_problems
from grants.services import (
    applicant_actors,
    application_create_draft,
    application_save_step,
    application_set_parties,
    attachment_remove,
    budget_gap,
    coapplicant_respond,
    report_submit,
)
from grants.workflow import MOVES, TransitionError, application_transition
from members.models import Membership, Representation
from networks.models import Network

ApplicationNetwork = Application.networks.through
GRANTED_PER_PAGE = 50

S = Application.Status
STEPS = [
    (1, gettext_lazy("Sökande och nätverk")),
    (2, gettext_lazy("Aktiviteten")),
    (3, gettext_lazy("Budget")),
    (4, gettext_lazy("Kontakt och bilagor")),
    (5, gettext_lazy("Utbetalning")),
]
# "Granska och skicka in" is the last item of the step list, and counted: "Steg 1 av 6".
REVIEW_STEP = len(STEPS) + 1
LATER = "later"
SEARCH = "search"
ADD_ROW = "add_row"


def current_pot() -> Pot | None:
    return Pot.objects.accepting().with_totals().order_by("-year", "closes_on").first()


def _eligibility(user) -> dict:
    """Whether `user` may apply and, if not, what they can do about it (for the start page)."""
    if not user.is_authenticated:
        return {"may_apply": None}
    if applicant_actors(user=user).exists():
        return {"may_apply": True}
    representations = (
        Representation.objects.filter(user=user, actor__is_public=True)
        .select_related("actor")
        .annotate(
            is_pending=Exists(Membership.objects.filter(actor=OuterRef("actor"), status=Membership.Status.PENDING))
        )
        .order_by("actor__name")
    )
    return {"may_apply": False, "representations": list(representations)}


def start(request: HttpRequest) -> HttpResponse:
    pot = current_pot()
    return render(request, "grants/start.html", {"pot": pot, **_eligibility(request.user)})


def _steps_context(app: Application | None, current: int) -> dict:
    return {
        "steps": STEPS,
        "current_step": current,
        "review_step": REVIEW_STEP,
        "application": app,
    }


def _quiet(*forms) -> None:
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


def _changes(form: ModelForm) -> dict[str, Any]:
    """The application's fields a step's form sets, as it cleaned them."""
    return {name: form.cleaned_data[name] for name in form._meta.fields if name in form.cleaned_data}


def _after_save(request: HttpRequest, app: Application, step: int) -> HttpResponse:
    if request.POST.get("action") == LATER:
        messages.success(request, _("Utkastet är sparat. Du hittar det under Mina ansökningar."))
        return redirect("grants:my-applications")
    messages.success(request, _("Sparat."))
    if step < len(STEPS):
        return redirect("grants:step", pk=app.pk, step=step + 1)
    return redirect("grants:review", pk=app.pk)


def _parties_search(request: HttpRequest, *, pot: Pot, ctx: dict) -> HttpResponse | None:
    """Step 1's co-applicant search and "Lägg till": the page again, with nothing saved."""
    add = request.POST.get("add_coapplicant", "")
    if request.POST.get("action") != SEARCH and not add:
        return None
    data = request.POST.copy()
    if add.isdigit() and add not in data.getlist("co_applicants"):
        data.appendlist("co_applicants", add)
    form = PartiesForm(data, user=request.user, pot=pot)
    _quiet(form)
    query = strip_control_characters(data.get("co_search", "")).strip()[:100]
    results = form.search_results(query) if query and not add else None
    ctx.update(form=form, co_query=query, co_results=results, co_added=add.isdigit())
    return render(request, "grants/step.html", ctx)


@login_required
@require_http_methods(["GET", "POST"])
def new(request: HttpRequest) -> HttpResponse:
    pot = current_pot()
    if pot is None:
        messages.error(request, _("Det går inte att söka bidrag just nu: ingen pott är öppen."))
        return redirect("grants:start")
    eligibility = _eligibility(request.user)
    if not eligibility["may_apply"]:
        return render(request, "grants/no_actor.html", eligibility, status=200)
    ctx = {**_steps_context(None, 1), "pot": pot}
    if request.method == "POST":
        searched = _parties_search(request, pot=pot, ctx=ctx)
        if searched is not None:
            return searched
    form = PartiesForm(request.POST or None, user=request.user, pot=pot)
    if request.method == "POST" and form.is_valid():
        app = application_create_draft(
            user=request.user,
            pot=pot,
            lead_actor=form.cleaned_data["lead_actor"],
            co_applicants=form.cleaned_data["co_applicants"],
            networks=form.cleaned_data["networks"],
            title=form.cleaned_data["title"],
        )
        return _after_save(request, app, 1)
    return render(request, "grants/step.html", {**ctx, "form": form})


def _budget_add_row(request: HttpRequest, app: Application, ctx: dict) -> HttpResponse:
    """ "Lägg till rad" without JavaScript: the same page with one more empty row, values kept."""
    data = request.POST.copy()
    key = "rad-TOTAL_FORMS"
    total = data.get(key, "")
    if total.isdigit() and int(total) < MAX_BUDGET_LINES:
        data[key] = str(int(total) + 1)
    form = BudgetForm(data, instance=app)
    formset = BudgetLineFormSet(data, instance=app, prefix="rad")
    _quiet(form, formset)
    ctx.update(form=form, formset=formset, focus_last_row=True)
    return render(request, "grants/step.html", ctx)


# Step 5 holds the bank details, and every step shares this view.
@private_no_store
@login_required
@require_http_methods(["GET", "POST"])
def step(request: HttpRequest, pk: int, step: int) -> HttpResponse:
    app = get_application_for_user_rw(request, pk)
    data = request.POST if request.method == "POST" else None
    files = request.FILES if request.method == "POST" else None
    action = request.POST.get("action") if request.method == "POST" else None
    later = action == LATER
    # A save sent from a tab opened before the application was submitted is answered on
    # the form, with what was typed kept; anything else goes to the application's page.
    saving = data is not None and action not in (SEARCH, ADD_ROW) and not data.get("add_coapplicant")
    if not app.is_editable and not saving:
        messages.info(request, _("Ansökan är inskickad och kan inte ändras."))
        return redirect(app)
    if step not in dict(STEPS):
        raise Http404
    ctx = {**_steps_context(app, step), "pot": app.pot}
    # The services lock the row and check the status again: the tab may be late.
    save: Callable[[], object] | None = None
    upload = None

    if step == 1:
        if data is not None:
            searched = _parties_search(request, pot=app.pot, ctx=ctx)
            if searched is not None:
                return searched
        initial = {
            "lead_actor": app.lead_actor,
            "title": app.title,
            "co_applicants": [c.actor for c in app.coapplicant_links.select_related("actor")],
            "networks": list(app.networks.all()),
        }
        form: BaseForm = PartiesForm(data, user=request.user, pot=app.pot, initial=initial)
        if data is not None and form.is_valid():
            save = partial(
                application_set_parties,
                application=app,
                title=form.cleaned_data["title"],
                lead_actor=form.cleaned_data["lead_actor"],
                co_applicants=form.cleaned_data["co_applicants"],
                networks=form.cleaned_data["networks"],
            )
    elif step == 2:
        form = ActivityForm(data, instance=app)
        if later:
            for field in form.fields.values():
                field.required = False
        if data is not None and form.is_valid():
            save = partial(application_save_step, application=app, user=request.user, changes=_changes(form))
    elif step == 3:
        if action == ADD_ROW:
            return _budget_add_row(request, app, ctx)
        form = BudgetForm(data, instance=app)
        formset = BudgetLineFormSet(data, instance=app, prefix="rad")
        if later:
            form.fields["amount_requested"].required = False
        ctx["formset"] = formset
        if data is not None:
            form_ok, formset_ok = form.is_valid(), formset.is_valid()
            if form_ok and formset_ok:
                save = partial(
                    application_save_step,
                    application=app,
                    user=request.user,
                    changes=_changes(form),
                    budget_lines=formset,
                )
            if not formset_ok:
                form.add_error(None, _("Kontrollera budgetraderna."))
        else:
            ctx["budget_gap"] = budget_gap(app)
    elif step == 4:
        # The contact person is usually the one filling in the form: start from the account.
        initial = {}
        if not app.contact_name:
            initial["contact_name"] = request.user.name
        if not app.contact_email:
            initial["contact_email"] = request.user.email
        form = ContactForm(data, files, instance=app, initial=initial)
        if later:
            for name in ("contact_name", "contact_email"):
                form.fields[name].required = False
        if data is not None and form.is_valid():
            upload = form.cleaned_data.get("attachment")
            save = partial(
                application_save_step, application=app, user=request.user, changes=_changes(form), upload=upload
            )
    else:
        form = PaymentDetailsForm(data, instance=app)
        if later:
            form.fields["payment_method"].required = False
        if data is not None and form.is_valid():
            save = partial(application_save_step, application=app, user=request.user, changes=_changes(form))

    if save is not None:
        try:
            save()
        except NotEditable as error:
            form.add_error(None, str(error))
        else:
            if upload and action == "upload":
                messages.success(request, _("Filen ”%(name)s” är bifogad.") % {"name": upload.name})
                return redirect("grants:step", pk=app.pk, step=4)
            return _after_save(request, app, step)
    elif saving and not app.is_editable:
        form.add_error(None, not_editable_message())
    ctx["attachments"] = app.attachments.all()
    ctx["form"] = form
    return render(request, "grants/step.html", ctx)


@login_required
@require_POST
def attachment_delete(request: HttpRequest, pk: int, attachment_pk: int) -> HttpResponse:
    attachment = get_attachment_for_user_rw(request, pk, attachment_pk)
    app = attachment.application
    name = attachment.original_name
    try:
        attachment_remove(attachment=attachment)
    except NotEditable as error:
        messages.error(request, str(error))
        return redirect(app)
    messages.success(request, _("Filen ”%(name)s” är borttagen.") % {"name": name})
    return redirect("grants:step", pk=app.pk, step=4)


def _private_file(file, *, filename: str, content_type: str) -> FileResponse:
    """A private file, streamed from the store (local disk or S3) after the caller's access
    check: downloaded, never shown in the page's origin, never kept by a browser or a cache."""
    response = FileResponse(file.open("rb"), as_attachment=True, filename=filename, content_type=content_type)
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
def attachment(request: HttpRequest, pk: int, attachment_pk: int) -> FileResponse:
    item = get_attachment_for_user(request, pk, attachment_pk)
    # Named for the type its content was checked as: "offert.html" holding a PDF goes out
    # as "offert.pdf", so that no browser or desktop opens it as what its name claims.
    return _private_file(item.file, filename=item.download_name, content_type=item.content_type)


@login_required
def letter(request: HttpRequest, pk: int, letter_pk: int) -> FileResponse:
    item = get_letter_for_user(request, pk, letter_pk)
    # The stored bytes as they are: their SHA-256 is in the application's history.
    return _private_file(
        item.file, filename=letter_filename(item.decision.application), content_type=LETTER_CONTENT_TYPE
    )


def _application_with_parts(pk: int) -> Application:
    return (
        Application.objects.select_related("pot", "lead_actor")
        .prefetch_related("networks", "budget_lines", "attachments", "coapplicant_links__actor")
        .get(pk=pk)
    )


@private_no_store
@login_required
@require_http_methods(["GET", "POST"])
def review(request: HttpRequest, pk: int) -> HttpResponse:
    app = get_application_for_user_rw(request, pk)
    if request.method == "POST":
        if app.status not in (S.DRAFT, S.NEEDS_COMPLETION):
            # A second click on "Skicka in": the first one already did it.
            messages.info(request, _("Ansökan är redan inskickad."))
            return redirect("grants:receipt", pk=app.pk)
        try:
            application_transition(application=app, to_status=S.SUBMITTED, actor_user=request.user)
        except TransitionError as error:
            app.refresh_from_db()
            if app.status == S.SUBMITTED:
                return redirect("grants:receipt", pk=app.pk)
            messages.error(request, str(error))
            return redirect("grants:review", pk=app.pk)
        return redirect("grants:receipt", pk=app.pk)
    if not app.is_editable:
        return redirect(app)
    app = _application_with_parts(app.pk)
    problems = application_submit_problems(app, resubmission=app.status == S.NEEDS_COMPLETION)
    return render(
        request,
        "grants/review.html",
        {
            **_steps_context(app, REVIEW_STEP),
            "application": app,
            "problems": problems,
            "budget_gap": budget_gap(app),
            "show_payment": may_see_payment_details(request.user, app),
        },
    )


@private_no_store
@login_required
def receipt(request: HttpRequest, pk: int) -> HttpResponse:
    app = get_application_for_user(request, pk)
    if not app.reference:
        raise Http404
    app = _application_with_parts(app.pk)
    return render(
        request,
        "grants/receipt.html",
        {"application": app, "show_payment": may_see_payment_details(request.user, app)},
    )


@private_no_store
@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    app = get_application_for_user(request, pk)
    app = _application_with_parts(app.pk)
    is_lead = represents_lead(request.user, app)
    my_links = [
        link for link in app.coapplicant_links.all() if link.actor.representations.filter(user=request.user).exists()
    ]
    return render(
        request,
        "grants/detail.html",
        {
            "application": app,
            "is_lead": is_lead,
            "show_payment": may_see_payment_details(request.user, app),
            "can_withdraw": is_lead and (app.status, S.WITHDRAWN) in MOVES,
            "can_answer": app.status in ANSWERABLE,
            "can_report": is_lead and app.status == S.PAID,
            "my_links": my_links,
            # The steering group's notes and handler are theirs alone (grants.casework).
            "events": app.events.exclude(kind__in=INTERNAL_EVENT_KINDS).select_related("actor_user"),
            "decision": app.decisions.first(),
            "letters": DecisionLetter.objects.filter(decision__application=app).select_related("decision"),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    app = get_application_for_user_rw(request, pk)
    if (app.status, S.WITHDRAWN) not in MOVES:
        messages.error(request, _("Ansökan kan inte återkallas efter beslut."))
        return redirect(app)
    form = WithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            application_transition(
                application=app,
                to_status=S.WITHDRAWN,
                actor_user=request.user,
                note=form.cleaned_data["note"],
            )
        except TransitionError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Ansökan %(ref)s är återkallad.") % {"ref": app.reference})
        return redirect(app)
    return render(request, "grants/withdraw.html", {"application": app, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def confirm(request: HttpRequest, pk: int) -> HttpResponse:
    """A co-applicant's representative confirms (or declines) taking part."""
    links = get_coapplicant_links_for_user(request, pk)
    app = _application_with_parts(pk)
    if request.method == "POST":
        answer = request.POST.get("answer")
        if answer not in ("yes", "no") or app.status not in ANSWERABLE:
            messages.error(request, _("Svaret kunde inte sparas. Ansökan går inte längre att ändra."))
            return redirect("grants:confirm", pk=pk)
        try:
            # One answer for every actor the user speaks for here, or none of them.
            with transaction.atomic():
                for link in links:
                    coapplicant_respond(link=link, user=request.user, confirm=answer == "yes")
        except NotEditable as error:
            messages.error(request, str(error))
            return redirect("grants:confirm", pk=pk)
        if answer == "yes":
            messages.success(request, _("Tack! Ni är nu bekräftade som medsökande."))
        else:
            messages.success(request, _("Ni har avböjt att vara medsökande."))
        return redirect("grants:my-applications")
    return render(
        request, "grants/confirm.html", {"application": app, "links": links, "can_answer": app.status in ANSWERABLE}
    )


@login_required
@require_http_methods(["GET", "POST"])
def report(request: HttpRequest, pk: int) -> HttpResponse:
    app = get_application_for_user_rw(request, pk)
    if app.status != S.PAID:
        messages.info(request, _("Återrapporten kan lämnas när bidraget är utbetalt."))
        return redirect(app)
    form = ReportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            report_submit(
                application=app,
                user=request.user,
                what_happened=form.cleaned_data["what_happened"],
                participants=form.cleaned_data["participants"],
                actual_costs=form.cleaned_data["actual_costs"],
                photos=form.cleaned_data["photos"],
            )
        except NotEditable as error:
            # Sent from a second tab after the first one's report: keep what was typed.
            form.add_error(None, str(error))
        except TransitionError as error:
            messages.error(request, str(error))
            return redirect(app)
        except ValidationError as error:
            form.add_error("photos", error)
        else:
            messages.success(request, _("Tack! Återrapporten är inlämnad."))
            return redirect(app)
    return render(request, "grants/report.html", {"application": app, "form": form})


@login_required
def my_applications(request: HttpRequest) -> HttpResponse:
    applications = my_applications_of(user=request.user).prefetch_related("networks")
    pending = coapplicant_requests(user=request.user)
    return render(request, "grants/my_applications.html", {"applications": applications, "pending": pending})


def granted(request: HttpRequest) -> HttpResponse:
    """What the shared pot paid for, one year at a time: public, no personal data.

    An activity in several networks is listed, and counted, under each of them.
    """
    years = list(
        Pot.objects.filter(applications__status__in=GRANTED_STATUSES)
        .values_list("year", flat=True)
        .distinct()
        .order_by("-year")
    )
    requested_year = request.GET.get("ar", "")
    year = int(requested_year) if requested_year.isdigit() and int(requested_year) in years else None
    if year is None and years:
        year = years[0]
    networks = list(Network.objects.all())
    network = next((n for n in networks if n.slug == request.GET.get("natverk")), None)

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
    page = Paginator(rows, GRANTED_PER_PAGE).get_page(request.GET.get("sida"))
    for row in page.object_list:
        row.network_total = totals.get(row.network_id, 0)
    query = urlencode({key: value for key, value in (("ar", year), ("natverk", network and network.slug)) if value})
    return render(
        request,
        "grants/granted.html",
        {
            "years": years,
            "year": year,
            "networks": networks,
            "network": network,
            "page": page,
            "query": query,
            "year_total": sum(totals.values()) if network is None else totals.get(network.pk, 0),
        },
    )
