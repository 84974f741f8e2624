"""Samverkansbörsen in the admin: coordinators read their networks' listings and hide those that break the rules.

Listings are the posters' own words, so nothing in them is edited here: the change page
is read-only, and hiding (with a reason the poster gets by e-mail) has a confirm page of
its own, for one listing or for the ones chosen in the list.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, npgettext

from borsen import services
from borsen.access import listings_hideable_by, listings_visible_to, matches_visible_to, may_hide
from borsen.forms import HideForm
from borsen.models import SOLVED_VISIBLE_DAYS, Listing, Match
from core.adminlist import short_date
from core.translation_admin import TranslatedAdminMixin


class StateFilter(admin.SimpleListFilter):
    title = gettext_lazy("läge")
    parameter_name = "lage"

    def lookups(self, request, model_admin):
        return [
            ("open", gettext_lazy("Öppna")),
            ("solved", gettext_lazy("Lösta")),
            ("hidden", gettext_lazy("Dolda")),
            ("expired", gettext_lazy("Sista dagen passerad")),
        ]

    def queryset(self, request, queryset):
        today = timezone.localdate()
        value = self.value()
        if value == "open":
            return queryset.filter(pk__in=Listing.objects.open().values("pk"))
        if value == "solved":
            return queryset.filter(solved_at__isnull=False, hidden_at__isnull=True)
        if value == "hidden":
            return queryset.filter(hidden_at__isnull=False)
        if value == "expired":
            return queryset.filter(solved_at__isnull=True, hidden_at__isnull=True, last_date__lt=today)
        return queryset


def state_in_words(listing: Listing) -> str:
    if listing.is_hidden:
        return _("Dold")
    if listing.is_solved:
        archived = listing.solved_at < timezone.now() - timezone.timedelta(days=SOLVED_VISIBLE_DAYS)
        return _("Löst, arkiverad") if archived else _("Löst")
    if listing.is_open:
        return _("Öppen")
    return _("Sista dagen passerad")


@admin.register(Listing)
class ListingAdmin(TranslatedAdminMixin, admin.ModelAdmin):
    list_display = ["title", "actor", "direction", "kind", "network_names", "created_on", "last_date", "state"]
    list_filter = [("networks", admin.RelatedOnlyFieldListFilter), "kind", "direction", StateFilter, "is_demo"]
    search_fields = ["title", "text", "actor__name"]
    list_select_related = ["actor"]
    actions = ["hide", "unhide"]
    change_form_template = "admin/borsen/listing/change_form.html"
    fields = [
        "actor",
        "author",
        "direction",
        "kind",
        "title",
        "text",
        "networks",
        "last_date",
        "created_at",
        "solved_at",
        "solved_note",
        "hidden_at",
        "hidden_reason",
        "hidden_by",
        "is_demo",
    ]
    readonly_fields = fields

    @admin.display(description=gettext_lazy("nätverk"))
    def network_names(self, obj: Listing) -> str:
        return ", ".join(network.name for network in obj.networks.all())

    @admin.display(description=gettext_lazy("publicerat"), ordering="created_at")
    def created_on(self, obj: Listing) -> str:
        return short_date(obj.created_at)

    @admin.display(description=gettext_lazy("läge"))
    def state(self, obj: Listing) -> str:
        return state_in_words(obj)

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        visible = listings_visible_to(request.user).values("pk")
        return super().get_queryset(request).filter(pk__in=visible).prefetch_related("networks")

    def has_add_permission(self, request: HttpRequest) -> bool:
        # Listings are posted on the site, by an actor's representative.
        return False

    def has_view_permission(self, request: HttpRequest, obj: Listing | None = None) -> bool:
        allowed = super().has_view_permission(request, obj)
        return allowed and (obj is None or listings_visible_to(request.user).filter(pk=obj.pk).exists())

    def has_change_permission(self, request: HttpRequest, obj: Listing | None = None) -> bool:
        # "Change" here is hiding: coordinators of one of the listing's networks, and superusers.
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or may_hide(request.user, obj))

    def change_view(self, request: HttpRequest, object_id: str, form_url: str = "", extra_context=None):
        listing = self.get_queryset(request).filter(pk=object_id).first() if object_id.isdigit() else None
        extra_context = {
            **(extra_context or {}),
            # Nothing is editable: hiding has its own page, linked from here.
            "show_save": False,
            "show_save_and_continue": False,
            "show_save_and_add_another": False,
            "hide_url": (
                reverse("admin:borsen_listing_hide", args=[listing.pk])
                if listing is not None and not listing.is_hidden and may_hide(request.user, listing)
                else ""
            ),
        }
        return super().change_view(request, object_id, form_url, extra_context)

    # ---- hiding one listing: a page of its own ----

    def get_urls(self) -> list:
        return [
            path("<int:pk>/dolj/", self.admin_site.admin_view(self.hide_view), name="borsen_listing_hide"),
            *super().get_urls(),
        ]

    def _hide_page(self, request: HttpRequest, listings, *, form, action: bool, original=None) -> TemplateResponse:
        count = len(listings)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": npgettext("page title", "Dölj inlägget", "Dölj %(count)d inlägg", count) % {"count": count},
            "listings": listings,
            "original": original,
            "form": form,
            "action": "hide" if action else "",
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            "cancel_url": (
                reverse("admin:borsen_listing_change", args=[original.pk])
                if original
                else reverse("admin:borsen_listing_changelist")
            ),
        }
        return TemplateResponse(request, "admin/borsen/listing/hide.html", context)

    def hide_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        if request.method not in ("GET", "POST"):
            return HttpResponseNotAllowed(["GET", "POST"])
        listing = self.get_queryset(request).select_related("actor").filter(pk=pk).first()
        if listing is None:
            raise Http404
        if not self.has_change_permission(request, listing):
            raise PermissionDenied
        if listing.is_hidden:
            self.message_user(request, _("Inlägget är redan dolt."), messages.WARNING)
            return redirect("admin:borsen_listing_change", listing.pk)
        form = HideForm(request.POST if request.method == "POST" else None)
        if request.method == "POST" and form.is_valid():
            services.listing_hide(listing=listing, by=request.user, reason=form.cleaned_data["reason"])
            self.message_user(
                request,
                _("”%(title)s” är dolt. Den som skrev inlägget får e-post med skälet.") % {"title": listing.title},
                messages.SUCCESS,
            )
            return redirect("admin:borsen_listing_change", listing.pk)
        return self._hide_page(request, [listing], form=form, action=False, original=listing)

    # ---- the list's actions, with the same confirm step ----

    @admin.action(description=gettext_lazy("Dölj valda inlägg"), permissions=["change"])
    def hide(self, request: HttpRequest, queryset: QuerySet):
        mine = queryset.filter(pk__in=listings_hideable_by(request.user).values("pk"), hidden_at__isnull=True)
        form = HideForm(request.POST if "confirm" in request.POST else None)
        if not form.is_bound or not form.is_valid():
            return self._hide_page(request, list(mine.select_related("actor")), form=form, action=True)
        done = 0
        for listing in mine.select_related("actor"):
            services.listing_hide(listing=listing, by=request.user, reason=form.cleaned_data["reason"])
            done += 1
        self.message_user(
            request,
            ngettext(
                "%(count)d inlägg är dolt. Den som skrev det får e-post med skälet.",
                "%(count)d inlägg är dolda. De som skrev dem får e-post med skälet.",
                done,
            )
            % {"count": done},
            messages.SUCCESS if done else messages.WARNING,
        )
        return None

    @admin.action(description=gettext_lazy("Visa valda inlägg igen"), permissions=["change"])
    def unhide(self, request: HttpRequest, queryset: QuerySet):
        mine = queryset.filter(pk__in=listings_hideable_by(request.user).values("pk"), hidden_at__isnull=False)
        done = 0
        for listing in mine:
            services.listing_unhide(listing=listing)
            done += 1
        self.message_user(
            request,
            ngettext("%(count)d inlägg visas igen.", "%(count)d inlägg visas igen.", done) % {"count": done},
            messages.SUCCESS if done else messages.WARNING,
        )


@admin.register(Match)
class MatchAdmin(admin.ModelAdmin):
    list_display = ["ask", "offer", "found_on"]
    list_select_related = ["ask", "offer"]
    search_fields = ["ask__title", "offer__title", "ask__actor__name", "offer__actor__name"]
    readonly_fields = ["ask", "offer", "created_at"]

    @admin.display(description=gettext_lazy("hittad"), ordering="created_at")
    def found_on(self, obj: Match) -> str:
        return short_date(obj.created_at)

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        visible = matches_visible_to(request.user).values("pk")
        return super().get_queryset(request).filter(pk__in=visible)

    def has_view_permission(self, request: HttpRequest, obj: Match | None = None) -> bool:
        allowed = super().has_view_permission(request, obj)
        return allowed and (obj is None or self.get_queryset(request).filter(pk=obj.pk).exists())

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Match | None = None) -> bool:
        return False
