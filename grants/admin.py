"""The steering group's back office: pots, applications, decisions, the chart and CSV export."""

from __future__ import annotations

import datetime
import html
from collections.abc import Callable
from dataclasses import dataclass, field

from django.contrib import admin
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import get_format
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language_bidi, gettext_lazy, ngettext
from django.utils.translation import gettext as _

from core.admin_inline import LabelledTabularInline
from core.admin_readonly import ReadOnlyAdmin
from core.adminlist import RowsChangeList, short_date, short_date_html
from core.csvexport import csv_response
from core.dates import ADMIN_DATE_OVERRIDES
from grants.access import applications_reviewed_by, reads_application_parts
from grants.admin_bulk import BulkDecisionActions
from grants.admin_casework import CaseworkViews, casework_panel
from grants.admin_decisions import DecisionViews, decision_panel
from grants.admin_filters import (
    ApplicationHandlerFilter,
    ApplicationSentInStatusFilter,
    DecisionQueueFilter,
    NetworkFilter,
    PotFilter,
)
from grants.admin_letters import letter_link
from grants.chart import BAR_AREA, LABEL_WIDTH, chart_bars, granted_per_network_and_month
from grants.formatting import file_kind, format_kr, format_size
from grants.models import (
    Application,
    ApplicationEvent,
    Attachment,
    BudgetLine,
    CoApplicant,
    Decision,
    DecisionLetter,
    FollowUpReport,
    Funding,
    Payment,
    Pot,
)
from grants.selectors import applications_for_export, pot_totals_for_list
from grants.services import pot_funding_problem, pot_fundings_save
from networks.models import Network

# Django's own text for the list's checkboxes, translated by Django's catalogue (a name,
# not a literal, so that makemessages leaves it to Django).
ACTION_CHECKBOX_LABEL = "Select this object for an action - {}"

S = Application.Status
# What the applications' list shows (ApplicationAdmin.list_display and str() in the row's
# checkbox label): all its rows read (ApplicationAdmin.list_rows).
LIST_COLUMNS = [
    "reference",
    "title",
    "status",
    "lead_actor",
    "lead_actor__name",
    "starts_on",
    "amount_requested",
    "amount_granted",
    "submitted_at",
]


class ReadOnlyInline(admin.TabularInline):
    """Parts of an application, shown to whoever may view the application."""

    extra = 0
    can_delete = False

    def has_view_permission(self, request: HttpRequest, obj=None) -> bool:
        return reads_application_parts(request.user)

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


class FundingFormSet(BaseInlineFormSet):
    """A pot's funding may grow, or shrink to what it has granted, never below."""

    def clean(self) -> None:
        super().clean()
        pot = self.instance
        if pot.pk is None or any(self.errors):
            return
        funded = sum(
            form.cleaned_data.get("amount") or 0
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        )
        # Locks the pot row until the admin's transaction ends, so the save below is checked too.
        problem = pot_funding_problem(pot=pot, funded=funded)
        if problem:
            raise ValidationError(problem, code="below_granted")


class FundingInline(LabelledTabularInline):
    model = Funding
    formset = FundingFormSet
    extra = 1
    can_delete = False


