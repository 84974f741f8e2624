"""The decision letters in the back office: the shared wording (editable) and the letters (read only)."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest
from django.utils.html import format_html
from django.utils.translation import gettext_lazy

from grants.formatting import format_size
from grants.letters import letter_filename
from grants.models import Decision, DecisionLetter, LetterWording


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


@admin.register(DecisionLetter)
class DecisionLetterAdmin(admin.ModelAdmin):
    """Every letter as it was sent: shown and downloaded, never changed (its SHA-256 is in the history)."""

    list_display = ["created_at", "application", "outcome", "download", "sha256"]
    list_select_related = ["decision__application"]
    search_fields = ["decision__application__reference", "decision__application__title", "sha256"]
    fields = ["application", "outcome", "download", "size", "sha256", "created_at"]
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    @admin.display(description=gettext_lazy("Ansökan"))
    def application(self, obj: DecisionLetter) -> str:
        return str(obj.decision.application)

    @admin.display(description=gettext_lazy("Beslut"))
    def outcome(self, obj: DecisionLetter) -> str:
        return obj.decision.get_outcome_display()

    @admin.display(description=gettext_lazy("Fil"))
    def download(self, obj: DecisionLetter) -> str:
        return letter_link(obj.decision)
