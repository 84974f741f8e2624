"""Two coordinators answer the same question at the same moment: the row lock takes them one
after the other, so one answer, one history row and one mail (PostgreSQL)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from core.models import Outbox
from dialog.models import QuestionEvent, Status
from dialog.moves import MOVES_BY_SLUG, MoveRefused, question_move
from tests.conftest import _coordinator
from tests.dialog.conftest import make_question


@pytest.mark.django_db(transaction=True)
def test_two_answers_at_once_make_one_move(settings, networks, resident, superuser) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("SQLite runs one writer at a time, so there is no race to test; CI runs this on PostgreSQL.")
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    coordinator = _coordinator("samordnare.brynas@example.se", networks["brynas"])
    question = make_question(networks["brynas"], resident)
    runs = 4
    barrier = threading.Barrier(runs)
    done: list[str] = []

    def run(number: int) -> None:
        try:
            barrier.wait(timeout=30)
            question_move(
                question=question,
                move=MOVES_BY_SLUG["besvarad"],
                by=coordinator if number % 2 else superuser,
                text=f"Svar nummer {number}.",
            )
            done.append("moved")
        except MoveRefused:
            done.append("refused")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(number,)) for number in range(runs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(done) == ["moved", "refused", "refused", "refused"]
    question.refresh_from_db()
    assert question.status == Status.ANSWERED
    assert QuestionEvent.objects.filter(question=question).count() == 1
    assert Outbox.objects.filter(kind="dialog.move_besvarad").count() == 1