@admin.register(Pot)
class PotAdmin(admin.ModelAdmin):
    formfield_overrides = ADMIN_DATE_OVERRIDES
    list_display = [
        "name",
        "year",
        "is_open",
        "opens_on",
        "closes_on",
        "total_kr",
        "granted_kr",
        "remaining_kr",
        "chart",
    ]
    list_filter = ["year", "is_open"]
    search_fields = ["name"]
    readonly_fields = ["total_kr", "granted_kr", "paid_kr", "remaining_kr", "chart"]
    fields = [
        "name",
        "year",
        "opens_on",
        "closes_on",
        "is_open",
        "max_amount_per_application",
        "allowed_kinds",
        "must_apply_before_start",
        "total_kr",
        "granted_kr",
        "paid_kr",
        "remaining_kr",
        "chart",
    ]
    inlines = [FundingInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).with_totals()

    def save_formset(self, request: HttpRequest, form, formset, change: bool) -> None:
        if formset.model is Funding:
            pot_fundings_save(pot=form.instance, fundings=formset.save(commit=False))
            return
        super().save_formset(request, form, formset, change)

    def _pot(self, obj: Pot) -> Pot:
        # The change form gets its object without annotations; read it once with totals.
        if obj.pk and not hasattr(obj, "total_amount"):
            return Pot.objects.with_totals().get(pk=obj.pk)
        return obj

    @admin.display(description=gettext_lazy("Totalt"))
    def total_kr(self, obj: Pot) -> str:
        return format_kr(self._pot(obj).total) if obj.pk else "–"

    @admin.display(description=gettext_lazy("Beviljat"))
    def granted_kr(self, obj: Pot) -> str:
        return format_kr(self._pot(obj).granted) if obj.pk else "–"

    @admin.display(description=gettext_lazy("Utbetalt"))
    def paid_kr(self, obj: Pot) -> str:
        return format_kr(self._pot(obj).paid) if obj.pk else "–"

    @admin.display(description=gettext_lazy("Kvar"))
    def remaining_kr(self, obj: Pot) -> str:
        return format_kr(self._pot(obj).remaining) if obj.pk else "–"

    @admin.display(description=gettext_lazy("Diagram"))
    def chart(self, obj: Pot) -> str:
        if not obj.pk:
            return "–"
        url = reverse("admin:grants_pot_chart", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, _("Beviljat per nätverk och månad"))

    def get_urls(self) -> list:
        return [
            path("<int:pk>/diagram/", self.admin_site.admin_view(self.chart_view), name="grants_pot_chart"),
            *super().get_urls(),
        ]

    def chart_view(self, request: HttpRequest, pk: int) -> TemplateResponse:
        if not self.has_view_permission(request):
            raise PermissionDenied
        pot = get_object_or_404(Pot.objects.with_totals(), pk=pk)
        rows = granted_per_network_and_month(pot)
        bars, width, height = chart_bars(rows)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Beviljat per nätverk och månad: %(pot)s") % {"pot": pot.name},
            "pot": pot,
            "rows": rows,
            "bars": bars,
            "width": width,
            "height": height,
            "label_width": LABEL_WIDTH,
            "value_x": LABEL_WIDTH + BAR_AREA + 8,
        }
        return TemplateResponse(request, "admin/grants/pot/chart.html", context)


class CoApplicantInline(ReadOnlyInline):
    model = CoApplicant
    fields = ["actor", "status", "confirmed_by", "confirmed_at"]
    readonly_fields = fields


def kr_display(field: str, label: str) -> Callable[[admin.ModelAdmin, object], str]:
    """A read-only column showing `field` as "18 000 kr"."""

    @admin.display(description=label)
    def show(self, obj) -> str:
        return format_kr(getattr(obj, field))

    return show


class BudgetLineInline(ReadOnlyInline):
    model = BudgetLine
    fields = ["what", "amount_kr"]
    readonly_fields = fields
    amount_kr = kr_display("amount", gettext_lazy("Belopp"))


class AttachmentInline(ReadOnlyInline):
    model = Attachment
    fields = ["download", "kind", "size_text", "uploaded_at"]
    readonly_fields = fields

    @admin.display(description=gettext_lazy("Fil"))
    def download(self, obj: Attachment) -> str:
        # Named as it is served (grants.files.download_name), with the name it was given beside.
        if obj.download_name == obj.original_name:
            return format_html('<a href="{}">{}</a>', obj.get_absolute_url(), obj.download_name)
        return format_html(
            '<a href="{}">{}</a> ({})',
            obj.get_absolute_url(),
            obj.download_name,
            _("uppladdad som ”%(name)s”") % {"name": obj.original_name},
        )

    @admin.display(description=gettext_lazy("Filtyp"))
    def kind(self, obj: Attachment) -> str:
        return file_kind(obj.content_type)

    @admin.display(description=gettext_lazy("Storlek"))
    def size_text(self, obj: Attachment) -> str:
        return format_size(obj.size)


class DecisionInline(ReadOnlyInline):
    model = Decision
    fields = ["outcome", "granted_kr", "motivation", "decided_by", "decided_at", "letter_download"]
    readonly_fields = fields
    granted_kr = kr_display("amount_granted", gettext_lazy("Beviljat"))

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).select_related("decided_by", "letter", "application")

    @admin.display(description=gettext_lazy("Beslutsbrev"))
    def letter_download(self, obj: Decision) -> str:
        return letter_link(obj)


class ReportInline(ReadOnlyInline):
    model = FollowUpReport
    fields = ["what_happened", "participants", "costs_kr", "submitted_by", "submitted_at"]
    readonly_fields = fields
    costs_kr = kr_display("actual_costs", gettext_lazy("Faktiska kostnader"))


class EventInline(ReadOnlyInline):
    model = ApplicationEvent
    fields = ["created_at", "kind", "actor_user", "from_status", "to_status", "note"]
    readonly_fields = fields
    verbose_name_plural = gettext_lazy("Händelser")


