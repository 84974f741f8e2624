"""The network's moves of a question: the one table of which move goes from which status,
what each one needs, and the one function that makes them.

Nothing else in the project assigns `Question.status` after a question is raised.

Each move is one short page in the admin (dialog/admin_moves.py): a coordinator of the
question's network (or a superuser) picks a coming meeting, an active working group, who
it is forwarded to, writes the answer, or the reason for hiding. `question_move` locks the
question, checks the table, updates the question, writes its QuestionEvent (the public
history; the staff member's name only when they tick "visa mitt namn") and queues the
author's mail, all in one transaction.

When a meeting is cancelled (meetings.services.meeting_cancel, through the hook that
DialogConfig.ready() registers with meetings.cancelling), `questions_back_from_cancelled`
gives every question waiting for it back the status "Ny", with a public event and the
author's mail, in the cancellation's transaction. It is not one of the network's buttons.

Hiding and showing again are moderation: hiding writes an event of status "hidden", which
the public history leaves out (QuestionEvent.objects.public()); showing again writes no
event and gives the question back the status of its last public move (or "Ny").
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from core.mail import mail_link, mail_queue_each
from core.translation import column, content_languages
from dialog.models import TEXT_MAX, Question, QuestionEvent, Status
from meetings.models import Meeting
from members.models import User
from networks.models import WorkingGroup

S = Status
# Where the network may still move a question on: new or being worked on.
WORKING = frozenset({S.OPEN, S.MEETING, S.WORKING_GROUP, S.FORWARDED})
NOT_HIDDEN = frozenset(status for status in S.values if status != S.HIDDEN)
HIDDEN_REASON_MAX = 500
FORWARDED_TO_MAX = 200
FORWARDED_URL_MAX = 500


@dataclass(frozen=True)
class Move:
    """One of the network's moves of a question, as a button and a short page."""

    slug: str
    to_status: str
    from_statuses: frozenset[str]
    # Fields the move's page asks for and must have (the rest are optional).
    required: tuple[str, ...]
    button: Promise
    title: Promise
    submit: Promise
    # What will happen, shown on the page above the button.
    next_step: Promise


# In the order the buttons are shown.
MOVES: tuple[Move, ...] = (
    Move(
        "mote",
        S.MEETING,
        WORKING,
        ("meeting",),
        gettext_lazy("Ta upp på möte"),
        gettext_lazy("Ta upp frågan på ett möte"),
        gettext_lazy("Ta upp på mötet"),
        gettext_lazy(
            "Frågan visas på mötets sida under ”Frågor från boende” och i dess dagordning. "
            "Den som ställde frågan får e-post om vilket möte det är."
        ),
    ),
    Move(
        "arbetsgrupp",
        S.WORKING_GROUP,
        WORKING,
        ("working_group",),
        gettext_lazy("Lämna till arbetsgrupp"),
        gettext_lazy("Lämna frågan till en arbetsgrupp"),
        gettext_lazy("Lämna till gruppen"),
        gettext_lazy("Frågan visas på arbetsgruppens sida. Den som ställde frågan får e-post om vilken grupp det är."),
    ),
    Move(
        "vidare",
        S.FORWARDED,
        frozenset({S.OPEN, S.MEETING, S.WORKING_GROUP}),
        ("forwarded_to",),
        gettext_lazy("Skicka vidare"),
        gettext_lazy("Skicka frågan vidare"),
        gettext_lazy("Skicka vidare"),
        gettext_lazy(
            "Frågans sida säger vart den har skickats, med länken om det finns en. "
            "Den som ställde frågan får e-post om det. Skicka själva frågan dit på vanligt sätt."
        ),
    ),
    Move(
        "besvarad",
        S.ANSWERED,
        WORKING,
        ("text",),
        gettext_lazy("Besvara"),
        gettext_lazy("Besvara frågan"),
        gettext_lazy("Spara svaret"),
        gettext_lazy(
            "Svaret visas på frågans sida, i nätverkets lista och i flödet. "
            "Den som ställde frågan får svaret via e-post, och de som har sagt ”Jag med” ser det i veckobrevet."
        ),
    ),
    Move(
        "avslutad",
        S.CLOSED,
        WORKING | {S.ANSWERED},
        (),
        gettext_lazy("Avsluta"),
        gettext_lazy("Avsluta frågan"),
        gettext_lazy("Avsluta"),
        gettext_lazy(
            "Frågan står som avslutad, och ingen kan längre säga ”Jag med”. "
            "Den som ställde frågan får e-post, med det ni skriver."
        ),
    ),
    Move(
        "dolj",
        S.HIDDEN,
        NOT_HIDDEN,
        ("text",),
        gettext_lazy("Dölj"),
        gettext_lazy("Dölj frågan"),
        gettext_lazy("Dölj frågan"),
        gettext_lazy(
            "Frågan försvinner från listan, nätverkets sida, flödet och sökningen. "
            "Den som ställde frågan får e-post med skälet och ser det vid frågan."
        ),
    ),
    Move(
        "visa",
        "",  # Back to the status of the last public move (see `status_after_unhiding`).
        frozenset({S.HIDDEN}),
        (),
        gettext_lazy("Visa igen"),
        gettext_lazy("Visa frågan igen"),
        gettext_lazy("Visa igen"),
        gettext_lazy(
            "Frågan visas igen där den visades förut, med det läge den hade. "
            "Den som ställde frågan får e-post om att den syns igen."
        ),
    ),
)
MOVES_BY_SLUG = {move.slug: move for move in MOVES}
MAIL_KINDS = {move.slug: f"dialog.move_{move.slug}" for move in MOVES}


