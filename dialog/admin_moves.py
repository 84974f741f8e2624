"""The network's moves of a question in the admin: one short page per move.

As the steering group's decision desk (grants/admin_decisions.py): the question's change
page shows one button per move the table (dialog/moves.py) allows from its status; each
leads to `<pk>/steg/<move>/`, where GET shows a short form and what will happen (who gets
mail) and POST makes the move through `dialog.moves.question_move`, then goes back to the
question with a confirmation. A refusal re-shows the form with what was typed.

Who: the coordinators of the question's network and superusers (dialog.access.may_move);
the steering group reads the question but gets 403 here; whoever may not see the question
in the admin gets 404.
"""

from __future__ import annotations

import re

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.templatetags.natverk_tags import local_when
from core.text import TextGuardMixin
from dialog.access import may_move
from dialog.models import TEXT_MAX, Question
from dialog.moves import (
    FORWARDED_TO_MAX,
    FORWARDED_URL_MAX,
    HIDDEN_REASON_MAX,
    MOVES_BY_SLUG,
    Move,
    MoveRefused,
    active_working_groups,
    coming_meetings,
    moves_from,
    question_move,
    refusal,
)
from meetings.models import Meeting
from networks.models import WorkingGroup

# ---- the forms, one per move ----


class MoveForm(TextGuardMixin, forms.Form):
    """What every move asks: whether the staff member's name is shown in the public history."""

    show_name = forms.BooleanField(
        label=gettext_lazy("Visa mitt namn i frågans historik"),
        help_text=gettext_lazy("Annars står det bara ”Av nätverket.”"),
        required=False,
    )

    def __init__(self, *args, question: Question, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.question = question
        # The name choice last, after what the move is about.
        self.order_fields([name for name in self.fields if name != "show_name"] + ["show_name"])

    def move_kwargs(self) -> dict:
        return {"show_name": self.cleaned_data["show_name"]}


def _note_field(label, help_text) -> forms.CharField:
    return forms.CharField(
        label=label,
        help_text=help_text,
        required=False,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class MeetingMoveForm(MoveForm):
    meeting = forms.ModelChoiceField(
        label=gettext_lazy("Möte"),
        help_text=gettext_lazy("Nätverkets kommande möten."),
        queryset=Meeting.objects.none(),
        empty_label=gettext_lazy("Välj möte"),
        error_messages={"required": gettext_lazy("Välj vilket möte frågan ska tas upp på.")},
    )
    text = _note_field(
        gettext_lazy("Något att säga den som frågade"), gettext_lazy("Visas i frågans historik. Frivilligt.")
    )

    def __init__(self, *args, question: Question, **kwargs) -> None:
        super().__init__(*args, question=question, **kwargs)
        meetings = coming_meetings(question)
        self.fields["meeting"].queryset = meetings
        self.fields["meeting"].label_from_instance = lambda meeting: (
            f"{meeting.title}, {local_when(meeting.starts_at)}, {meeting.place}"
        )
        if not self.is_bound:
            # The next meeting is the usual choice.
            self.initial.setdefault("meeting", meetings.values_list("pk", flat=True).first())

    def move_kwargs(self) -> dict:
        return {**super().move_kwargs(), "meeting": self.cleaned_data["meeting"], "text": self.cleaned_data["text"]}


class WorkingGroupMoveForm(MoveForm):
    working_group = forms.ModelChoiceField(
        label=gettext_lazy("Arbetsgrupp"),
        help_text=gettext_lazy("Nätverkets aktiva arbetsgrupper."),
        queryset=WorkingGroup.objects.none(),
        empty_label=gettext_lazy("Välj arbetsgrupp"),
        error_messages={"required": gettext_lazy("Välj vilken arbetsgrupp frågan lämnas till.")},
    )
    text = _note_field(
        gettext_lazy("Något att säga den som frågade"), gettext_lazy("Visas i frågans historik. Frivilligt.")
    )

    def __init__(self, *args, question: Question, **kwargs) -> None:
        super().__init__(*args, question=question, **kwargs)
        self.fields["working_group"].queryset = active_working_groups(question)
        self.fields["working_group"].label_from_instance = lambda group: group.name

    def move_kwargs(self) -> dict:
        return {
            **super().move_kwargs(),
            "working_group": self.cleaned_data["working_group"],
            "text": self.cleaned_data["text"],
        }


class ForwardMoveForm(MoveForm):
    forwarded_to = forms.CharField(
        label=gettext_lazy("Skickas till"),
        help_text=gettext_lazy("Till exempel Gavlegårdarna eller Gävle kommuns felanmälan."),
        max_length=FORWARDED_TO_MAX,
        error_messages={"required": gettext_lazy("Skriv vart frågan skickas, till exempel fastighetsägaren.")},
    )
    forwarded_url = forms.URLField(
        label=gettext_lazy("Länk dit"),
        help_text=gettext_lazy("Där den som frågade kan följa ärendet, om det finns en sådan sida. Frivilligt."),
        max_length=FORWARDED_URL_MAX,
        required=False,
        assume_scheme="https",
    )
    text = _note_field(
        gettext_lazy("Något att säga den som frågade"), gettext_lazy("Visas i frågans historik. Frivilligt.")
    )

    def move_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            **super().move_kwargs(),
            "forwarded_to": data["forwarded_to"],
            "forwarded_url": data["forwarded_url"],
            "text": data["text"],
        }


class AnswerMoveForm(MoveForm):
    text = forms.CharField(
        label=gettext_lazy("Nätverkets svar"),
        help_text=gettext_lazy("Visas på frågans sida och skickas till den som frågade. Skriv enkelt och kort."),
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 8}),
        error_messages={"required": gettext_lazy("Skriv nätverkets svar.")},
    )

    def move_kwargs(self) -> dict:
        return {**super().move_kwargs(), "text": self.cleaned_data["text"]}