def _submitted_day(app: Application) -> datetime.date:
    """The local day an application was sent in (two columns of the list show it)."""
    day = getattr(app, "_submitted_day", None)
    if day is None:
        day = app._submitted_day = timezone.localtime(app.submitted_at).date()
    return day


STATUS_FIELD = Application._meta.get_field("status")


def days_text(days: int) -> str:
    """The days since submission column: "3 dagar"."""
    return ngettext("%(days)s dag", "%(days)s dagar", days) % {"days": days}


@dataclass(frozen=True)
class ListFacts:
    """What every row of one page of the list shares, looked up once for the page
    (ApplicationAdmin.list_rows_loaded): each cell asking for the active language again (to
    translate the checkbox's label, the status and the days, to write an amount or a date)
    cost, with the cells' format_html(), about a tenth of the page (161 → 144 M instructions
    under callgrind)."""

    today: datetime.date
    bidi: bool
    short_date_format: str
    checkbox_label: str  # ACTION_CHECKBOX_LABEL, translated
    status_labels: dict[str, str]  # Application.status's choices, translated
    days_texts: dict[int, str] = field(default_factory=dict)  # days_text(n), translated once per n

    def days(self, days: int) -> str:
        text = self.days_texts.get(days)
        if text is None:
            text = self.days_texts[days] = days_text(days)
        return text

    @classmethod
    def now(cls) -> ListFacts:
        return cls(
            today=timezone.localdate(),
            bidi=get_language_bidi(),
            short_date_format=get_format("SHORT_DATE_FORMAT"),
            checkbox_label=_(ACTION_CHECKBOX_LABEL),
            status_labels={value: str(label) for value, label in STATUS_FIELD.flatchoices},
        )


def list_facts(app: Application) -> ListFacts:
    """The facts of the page `app` is listed on; looked up afresh for an application read
    otherwise."""
    return getattr(app, "list_facts", None) or ListFacts.now()


@admin.display(description=STATUS_FIELD.verbose_name, ordering="status")
def status(app: Application) -> str | None:
    """The list's status column, as Django draws a field with choices (the choice's label; an
    empty cell for a value without one), from the labels translated once for the page: for a
    field Django builds the table of choices, and translates the label, in every row."""
    return list_facts(app).status_labels.get(app.status)


