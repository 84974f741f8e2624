"""The back office for meetings: coordinators publish and plan series for their own networks."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Case, Count, F, Q, QuerySet, Value, When
from django.db.models.functions import Now
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from core.adminlist import DateSafeChangeListMixin
from core.csvexport import csv_response
from core.dates import ADMIN_DATE_OVERRIDES
from core.translation_admin import TranslatedAdminMixin
from meetings.access import can_see_needs, working_groups_for
from meetings.cancelling import cancel_previews
from meetings.forms import PlanSeriesForm
from meetings.models import Meeting, Registration
from meetings.series import plan_series_with_skipped
from meetings.services import (
    SeriesDetails,
    cancellation_recipients,
    meeting_cancel,
    meeting_publish_minutes,
    meeting_series_create,
    meeting_touch,
    registration_fill_seats,
)
from networks.access import networks_coordinated_by
from networks.scoping import NetworkScopedAdminMixin


class WhenFilter(admin.SimpleListFilter):
    """Coming or past meetings: the admin index's to-do list links to "kommande"."""

    title = gettext_lazy("när")
    parameter_name = "nar"

    def lookups(self, request: HttpRequest, model_admin) -> list[tuple[str, str]]:
        return [("kommande", gettext_lazy("Kommande")), ("tidigare", gettext_lazy("Har varit"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if self.value() == "kommande":
            return queryset.filter(ends_at__gte=timezone.now())
        if self.value() == "tidigare":
            return queryset.filter(ends_at__lt=timezone.now())
        return queryset


class MinutesFilter(admin.SimpleListFilter):
    """Held meetings still without minutes: a coordinator's to-do after every meeting."""

    title = gettext_lazy("protokoll")
    parameter_name = "protokoll"

    def lookups(self, request: HttpRequest, model_admin) -> list[tuple[str, str]]:
        return [("saknas", gettext_lazy("Saknar protokoll")), ("publicerat", gettext_lazy("Protokoll publicerat"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if self.value() == "saknas":
            return queryset.without_minutes()
        if self.value() == "publicerat":
            return queryset.exclude(minutes="").filter(minutes_published_at__isnull=False)
        return queryset


class RegistrationInline(admin.TabularInline):
    """The list of who has signed up; read-only, because people cancel themselves."""

    model = Registration
    extra = 0
    can_delete = False
    fields = ["user", "user_email", "actor", "status", "created_at", "reminder_sent_at"]
    readonly_fields = [*fields, "needs"]
    ordering = ["status", "created_at"]
    verbose_name_plural = gettext_lazy("Anmälningar")

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).select_related("user", "actor")

    def get_fields(self, request: HttpRequest, obj: Meeting | None = None) -> list[str]:
        # Access needs and diets are health data: only the network's coordinators see them.
        fields = list(self.fields)
        if obj is not None and can_see_needs(request.user, obj):
            fields.append("needs")
        return fields

    @admin.display(description=gettext_lazy("e-post"))
    def user_email(self, obj: Registration) -> str:
        return obj.user.email

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@dataclass(frozen=True)
class PlannedDate:
    day: date
    clashes: list[Meeting]


def _with_clashes(dates: list[date], network) -> list[PlannedDate]:
    """Each planned date with the network's planned meetings already on that day (one query)."""
    existing: dict[date, list[Meeting]] = {}
    for meeting in Meeting.objects.for_network(network).filter(status=Meeting.Status.PLANNED).on_local_dates(dates):
        existing.setdefault(timezone.localdate(meeting.starts_at), []).append(meeting)
    return [PlannedDate(day=day, clashes=existing.get(day, [])) for day in dates]


# The list starts with the coming meetings, the nearest first, then the past ones, the latest
# first; clicking a column sorts by it instead. Expressions, not fields: Django then marks
# no column as the one the list is sorted by.
_COMING = Q(ends_at__gte=Now())


@admin.register(Meeting)
class MeetingAdmin(TranslatedAdminMixin, DateSafeChangeListMixin, NetworkScopedAdminMixin, admin.ModelAdmin):
    ordering = [
        Case(When(_COMING, then=Value(0)), default=Value(1)).asc(),
        Case(When(_COMING, then=F("starts_at"))).asc(),
        Case(When(~_COMING, then=F("starts_at"))).desc(),
    ]
    list_display = ["title", "starts_at", "network", "kind", "status", "registration_summary", "is_demo"]
    list_filter = ["network", WhenFilter, MinutesFilter, "kind", "status", "registration_enabled", "is_demo"]
    search_fields = ["title", "place", "agenda"]
    list_select_related = ["network"]
    date_hierarchy = "starts_at"
    formfield_overrides = ADMIN_DATE_OVERRIDES
    inlines = [RegistrationInline]
    # The calendar's SEQUENCE and the series id are the program's bookkeeping, not the coordinator's:
    # they stay in the model and off the form.
    readonly_fields = ["minutes_published_at", "created_at", "updated_at", "csv_link"]
    fieldsets = [
        (None, {"fields": ["network", "kind", "working_group", "title", "is_demo"]}),
        (gettext_lazy("Tid och plats"), {"fields": ["starts_at", "ends_at", "place", "address", "accessibility"]}),
        (gettext_lazy("Innehåll"), {"fields": ["agenda", "minutes", "minutes_published_at"]}),
        (gettext_lazy("Status"), {"fields": ["status", "cancel_reason"]}),
        (gettext_lazy("Anmälan"), {"fields": ["registration_enabled", "capacity", "csv_link"]}),
        (gettext_lazy("Ändringar"), {"fields": ["created_at", "updated_at"]}),
    ]
    change_list_template = "admin/meetings/meeting/change_list.html"

    # ---- scoping ----

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return (
            super()
            .get_queryset(request)
            .annotate(
                confirmed_count=Count("registrations", filter=Q(registrations__status=Registration.Status.CONFIRMED)),
                waitlisted_count=Count("registrations", filter=Q(registrations__status=Registration.Status.WAITLISTED)),
            )
        )

    def formfield_for_foreignkey(self, db_field, request: HttpRequest, **kwargs):
        if db_field.name == "working_group":
            kwargs["queryset"] = working_groups_for(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_dbfield(self, db_field, request: HttpRequest, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name in {"starts_at", "ends_at"} and field is not None:
            # The admin's split date/time inputs have no <label> of their own (axe: label).
            date_widget, time_widget = field.widget.widgets
            date_widget.attrs["aria-label"] = f"{field.label}: {_('datum')}"
            time_widget.attrs["aria-label"] = f"{field.label}: {_('tid')}"
        return field

    # ---- list ----

    @admin.display(description=gettext_lazy("anmälda"))
    def registration_summary(self, obj: Meeting) -> str:
        if not obj.registration_enabled:
            return "–"
        text = f"{obj.confirmed_count} / {obj.capacity}"
        if obj.waitlisted_count:
            text += " " + ngettext("(%(count)s på väntelistan)", "(%(count)s på väntelistan)", obj.waitlisted_count) % {
                "count": obj.waitlisted_count
            }
        return text

    @admin.display(description=gettext_lazy("lista över anmälda"))
    def csv_link(self, obj: Meeting) -> str:
        if obj is None or obj.pk is None or not obj.registration_enabled:
            return "–"
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:meetings_meeting_registrations_csv", args=[obj.pk]),
            _("Ladda ner anmälningarna som CSV"),
        )

    # ---- saving ----

    def save_model(self, request: HttpRequest, obj: Meeting, form, change: bool) -> None:
        # Cancelling is confirmed on a page of its own (cancel_view), which shows who will be
        # told: until then the meeting stays planned and nobody is mailed. The reason is saved
        # with the other changes; a planned meeting shows it nowhere.
        cancelling = change and "status" in form.changed_data and obj.is_cancelled
        if cancelling:
            obj.status = Meeting.Status.PLANNED
            obj.cancel_to_confirm = True
        if change and form.changed_data:
            meeting_touch(meeting=obj)
        super().save_model(request, obj, form, change)
        if change and not cancelling and {"capacity", "registration_enabled"} & set(form.changed_data):
            promoted = registration_fill_seats(meeting=obj)
            if promoted:
                self.message_user(
                    request,
                    ngettext(
                        "%(count)s person har flyttats från väntelistan och fått e-post om det.",
                        "%(count)s personer har flyttats från väntelistan och fått e-post om det.",
                        len(promoted),
                    )
                    % {"count": len(promoted)},
                    messages.SUCCESS,
                )
        if obj.minutes.strip() and obj.minutes_published_at is None:
            told = meeting_publish_minutes(meeting=obj)
            self.message_user(
                request,
                ngettext(
                    "Protokollet är publicerat och %(count)s medlem har fått e-post om det.",
                    "Protokollet är publicerat och %(count)s medlemmar har fått e-post om det.",
                    told,
                )
                % {"count": told},
                messages.SUCCESS,
            )

    def response_change(self, request: HttpRequest, obj: Meeting) -> HttpResponse:
        if getattr(obj, "cancel_to_confirm", False):
            self.message_user(
                request,
                _("Ändringarna är sparade, men mötet är inte inställt än. Se vilka som får e-post och bekräfta."),
                messages.INFO,
            )
            return redirect("admin:meetings_meeting_cancel", obj.pk)
        return super().response_change(request, obj)

    # ---- extra pages ----

    def get_urls(self):
        extra = [
            path("planera-serie/", self.admin_site.admin_view(self.plan_series_view), name="meetings_meeting_plan"),
            path("<int:pk>/stall-in/", self.admin_site.admin_view(self.cancel_view), name="meetings_meeting_cancel"),
            path(
                "<int:pk>/anmalningar.csv",
                self.admin_site.admin_view(self.registrations_csv_view),
                name="meetings_meeting_registrations_csv",
            ),
        ]
        return extra + super().get_urls()

    def cancel_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        """The confirm step of cancelling: who will be told and why; the mail goes on "Ja"."""
        if request.method not in ("GET", "POST"):
            return HttpResponseNotAllowed(["GET", "POST"])
        meeting = self.get_queryset(request).select_related("network").filter(pk=pk).first()
        if meeting is None:
            raise Http404
        if not self.has_change_permission(request, meeting):
            raise PermissionDenied
        change_url = reverse("admin:meetings_meeting_change", args=[meeting.pk])
        if meeting.is_cancelled:
            self.message_user(request, _("Mötet är redan inställt."), messages.WARNING)
            return redirect(change_url)
        if not meeting.cancel_reason.strip():
            self.message_user(
                request,
                _("Välj status ”Inställt” och skriv varför mötet ställs in. Sedan ser du vilka som får e-post."),
                messages.WARNING,
            )
            return redirect(change_url)
        if request.method == "POST":
            try:
                cancelled = meeting_cancel(meeting=meeting)
            except ValidationError as error:
                self.message_user(request, error.messages[0], messages.WARNING)
                return redirect(change_url)
            # The history says "Ändrade status.", as the change form's save would have.
            status_label = str(Meeting._meta.get_field("status").verbose_name)
            self.log_change(request, meeting, [{"changed": {"fields": [status_label]}}])
            told = cancelled.told
            if told:
                done = ngettext(
                    "%(count)s anmäld har fått e-post om att mötet är inställt.",
                    "%(count)s anmälda har fått e-post om att mötet är inställt.",
                    told,
                ) % {"count": told}
            elif cancelled.notes:
                # Not "ingen har fått e-post": the notes may say that others were mailed.
                done = _("Mötet är inställt. Ingen var anmäld.")
            else:
                done = _("Mötet är inställt. Ingen var anmäld, så ingen har fått e-post.")
            # What the apps above did too (meetings.cancelling), in the same message.
            self.message_user(request, " ".join([done, *cancelled.notes]), messages.SUCCESS)
            return redirect("admin:meetings_meeting_changelist")
        registrations = list(cancellation_recipients(meeting))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Ställ in mötet"),
            "original": meeting,
            "confirmed": [r for r in registrations if r.status == Registration.Status.CONFIRMED],
            "waitlisted": [r for r in registrations if r.status == Registration.Status.WAITLISTED],
            "people": len({registration.user_id for registration in registrations}),
            # What else happens, one line per app (meetings.cancelling; dialog: questions back to "Ny").
            "previews": cancel_previews(meeting),
            "cancel_url": change_url,
        }
        return TemplateResponse(request, "admin/meetings/meeting/cancel.html", context)

    def registrations_csv_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        meeting = self.get_queryset(request).filter(pk=pk).select_related("network").first()
        if meeting is None:
            raise Http404
        if not self.has_view_permission(request, meeting):
            raise PermissionDenied
        registrations = meeting.registrations.select_related("user", "actor").order_by("status", "created_at")
        show_needs = can_see_needs(request.user, meeting)
        header = [_("Namn"), _("E-post"), _("Aktör"), _("Status"), _("Anmäld")]
        if show_needs:
            header.append(_("Behov av anpassning eller kost"))
        rows = (
            [
                registration.user.name,
                registration.user.email,
                registration.actor.name if registration.actor else "",
                registration.get_status_display(),
                timezone.localtime(registration.created_at).strftime("%Y-%m-%d %H:%M"),
                *([registration.needs] if show_needs else []),
            ]
            for registration in registrations
        )
        return csv_response(f"anmalningar-mote-{meeting.pk}.csv", header, rows)

    def plan_series_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = PlanSeriesForm(request.POST or None, networks=networks_coordinated_by(request.user))
        plan = None
        if request.method == "POST" and form.is_valid() and "edit" not in request.POST:
            data = form.cleaned_data
            plan = plan_series_with_skipped(
                first_date=data["first_date"],
                weekday=data["weekday"],
                nth=data["nth"],
                interval_months=data["interval_months"],
                count=data["count"],
            )
            if "confirm" in request.POST:
                meetings = meeting_series_create(
                    dates=plan.dates,
                    details=SeriesDetails(
                        network_id=data["network"].pk,
                        kind=data["kind"],
                        title=data["title"],
                        start_time=data["start_time"],
                        end_time=data["end_time"],
                        place=data["place"],
                        address=data["address"],
                        accessibility=data["accessibility"],
                        registration_enabled=data["registration_enabled"],
                        capacity=data["capacity"],
                    ),
                )
                self.message_user(
                    request,
                    ngettext(
                        "%(count)s möte är inlagt för %(network)s.",
                        "%(count)s möten är inlagda för %(network)s.",
                        len(meetings),
                    )
                    % {"count": len(meetings), "network": data["network"]},
                    messages.SUCCESS,
                )
                return redirect("admin:meetings_meeting_changelist")
        rows = _with_clashes(plan.dates, form.cleaned_data["network"]) if plan else []
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Planera en serie möten"),
            "form": form,
            "plan": plan,
            "rows": rows,
            "clash_count": sum(1 for row in rows if row.clashes),
            "start_time": form.cleaned_data.get("start_time") if plan else None,
            "end_time": form.cleaned_data.get("end_time") if plan else None,
        }
        return TemplateResponse(request, "admin/meetings/meeting/plan_series.html", context)
