"""The digest's lines on residents' questions: those who said "Jag med" hear of the week's moves."""

from __future__ import annotations

import datetime

import pytest

from core.models import Outbox
from dialog.moves import MOVES_BY_SLUG, question_move
from digest.services import MAIL_KIND, Week, digest_send, supported_moves
from tests.conftest import _user
from tests.dialog.conftest import make_question
from tests.digest.conftest import subscribe

pytestmark = pytest.mark.django_db
HEADING = "== Frågor du har sagt ”Jag med” till =="


def _body(user) -> str:
    return Outbox.objects.get(kind=MAIL_KIND, to=user.email).body


def test_a_supporter_hears_of_the_weeks_move(networks, resident, coord_brynas, this_week) -> None:
    question = make_question(networks["brynas"], resident)
    # Nothing new in Sätra, the network they chose: the line alone is worth a letter.
    supporter = subscribe(_user("bo@example.se"), networks["satra"])
    question.supports.create(user=supporter)
    question_move(question=question, move=MOVES_BY_SLUG["besvarad"], by=coord_brynas, text="Lagat.")
    result = digest_send(week=this_week)
    assert result.sent == 1
    body = _body(supporter)
    assert HEADING in body
    assert f"- Mörkt vid gångtunneln: Besvarad\n  https://natverk.example.se/fragor/{question.pk}/" in body


def test_no_line_without_a_move_that_week_or_for_a_hidden_question(networks, resident, coord_brynas, this_week) -> None:
    quiet = make_question(networks["brynas"], resident, title="Ingen rörelse")
    hidden = make_question(networks["brynas"], resident, title="Dold fråga")
    supporter = subscribe(_user("bo@example.se"), networks["satra"])
    quiet.supports.create(user=supporter)
    hidden.supports.create(user=supporter)
    question_move(question=hidden, move=MOVES_BY_SLUG["avslutad"], by=coord_brynas)
    question_move(question=hidden, move=MOVES_BY_SLUG["dolj"], by=coord_brynas, text="Reklam.")
    assert supported_moves(week=this_week) == {}
    result = digest_send(week=this_week)
    assert (result.sent, result.empty) == (0, 1)
    # The week after a move: nothing new.
    question_move(question=quiet, move=MOVES_BY_SLUG["avslutad"], by=coord_brynas)
    assert supported_moves(week=Week.containing(this_week.monday + datetime.timedelta(days=7))) == {}


def test_only_supporters_who_subscribe_get_it_once_per_question(networks, resident, coord_brynas, this_week) -> None:
    question = make_question(networks["brynas"], resident)
    supporter = subscribe(_user("bo@example.se"), networks["brynas"])
    not_subscribed = _user("cilla@example.se")
    question.supports.create(user=supporter)
    question.supports.create(user=not_subscribed)
    question_move(question=question, move=MOVES_BY_SLUG["vidare"], by=coord_brynas, forwarded_to="Gavlegårdarna")
    question_move(question=question, move=MOVES_BY_SLUG["avslutad"], by=coord_brynas)
    digest_send(week=this_week)
    body = _body(supporter)
    assert body.count("Mörkt vid gångtunneln") == 1 and "Mörkt vid gångtunneln: Avslutad" in body
    assert not Outbox.objects.filter(kind=MAIL_KIND, to=not_subscribed.email).exists()
