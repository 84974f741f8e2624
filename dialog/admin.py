"""The admin of "Lyft en fråga". Themes: the steering group keeps the list (core.roles;
coordinators read it); a theme no longer used is made unchoosable rather than deleted,
so old questions keep it (only superusers delete)."""

from __future__ import annotations

from django.contrib import admin

from core.translation_admin import TranslatedAdminMixin
from dialog.models import Theme


@admin.register(Theme)
class ThemeAdmin(TranslatedAdminMixin, admin.ModelAdmin):
    list_display = ["name", "sort_order", "is_active"]
    list_editable = ["sort_order", "is_active"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name"]
    fieldsets = [(None, {"fields": ["name", "slug", "sort_order", "is_active"]})]
