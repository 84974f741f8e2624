from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from members.models import Actor, Membership, Representation, User
from networks.scoping import NetworkScopedAdminMixin


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


@admin.register(Actor)
class ActorAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "org_number", "is_public", "is_demo", "created_at"]
    list_filter = ["kind", "is_public", "is_demo"]
    search_fields = ["name", "org_number", "contact_email"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [RepresentationInline]


@admin.register(Membership)
class MembershipAdmin(NetworkScopedAdminMixin, admin.ModelAdmin):
    list_display = ["actor", "network", "status", "requested_at", "decided_at"]
    list_filter = ["status", "network"]
    search_fields = ["actor__name"]
    list_select_related = ["actor", "network"]
    autocomplete_fields = ["actor"]
    readonly_fields = ["requested_at", "decided_at", "decided_by"]
