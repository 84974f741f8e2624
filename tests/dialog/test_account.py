"""Questions in "Mina sidor", the GDPR export and deletion, the site search and the demo data."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dialog.demo import DEMO_QUESTIONS
from dialog.models import Question, QuestionEvent, Status, Support
from members.gdpr import gdpr_export
from members.services import user_delete
from networks.models import Network
from sok.search import search
from tests.dialog.conftest import make_question

pytestmark = pytest.mark.django_db


def test_my_pages_lists_my_questions_with_state_and_hidden_reason(client, networks, resident, rep_a) -> None:
    mine = make_question(networks["brynas"], resident, title="Min fråga om gungorna")
    make_question(
        networks["satra"], resident, title="Min dolda fråga", status=Status.HIDDEN, hidden_reason="Namn på grannar."
    )
    make_question(networks["brynas"], rep_a, title="Någon annans fråga")
    Support.objects.create(question=mine, user=rep_a)
    client.force_login(resident)
    with CaptureQueriesContext(connection) as queries:
        page = client.get("/mina-sidor/").content.decode()
    # One read of the questions, whatever the section shows (no column left out and read later).
    assert sum('FROM "dialog_question"' in query["sql"] for query in queries.captured_queries) == 1
    section = page.split('id="dialog-mine-heading"', 1)[1].split("</section>", 1)[0]
    assert "Mina frågor" in page
    assert "Min fråga om gungorna" in section and "1 har sagt ”Jag med”" in section
    assert "Dold av en samordnare." in section and "Namn på grannar." in section
    assert "Någon annans fråga" not in section


def test_gdpr_export_has_my_questions_and_supports(networks, resident, rep_a) -> None:
    mine = make_question(networks["brynas"], resident, place="Tunneln")
    Support.objects.create(question=make_question(networks["satra"], rep_a, title="Grannens fråga"), user=resident)
    data = gdpr_export(user=resident)
    assert [q["question_title"] for q in data["dialog_questions"]] == [mine.title]
    assert data["dialog_questions"][0]["question_place"] == "Tunneln"
    assert data["dialog_questions"][0]["question_status"] == "Ny"
    assert [s["question_title"] for s in data["dialog_supports"]] == ["Grannens fråga"]


def test_deleting_the_account_keeps_handled_questions_without_author(
    networks, resident, rep_a, coord_andersberg
) -> None:
    new = make_question(networks["brynas"], resident, title="Ny, ingen har gjort något")
    hidden = make_question(networks["brynas"], resident, title="Dold", status=Status.HIDDEN, hidden_reason="x")
    answered = make_question(
        networks["brynas"], resident, title="Besvarad", status=Status.ANSWERED, answer="Lagat.", show_name=True
    )
    supported = make_question(networks["satra"], rep_a, title="Grannens fråga")
    Support.objects.create(question=supported, user=resident)
    Support.objects.create(question=answered, user=rep_a)
    event = QuestionEvent.objects.create(
        question=supported, status=Status.MEETING, by=coord_andersberg, by_name_shown=True
    )
    user_delete(user=resident)
    assert not Question.objects.filter(pk__in=[new.pk, hidden.pk]).exists()
    answered.refresh_from_db()
    assert answered.author is None and answered.show_name is False and answered.text == new.text
    assert answered.author_shown == "en boende i Brynäs"
    assert list(Support.objects.values_list("user", flat=True)) == [rep_a.pk]
    user_delete(user=coord_andersberg)
    event.refresh_from_db()
    assert event.by is None and event.by_name_shown is False


def test_the_search_finds_visible_questions_only(client, networks, resident) -> None:
    make_question(networks["brynas"], resident, title="Trasiga gatlyktor på Norra Kungsgatan")
    make_question(
        networks["brynas"], resident, title="Gatlyktor till salu", status=Status.HIDDEN, hidden_reason="Reklam."
    )
    groups = {group.key: group for group in search("gatlyktor")}
    assert [hit.title for hit in groups["fragor"].hits] == ["Trasiga <mark>gatlyktor</mark> på Norra Kungsgatan"]
    page = client.get("/sok/", {"q": "gatlyktor"}).content.decode()
    assert "Frågor från boende" in page and "till salu" not in page


def test_the_demo_has_every_state_in_every_network_and_is_idempotent(networks, settings) -> None:
    settings.DEBUG = True
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115, PTH123
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115, PTH123
    assert Question.objects.count() == Network.objects.count() * len(DEMO_QUESTIONS)
    assert not Question.objects.filter(is_demo=False).exists()
    assert all("(demo)" in text for text in Question.objects.values_list("text", flat=True))
    for network in Network.objects.all():
        states = set(Question.objects.filter(network=network).values_list("status", flat=True))
        assert states == set(Status.values), network
    assert Question.objects.filter(status=Status.MEETING, meeting__isnull=False).count() == Network.objects.count()
    assert Question.objects.filter(status=Status.WORKING_GROUP, working_group__isnull=False).exists()
    assert Support.objects.exists() and QuestionEvent.objects.exists()