@admin.register(Application)
class ApplicationAdmin(DecisionViews, CaseworkViews, BulkDecisionActions, admin.ModelAdmin):
    # The key columns fit at 1280 px beside the admin's two sidebars: the reference stands
    # above the title in one column, labels are short, amounts and dates keep to one line
    # (grants-admin.css).
    list_display = [
        "reference_and_title",
        status,
        "lead_actor_short",
        "network_short",
        "starts_short",
        "requested_kr",
        "granted_kr",
        "submitted_on",
        "days_waiting",
    ]
    list_display_links = ["reference_and_title"]
    # DecisionQueueFilter: where each case stands; the admin index's to-do list links to it.
    list_filter = [
        ApplicationHandlerFilter,
        DecisionQueueFilter,
        ("pot", PotFilter),
        ("status", ApplicationSentInStatusFilter),
        ("networks", NetworkFilter),
    ]
    search_fields = ["reference", "title", "lead_actor__name", "coapplicant_links__actor__name"]
    list_select_related = ["pot", "lead_actor"]
    date_hierarchy = None
    ordering = ["-submitted_at"]
    # One COUNT instead of two on every page view (the filtered count is enough).
    show_full_result_count = False
    list_per_page = 50
    _empty_value_display = None  # get_empty_value_display()
    inlines = [CoApplicantInline, BudgetLineInline, AttachmentInline, DecisionInline, ReportInline, EventInline]
    actions = BulkDecisionActions.actions
    fields = [
        "reference",
        "status",
        "pot",
        "lead_actor",
        "network_names",
        "title",
        "description",
        "purpose",
        "target_group",
        "starts_on",
        "ends_on",
        "place",
        "expected_participants",
        "own_contribution_kr",
        "other_funding_kr",
        "requested_kr",
        "granted_kr",
        "contact_name",
        "contact_email",
        "contact_phone",
        "payment_details_text",
        "submitted_at",
    ]
    readonly_fields = fields

    def action_checkbox(self, obj: Application) -> str:
        """The same checkbox as Django's, written directly: through the widget's template the
        50 boxes took about a tenth of the page's time (make bench)."""
        # The label translated once for the list (ListFacts), escaped with the rest of the box
        # (Django's texts have no markup); the name and the id need no escaping.
        label = list_facts(obj).checkbox_label.format(obj)
        return SafeString(
            f'<input type="checkbox" name="{helpers.ACTION_CHECKBOX_NAME}" value="{obj.pk}"'
            f' class="action-select" aria-label="{html.escape(label)}">'
        )

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        # Drafts are the applicant's own work until they are sent in. The networks in one
        # query for the whole page (the list's column, the change page, the CSV).
        return applications_reviewed_by(request.user, super().get_queryset(request)).prefetch_related("networks")

    def get_empty_value_display(self) -> str:
        # Asked for every cell of the list (500 a page); Django's own first looks for the
        # ModelAdmin's value, which this admin has not, catches the AttributeError and marks
        # the text safe each time (together 0.3 ms a page): marked once here.
        if self._empty_value_display is None:
            self._empty_value_display = mark_safe(self.admin_site.empty_value_display)  # noqa: S308 (the site's own text)
        return self._empty_value_display

    def get_changelist(self, request: HttpRequest, **kwargs) -> type[RowsChangeList]:
        return RowsChangeList

    def list_rows(self, queryset: QuerySet) -> QuerySet:
        """The list's 50 rows read only the columns it shows: whole rows of applications
        with their pots and lead actors (long texts and all) took about a fifth of the
        list's time at 50,000 applications (make bench). The networks' names come from
        list_rows_loaded()."""
        return queryset.select_related(None).select_related("lead_actor").prefetch_related(None).only(*LIST_COLUMNS)

    def list_rows_loaded(self, applications: list[Application]) -> None:
        """The networks' names of the list's rows, in one query of names: prefetching the
        networks themselves took a twentieth of the list's time."""
        names: dict[int, list[str]] = {app.pk: [] for app in applications}
        links = (
            Application.networks.through.objects.filter(application_id__in=names)
            .order_by(*(f"-network__{f[1:]}" if f.startswith("-") else f"network__{f}" for f in Network._meta.ordering))
            .values_list("application_id", "network__name")
        )
        for application_id, name in links:
            names[application_id].append(name)
        facts = ListFacts.now()
        for app in applications:
            app.list_network_names = names[app.pk]
            app.list_facts = facts

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        # The application itself is read only; decisions are made on the decision pages
        # (grants.admin_decisions) and the list's actions, all through grants.workflow.
        if obj is not None:
            return False
        return super().has_change_permission(request, obj)

    def get_inline_instances(self, request: HttpRequest, obj: Application | None = None) -> list:
        # Only the parts the application has: an empty read-only table says nothing, and on
        # a phone Django's admin makes it a scrolling box with nothing in it to focus.
        return [
            inline
            for inline in super().get_inline_instances(request, obj)
            if obj is None or inline.model._default_manager.filter(application=obj).exists()
        ]

    @admin.display(description=gettext_lazy("Nätverk"))
    def network_names(self, obj: Application) -> str:
        return ", ".join(n.name for n in obj.networks.all())

    @admin.display(description=gettext_lazy("Nätverk"))
    def network_short(self, obj: Application) -> str:
        # The district's name alone ("Bomhus", not "TIBO (Bomhus)"): the column stays narrow.
        names = getattr(obj, "list_network_names", None)
        if names is None:
            names = [n.name for n in obj.networks.all()]
        return SafeString(html.escape(", ".join(names))) if names else "–"

    @admin.display(description=gettext_lazy("Start"), ordering="starts_on")
    def starts_short(self, obj: Application) -> str:
        if obj.starts_on is None:
            return "–"
        return short_date_html(obj.starts_on, list_facts(obj).short_date_format)

    @admin.display(description=gettext_lazy("Sedan inskick"), ordering="-submitted_at")
    def days_waiting(self, obj: Application) -> str:
        if obj.submitted_at is None:
            return "–"
        facts = list_facts(obj)
        return facts.days((facts.today - _submitted_day(obj)).days)

    @admin.display(description=gettext_lazy("Ansökan"), ordering="reference")
    def reference_and_title(self, obj: Application) -> str:
        # As format_html() writes it, without its checks for lazy texts (a cell in every row).
        return SafeString(f'<span class="grants-ref">{html.escape(obj.reference)}</span> {html.escape(obj.title)}')

    @admin.display(description=gettext_lazy("Sökande"), ordering="lead_actor__name")
    def lead_actor_short(self, obj: Application) -> str:
        return SafeString(html.escape(obj.lead_actor.name))

    @admin.display(description=gettext_lazy("Inskickad"), ordering="submitted_at")
    def submitted_on(self, obj: Application) -> str:
        if obj.submitted_at is None:
            return short_date(None)
        return short_date_html(_submitted_day(obj), list_facts(obj).short_date_format)

    @admin.display(description=gettext_lazy("Utbetalning till"))
    def payment_details_text(self, obj: Application) -> str:
        return obj.payment_details or "–"

    @admin.display(description=gettext_lazy("Sökt"), ordering="amount_requested")
    def requested_kr(self, obj: Application) -> str:
        return format_kr(obj.amount_requested, bidi=list_facts(obj).bidi)

    own_contribution_kr = kr_display("own_contribution", gettext_lazy("Egen insats"))
    other_funding_kr = kr_display("other_funding", gettext_lazy("Annan finansiering"))

    @admin.display(description=gettext_lazy("Beviljat"), ordering="amount_granted")
    def granted_kr(self, obj: Application) -> str:
        return format_kr(obj.amount_granted, bidi=list_facts(obj).bidi)

    def changelist_view(self, request: HttpRequest, extra_context: dict | None = None):
        pot_totals = pot_totals_for_list(request.GET.get("pot__id__exact"))
        extra_context = {**(extra_context or {}), "pot_totals": pot_totals}
        return super().changelist_view(request, extra_context)

    def change_view(self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: dict | None = None):
        obj = self.get_object(request, object_id)
        if obj is not None and self.has_view_permission(request, obj):
            extra_context = {
                **(extra_context or {}),
                "decision": decision_panel(request, obj),
                "casework": casework_panel(request, obj),
            }
        return super().change_view(request, object_id, form_url, extra_context)

    def get_urls(self) -> list:
        return [
            path("export/", self.admin_site.admin_view(self.export_csv), name="grants_application_export"),
            *self.decision_urls(),
            *self.casework_urls(),
            *super().get_urls(),
        ]

    def export_csv(self, request: HttpRequest) -> HttpResponse:
        """The filtered list as CSV (semicolons, UTF-8 with BOM, so Excel opens it)."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        changelist = self.get_changelist_instance(request)
        queryset = applications_for_export(changelist.get_queryset(request))
        header = [
            _("Diarienummer"),
            _("Aktivitet"),
            _("Status"),
            _("Nätverk"),
            _("Sökande"),
            _("Medsökande"),
            _("Sökt (kr)"),
            _("Beviljat (kr)"),
            _("Inskickad"),
        ]
        rows = (
            [
                app.reference,
                app.title,
                app.get_status_display(),
                ", ".join(n.name for n in app.networks.all()),
                app.lead_actor.name,
                ", ".join(c.actor.name for c in app.coapplicant_links.all()),
                app.amount_requested or "",
                app.amount_granted or "",
                timezone.localtime(app.submitted_at).strftime("%Y-%m-%d") if app.submitted_at else "",
            ]
            for app in queryset
        )
        return csv_response(f"ansokningar-{timezone.localdate().isoformat()}.csv", header, rows)


@admin.register(ApplicationEvent)
class ApplicationEventAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "application", "kind", "actor_user", "from_status", "to_status"]
    list_filter = ["kind", "to_status"]
    search_fields = ["application__reference", "application__title", "note"]
    list_select_related = ["application", "actor_user"]


@admin.register(Payment)
class PaymentAdmin(ReadOnlyAdmin):
    formfield_overrides = ADMIN_DATE_OVERRIDES
    list_display = ["application", "amount_kr", "paid_on", "reference", "registered_by"]
    amount_kr = kr_display("amount", gettext_lazy("Belopp"))
    list_filter = ["application__pot"]
    search_fields = ["application__reference", "application__title", "reference"]
    list_select_related = ["application", "registered_by"]


@admin.register(DecisionLetter)
class DecisionLetterAdmin(ReadOnlyAdmin):
    """Every letter as it was sent: shown and downloaded, never changed (its SHA-256 is in the history)."""

    list_display = ["created_at", "application", "outcome", "download", "sha256"]
    list_select_related = ["decision__application"]
    search_fields = ["decision__application__reference", "decision__application__title", "sha256"]
    fields = ["application", "outcome", "download", "size", "sha256", "created_at"]
    readonly_fields = fields

    @admin.display(description=gettext_lazy("Ansökan"))
    def application(self, obj: DecisionLetter) -> str:
        return str(obj.decision.application)

    @admin.display(description=gettext_lazy("Beslut"))
    def outcome(self, obj: DecisionLetter) -> str:
        return obj.decision.get_outcome_display()

    @admin.display(description=gettext_lazy("Fil"))
    def download(self, obj: DecisionLetter) -> str:
        return letter_link(obj.decision)
