"""A meeting is cancelled: the residents' questions waiting for it go back to "Ny" (dialog.moves,
through the hook meetings.cancelling offers), in the cancellation's transaction, with a public
event and one mail to each author; a hidden or answered question is left alone."""

from __future__ import annotations

import pytest
from django.db import IntegrityError

from core.models import Outbox
from dialog import moves
from dialog.models import Question, QuestionEvent, Status
from dialog.moves import MOVES_BY_SLUG, MoveRefused, question_move
from meetings import cancelling
from meetings.models import Meeting
from meetings.services import meeting_cancel
from tests.conftest import _user
from tests.dialog.conftest import make_question
from tests.test_admin_todo import INDEX, _todo

pytestmark = pytest.mark.django_db

NOTE = "Mötet ställdes in. Nätverket tar upp frågan igen."
KIND = "dialog.meeting_cancelled"


@pytest.fixture(autouse=True)
def _no_mfa(settings) -> None:
    settings.REQUIRE_STAFF_MFA = False


def _move(question, slug, by, **fields):
    return question_move(question=question, move=MOVES_BY_SLUG[slug], by=by, **fields)


def _cancel(meeting: Meeting, reason: str = "Lokalen är vattenskadad."):
    Meeting.objects.filter(pk=meeting.pk).update(cancel_reason=reason)
    meeting.refresh_from_db()
    return meeting_cancel(meeting=meeting)


@pytest.fixture
def waiting(question, coord_brynas, brynas_meeting) -> Question:
    """The resident's question, taken to the Brynäs meeting; its own mail cleared."""
    _move(question, "mote", coord_brynas, meeting=brynas_meeting)
    Outbox.objects.all().delete()
    return question


def test_the_waiting_question_goes_back_to_new_with_a_public_event_and_one_mail(
    client, waiting, brynas_meeting, resident, django_capture_on_commit_callbacks
) -> None:
    assert "Mörkt vid gångtunneln" in client.get(brynas_meeting.get_absolute_url()).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        cancelled = _cancel(brynas_meeting)
    assert cancelled.notes == ["1 fråga från boende står som ”Ny” igen, och den som ställde den får e-post om det."]
    waiting.refresh_from_db()
    assert (waiting.status, waiting.meeting) == (Status.OPEN, None)
    event = QuestionEvent.objects.public().filter(question=waiting).last()
    assert (event.status, event.meeting, event.text, event.by, event.shown_by_name) == (
        Status.OPEN,
        brynas_meeting,
        NOTE,
        None,
        "",
    )
    mail = Outbox.objects.get(kind=KIND)
    assert mail.to == resident.email
    assert mail.subject.endswith("Mötet där din fråga ”Mörkt vid gångtunneln” skulle tas upp är inställt")
    assert "Brynästräffen i mars" in mail.body and "Lokalen är vattenskadad." in mail.body
    assert f"/fragor/{waiting.pk}/" in mail.body and "Vad händer nu" in mail.body

    # The meeting's page no longer lists it; the question's page says what happened, without a name.
    assert "Mörkt vid gångtunneln" not in client.get(brynas_meeting.get_absolute_url()).content.decode()
    page = client.get(waiting.get_absolute_url()).content.decode()
    assert NOTE in page and "Av nätverket." in page and "Brynästräffen i mars" in page
    assert "Samordnare.Brynas" not in page


def test_the_coordinators_to_do_counts_it_as_new_again(client, waiting, brynas_meeting, coord_brynas) -> None:
    client.force_login(coord_brynas)
    assert "ny fråga från boende" not in client.get(INDEX).content.decode()
    _cancel(brynas_meeting)
    assert "1 ny fråga från boende väntar på nätverket" in _todo(client.get(INDEX).content.decode())


def test_a_hidden_or_answered_question_is_left_alone(networks, waiting, brynas_meeting, coord_brynas, resident) -> None:
    hidden = make_question(networks["brynas"], resident, title="Grannen")
    answered = make_question(networks["brynas"], resident, title="Lekplatsen")
    for question in (hidden, answered):
        _move(question, "mote", coord_brynas, meeting=brynas_meeting)
    _move(hidden, "dolj", coord_brynas, text="Frågan nämner en granne vid namn.")
    _move(answered, "besvarad", coord_brynas, text="Gungan är lagad.")
    events = {q.pk: q.events.count() for q in (hidden, answered)}
    Outbox.objects.all().delete()

    assert _cancel(brynas_meeting).notes == [
        "1 fråga från boende står som ”Ny” igen, och den som ställde den får e-post om det."
    ]
    for question, status in ((hidden, Status.HIDDEN), (answered, Status.ANSWERED)):
        question.refresh_from_db()
        assert question.status == status and question.meeting == brynas_meeting
        assert question.events.count() == events[question.pk]
    assert Outbox.objects.filter(kind=KIND).count() == 1  # The waiting one's author, once.