class MoveRefused(Exception):
    """A move the table or the move's fields do not allow; the message is the page's own Swedish."""

    def __init__(self, message: str, field: str = "") -> None:
        super().__init__(message)
        self.field = field


def moves_from(status: str) -> list[Move]:
    """The moves the network may make from `status`, in the order of the buttons."""
    return [move for move in MOVES if status in move.from_statuses]


def refusal(question: Question, move: Move) -> str:
    """Why `move` cannot be made now from the question's status, or ""."""
    if question.status in move.from_statuses:
        return ""
    return _("Frågan står som ”%(status)s”, så steget ”%(move)s” går inte.") % {
        "status": question.get_status_display(),
        "move": move.button,
    }


def coming_meetings(question: Question):
    """The meetings a question may be taken to: its network's planned meetings that have not ended."""
    return (
        Meeting.objects.upcoming()
        .filter(network_id=question.network_id, status=Meeting.Status.PLANNED)
        .select_related("network")
    )


def active_working_groups(question: Question):
    return WorkingGroup.objects.filter(network_id=question.network_id, is_active=True).select_related("network")


def status_after_unhiding(question: Question) -> str:
    """The status of the question's last public move, or "Ny" when the network had made none
    or took it to a meeting that has been cancelled since (it was hidden then, so it was left
    alone: questions_back_from_cancelled)."""
    last = (
        QuestionEvent.objects.public()
        .filter(question=question)
        .select_related("meeting")
        .order_by("-created_at", "-pk")
        .first()
    )
    if last is None or (last.status == S.MEETING and last.meeting is not None and last.meeting.is_cancelled):
        return S.OPEN
    return last.status


def _required(move: Move, values: dict) -> None:
    messages = {
        "meeting": (_("Välj vilket möte frågan ska tas upp på."), "meeting"),
        "working_group": (_("Välj vilken arbetsgrupp frågan lämnas till."), "working_group"),
        "forwarded_to": (_("Skriv vart frågan skickas, till exempel fastighetsägaren."), "forwarded_to"),
        "text": (
            (_("Skriv varför frågan döljs."), "text")
            if move.to_status == S.HIDDEN
            else (_("Skriv nätverkets svar."), "text")
        ),
    }
    for name in move.required:
        value = values.get(name)
        if value is None or (isinstance(value, str) and not value.strip()):
            message, field = messages[name]
            raise MoveRefused(message, field)


