from __future__ import annotations

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from members.roles import coordinated_network_ids, is_steering_group
from natverk.adminlist import DateSafeChangeListMixin
from networks.models import Network, Post, WorkingGroup
from networks.scoping import NetworkScopedAdminMixin, sees_all_networks


class WorkingGroupInline(admin.TabularInline):
    model = WorkingGroup
    extra = 0
    fields = ["name", "name_en", "is_active"]


@admin.register(Network)
class NetworkAdmin(admin.ModelAdmin):
    list_display = ["name", "network_name", "slug", "contact_email", "sort_order"]
    search_fields = ["name", "network_name"]
    list_filter = ["coordinators"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["coordinators"]
    inlines = [WorkingGroupInline]
    fieldsets = [
        (None, {"fields": ["name", "network_name", "slug", "sort_order"]}),
        ("Svenska", {"fields": ["summary", "description", "how_to_join", "meeting_rhythm"]}),
        ("English", {"fields": ["summary_en", "description_en", "how_to_join_en", "meeting_rhythm_en"]}),
        ("Kontakt", {"fields": ["contact_email", "contact_phone", "coordinators"]}),
    ]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        qs = super().get_queryset(request)
        if sees_all_networks(request.user) or is_steering_group(request.user):
            return qs
        return qs.filter(id__in=coordinated_network_ids(request.user))

    def get_readonly_fields(self, request: HttpRequest, obj=None) -> list[str]:
        # Only administrators decide who coordinates a network and what its address is.
        if sees_all_networks(request.user):
            return []
        return ["slug", "coordinators", "sort_order"]

    def get_prepopulated_fields(self, request: HttpRequest, obj=None) -> dict[str, list[str]]:
        # A read-only slug is not in the form; prepopulating it made the page a server error.
        if "slug" in self.get_readonly_fields(request, obj):
            return {}
        return super().get_prepopulated_fields(request, obj)


@admin.register(WorkingGroup)
class WorkingGroupAdmin(NetworkScopedAdminMixin, admin.ModelAdmin):
    list_display = ["name", "network", "is_active", "created_at"]
    list_filter = ["network", "is_active"]
    search_fields = ["name", "name_en", "description"]
    list_select_related = ["network"]


@admin.register(Post)
class PostAdmin(DateSafeChangeListMixin, NetworkScopedAdminMixin, admin.ModelAdmin):
    list_display = ["title", "network", "published_at", "is_published", "is_demo"]
    list_filter = ["network", "is_published", "is_demo"]
    search_fields = ["title", "title_en", "summary", "body"]
    list_select_related = ["network"]
    prepopulated_fields = {"slug": ["title"]}
    date_hierarchy = "published_at"
    readonly_fields = ["author", "updated_at"]
    fieldsets = [
        (None, {"fields": ["network", "slug", "published_at", "is_published", "is_demo"]}),
        ("Svenska", {"fields": ["title", "summary", "body"]}),
        ("English", {"fields": ["title_en", "summary_en", "body_en"]}),
        (None, {"fields": ["author", "updated_at"]}),
    ]

    def save_model(self, request: HttpRequest, obj: Post, form, change: bool) -> None:
        if not change:
            obj.author = request.user
        super().save_model(request, obj, form, change)
