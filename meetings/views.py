"""Public meeting pages, calendar files, sign-up and "my registrations"."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from meetings.access import get_registration_for_user
from meetings.agenda import agenda_sections
from meetings.forms import MeetingFilterForm, RegistrationForm
from meetings.ics import calendar_bytes
from meetings.models import Meeting, Registration
from meetings.services import RegistrationError, registration_cancel, registration_create
from members.models import Actor
from networks.models import Network

MEETINGS_PER_PAGE = 20
# Calendar subscriptions carry the recent past too, so that a meeting does not vanish the
# moment it ends.
CALENDAR_PAST_DAYS = 90


def _listed(queryset: QuerySet) -> QuerySet:
    return queryset.select_related("network", "working_group").with_seats()


def _query_without_page(request: HttpRequest) -> str:
    params = request.GET.copy()
    params.pop("sida", None)
    return params.urlencode()


@require_safe
def meeting_list(request: HttpRequest) -> HttpResponse:
    form = MeetingFilterForm(request.GET or None)
    meetings = form.filter(_listed(Meeting.objects.upcoming()))
    page = Paginator(meetings, MEETINGS_PER_PAGE).get_page(request.GET.get("sida"))
    return render(
        request,
        "meetings/meeting_list.html",
        {"filter_form": form, "page": page, "query": _query_without_page(request)},
    )


@require_safe
def meeting_archive(request: HttpRequest) -> HttpResponse:
    form = MeetingFilterForm(request.GET or None)
    meetings = form.filter(_listed(Meeting.objects.past()))
    page = Paginator(meetings, MEETINGS_PER_PAGE).get_page(request.GET.get("sida"))
    return render(
        request,
        "meetings/meeting_archive.html",
        {"filter_form": form, "page": page, "query": _query_without_page(request)},
    )


@require_safe
def network_meetings(request: HttpRequest, slug: str) -> HttpResponse:
    network = get_object_or_404(Network, slug=slug)
    meetings = _listed(Meeting.objects.upcoming().for_network(network))
    page = Paginator(meetings, MEETINGS_PER_PAGE).get_page(request.GET.get("sida"))
    past = _listed(Meeting.objects.past().for_network(network))[:5]
    return render(request, "meetings/network_meetings.html", {"network": network, "page": page, "past": past})


def _user_registrations(request: HttpRequest, meeting: Meeting) -> list[Registration]:
    if not request.user.is_authenticated:
        return []
    return list(Registration.objects.active().filter(meeting=meeting, user=request.user).select_related("actor"))


def _registration_form(request: HttpRequest, meeting: Meeting, data=None) -> RegistrationForm:
    """The sign-up form, offering only the user and the actors they represent who are not signed up yet."""
    mine = Registration.objects.active().filter(meeting=meeting, user=request.user)
    actors = (
        Actor.objects.represented_by(request.user)
        .exclude(pk__in=mine.filter(actor__isnull=False).values("actor_id"))
        .order_by("name")
    )
    return RegistrationForm(data, actors=actors, self_allowed=not mine.filter(actor__isnull=True).exists())


@require_safe
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_object_or_404(Meeting.objects.select_related("network", "working_group"), pk=pk)
    return _render_detail(request, meeting)


def _render_detail(request: HttpRequest, meeting: Meeting, form: RegistrationForm | None = None) -> HttpResponse:
    counts = meeting.registrations.aggregate(
        confirmed=Count("pk", filter=Q(status=Registration.Status.CONFIRMED)),
        waitlisted=Count("pk", filter=Q(status=Registration.Status.WAITLISTED)),
    )
    seats_left = max((meeting.capacity or 0) - counts["confirmed"], 0)
    if form is None and request.user.is_authenticated and meeting.registration_open:
        form = _registration_form(request, meeting)
    return render(
        request,
        "meetings/meeting_detail.html",
        {
            "meeting": meeting,
            "form": form,
            "seats_left": seats_left,
            "waitlisted": counts["waitlisted"],
            "my_registrations": _user_registrations(request, meeting),
            # What other apps add to the agenda (residents' questions: meetings.agenda).
            "agenda_sections": agenda_sections([meeting.pk]).get(meeting.pk, []),
        },
    )


@require_POST
@login_required
def meeting_register(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_object_or_404(Meeting.objects.select_related("network", "working_group"), pk=pk)
    form = _registration_form(request, meeting, request.POST)
    if not form.is_valid():
        return _render_detail(request, meeting, form)
    actor = form.chosen_actor()
    try:
        registration = registration_create(
            meeting=meeting, user=request.user, actor=actor, needs=form.cleaned_data["needs"]
        )
    except RegistrationError as error:
        messages.error(request, str(error))
        return redirect(meeting)
    if registration.status == Registration.Status.CONFIRMED:
        messages.success(
            request, _("Du är anmäld. En bekräftelse med mötet som kalenderfil är skickad till din e-post.")
        )
    else:
        messages.warning(
            request,
            _(
                "Mötet är fullt, så du står på väntelistan. Om någon avbokar får du platsen "
                "automatiskt och besked via e-post."
            ),
        )
    return redirect(meeting)


# ---- Mina sidor ----


@login_required
@require_safe
def my_registrations(request: HttpRequest) -> HttpResponse:
    ahead = Registration.objects.waitlisted().filter(
        meeting=OuterRef("meeting"), created_at__lte=OuterRef("created_at")
    )
    registrations = (
        Registration.objects.active()
        .filter(user=request.user, meeting__ends_at__gte=timezone.now())
        .annotate(
            waitlist_position=Subquery(
                ahead.order_by().values("meeting").annotate(n=Count("pk")).values("n")[:1],
                output_field=IntegerField(),
            )
        )
        .select_related("meeting__network", "actor")
        .order_by("meeting__starts_at", "pk")
    )
    return render(request, "meetings/my_registrations.html", {"registrations": registrations})


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def registration_cancel_view(request: HttpRequest, pk: int) -> HttpResponse:
    """GET asks "are you sure?" (a link cannot cancel by mistake); POST cancels."""
    registration = get_registration_for_user(request, pk)
    if request.method != "POST":
        return render(request, "meetings/registration_cancel.html", {"registration": registration})
    try:
        registration_cancel(registration=registration, user=request.user)
    except RegistrationError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Din anmälan till %(title)s är avbokad.") % {"title": registration.meeting.title})
    return redirect("meetings:my-registrations")


# ---- iCalendar ----


def _ics_response(meetings, *, name: str, filename: str) -> HttpResponse:
    response = HttpResponse(calendar_bytes(meetings, name=name), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


def _calendar_meetings() -> QuerySet:
    since = timezone.now() - timedelta(days=CALENDAR_PAST_DAYS)
    return Meeting.objects.filter(ends_at__gte=since).select_related("network").order_by("starts_at", "pk")


@require_safe
def calendar_all(request: HttpRequest) -> HttpResponse:
    return _ics_response(
        _calendar_meetings(), name=_("Stadsdelsnätverken i Gävle – möten"), filename="stadsdelsnatverken.ics"
    )


@require_safe
def calendar_network(request: HttpRequest, slug: str) -> HttpResponse:
    network = get_object_or_404(Network, slug=slug)
    return _ics_response(
        _calendar_meetings().for_network(network),
        name=_("%(network)s – möten") % {"network": network.display_name},
        filename=f"{network.slug}.ics",
    )


@require_safe
def calendar_meeting(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_object_or_404(Meeting.objects.select_related("network"), pk=pk)
    return _ics_response([meeting], name=meeting.title, filename=f"mote-{meeting.pk}.ics")
