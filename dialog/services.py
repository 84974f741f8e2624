"""Raising a question (a daily limit per account, a receipt by mail), "Jag med", what a
network's page shows, and the GDPR export and deletion."""

from __future__ import annotations

from datetime import timedelta
from functools import partial
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Case, CharField, F, Value, When, Window
from django.db.models.functions import RowNumber
from django.utils import timezone
from django.utils.translation import gettext_lazy, ngettext

from core.cache import bump_content_version
from core.mail import mail_link, mail_queue_each
from core.ratelimits import refuse_past_limit
from dialog.models import IN_PROGRESS, Question, QuestionEvent, Status, Support
from members.models import User

# How many questions of each kind a network's page shows.
NETWORK_SECTION_COUNT = 5


# ---- raising ----


def questions_raised_today(*, user: User) -> int:
    """Questions the user raised in the last 24 hours (whatever became of them since)."""
    return Question.objects.filter(author=user, created_at__gte=timezone.now() - timedelta(hours=24)).count()


def raising_limit_message(*, typed: bool = True) -> str:
    """Why a question is refused; `typed`: said on the form that keeps what was written."""
    limit = settings.DIALOG_QUESTIONS_PER_DAY
    if typed:
        text = ngettext(
            "Du har ställt %(count)s fråga det senaste dygnet, vilket är gränsen. "
            "Det du skrev finns kvar här, så att du kan skicka det i morgon.",
            "Du har ställt %(count)s frågor det senaste dygnet, vilket är gränsen. "
            "Det du skrev finns kvar här, så att du kan skicka det i morgon.",
            limit,
        )
    else:
        text = ngettext(
            "Du har ställt %(count)s fråga det senaste dygnet, vilket är gränsen. Du kan ställa nästa i morgon.",
            "Du har ställt %(count)s frågor det senaste dygnet, vilket är gränsen. Du kan ställa nästa i morgon.",
            limit,
        )
    return text % {"count": limit}


@transaction.atomic
def question_create(*, question: Question, author: User, language: str) -> Question:
    """Save a new question and mail its author a receipt.

    At most DIALOG_QUESTIONS_PER_DAY per account and 24 hours (ValidationError, code
    "rate_limited"), counted in the database with the author's row locked first, so that
    two questions sent at once are counted one after the other.
    """
    refuse_past_limit(
        user=author,
        count=partial(questions_raised_today, user=author),
        limit=settings.DIALOG_QUESTIONS_PER_DAY,
        message=raising_limit_message(),
        no_key=True,
    )
    question.author = author
    question.language = language
    question.status = Status.OPEN
    question.save()
    network = question.network
    mail_queue_each(
        users=[author],
        template="dialog/email/receipt",
        context={
            "question": question,
            "network": network,
            "url": mail_link(question.get_absolute_url),
            "contact_email": network.contact_email or settings.CONTACT_EMAIL,
        },
        kind="dialog.receipt",
    )
    return question


# ---- "Jag med" ----


def supports(*, question: Question, user: User) -> bool:
    return user.is_authenticated and Support.objects.filter(question=question, user=user).exists()


@transaction.atomic
def support_add(*, question: Question, user: User) -> bool:
    """Add the user's "Jag med"; False when it was there already (a second click, two tabs)."""
    try:
        with transaction.atomic():
            Support.objects.create(question=question, user=user)
    except IntegrityError:
        return False
    return True


@transaction.atomic
def support_withdraw(*, question: Question, user: User) -> bool:
    """Take the user's "Jag med" back; False when there was none."""
    deleted, _rows = Support.objects.filter(question=question, user=user).delete()
    return bool(deleted)


def support_count(question: Question) -> int:
    return Support.objects.filter(question=question).count()


# ---- pages ----


def public_history(question: Question) -> list[QuestionEvent]:
    """The question's moves as its page shows them, oldest first."""
    return list(
        QuestionEvent.objects.public()
        .filter(question=question)
        .select_related("meeting", "working_group", "by")
        .order_by("created_at", "pk")
    )


