"""The data of "Lyft en fråga": themes from the migration, statuses, "Jag med" once per account."""

from __future__ import annotations

import importlib

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from dialog.models import Question, QuestionEvent, Status, Support, Theme


@pytest.fixture
def question(networks, resident) -> Question:
    return Question.objects.create(
        network=networks["brynas"], author=resident, title="Mörkt vid gångtunneln", text="Lamporna är trasiga."
    )


def test_the_migration_creates_the_five_themes(themes):
    # `themes` runs the migration's function again where a transactional test emptied the table.
    assert list(Theme.objects.values_list("name", flat=True)) == [
        "Trygghet",
        "Miljö och skötsel",
        "Barn och unga",
        "Mötesplatser",
        "Annat",
    ]
    assert Theme.objects.get(slug="trygghet").name_en == "Safety"


def test_a_new_question_is_open_without_name_in_swedish(question):
    assert question.status == Status.OPEN
    assert question.show_name is False
    assert question.language == "sv"


def test_visible_leaves_out_hidden_and_for_network_filters(question, networks, resident):
    hidden = Question.objects.create(
        network=networks["brynas"],
        author=resident,
        title="Reklam",
        text="Köp nu",
        status=Status.HIDDEN,
        hidden_reason="Reklam hör inte hit.",
    )
    other = Question.objects.create(network=networks["satra"], author=resident, title="Sätra", text="Text")
    assert set(Question.objects.visible()) == {question, other}
    assert list(Question.objects.visible().for_network(networks["brynas"])) == [question]
    assert hidden.is_hidden


def test_hiding_needs_a_reason(question):
    question.status = Status.HIDDEN
    with pytest.raises(ValidationError) as refused:
        question.full_clean()
    assert "Skriv varför frågan döljs." in str(refused.value)
    with pytest.raises(IntegrityError), transaction.atomic():
        question.save()


def test_support_once_per_account_and_counted(question, resident, rep_a):
    Support.objects.create(question=question, user=rep_a)
    Support.objects.create(question=question, user=resident)
    assert Question.objects.with_support_count().get(pk=question.pk).support_count == 2
    duplicate = Support(question=question, user=rep_a)
    with pytest.raises(ValidationError) as refused:
        duplicate.full_clean()
    assert "Du har redan sagt ”Jag med” till frågan." in str(refused.value)
    with pytest.raises(IntegrityError), transaction.atomic():
        duplicate.save()


def test_deleting_the_author_keeps_the_question(question, resident):
    resident.delete()
    question.refresh_from_db()
    assert question.author is None
    assert question.text == "Lamporna är trasiga."


def test_event_shows_a_staff_name_only_when_chosen(question, coord_andersberg):
    event = QuestionEvent.objects.create(question=question, status=Status.ANSWERED, text="Lagat.", by=coord_andersberg)
    assert event.shown_by_name == ""
    event.by_name_shown = True
    assert event.shown_by_name == coord_andersberg.name
    QuestionEvent.objects.create(question=question, status=Status.HIDDEN, text="Reklam")
    assert list(QuestionEvent.objects.public()) == [event]


def test_the_author_is_shown_by_name_only_when_chosen_and_named(question, resident) -> None:
    assert question.author_shown == "en boende i Brynäs"
    question.show_name = True
    assert question.author_shown == resident.name
    resident.name = ""
    assert question.author_shown == "en boende i Brynäs"  # Never the e-mail address.


def test_the_question_keeps_its_language_and_the_answer_is_translated(question) -> None:
    from django.utils import translation

    question.language = "fi"
    question.answer, question.answer_en = "Lagat.", "Fixed."
    with translation.override("en"):
        assert question.shown_language("text") == "fi"
        assert question.shown_language("title") == "fi"
        assert question.shown_language("answer") == "en"
        assert question.tr("answer") == "Fixed."
    with translation.override("ar"):
        assert question.shown_language("answer") == "sv"


def test_the_folded_search_text_follows_the_question(question):
    assert question.search_text == "morkt vid gangtunneln\nlamporna ar trasiga.\n"
    question.place = "Tunneln vid Brynäs IP"
    question.save(update_fields=["place"])
    question.refresh_from_db()
    assert question.search_text.endswith("\ntunneln vid brynas ip")


def test_the_migration_fills_the_folded_text_of_rows_there_are(question):
    from django.apps import apps

    Question.objects.filter(pk=question.pk).update(search_text="")
    importlib.import_module("dialog.migrations.0003_question_search_text").fill_search_text(apps, None)
    question.refresh_from_db()
    assert "gangtunneln" in question.search_text
