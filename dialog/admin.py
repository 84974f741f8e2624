"""The admin of "Lyft en fråga". Themes: the steering group keeps the list (core.roles;
coordinators read it); a theme no longer used is made unchoosable rather than deleted,
so old questions keep it (only superusers delete).

Questions: the coordinators of the question's network handle it, one move at a time on
the moves' own pages (dialog/admin_moves.py); a coordinator of another network neither
lists nor opens it (networks.scoping); the steering group reads every network's
questions and moves none; superusers do everything but delete is theirs alone."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.admin.utils import flatten_fieldsets
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from core.adminlist import short_date
from core.translation import column, content_languages
from core.translation_admin import TranslatedAdminMixin, TranslatedWidgetsMixin
from dialog.admin_moves import MoveViews, panel_moves
from dialog.models import Question, QuestionEvent, Theme
from members.search import folded_match
from networks.scoping import NetworkScopedAdminMixin


@admin.register(Theme)
class ThemeAdmin(TranslatedAdminMixin, admin.ModelAdmin):
    list_display = ["name", "sort_order", "is_active"]
    list_editable = ["sort_order", "is_active"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name"]
    fieldsets = [(None, {"fields": ["name", "slug", "sort_order", "is_active"]})]


# ---- residents' questions: the network's moves ----


class QuestionEventInline(TranslatedWidgetsMixin, admin.StackedInline):
    """The question's history. What was written stays; its translations are added here."""

    model = QuestionEvent
    extra = 0
    can_delete = False
    fields = ["created_at", "status", "text", *[column("text", code) for code in content_languages()], "done_by"]
    readonly_fields = ["created_at", "status", "text", "done_by"]
    verbose_name = _("händelse")
    verbose_name_plural = _("vad som har hänt (frågans historik)")

    @admin.display(description=_("gjort av"))
    def done_by(self, obj: QuestionEvent) -> str:
        if obj.by is None:
            return "–"
        shown = _("namnet visas") if obj.by_name_shown else _("namnet visas inte")
        return f"{obj.by.name or _('utan namn')} ({shown})"

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).select_related("by")

    def formfield_for_dbfield(self, db_field, request: HttpRequest, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if field is not None and db_field.name.startswith("text_"):
            field.widget.attrs["rows"] = 3
        return field

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        # Every event is a move, made on the move's own page.
        return False


class QuestionStatusFilter(admin.SimpleListFilter):
    title = _("läge")
    parameter_name = "lage"

    def lookups(self, request, model_admin):
        return Question.Status.choices

    def queryset(self, request, queryset):
        if self.value() in Question.Status.values:
            return queryset.filter(status=self.value())
        return queryset


@admin.register(Question)
class QuestionAdmin(MoveViews, TranslatedAdminMixin, NetworkScopedAdminMixin, admin.ModelAdmin):
    """The questions of the user's networks (every network's for the steering group, read
    only). The resident's words are read-only; the network's answer gets its translations
    here, and every move has a page of its own (dialog/admin_moves.py)."""

    list_display = ["title", "network", "status_shown", "support_count", "created_on"]
    list_filter = [QuestionStatusFilter, "theme", "network"]
    list_select_related = ["network", "theme"]
    search_fields = ["title", "text", "place"]
    ordering = ["-created_at", "-pk"]
    inlines = [QuestionEventInline]
    change_form_template = "admin/dialog/question/change_form.html"
    fieldsets = [
        (
            _("Frågan, som den boende skrev den"),
            {"fields": ["title", "text", "place", "theme", "network", "asked_by", "language", "created_at"]},
        ),
        (
            _("Vad nätverket har gjort"),
            {
                "fields": [
                    "status",
                    "support_count",
                    "meeting",
                    "working_group",
                    "forwarded_to",
                    "forwarded_url",
                    "answer",
                    "hidden_reason",
                    "is_demo",
                ]
            },
        ),
    ]
    # The fields above are read only: the network moves a question on its moves' own pages.
    readonly_fields = flatten_fieldsets(fieldsets)

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).with_support_count()

    def get_urls(self) -> list:
        return [*self.move_urls(), *super().get_urls()]

    def get_readonly_fields(self, request: HttpRequest, obj=None):
        # The answer is written on its move's page; its translations are written here.
        answer_columns = {column("answer", code) for code in content_languages()}
        return [name for name in super().get_readonly_fields(request, obj) if name not in answer_columns]

    def get_search_results(self, request: HttpRequest, queryset: QuerySet, search_term: str):
        """Besides `search_fields`, the words folded as the site search folds them ("gangtunnel"
        finds "Gångtunnel"), in the question's folded text (Question.search_text)."""
        found, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        if search_term.strip():
            found = found | queryset.filter(folded_match(search_term))
        return found, may_have_duplicates

    def has_add_permission(self, request: HttpRequest) -> bool:
        # Questions are raised on the site, by residents.
        return False

    @admin.display(description=_("läge"), ordering="status")
    def status_shown(self, obj: Question) -> str:
        return obj.get_status_display()

    @admin.display(description=_("jag med"), ordering="support_count")
    def support_count(self, obj: Question) -> int:
        return obj.support_count

    @admin.display(description=_("ställd"), ordering="created_at")
    def created_on(self, obj: Question) -> str:
        return short_date(obj.created_at)

    @admin.display(description=_("ställd av"))
    def asked_by(self, obj: Question) -> str:
        """What the pages show (the name only when the resident chose so), never the address:
        the network answers through the site, and the resident gets its mails."""
        if obj.author_id is None:
            return _("Kontot är borttaget: ingen får e-post om frågan.")
        shown = obj.author_shown
        return _("%(shown)s. Får e-post om varje steg.") % {"shown": shown}

    def save_related(self, request: HttpRequest, form, formsets, change: bool) -> None:
        """The answer is also the text of its move in the history: a translation of the answer
        fills the same move's empty translation, so translators write it once."""
        super().save_related(request, form, formsets, change)
        question = form.instance
        if question.status != Question.Status.ANSWERED or not question.answer:
            return
        event = question.events.filter(status=Question.Status.ANSWERED).order_by("-created_at", "-pk").first()
        if event is None or event.text != question.answer:
            return
        changed = []
        for code in content_languages():
            answer, text = getattr(question, column("answer", code)), getattr(event, column("text", code))
            if answer and not text:
                setattr(event, column("text", code), answer)
                changed.append(column("text", code))
        if changed:
            event.save(update_fields=changed)

    def change_view(self, request: HttpRequest, object_id: str, form_url: str = "", extra_context=None):
        question = (
            self.get_queryset(request).select_related("network", "author").filter(pk=object_id).first()
            if str(object_id).isdigit()
            else None
        )
        extra_context = {
            **(extra_context or {}),
            "moves": panel_moves(request.user, question) if question is not None else [],
            "public_url": question.get_absolute_url() if question is not None else "",
            # Only translations are saved here: the moves have their own pages.
            "show_save_and_add_another": False,
        }
        return super().change_view(request, object_id, form_url, extra_context)