@transaction.atomic
def question_move(
    *,
    question: Question,
    move: Move,
    by: User,
    show_name: bool = False,
    meeting: Meeting | None = None,
    working_group: WorkingGroup | None = None,
    forwarded_to: str = "",
    forwarded_url: str = "",
    text: str = "",
) -> Question:
    """Make `move` on the question (MoveRefused when the table or the fields do not allow it).

    The question row is locked first, so two coordinators moving it at once are taken one
    after the other and the second is checked against the first's result.
    """
    if meeting is not None:
        # The meeting first, as meeting_cancel locks it before its questions: a question taken
        # to a meeting being cancelled waits for the cancellation and is then refused below,
        # instead of being left waiting for a meeting that will not take place.
        Meeting.objects.select_for_update().filter(pk=meeting.pk).first()
    # Only the question's row is locked (PostgreSQL locks no row of the outer-joined author).
    locked = Question.objects.select_for_update(of=("self",)).select_related("network", "author").get(pk=question.pk)
    reason = refusal(locked, move)
    if reason:
        raise MoveRefused(reason)
    text = (text or "").strip()
    forwarded_to = " ".join((forwarded_to or "").split())
    forwarded_url = (forwarded_url or "").strip()
    _required(move, {"meeting": meeting, "working_group": working_group, "forwarded_to": forwarded_to, "text": text})
    if len(text) > (HIDDEN_REASON_MAX if move.to_status == S.HIDDEN else TEXT_MAX):
        raise MoveRefused(_("Texten är för lång."), "text")
    if meeting is not None and not coming_meetings(locked).filter(pk=meeting.pk).exists():
        raise MoveRefused(_("Mötet är inte ett kommande möte i frågans nätverk. Välj ett annat."), "meeting")
    if working_group is not None and not active_working_groups(locked).filter(pk=working_group.pk).exists():
        raise MoveRefused(_("Arbetsgruppen är inte en aktiv grupp i frågans nätverk. Välj en annan."), "working_group")

    event = None
    if move.slug == "visa":
        locked.status = status_after_unhiding(locked)
        locked.hidden_reason = ""
        if locked.status == S.OPEN:
            locked.meeting = None  # Waiting for no meeting (the one it was taken to may be cancelled).
    else:
        locked.status = move.to_status
        if move.to_status == S.MEETING:
            locked.meeting = meeting
        elif move.to_status == S.WORKING_GROUP:
            locked.working_group = working_group
        elif move.to_status == S.FORWARDED:
            locked.forwarded_to, locked.forwarded_url = forwarded_to, forwarded_url
        elif move.to_status == S.ANSWERED:
            locked.answer = text
            # A new Swedish answer: the old translations said something else.
            for code in content_languages():
                setattr(locked, column("answer", code), "")
        elif move.to_status == S.HIDDEN:
            locked.hidden_reason = text
        event = QuestionEvent.objects.create(
            question=locked,
            status=move.to_status,
            text=text,
            meeting=meeting if move.to_status == S.MEETING else None,
            working_group=working_group if move.to_status == S.WORKING_GROUP else None,
            forwarded_to=forwarded_to if move.to_status == S.FORWARDED else "",
            forwarded_url=forwarded_url if move.to_status == S.FORWARDED else "",
            by=by,
            by_name_shown=show_name,
            created_at=timezone.now(),
        )
    locked.save()
    _mail_author(locked, move, event)
    return locked


def _mail_author(question: Question, move: Move, event: QuestionEvent | None) -> None:
    """The author hears of every move."""
    _mail_to_author(
        question,
        template=f"dialog/email/move_{move.slug}",
        kind=MAIL_KINDS[move.slug],
        event=event,
        meeting_url=mail_link(question.meeting.get_absolute_url) if question.meeting_id else "",
        group_url=mail_link(question.working_group.get_absolute_url) if question.working_group_id else "",
    )


