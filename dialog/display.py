"""Where the network's moves show outside the question's own page: the meetings a question
was taken to ("Frågor från boende" in the meeting's agenda, registered with meetings.agenda
in DialogConfig.ready()) and the working groups it was handed to (website's group page)."""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.translation import gettext

from dialog.models import Question, QuestionEvent, Status
from meetings.agenda import AgendaItem, AgendaSection


def meeting_questions(meeting_ids: Sequence[int]) -> dict[int, AgendaSection]:
    """Per meeting, the visible questions taken to it (also those answered since), in the
    order they were taken up; not those that went back to "Ny" when it was cancelled (their
    event of status "open" names the meeting: dialog.moves.question_back_from_cancelled)."""
    events = list(
        QuestionEvent.objects.filter(status__in=(Status.MEETING, Status.OPEN), meeting_id__in=meeting_ids)
        .exclude(question__status=Status.HIDDEN)
        .select_related("question")
        .order_by("created_at", "pk")
    )
    sent_back = {(event.meeting_id, event.question_id) for event in events if event.status == Status.OPEN}
    found: dict[int, AgendaSection] = {}
    seen: set[tuple[int, int]] = set(sent_back)
    for event in events:
        if (event.meeting_id, event.question_id) in seen:
            continue
        seen.add((event.meeting_id, event.question_id))
        question = event.question
        section = found.setdefault(event.meeting_id, AgendaSection(gettext("Frågor från boende")))
        section.items.append(
            AgendaItem(
                text=question.title,
                url=question.get_absolute_url(),
                language=question.language,
                note=question.get_status_display() if question.status != Status.MEETING else "",
            )
        )
    return found


def working_group_questions(group) -> list[Question]:
    """The visible questions handed to the group, newest move first, with their "Jag med" counts."""
    handed = QuestionEvent.objects.filter(status=Status.WORKING_GROUP, working_group=group).values("question_id")
    return list(
        Question.objects.visible()
        .filter(pk__in=handed)
        .with_support_count()
        .select_related("network", "theme", "meeting", "working_group")
        .order_by("-updated_at", "-pk")
    )
