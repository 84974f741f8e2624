from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from members import services
from members.access import actors_visible_to
from members.images import process_logo
from members.models import Actor, ActorMessage, Invitation, Membership, Representation, User
from natverk.adminlist import DateSafeChangeListMixin
from natverk.text import TextGuardMixin
from networks.scoping import NetworkScopedAdminMixin


def admin_login(request: HttpRequest, extra_context: dict | None = None) -> HttpResponse:
    """The admin's login goes through allauth, so that e-mail verification and two-factor apply."""
    next_url = request.GET.get("next") or reverse("admin:index")
    if request.user.is_authenticated:
        if admin.site.has_permission(request):
            return redirect("admin:index")
        # Logged in but without staff rights: allauth would send them straight back here.
        raise PermissionDenied
    return redirect_to_login(next_url, reverse("account_login"))


admin.site.login = admin_login


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "name", "is_staff", "is_active", "date_joined"]
    list_filter = ["is_staff", "is_superuser", "is_active", "groups"]
    search_fields = ["email", "name"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        ("Personuppgifter", {"fields": ["name"]}),
        ("Behörigheter", {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]}),
        ("Datum", {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "name", "password1", "password2"]})]


class RepresentationInline(admin.TabularInline):
    model = Representation
    extra = 0
    autocomplete_fields = ["user"]


class ActorAdminForm(TextGuardMixin, forms.ModelForm):
    """Logos uploaded in the admin go through the same checks as on the site."""

    class Meta:
        model = Actor
        exclude: list[str] = []

    def clean_logo(self):
        logo = self.cleaned_data.get("logo")
        if not logo or not hasattr(logo, "content_type"):
            return logo
        return process_logo(logo)


@admin.register(Actor)
class ActorAdmin(admin.ModelAdmin):
    form = ActorAdminForm
    list_display = ["name", "kind", "org_number", "is_public", "is_demo", "created_at"]
    list_filter = ["kind", "is_public", "is_demo"]
    # Never the contact details: the autocomplete searches these fields too, and they are
    # not public without the actor's consent.
    search_fields = ["name", "org_number"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["contact_consent_at", "contact_consent_text"]
    inlines = [RepresentationInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        # The list, the change page and the autocomplete all read through this.
        return super().get_queryset(request).filter(pk__in=actors_visible_to(request.user).values("pk"))

    def has_view_permission(self, request: HttpRequest, obj: Actor | None = None) -> bool:
        allowed = super().has_view_permission(request, obj)
        return allowed and (obj is None or self.get_queryset(request).filter(pk=obj.pk).exists())

    def has_change_permission(self, request: HttpRequest, obj: Actor | None = None) -> bool:
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or self.get_queryset(request).filter(pk=obj.pk).exists())


@admin.register(Membership)
class MembershipAdmin(NetworkScopedAdminMixin, admin.ModelAdmin):
    list_display = ["actor", "network", "status", "requested_at", "decided_at"]
    # Only the networks in the (coordinator-scoped) rows, not every network.
    list_filter = ["status", ("network", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["actor__name"]
    list_select_related = ["actor", "network"]
    autocomplete_fields = ["actor"]
    readonly_fields = ["status", "requested_at", "decided_at", "decided_by"]
    actions = ["approve", "decline"]

    def get_readonly_fields(self, request: HttpRequest, obj: Membership | None = None) -> list[str]:
        # Status changes go through the actions, which mail the actor's representatives.
        if obj is not None:
            return [*self.readonly_fields, "actor", "network"]
        return self.readonly_fields

    def _decide(self, request: HttpRequest, queryset: QuerySet, decide, done_text: str) -> None:
        done = 0
        for membership in queryset.select_related("actor", "network"):
            if membership.status != Membership.Status.PENDING:
                continue
            try:
                decide(membership=membership, by=request.user)
            except ValidationError as error:
                self.message_user(request, f"{membership}: {error.messages[0]}", messages.WARNING)
            else:
                done += 1
        skipped = queryset.count() - done
        self.message_user(request, done_text % {"count": done}, messages.SUCCESS if done else messages.WARNING)
        if skipped:
            self.message_user(
                request,
                ngettext(
                    "%(count)d ansökan var redan beslutad och ändrades inte.",
                    "%(count)d ansökningar var redan beslutade och ändrades inte.",
                    skipped,
                )
                % {"count": skipped},
                messages.WARNING,
            )

    @admin.action(description=_("Godkänn valda ansökningar"), permissions=["change"])
    def approve(self, request: HttpRequest, queryset: QuerySet) -> None:
        self._decide(request, queryset, services.membership_approve, str(_("%(count)d ansökningar godkända.")))

    @admin.action(description=_("Avböj valda ansökningar"), permissions=["change"])
    def decline(self, request: HttpRequest, queryset: QuerySet) -> None:
        self._decide(request, queryset, services.membership_decline, str(_("%(count)d ansökningar avböjda.")))


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "actor", "role", "created_at", "expires_at", "accepted_at"]
    list_filter = ["role"]
    search_fields = ["email", "actor__name"]
    list_select_related = ["actor"]
    readonly_fields = ["actor", "email", "role", "invited_by", "created_at", "expires_at", "accepted_at", "accepted_by"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(ActorMessage)
class ActorMessageAdmin(DateSafeChangeListMixin, admin.ModelAdmin):
    list_display = ["sent_at", "sender", "actor"]
    search_fields = ["sender__email", "actor__name"]
    list_select_related = ["sender", "actor"]
    date_hierarchy = "sent_at"
    readonly_fields = ["sender", "actor", "sent_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False
