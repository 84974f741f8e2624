""" "Lyft en fråga": the list, a question with its history, raising one and "Jag med"."""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Case, IntegerField, Value, When
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from dialog import services
from dialog.access import get_question_for_read, may_support, may_withdraw_support
from dialog.forms import ListForm, QuestionForm
from dialog.models import Question, Status
from networks.models import Network

QUESTIONS_PER_PAGE = 20

# "Läge": the new ones first, then those the network works on, the done ones last.
STATUS_ORDER = Case(
    *(
        When(status=status, then=Value(rank))
        for rank, status in enumerate(
            [Status.OPEN, Status.MEETING, Status.WORKING_GROUP, Status.FORWARDED, Status.ANSWERED, Status.CLOSED]
        )
    ),
    default=Value(99),
    output_field=IntegerField(),
)


def _post(request: HttpRequest):
    # Not `request.POST or None`: an empty POST must still be a bound form with errors.
    return request.POST if request.method == "POST" else None


@require_safe
def question_list(request: HttpRequest) -> HttpResponse:
    networks = list(Network.objects.all())
    choices = ListForm(request.GET, networks=networks)
    chosen = {name: choices.value(name) for name in ("natverk", "ordning")}
    # Unknown values are dropped, so the form shows what the list really is.
    choices = ListForm({k: v for k, v in chosen.items() if v}, networks=networks)
    questions = (
        Question.objects.visible()
        .with_support_count()
        .select_related("network", "theme", "author", "meeting", "working_group")
    )
    network = next((n for n in networks if n.slug == chosen["natverk"]), None)
    if network is not None:
        questions = questions.for_network(network)
    if chosen["ordning"] == "stod":
        questions = questions.order_by("-support_count", "-created_at", "-pk")
    elif chosen["ordning"] == "lage":
        questions = questions.order_by(STATUS_ORDER, "-created_at", "-pk")
    else:
        questions = questions.order_by("-created_at", "-pk")
    page = Paginator(questions, QUESTIONS_PER_PAGE).get_page(request.GET.get("sida"))
    return render(
        request,
        "dialog/question_list.html",
        {
            "page": page,
            "list_form": choices,
            "network": network,
            "networks": networks,
            "query": urlencode({k: v for k, v in chosen.items() if v}),
            "is_filtered": any(chosen.values()),
        },
    )


@require_safe
def question_detail(request: HttpRequest, pk: int) -> HttpResponse:
    question = get_question_for_read(request, pk)
    supported = services.supports(question=question, user=request.user)
    return render(
        request,
        "dialog/question_detail.html",
        {
            "question": question,
            "history": services.public_history(question),
            "support_count": services.support_count(question),
            "supported": supported,
            "may_support": may_support(request.user, question),
            "is_author": request.user.is_authenticated and question.author_id == request.user.pk,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def question_create(request: HttpRequest) -> HttpResponse:
    initial = {}
    chosen = Network.objects.filter(slug=request.GET.get("natverk", "")[:100]).first()
    if chosen is not None:
        initial["network"] = chosen.pk
    form = QuestionForm(_post(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            question = services.question_create(
                question=form.save(commit=False),
                author=request.user,
                language=translation.get_language() or settings.LANGUAGE_CODE,
            )
        except ValidationError as error:
            # The daily limit: the form comes back with everything typed, and the reason.
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _(
                    "Tack! Din fråga ”%(title)s” är skickad till %(network)s. Du får ett kvitto med e-post, "
                    "och e-post igen när nätverket gör något med frågan."
                )
                % {"title": question.title, "network": question.network.display_name},
            )
            return redirect(question)
    # Said before anything is typed, too, so that nobody writes a question in vain.
    limit_message = ""
    if not form.is_bound and services.questions_raised_today(user=request.user) >= settings.DIALOG_QUESTIONS_PER_DAY:
        limit_message = services.raising_limit_message(typed=False)
    return render(request, "dialog/question_form.html", {"form": form, "limit_message": limit_message})


@login_required
@require_POST
def question_support(request: HttpRequest, pk: int) -> HttpResponse:
    """ "Jag med" and taking it back: a button on the question's page, back to the page."""
    question = get_question_for_read(request, pk)
    if request.POST.get("jag_med") == "nej":
        if may_withdraw_support(request.user, question) and services.support_withdraw(
            question=question, user=request.user
        ):
            messages.success(request, _("Du har tagit tillbaka ditt ”Jag med”."))
    elif may_support(request.user, question):
        services.support_add(question=question, user=request.user)
        messages.success(request, _("Tack! Ditt ”Jag med” är räknat."))
    elif question.author_id == request.user.pk:
        messages.warning(request, _("Det är din egen fråga. ”Jag med” är till för andra som delar den."))
    else:
        messages.warning(request, _("Frågan är redan besvarad eller avslutad, så den tar inte emot fler ”Jag med”."))
    return redirect(question)
