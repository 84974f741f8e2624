"""Residents' questions in the admin: who lists, opens and moves them, the move pages, the
answer from the minutes; and where the moves show: the meeting's page, its calendar file
and the working group's page."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from core.models import Outbox
from core.templatetags.natverk_tags import local_when
from dialog.models import Status
from dialog.moves import MOVES_BY_SLUG, question_move
from networks.models import WorkingGroup
from tests.conftest import _user
from tests.dialog.conftest import make_question
from tests.meetings.conftest import make_meeting

pytestmark = pytest.mark.django_db
CHANGELIST = "/admin/dialog/question/"


@pytest.fixture(autouse=True)
def _no_mfa(settings) -> None:
    settings.REQUIRE_STAFF_MFA = False


def _change(question) -> str:
    return f"/admin/dialog/question/{question.pk}/change/"


def _move_url(question, slug: str) -> str:
    return f"/admin/dialog/question/{question.pk}/steg/{slug}/"


# ---- who sees what ----


def test_the_networks_coordinator_lists_opens_and_moves(client, question, coord_brynas, brynas_meeting) -> None:
    client.force_login(coord_brynas)
    listing = client.get(CHANGELIST)
    assert listing.status_code == 200 and "Mörkt vid gångtunneln" in listing.content.decode()
    page = client.get(_change(question))
    body = page.content.decode()
    assert page.status_code == 200
    assert "Vad gör nätverket med frågan?" in body and _move_url(question, "mote") in body
    # What a coordinator needs of the author: never the address.
    assert "en boende i Brynäs" in body and question.author.email not in body
    form = client.get(_move_url(question, "mote"))
    assert form.status_code == 200 and "Brynästräffen i mars" in form.content.decode()
    # The meeting's time as the site writes it ("tisdag 9 mars 2027 kl. 18.00").
    assert local_when(brynas_meeting.starts_at) in form.content.decode()
    # The next meeting is chosen already.
    assert form.context["form"]["meeting"].value() == brynas_meeting.pk
    assert "Den som ställde frågan får e-post om vilket möte det är." in form.content.decode()
    done = client.post(_move_url(question, "mote"), {"meeting": brynas_meeting.pk}, follow=True)
    assert done.redirect_chain[-1][0] == _change(question)
    assert "”Mörkt vid gångtunneln” står nu som ”Tas upp på möte”." in done.content.decode()
    question.refresh_from_db()
    assert question.status == Status.MEETING
    assert Outbox.objects.filter(kind="dialog.move_mote").count() == 1


def test_a_coordinator_of_another_network_cannot_list_open_or_move(
    client, question, coord_andersberg, brynas_meeting
) -> None:
    client.force_login(coord_andersberg)
    listing = client.get(CHANGELIST)
    assert listing.status_code == 200 and "Mörkt vid gångtunneln" not in listing.content.decode()
    # As for any row the user may not see: the admin says it does not exist.
    assert client.get(_change(question)).status_code == 302
    assert client.get(_move_url(question, "mote")).status_code == 404
    assert client.post(_move_url(question, "mote"), {"meeting": brynas_meeting.pk}).status_code == 404
    question.refresh_from_db()
    assert question.status == Status.OPEN and not Outbox.objects.filter(kind__startswith="dialog.move_").exists()


def test_the_steering_group_only_reads(client, question, steering, brynas_meeting) -> None:
    client.force_login(steering)
    assert "Mörkt vid gångtunneln" in client.get(CHANGELIST).content.decode()
    page = client.get(_change(question))
    body = page.content.decode()
    assert page.status_code == 200
    assert _move_url(question, "mote") not in body
    assert "Du kan läsa frågan. Nätverkets samordnare tar hand om den." in body
    assert client.get(_move_url(question, "mote")).status_code == 403
    assert client.post(_move_url(question, "mote"), {"meeting": brynas_meeting.pk}).status_code == 403
    assert client.post(_change(question), {"answer_en": "x"}).status_code == 403
    question.refresh_from_db()
    assert question.status == Status.OPEN


def test_a_superuser_moves_any_question_but_nobody_adds_one(client, question, superuser, coord_brynas) -> None:
    client.force_login(superuser)
    response = client.post(_move_url(question, "besvarad"), {"text": "Lamporna är lagade."})
    assert response.status_code == 302
    question.refresh_from_db()
    assert question.status == Status.ANSWERED
    assert client.get("/admin/dialog/question/add/").status_code == 403
    client.force_login(coord_brynas)
    assert client.get("/admin/dialog/question/add/").status_code == 403
    assert client.post(f"/admin/dialog/question/{question.pk}/delete/").status_code == 403


def test_the_network_filter_offers_the_coordinators_networks_only(client, networks, coord_brynas) -> None:
    networks["andersberg"].coordinators.add(coord_brynas)
    client.force_login(coord_brynas)
    body = client.get(CHANGELIST).content.decode()
    assert f"network__id__exact={networks['brynas'].pk}" in body
    assert f"network__id__exact={networks['andersberg'].pk}" in body
    assert f"network__id__exact={networks['satra'].pk}" not in body


def test_the_list_counts_jag_med_in_bounded_queries(client, networks, coord_brynas) -> None:
    client.force_login(coord_brynas)
    for number in range(3):
        make_question(networks["brynas"], _user(f"a{number}@example.se"), title=f"Fråga {number}")
    client.get(CHANGELIST)
    with CaptureQueriesContext(connection) as few:
        client.get(CHANGELIST)
    for number in range(3, 13):
        question = make_question(networks["brynas"], _user(f"a{number}@example.se"), title=f"Fråga {number}")
        question.supports.create(user=_user(f"b{number}@example.se"))
    with CaptureQueriesContext(connection) as many:
        response = client.get(CHANGELIST)
    assert len(many) == len(few), [q["sql"] for q in many.captured_queries]
    assert response.status_code == 200


def test_the_search_folds_as_the_site_search(client, question, coord_brynas, networks) -> None:
    make_question(networks["satra"], None, title="Mörkt i Sätra gångtunnel")
    client.force_login(coord_brynas)
    body = client.get(CHANGELIST, {"q": "GANGTUNNELN"}).content.decode()
    assert "Mörkt vid gångtunneln" in body and "Sätra" not in body.split("result_list", 1)[-1]


# ---- the move pages ----


def test_a_missing_answer_is_refused_keeping_what_was_typed(client, question, coord_brynas) -> None:
    client.force_login(coord_brynas)
    response = client.post(_move_url(question, "besvarad"), {"text": "  ", "show_name": "on"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "<title>Fel:" in body and "Skriv nätverkets svar." in body
    # The summary on top names the move that did not go through and links to the field.
    assert '<div class="error-summary" role="alert" tabindex="-1" id="error-summary" data-error-summary>' in body
    assert "<h2>Steget gick inte igenom</h2>" in body and 'href="#id_text"' in body
    assert 'id="id_show_name" checked>' in body
    question.refresh_from_db()
    assert question.status == Status.OPEN


def test_a_stale_button_goes_back_to_the_question_with_why(client, question, coord_brynas) -> None:
    question_move(question=question, move=MOVES_BY_SLUG["avslutad"], by=coord_brynas)
    client.force_login(coord_brynas)
    response = client.get(_move_url(question, "mote"), follow=True)
    assert response.redirect_chain[-1][0] == _change(question)
    assert "Frågan står som ”Avslutad”, så steget ”Ta upp på möte” går inte." in response.content.decode()
    # A POST of the old page is refused on the page, with the same reason.
    refused = client.post(_move_url(question, "besvarad"), {"text": "Svar."})
    assert refused.status_code == 200 and "Frågan står som ”Avslutad”" in refused.content.decode()


def test_an_unknown_move_is_not_found(client, question, coord_brynas) -> None:
    client.force_login(coord_brynas)
    assert client.get(_move_url(question, "flyga")).status_code == 404


def test_the_answer_page_offers_the_minutes(client, networks, question, coord_brynas) -> None:
    meeting = make_meeting(networks["brynas"], title="Brynästräffen i mars")
    question_move(question=question, move=MOVES_BY_SLUG["mote"], by=coord_brynas, meeting=meeting)
    meeting.starts_at = timezone.now() - timedelta(days=2)
    meeting.ends_at = meeting.starts_at + timedelta(hours=2)
    meeting.minutes = (
        "1. Välkommen.\n\n2. Mörkt vid gångtunneln: kommunen byter lamporna i vecka 12.\n\n3. Nästa möte i maj."
    )
    meeting.minutes_published_at = timezone.now()
    meeting.save()
    client.force_login(coord_brynas)
    body = client.get(_move_url(question, "besvarad")).content.decode()
    assert "Läs protokollet" in body and meeting.get_absolute_url() in body
    assert "Från protokollet från mötet Brynästräffen i mars:" in body
    assert "kommunen byter lamporna i vecka 12." in body and "Nästa möte i maj" not in body


def test_translations_of_the_answer_are_added_on_the_question(client, question, coord_brynas) -> None:
    question_move(question=question, move=MOVES_BY_SLUG["besvarad"], by=coord_brynas, text="Lamporna byts.")
    client.force_login(coord_brynas)
    page = client.get(_change(question))
    assert 'name="answer_en"' in page.content.decode()
    event = question.events.get()
    data = {
        "answer_en": "The lamps are being replaced.",
        "answer_fi": "",
        "answer_ar": "",
        "events-TOTAL_FORMS": "1",
        "events-INITIAL_FORMS": "1",
        "events-MIN_NUM_FORMS": "0",
        "events-MAX_NUM_FORMS": "1000",
        "events-0-id": str(event.pk),
        "events-0-question": str(question.pk),
        "events-0-text_en": "The lamps are being replaced.",
        "events-0-text_fi": "",
        "events-0-text_ar": "",
    }
    assert client.post(_change(question), data).status_code == 302
    question.refresh_from_db()
    event.refresh_from_db()
    assert question.answer_en == "The lamps are being replaced." and question.answer == "Lamporna byts."
    assert event.text_en == "The lamps are being replaced."
    # Written once: the answer's translation fills its move's empty one.
    data.update({"answer_fi": "Lamput vaihdetaan.", "events-0-text_fi": ""})
    assert client.post(_change(question), data).status_code == 302
    event.refresh_from_db()
    assert event.text_fi == "Lamput vaihdetaan."
    assert client.get(f"/en/fragor/{question.pk}/").content.decode().count("The lamps are being replaced.") >= 1


# ---- where the moves show ----


def test_the_meeting_page_and_its_calendar_list_the_questions_taken_to_it(
    client, question, coord_brynas, brynas_meeting, networks
) -> None:
    other = make_question(networks["brynas"], None, title="Bänkar vid ån")
    question_move(question=question, move=MOVES_BY_SLUG["mote"], by=coord_brynas, meeting=brynas_meeting)
    question_move(question=other, move=MOVES_BY_SLUG["mote"], by=coord_brynas, meeting=brynas_meeting)
    question_move(question=other, move=MOVES_BY_SLUG["dolj"], by=coord_brynas, text="Reklam.")
    body = client.get(brynas_meeting.get_absolute_url()).content.decode()
    agenda = body.split('id="agenda-heading"', 1)[1].split("</section>", 1)[0]
    assert "Frågor från boende" in agenda
    assert f'href="/fragor/{question.pk}/" lang="sv">Mörkt vid gångtunneln</a>' in agenda
    assert "Bänkar vid ån" not in body  # Hidden questions are not shown.
    ics = client.get(f"/moten/{brynas_meeting.pk}/kalender.ics").content.decode().replace("\r\n ", "")
    assert "Frågor från boende\\n- Mörkt vid gångtunneln" in ics
    # Answered since: still on the meeting it was taken to, with its status.
    question_move(question=question, move=MOVES_BY_SLUG["besvarad"], by=coord_brynas, text="Lagat.")
    body = client.get(brynas_meeting.get_absolute_url()).content.decode()
    assert 'Mörkt vid gångtunneln</a> <span class="meta">(Besvarad)</span>' in body


def test_a_meeting_without_questions_has_no_such_heading(client, brynas_meeting) -> None:
    assert "Frågor från boende" not in client.get(brynas_meeting.get_absolute_url()).content.decode()


def test_the_working_group_page_shows_the_questions_handed_to_it(client, question, coord_brynas, networks) -> None:
    group = WorkingGroup.objects.create(network=networks["brynas"], name="Trygghetsgruppen")
    url = group.get_absolute_url()
    assert "Frågor från boende som gruppen arbetar med" not in client.get(url).content.decode()
    question_move(question=question, move=MOVES_BY_SLUG["arbetsgrupp"], by=coord_brynas, working_group=group)
    body = client.get(url).content.decode()
    assert "Frågor från boende som gruppen arbetar med" in body and "Mörkt vid gångtunneln" in body