class CloseMoveForm(MoveForm):
    text = _note_field(gettext_lazy("Varför frågan avslutas"), gettext_lazy("Visas i frågans historik. Frivilligt."))

    def move_kwargs(self) -> dict:
        return {**super().move_kwargs(), "text": self.cleaned_data["text"]}


class HideMoveForm(MoveForm):
    text = forms.CharField(
        label=gettext_lazy("Skäl till att frågan döljs"),
        help_text=gettext_lazy("Skickas till den som ställde frågan och visas för hen vid frågan."),
        max_length=HIDDEN_REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": gettext_lazy("Skriv varför frågan döljs.")},
    )

    def __init__(self, *args, question: Question, **kwargs) -> None:
        super().__init__(*args, question=question, **kwargs)
        # Hiding is not in the public history: no name to show.
        del self.fields["show_name"]

    def move_kwargs(self) -> dict:
        return {"text": self.cleaned_data["text"]}


class UnhideMoveForm(MoveForm):
    def __init__(self, *args, question: Question, **kwargs) -> None:
        super().__init__(*args, question=question, **kwargs)
        # Showing again writes nothing in the public history.
        del self.fields["show_name"]

    def move_kwargs(self) -> dict:
        return {}


FORMS: dict[str, type[MoveForm]] = {
    "mote": MeetingMoveForm,
    "arbetsgrupp": WorkingGroupMoveForm,
    "vidare": ForwardMoveForm,
    "besvarad": AnswerMoveForm,
    "avslutad": CloseMoveForm,
    "dolj": HideMoveForm,
    "visa": UnhideMoveForm,
}


# ---- the answer from the minutes ----


def _paragraphs(text: str) -> list[str]:
    return [part.strip() for part in re.split(r"\n\s*\n", text) if part.strip()]


