"""The applicant's pages: start, the form in steps, submit, confirm, withdraw, report, files."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from core.decorators import private_no_store
from grants.access import (
    coapplicant_links_of,
    get_application_for_user,
    get_application_for_user_rw,
    get_attachment_for_user,
    get_attachment_for_user_rw,
    get_coapplicant_links_for_user,
    get_letter_for_user,
    may_see_payment_details,
    represents_lead,
)
from grants.forms import PartiesForm, ReportForm, WithdrawForm
from grants.letters import CONTENT_TYPE as LETTER_CONTENT_TYPE
from grants.letters import letter_filename
from grants.locking import NotEditable, not_editable_message
from grants.models import Application
from grants.overview import ANSWERABLE, coapplicant_requests
from grants.overview import my_applications as my_applications_of
from grants.rules import applicant_actors, application_submit_problems, budget_gap

# Under this module's own name: tests put another tab's move between a view's check and its save.
from grants.selectors import application_with_parts as _application_with_parts
from grants.selectors import (
    current_pot,
    decision_letters,
    granted_register,
    granted_years,
    public_events,
    representations_for_start,
    with_parts,
)
from grants.services import (
    application_create_draft,
    attachment_remove,
    coapplicant_respond,
    report_submit,
)
from grants.views_steps import (
    ADD_ROW,
    LATER,
    REVIEW_STEP,
    SEARCH,
    STEPS_BY_NUMBER,
    after_save,
    optional_for_later,
    parties_search,
    steps_context,
)
from grants.workflow import MOVES, TransitionError, application_transition
from members.access import represented_actor_ids
from members.models import Actor
from networks.models import Network

GRANTED_PER_PAGE = 50
S = Application.Status


def _eligibility(user, actors: QuerySet[Actor] | None = None) -> dict:
    """Whether `user` may apply and, if not, what they can do about it (for the start page).

    `actors`: the actors the user may apply for (rules.applicant_actors), when the page reads
    them anyway (the form's choice of applicant); else one small query asks if there are any.
    """
    if not user.is_authenticated:
        return {"may_apply": None}
    if bool(actors) if actors is not None else applicant_actors(user=user).exists():
        return {"may_apply": True}
    return {"may_apply": False, "representations": representations_for_start(user)}


def start(request: HttpRequest) -> HttpResponse:
    pot = current_pot()
    return render(request, "grants/start.html", {"pot": pot, **_eligibility(request.user)})


@login_required
@require_http_methods(["GET", "POST"])
def new(request: HttpRequest) -> HttpResponse:
    pot = current_pot(totals=False)
    if pot is None:
        messages.error(request, _("Det går inte att söka bidrag just nu: ingen pott är öppen."))
        return redirect("grants:start")
    form = PartiesForm(request.POST or None, user=request.user, pot=pot)
    # The actors the user may apply for, read once: for this check and for the form's choice.
    eligibility = _eligibility(request.user, actors=form.fields["lead_actor"].queryset)
    if not eligibility["may_apply"]:
        return render(request, "grants/no_actor.html", eligibility, status=200)
    ctx = {**steps_context(None, 1), "pot": pot}
    if request.method == "POST":
        searched = parties_search(request, pot=pot, ctx=ctx)
        if searched is not None:
            return searched
    if request.method == "POST" and form.is_valid():
        app = application_create_draft(
            user=request.user,
            pot=pot,
            lead_actor=form.cleaned_data["lead_actor"],
            co_applicants=form.cleaned_data["co_applicants"],
            networks=form.cleaned_data["networks"],
            title=form.cleaned_data["title"],
        )
        return after_save(request, app, 1)
    return render(request, "grants/step.html", {**ctx, "form": form})


# Step 5 holds the bank details, and every step shares this view.
@private_no_store
@login_required
@require_http_methods(["GET", "POST"])
def step(request: HttpRequest, pk: int, step: int) -> HttpResponse:
    """One step of the form (grants.views_steps.STEP_TABLE): GET shows it, POST saves it."""
    # The pot's rules are the forms'; no step names the lead actor (step 1 shows its id):
    # not joining it saves 0.2 ms on every step.
    app = get_application_for_user_rw(request, pk, related=("pot",))
    data = request.POST if request.method == "POST" else None
    files = request.FILES if request.method == "POST" else None
    action = request.POST.get("action") if data is not None else None
    # A save sent from a tab opened before the application was submitted is answered on
    # the form, with what was typed kept; anything else goes to the application's page.
    saving = data is not None and action not in (SEARCH, ADD_ROW) and not data.get("add_coapplicant")
    if not app.is_editable and not saving:
        messages.info(request, _("Ansökan är inskickad och kan inte ändras."))
        return redirect(app)
    definition = STEPS_BY_NUMBER.get(step)
    if definition is None:
        raise Http404
    ctx = {**steps_context(app, step), "pot": app.pot}
    if data is not None and definition.redisplay is not None:
        shown = definition.redisplay(request, app, ctx)
        if shown is not None:
            return shown
    form = definition.form(request, app, data, files)
    formset = definition.formset(app, data) if definition.formset is not None else None
    if action == LATER:
        optional_for_later(form, definition)
    if data is not None:
        # Both checked, so that the page shows every mistake at once.
        form_ok = form.is_valid()
        formset_ok = formset is None or formset.is_valid()
        if form_ok and formset_ok:
            # The services lock the row and check the status again: the tab may be late.
            try:
                stay = definition.save(request, app, form, formset)
            except NotEditable as error:
                form.add_error(None, str(error))
            else:
                if stay:
                    messages.success(request, stay)
                    return redirect("grants:step", pk=app.pk, step=step)
                return after_save(request, app, step)
        else:
            if not formset_ok:
                form.add_error(None, _("Kontrollera budgetraderna."))
            if saving and not app.is_editable:
                form.add_error(None, not_editable_message())
    if formset is not None:
        ctx["formset"] = formset
    if definition.context is not None:
        ctx.update(definition.context(app, data, formset))
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


@private_no_store
@login_required
@require_http_methods(["GET", "POST"])
def review(request: HttpRequest, pk: int) -> HttpResponse:
    app = get_application_for_user_rw(request, pk)
    if request.method == "POST":
        if not app.is_editable:
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
    app = with_parts(app)
    problems = application_submit_problems(app, resubmission=app.status == S.NEEDS_COMPLETION)
    return render(
        request,
        "grants/review.html",
        {
            **steps_context(app, REVIEW_STEP),
            "application": app,
            "problems": problems,
            "budget_gap": budget_gap(app),
            "budget_total": app.budget_total,
            "show_payment": may_see_payment_details(request.user, app),
        },
    )


@private_no_store
@login_required
def receipt(request: HttpRequest, pk: int) -> HttpResponse:
    app = get_application_for_user(request, pk)
    if not app.reference:
        raise Http404
    app = with_parts(app)
    return render(
        request,
        "grants/receipt.html",
        {"application": app, "show_payment": may_see_payment_details(request.user, app)},
    )


@private_no_store
@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    app = with_parts(get_application_for_user(request, pk))
    is_lead = represents_lead(request.user, app)
    # The co-applicants the user speaks for: one query however many there are, none without any.
    my_links = (
        list(coapplicant_links_of(request.user, app.pk).select_related("actor")) if app.coapplicant_links.all() else []
    )
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
            "events": public_events(app),
            "decision": app.decisions.first(),
            "letters": decision_letters(app),
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
    actor_ids = represented_actor_ids(request.user)
    applications = my_applications_of(actor_ids=actor_ids).prefetch_related("networks")
    pending = coapplicant_requests(actor_ids=actor_ids)
    return render(request, "grants/my_applications.html", {"applications": applications, "pending": pending})


def granted(request: HttpRequest) -> HttpResponse:
    """What the shared pot paid for, one year at a time: public, no personal data.

    An activity in several networks is listed, and counted, under each of them.
    """
    years = granted_years()
    requested_year = request.GET.get("ar", "")
    year = int(requested_year) if requested_year.isdigit() and int(requested_year) in years else None
    if year is None and years:
        year = years[0]
    networks = list(Network.objects.all())
    network = next((n for n in networks if n.slug == request.GET.get("natverk")), None)
    register = granted_register(year=year, network=network)
    rows, totals = register.rows, register.totals
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
