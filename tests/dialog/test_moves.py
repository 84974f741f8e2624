"""The network's moves of a question (dialog/moves.py): the table, each move, what it
writes (the question, its public history, the author's mail) and what it refuses."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from core.models import Outbox
from dialog.models import Question, QuestionEvent, Status
from dialog.moves import (
    MOVES,
    MOVES_BY_SLUG,
    MoveRefused,
    moves_from,
    question_move,
    status_after_unhiding,
)
from members.services import user_delete
from networks.models import WorkingGroup
from tests.conftest import _user
from tests.dialog.conftest import make_question
from tests.meetings.conftest import make_meeting

pytestmark = pytest.mark.django_db


@pytest.fixture
def group(networks):
    return WorkingGroup.objects.create(network=networks["brynas"], name="Trygghetsgruppen")


def _move(question, slug, by, **fields):
    return question_move(question=question, move=MOVES_BY_SLUG[slug], by=by, **fields)


# ---- the table ----


def test_the_table_has_every_status_but_new_as_a_target_and_one_move_back_from_hidden() -> None:
    targets = {move.to_status for move in MOVES if move.to_status}
    assert targets == set(Status.values) - {Status.OPEN}
    assert [move.slug for move in moves_from(Status.HIDDEN)] == ["visa"]
    assert [move.slug for move in moves_from(Status.OPEN)] == [
        "mote",
        "arbetsgrupp",
        "vidare",
        "besvarad",
        "avslutad",
        "dolj",
    ]
    # Done with: an answered question may only be closed or hidden, a closed one only hidden.
    assert [move.slug for move in moves_from(Status.ANSWERED)] == ["avslutad", "dolj"]
    assert [move.slug for move in moves_from(Status.CLOSED)] == ["dolj"]
    assert [move.slug for move in moves_from(Status.FORWARDED)] == [
        "mote",
        "arbetsgrupp",
        "besvarad",
        "avslutad",
        "dolj",
    ]


# ---- each move ----


def test_taking_a_question_to_a_meeting(question, coord_brynas, brynas_meeting, resident) -> None:
    moved = _move(question, "mote", coord_brynas, meeting=brynas_meeting, text="Vi tar upp det först.")
    assert moved.status == Status.MEETING and moved.meeting == brynas_meeting
    event = QuestionEvent.objects.get(question=question)
    assert (event.status, event.meeting, event.by, event.by_name_shown) == (
        Status.MEETING,
        brynas_meeting,
        coord_brynas,
        False,
    )
    assert event.text == "Vi tar upp det först." and event.shown_by_name == ""
    mail = Outbox.objects.get(kind="dialog.move_mote")
    assert mail.to == resident.email
    assert mail.subject.endswith("Din fråga ”Mörkt vid gångtunneln” tas upp på ett möte")
    assert "Brynästräffen i mars" in mail.body and f"/moten/{brynas_meeting.pk}/" in mail.body
    assert "Vad du kan göra" in mail.body


def test_handing_a_question_to_a_working_group_with_the_name_shown(question, coord_brynas, group) -> None:
    _move(question, "arbetsgrupp", coord_brynas, working_group=group, show_name=True)
    question.refresh_from_db()
    assert question.status == Status.WORKING_GROUP and question.working_group == group
    event = question.events.get()
    assert event.shown_by_name == coord_brynas.name
    mail = Outbox.objects.get(kind="dialog.move_arbetsgrupp")
    assert "Trygghetsgruppen" in mail.body and group.get_absolute_url() in mail.body


def test_forwarding_a_question_with_a_link(question, coord_brynas) -> None:
    _move(
        question,
        "vidare",
        coord_brynas,
        forwarded_to="Gävle kommuns felanmälan",
        forwarded_url="https://www.gavle.se/felanmalan",
    )
    question.refresh_from_db()
    assert (question.status, question.forwarded_to, question.forwarded_url) == (
        Status.FORWARDED,
        "Gävle kommuns felanmälan",
        "https://www.gavle.se/felanmalan",
    )
    assert question.events.get().forwarded_to == "Gävle kommuns felanmälan"
    mail = Outbox.objects.get(kind="dialog.move_vidare")
    assert "Gävle kommuns felanmälan" in mail.body and "https://www.gavle.se/felanmalan" in mail.body


def test_answering_a_question_clears_old_translations_of_the_answer(question, coord_brynas) -> None:
    question.answer_en = "An old answer."
    question.save()
    _move(question, "besvarad", coord_brynas, text="  Lamporna byts i vecka 12.  ")
    question.refresh_from_db()
    assert question.status == Status.ANSWERED and question.answer == "Lamporna byts i vecka 12."
    assert question.answer_en == ""
    assert question.events.get().text == "Lamporna byts i vecka 12."
    mail = Outbox.objects.get(kind="dialog.move_besvarad")
    assert mail.subject.endswith("Svar på din fråga ”Mörkt vid gångtunneln”")
    assert "Lamporna byts i vecka 12." in mail.body


def test_closing_needs_no_note_and_ends_the_jag_med(question, coord_brynas) -> None:
    _move(question, "avslutad", coord_brynas)
    question.refresh_from_db()
    assert question.status == Status.CLOSED and question.is_done
    assert Outbox.objects.filter(kind="dialog.move_avslutad").count() == 1


def test_hiding_and_showing_again(question, coord_brynas, brynas_meeting, resident) -> None:
    _move(question, "mote", coord_brynas, meeting=brynas_meeting)
    _move(question, "dolj", coord_brynas, text="Frågan nämner en granne vid namn.")
    question.refresh_from_db()
    assert question.status == Status.HIDDEN and question.hidden_reason == "Frågan nämner en granne vid namn."
    assert not Question.objects.visible().filter(pk=question.pk).exists()
    # The hiding is kept, but not in the public history.
    assert list(QuestionEvent.objects.public().filter(question=question).values_list("status", flat=True)) == [
        Status.MEETING
    ]
    hidden_mail = Outbox.objects.get(kind="dialog.move_dolj")
    assert "Frågan nämner en granne vid namn." in hidden_mail.body

    assert status_after_unhiding(question) == Status.MEETING
    _move(question, "visa", coord_brynas)
    question.refresh_from_db()
    assert question.status == Status.MEETING and question.hidden_reason == ""
    assert question.events.count() == 2  # Showing again writes no public history.
    assert Outbox.objects.filter(kind="dialog.move_visa", to=resident.email).count() == 1


def test_showing_again_a_question_never_moved_makes_it_new(question, coord_brynas) -> None:
    _move(question, "dolj", coord_brynas, text="Reklam.")
    _move(question, "visa", coord_brynas)
    question.refresh_from_db()
    assert question.status == Status.OPEN


# ---- refusals ----


def test_a_move_from_the_wrong_status_is_refused_in_swedish(question, coord_brynas, brynas_meeting) -> None:
    _move(question, "besvarad", coord_brynas, text="Svar.")
    with pytest.raises(MoveRefused) as refused:
        _move(question, "mote", coord_brynas, meeting=brynas_meeting)
    assert str(refused.value) == "Frågan står som ”Besvarad”, så steget ”Ta upp på möte” går inte."
    with pytest.raises(MoveRefused):
        _move(question, "visa", coord_brynas)
    question.refresh_from_db()
    assert question.status == Status.ANSWERED and question.events.count() == 1
    assert Outbox.objects.filter(kind__startswith="dialog.move_").count() == 1


@pytest.mark.parametrize(
    ("slug", "field", "message"),
    [
        ("mote", "meeting", "Välj vilket möte frågan ska tas upp på."),
        ("arbetsgrupp", "working_group", "Välj vilken arbetsgrupp frågan lämnas till."),
        ("vidare", "forwarded_to", "Skriv vart frågan skickas, till exempel fastighetsägaren."),
        ("besvarad", "text", "Skriv nätverkets svar."),
        ("dolj", "text", "Skriv varför frågan döljs."),
    ],
)
def test_required_fields(question, coord_brynas, slug, field, message) -> None:
    with pytest.raises(MoveRefused) as refused:
        _move(question, slug, coord_brynas, text="   " if field == "text" else "")
    assert (refused.value.field, str(refused.value)) == (field, message)
    question.refresh_from_db()
    assert question.status == Status.OPEN
    assert not QuestionEvent.objects.exists() and not Outbox.objects.filter(kind__startswith="dialog.move_").exists()


def test_only_the_networks_coming_meetings_and_active_groups(question, coord_brynas, networks) -> None:
    past = make_meeting(networks["brynas"], starts_at=timezone.now() - timedelta(days=3))
    elsewhere = make_meeting(networks["satra"])
    cancelled = make_meeting(networks["brynas"], status="cancelled", cancel_reason="Sjukdom.")
    for meeting in (past, elsewhere, cancelled):
        with pytest.raises(MoveRefused) as refused:
            _move(question, "mote", coord_brynas, meeting=meeting)
        assert refused.value.field == "meeting"
    stopped = WorkingGroup.objects.create(network=networks["brynas"], name="Gamla gruppen", is_active=False)
    other = WorkingGroup.objects.create(network=networks["satra"], name="Sätragruppen")
    for group in (stopped, other):
        with pytest.raises(MoveRefused):
            _move(question, "arbetsgrupp", coord_brynas, working_group=group)
    assert question.events.count() == 0


# ---- mail ----


def test_one_mail_per_move_and_none_once_the_author_is_gone(networks, coord_brynas, brynas_meeting) -> None:
    author = _user("anna@example.se")
    question = make_question(networks["brynas"], author)
    _move(question, "mote", coord_brynas, meeting=brynas_meeting)
    assert Outbox.objects.filter(kind__startswith="dialog.move_", to=author.email).count() == 1
    user_delete(user=author)
    question.refresh_from_db()
    assert question.author is None  # Moved on: it stays, without its author.
    _move(question, "besvarad", coord_brynas, text="Lamporna är lagade.")
    assert Outbox.objects.filter(kind__startswith="dialog.move_").count() == 1


def test_the_mail_goes_in_the_authors_language(question, resident, coord_brynas) -> None:
    resident.language = "en"
    resident.save()
    _move(question, "besvarad", coord_brynas, text="Lamporna byts.")
    mail = Outbox.objects.get(kind="dialog.move_besvarad")
    assert "/en/fragor/" in mail.body
    assert "Lamporna byts." in mail.body