def network_questions(network) -> dict[str, Any]:
    """For the network's page: new questions, what the network is doing, answered ones,
    the latest NETWORK_SECTION_COUNT of each, in one query (a row number per kind)."""
    kind = Case(
        When(status=Status.OPEN, then=Value("questions_open")),
        When(status__in=IN_PROGRESS, then=Value("questions_in_progress")),
        default=Value("questions_answered"),
        output_field=CharField(),
    )
    latest = (
        Question.objects.visible()
        .for_network(network)
        .filter(status__in=[Status.OPEN, *IN_PROGRESS, Status.ANSWERED])
        .with_support_count()
        .annotate(
            kind=kind,
            place_in_kind=Window(RowNumber(), partition_by=[kind], order_by=[F("updated_at").desc(), F("pk").desc()]),
        )
        .filter(place_in_kind__lte=NETWORK_SECTION_COUNT)
        .select_related("network", "author", "meeting", "working_group")
        .order_by("-updated_at", "-pk")
    )
    sections: dict[str, Any] = {"questions_open": [], "questions_in_progress": [], "questions_answered": []}
    for question in latest:
        sections[question.kind].append(question)
    return sections


# ---- GDPR (registered in apps.py) ----

EXPORT_LABELS = {
    "dialog_questions": gettext_lazy("Frågor du har ställt till nätverken"),
    "dialog_supports": gettext_lazy("Frågor du har sagt ”Jag med” till"),
    "question_title": gettext_lazy("Rubrik"),
    "question_text": gettext_lazy("Text"),
    "question_place": gettext_lazy("Plats"),
    "question_theme": gettext_lazy("Tema"),
    "question_network": gettext_lazy("Nätverk"),
    "question_status": gettext_lazy("Läge"),
    "question_show_name": gettext_lazy("Ditt namn visas vid frågan"),
    "question_created_at": gettext_lazy("Ställd"),
    "question_answer": gettext_lazy("Nätverkets svar"),
    "hidden_reason": gettext_lazy("Skäl till att frågan doldes"),
    "support_created_at": gettext_lazy("Sagt ”Jag med”"),
}


def questions_user_export(*, user: User) -> dict[str, Any]:
    """The questions the user raised and those they said "Jag med" to."""
    questions = Question.objects.filter(author=user).select_related("network", "theme").order_by("created_at", "pk")
    supported = Support.objects.filter(user=user).select_related("question").order_by("created_at", "pk")
    return {
        "dialog_questions": [
            {
                "question_network": question.network.name,
                "question_title": question.title,
                "question_text": question.text,
                "question_place": question.place,
                "question_theme": question.theme.name if question.theme else "",
                "question_status": question.get_status_display(),
                "question_show_name": question.show_name,
                "question_created_at": question.created_at,
                "question_answer": question.answer,
                "hidden_reason": question.hidden_reason,
            }
            for question in questions
        ],
        "dialog_supports": [
            {"question_title": support.question.title, "support_created_at": support.created_at}
            for support in supported
        ],
    }


def questions_user_delete(*, user: User) -> None:
    """The account goes; what the networks have worked on stays, without its author.

    - Every "Jag med" of the user goes.
    - A question still new (nobody has moved it on) and a hidden one go with the account:
      nobody has answered or built on it, and a hidden one was never public.
    - A question the network has moved on (a meeting, a working group, forwarded, answered,
      closed) stays with its text, its answer and its history, without its author (and
      never with their name again).
    - Moves the user made as staff stay in the history, without their name.
    """
    Support.objects.filter(user=user).delete()
    Question.objects.filter(author=user, status__in=[Status.OPEN, Status.HIDDEN]).delete()
    Question.objects.filter(author=user).update(author=None, show_name=False, updated_at=timezone.now())
    QuestionEvent.objects.filter(by=user).update(by=None, by_name_shown=False)
    # update() sends no signals: the page cache must forget the author's name too.
    transaction.on_commit(bump_content_version)
