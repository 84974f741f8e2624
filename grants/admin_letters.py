"""The decision letters in the back office: a link to download one, and the shared wording (editable).

The letters themselves are listed read only with the other records nobody changes (grants.admin)."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest
from django.utils.html import format_html

from grants.formatting import format_size
from grants.letters import letter_filename
from grants.models import Decision, LetterWording


def letter_link(decision: Decision) -> str:
    """A download link to the decision's letter, or "–" for a decision made before letters."""
    letter = getattr(decision, "letter", None) if decision.pk else None
    if letter is None:
        return "–"
    return format_html(
        '<a href="{}">{}</a> ({})',
        letter.get_absolute_url(),
        letter_filename(decision.application),
        format_size(letter.size),
    )


@admin.register(LetterWording)
class LetterWordingAdmin(admin.ModelAdmin):
    """One wording for every letter: the steering group changes it, nobody adds a second or deletes it."""

    list_display = ["__str__", "authority", "updated_at"]
    fields = ["authority", "questions", "reconsideration", "closing", "updated_at"]
    readonly_fields = ["updated_at"]

    def get_queryset(self, request: HttpRequest):
        # The wording exists from the first look on: the list always has its one row to open.
        LetterWording.current()
        return super().get_queryset(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False