def answer_from_minutes(question: Question) -> str:
    """A first answer for a question taken to a meeting whose minutes are published: the
    minutes' paragraphs that name the question's title (all of the minutes when none
    does), after a line saying where it comes from. The coordinator edits it."""
    meeting = question.meeting
    if meeting is None or not meeting.has_published_minutes or not meeting.minutes.strip():
        return ""
    title = question.title.casefold()
    paragraphs = _paragraphs(meeting.minutes)
    chosen = [part for part in paragraphs if title in part.casefold()] or paragraphs
    lead = _("Från protokollet från mötet %(meeting)s:") % {"meeting": meeting.title}
    return f"{lead}\n\n" + "\n\n".join(chosen)[: TEXT_MAX - len(lead) - 2]


# ---- the page ----


def panel_moves(user, question: Question) -> list[tuple[Move, str]]:
    """The buttons on the question's change page: (move, url); none for readers who may not move it."""
    if not may_move(user, question):
        return []
    return [
        (move, reverse("admin:dialog_question_move", args=[question.pk, move.slug]))
        for move in moves_from(question.status)
    ]


class MoveViews:
    """Mixed into QuestionAdmin: the moves' URL and view."""

    def move_urls(self) -> list:
        return [
            path(
                "<int:pk>/steg/<slug:move>/",
                self.admin_site.admin_view(self.move_view),
                name="dialog_question_move",
            )
        ]

    def move_view(self, request: HttpRequest, pk: int, move: str) -> HttpResponse:
        if request.method not in ("GET", "POST"):
            return HttpResponseNotAllowed(["GET", "POST"])
        chosen = MOVES_BY_SLUG.get(move)
        # 404 for whoever may not see the question in the admin (another network's coordinator).
        question = (
            self.get_queryset(request).select_related("network", "author", "meeting").filter(pk=pk).first()
            if chosen is not None
            else None
        )
        if question is None:
            raise Http404
        # The steering group reads it; only its network's coordinators and superusers move it.
        if not (self.has_change_permission(request, question) and may_move(request.user, question)):
            raise PermissionDenied
        change_url = reverse("admin:dialog_question_change", args=[question.pk])
        reason = refusal(question, chosen)
        if request.method == "GET" and reason:
            # A stale button (someone else moved it first): say so on the question's page.
            messages.warning(request, f"{reason} {_('Se vad som går att göra här.')}")
            return HttpResponseRedirect(change_url)
        form_class = FORMS[chosen.slug]
        initial = {}
        minutes_text = answer_from_minutes(question) if chosen.slug == "besvarad" else ""
        if minutes_text:
            initial["text"] = minutes_text
        form = form_class(request.POST if request.method == "POST" else None, question=question, initial=initial)
        refused = ""
        if request.method == "POST" and form.is_valid():
            try:
                moved = question_move(question=question, move=chosen, by=request.user, **form.move_kwargs())
            except MoveRefused as error:
                if error.field and error.field in form.fields:
                    form.add_error(error.field, str(error))
                else:
                    refused = str(error)
            else:
                self.log_change(request, moved, [{"changed": {"fields": [str(chosen.button)]}}])
                messages.success(request, _moved_message(moved))
                return HttpResponseRedirect(change_url)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": chosen.title,
            "subtitle": question.title,
            "question": question,
            "move": chosen,
            "form": form,
            "refusal": refused or (reason if request.method == "POST" else ""),
            "has_errors": bool(refused or form.errors or (request.method == "POST" and reason)),
            "change_url": change_url,
            "author_gets_mail": question.author is not None and question.author.is_active,
            "minutes_meeting": question.meeting if minutes_text else None,
        }
        return TemplateResponse(request, "admin/dialog/question/move.html", context)


def _moved_message(question: Question) -> str:
    if question.author is not None and question.author.is_active:
        return _("”%(title)s” står nu som ”%(status)s”. Den som ställde frågan får e-post om det.") % {
            "title": question.title,
            "status": question.get_status_display(),
        }
    return _(
        "”%(title)s” står nu som ”%(status)s”. Den som ställde frågan har inget konto längre och får ingen e-post."
    ) % {
        "title": question.title,
        "status": question.get_status_display(),
    }
