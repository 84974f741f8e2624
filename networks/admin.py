from __future__ import annotations

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from core.admin_inline import LabelledTabularInline
from core.adminlist import DateSafeChangeListMixin
from core.dates import ADMIN_DATE_OVERRIDES
from core.roles import is_superuser
from core.translation import column, content_languages
from core.translation_admin import TranslatedAdminMixin, TranslatedWidgetsMixin
from networks.access import may_change_in_network, may_publish_news, networks_visible_to
from networks.models import Network, Post, WorkingGroup
from networks.scoping import NetworkScopedAdminMixin


class WorkingGroupInline(TranslatedWidgetsMixin, LabelledTabularInline):
    model = WorkingGroup
    extra = 0
    fields = ["name", *(column("name", code) for code in content_languages()), "is_active"]


@admin.register(Network)
class NetworkAdmin(TranslatedAdminMixin, admin.ModelAdmin):
    list_display = ["name", "network_name", "slug", "contact_email", "sort_order"]
    search_fields = ["name", "network_name"]
    # No filter on coordinators: its choices would list every user account to every coordinator.
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["coordinators"]
    inlines = [WorkingGroupInline]
    fieldsets = [
        (None, {"fields": ["name", "network_name", "slug", "sort_order"]}),
        (_("Svenska"), {"fields": ["summary", "description", "how_to_join", "meeting_rhythm"]}),
        (_("Kontakt"), {"fields": ["contact_email", "contact_phone", "coordinators"]}),
    ]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).filter(pk__in=networks_visible_to(request.user).values("pk"))

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or may_change_in_network(request.user, obj.pk))

    def get_readonly_fields(self, request: HttpRequest, obj=None) -> list[str]:
        # Only administrators decide who coordinates a network and what its address is.
        readonly = list(super().get_readonly_fields(request, obj))
        if not is_superuser(request.user):
            readonly += ["slug", "coordinators", "sort_order"]
        return readonly

    def get_prepopulated_fields(self, request: HttpRequest, obj=None) -> dict[str, list[str]]:
        # A read-only slug is not in the form; prepopulating it made the page a server error.
        if "slug" in self.get_readonly_fields(request, obj):
            return {}
        return super().get_prepopulated_fields(request, obj)


@admin.register(WorkingGroup)
class WorkingGroupAdmin(TranslatedAdminMixin, NetworkScopedAdminMixin, admin.ModelAdmin):
    list_display = ["name", "network", "is_active", "created_at"]
    list_filter = ["network", "is_active"]
    search_fields = ["name", "name_en", "description"]
    list_select_related = ["network"]


@admin.register(Post)
class PostAdmin(TranslatedAdminMixin, DateSafeChangeListMixin, NetworkScopedAdminMixin, admin.ModelAdmin):
    list_display = ["title", "network", "published_at", "is_published", "is_demo"]
    list_filter = ["network", "is_published", "is_demo"]
    search_fields = ["title", "title_en", "summary", "body"]
    list_select_related = ["network"]
    prepopulated_fields = {"slug": ["title"]}
    date_hierarchy = "published_at"
    formfield_overrides = ADMIN_DATE_OVERRIDES
    readonly_fields = ["author", "updated_at"]
    fieldsets = [
        (None, {"fields": ["network", "slug", "published_at", "is_published", "is_demo"]}),
        (_("Svenska"), {"fields": ["title", "summary", "body"]}),
        (None, {"fields": ["author", "updated_at"]}),
    ]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return super().has_add_permission(request) and may_publish_news(request.user)

    def get_form(self, request: HttpRequest, obj: Post | None = None, change: bool = False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        # Site-wide news (no network) is the administrators'; a coordinator's news always
        # belongs to a network they run, so that they can change and delete it later.
        if not is_superuser(request.user) and "network" in form.base_fields:
            field = form.base_fields["network"]
            field.required = True
            # A required select starts with an empty choice (HTML); a coordinator of one
            # network finds it chosen already.
            field.empty_label = _("Välj nätverk")
            field.help_text = ""
            only = list(field.queryset[:2])
            if len(only) == 1:
                field.initial = only[0].pk
        return form

    def save_model(self, request: HttpRequest, obj: Post, form, change: bool) -> None:
        if not change:
            obj.author = request.user
        super().save_model(request, obj, form, change)