def test_a_question_hidden_meanwhile_is_new_when_shown_again(waiting, brynas_meeting, coord_brynas) -> None:
    _move(waiting, "dolj", coord_brynas, text="Frågan nämner en granne vid namn.")
    _cancel(brynas_meeting)
    _move(waiting, "visa", coord_brynas)
    waiting.refresh_from_db()
    assert (waiting.status, waiting.meeting) == (Status.OPEN, None)


def test_a_meeting_nobody_waits_for_says_nothing_more(brynas_meeting) -> None:
    assert _cancel(brynas_meeting).notes == []
    assert not Outbox.objects.filter(kind=KIND).exists()


def test_an_author_whose_account_is_gone_gets_no_mail(networks, coord_brynas, brynas_meeting) -> None:
    author = _user("borta@example.se")
    question = make_question(networks["brynas"], author)
    _move(question, "mote", coord_brynas, meeting=brynas_meeting)
    author.is_active = False
    author.save()
    _cancel(brynas_meeting)
    question.refresh_from_db()
    assert question.status == Status.OPEN
    assert not Outbox.objects.filter(kind=KIND).exists()


def test_the_mail_goes_in_the_authors_language(waiting, brynas_meeting, resident) -> None:
    resident.language = "en"
    resident.save()
    _cancel(brynas_meeting)
    assert f"/en/fragor/{waiting.pk}/" in Outbox.objects.get(kind=KIND).body


def test_a_failure_after_the_questions_rolls_back_both(waiting, brynas_meeting, monkeypatch) -> None:
    def broken(meeting):
        raise IntegrityError("boom")

    monkeypatch.setattr(cancelling, "CANCEL_HOOKS", [*cancelling.CANCEL_HOOKS, cancelling.CancelHook(broken, broken)])
    with pytest.raises(IntegrityError):
        _cancel(brynas_meeting)
    brynas_meeting.refresh_from_db()
    waiting.refresh_from_db()
    assert brynas_meeting.status == Meeting.Status.PLANNED
    assert (waiting.status, waiting.meeting) == (Status.MEETING, brynas_meeting)
    assert not waiting.events.filter(status=Status.OPEN).exists()
    assert not Outbox.objects.exists()


def test_a_failure_in_the_questions_part_leaves_the_meeting_planned(waiting, brynas_meeting, monkeypatch) -> None:
    def broken(**kwargs):
        raise IntegrityError("boom")

    monkeypatch.setattr(moves, "mail_queue_each", broken)
    with pytest.raises(IntegrityError):
        _cancel(brynas_meeting)
    brynas_meeting.refresh_from_db()
    waiting.refresh_from_db()
    assert brynas_meeting.status == Meeting.Status.PLANNED
    assert waiting.status == Status.MEETING
    assert not Outbox.objects.exists()  # Not even the registrations' mails.


def test_a_cancelled_meeting_takes_no_more_questions(question, brynas_meeting, coord_brynas) -> None:
    _cancel(brynas_meeting)
    with pytest.raises(MoveRefused):
        _move(question, "mote", coord_brynas, meeting=brynas_meeting)


def test_the_confirm_page_says_how_many_questions_go_back_and_the_message_after(
    client, waiting, brynas_meeting, coord_brynas, django_capture_on_commit_callbacks
) -> None:
    Meeting.objects.filter(pk=brynas_meeting.pk).update(cancel_reason="Sjukdom.")
    client.force_login(coord_brynas)
    url = f"/admin/meetings/meeting/{brynas_meeting.pk}/stall-in/"
    page = client.get(url).content.decode()
    assert "1 fråga från boende väntar på mötet. Den blir ”Ny” igen" in page
    assert "Ingen är anmäld till mötet." in page
    assert Question.objects.get(pk=waiting.pk).status == Status.MEETING  # Nothing done yet.
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, follow=True)
    message = response.content.decode()
    assert "1 fråga från boende står som ”Ny” igen" in message
    # Nobody was registered, but the author was mailed: the message does not say nobody was.
    assert "Mötet är inställt. Ingen var anmäld." in message
    assert "ingen har fått e-post" not in message