def _mail_to_author(question: Question, *, template: str, kind: str, **context) -> None:
    """A mail to the question's author about it, in their language, with the question's link
    and the network's contact address; nobody when the account is gone."""
    author = question.author
    if author is None or not author.is_active:
        return
    network = question.network
    mail_queue_each(
        users=[author],
        template=template,
        context={
            "question": question,
            "network": network,
            "url": mail_link(question.get_absolute_url),
            "contact_email": network.contact_email or settings.CONTACT_EMAIL,
            **context,
        },
        kind=kind,
    )


# ---- a meeting is cancelled ----

# The public history's note of a question whose meeting was cancelled (in the page's
# language when the catalogue has it: QuestionEvent.text and its columns).
CANCELLED_NOTE = gettext_lazy("Mötet ställdes in. Nätverket tar upp frågan igen.")
CANCELLED_MAIL_KIND = "dialog.meeting_cancelled"


def waiting_for(meeting: Meeting):
    """The questions waiting to be taken up at `meeting` (a hidden one is not: it is hidden)."""
    return Question.objects.filter(status=S.MEETING, meeting_id=meeting.pk)


def _note_in_every_language() -> dict[str, str]:
    """CANCELLED_NOTE in Swedish and in each content language whose catalogue translates it."""
    swedish = str(CANCELLED_NOTE)
    found = {"text": swedish}
    for code in content_languages():
        with translation.override(code):
            text = str(CANCELLED_NOTE)
        if text != swedish:
            found[column("text", code)] = text
    return found


def question_back_from_cancelled(*, question: Question, meeting: Meeting) -> bool:
    """Give a question waiting for `meeting`, which is being cancelled, the status "Ny" again:
    a public event (by the network, no staff name) and the author's mail. False, and nothing
    done, when the question no longer waits for that meeting (moved on or hidden meanwhile).

    Call it in the cancellation's transaction (it locks the question row)."""
    with transaction.atomic():
        locked = (
            Question.objects.select_for_update(of=("self",)).select_related("network", "author").get(pk=question.pk)
        )
        if locked.status != S.MEETING or locked.meeting_id != meeting.pk:
            return False
        locked.status = S.OPEN
        locked.meeting = None
        locked.save()
        QuestionEvent.objects.create(
            question=locked, status=S.OPEN, meeting=meeting, created_at=timezone.now(), **_note_in_every_language()
        )
        _mail_to_author(locked, template="dialog/email/meeting_cancelled", kind=CANCELLED_MAIL_KIND, meeting=meeting)
    return True


def questions_back_from_cancelled(meeting: Meeting) -> str:
    """Every question waiting for `meeting` back to "Ny" (question_back_from_cancelled); the
    line for the coordinator's message, "" when none waited. meetings.cancelling's hook."""
    count = sum(
        question_back_from_cancelled(question=question, meeting=meeting)
        for question in waiting_for(meeting).order_by("pk")
    )
    if not count:
        return ""
    return ngettext(
        "%(count)s fråga från boende står som ”Ny” igen, och den som ställde den får e-post om det.",
        "%(count)s frågor från boende står som ”Ny” igen, och de som ställde dem får e-post om det.",
        count,
    ) % {"count": count}


def questions_waiting_preview(meeting: Meeting) -> str:
    """The confirm page's line: how many questions go back to "Ny"; "" when none waits."""
    count = waiting_for(meeting).count()
    if not count:
        return ""
    return ngettext(
        "%(count)s fråga från boende väntar på mötet. Den blir ”Ny” igen, så att nätverket tar upp den på nytt, "
        "och den som ställde den får e-post om det.",
        "%(count)s frågor från boende väntar på mötet. De blir ”Ny” igen, så att nätverket tar upp dem på nytt, "
        "och de som ställde dem får e-post om det.",
        count,
    ) % {"count": count}
