"""The admin index's to-do list counts the residents' new questions of the coordinator's networks."""

from __future__ import annotations

import pytest

from dialog.moves import MOVES_BY_SLUG, question_move
from tests.dialog.conftest import make_question
from tests.test_admin_todo import INDEX, _listed, _todo

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_mfa(settings) -> None:
    settings.REQUIRE_STAFF_MFA = False


def test_new_questions_of_the_coordinators_networks_and_the_link_lists_them(
    client, networks, coord_andersberg, resident
) -> None:
    make_question(networks["andersberg"], resident, title="Trasig gunga")
    moved = make_question(networks["andersberg"], resident, title="Mörkt vid tunneln")
    make_question(networks["satra"], resident, title="Sätras fråga")
    question_move(question=moved, move=MOVES_BY_SLUG["avslutad"], by=coord_andersberg)
    client.force_login(coord_andersberg)
    lines = _todo(client.get(INDEX).content.decode())
    line = "1 ny fråga från boende väntar på nätverket"
    assert line in lines
    assert _listed(client, lines[line]) == {"Trasig gunga"}


def test_the_steering_group_has_no_question_line(client, networks, steering, resident) -> None:
    make_question(networks["andersberg"], resident)
    client.force_login(steering)
    assert not any("fråga" in line for line in _todo(client.get(INDEX).content.decode()))
