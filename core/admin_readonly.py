"""Admin pages that only show rows: the code writes them, nobody adds, changes or deletes
them in the admin. Who may look is each page's own rule (core.roles, an app's access.py)."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from core.roles import may_read_mail_records


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows to read: no add, change or delete, whatever the user's model permissions."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


class MailRecordsAdmin(ReadOnlyAdmin):
    """Read only, and for superusers only: the rows say which address gets which mail
    (core.roles.may_read_mail_records)."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return may_read_mail_records(request.user)

    def has_view_permission(self, request: HttpRequest, obj=None) -> bool:
        return may_read_mail_records(request.user)
