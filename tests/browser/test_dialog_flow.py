""" "Lyft en fråga" from the question to the answer, at 1280 and 320 px and in Arabic at
320 px: a resident raises a question without their name; a neighbour says "Jag med"; the
Brynäs coordinator takes it to the next meeting in the admin (it shows on the meeting's
page) and then answers it; the author gets a mail for each step; the question shows as
answered on the network's page and in its feed. A coordinator of another network can
neither open nor move it, and the steering group only reads. axe on every page, no
sideways scroll at 320 px. The residents' pages are in the language of the variant; the
admin is the staff's, in Swedish."""

from __future__ import annotations

import pytest

from core.models import Outbox
from dialog.models import Question, Status, Support
from dialog.moves import MOVES_BY_SLUG, question_move
from networks.models import WorkingGroup
from tests.conftest import _coordinator, _user
from tests.meetings.conftest import make_meeting

pytestmark = pytest.mark.browser
ANSWER = "Kommunen byter lamporna i gångtunneln i vecka 12."


@pytest.fixture(autouse=True)
def _settings(settings) -> None:
    settings.REQUIRE_STAFF_MFA = False


def _no_sideways_scroll(raw) -> None:
    assert raw.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth"), raw.url


def _visit(page, path: str, *, status: int = 200) -> None:
    page.goto(path, status=status)
    _no_sideways_scroll(page.page)


def _click(page, locator) -> None:
    locator.click()
    page.page.wait_for_load_state()
    page.check()
    _no_sideways_scroll(page.page)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(("width", "prefix"), [(1280, ""), (320, ""), (320, "/ar")])
def test_a_question_from_raised_to_answered(page, networks, steering, coord_satra, width, prefix) -> None:
    raw = page.page
    raw.set_default_timeout(10_000)
    raw.set_viewport_size({"width": width, "height": 900})
    brynas = networks["brynas"]
    coordinator = _coordinator("samordnare.brynas@example.se", brynas)
    meeting = make_meeting(brynas, title="Brynästräffen i mars", place="Brynäs bibliotek")
    author = _user("anna@example.se", language=prefix.strip("/") or "sv")
    neighbour = _user("bo@example.se")

    # The resident raises a question, without their name.
    page.login(author)
    _visit(page, f"{prefix}/fragor/ny/")
    raw.check(f"input[name=network][value='{brynas.pk}']")
    raw.fill("#id_title", "Mörkt i gångtunneln")
    raw.fill("#id_text", "Lamporna i gångtunneln under järnvägen är trasiga sedan i höstas.")
    assert not raw.locator("#id_show_name").is_checked()
    _click(page, raw.locator("main form[method=post] [type=submit]"))
    question = Question.objects.get()
    assert raw.url.endswith(f"{prefix}/fragor/{question.pk}/")
    assert question.show_name is False and question.language == (prefix.strip("/") or "sv")
    assert author.name not in raw.locator("main").inner_text()

    # A neighbour says "Jag med".
    page.login(neighbour)
    _visit(page, f"{prefix}/fragor/{question.pk}/")
    _click(page, raw.locator(f"form[action$='/fragor/{question.pk}/jag-med/'] button"))
    assert Support.objects.filter(question=question, user=neighbour).exists()

    # The Brynäs coordinator takes it to the next meeting, in the admin.
    page.login(coordinator)
    _visit(page, "/admin/dialog/question/")
    _click(page, raw.get_by_role("link", name="Mörkt i gångtunneln"))
    assert "en boende i Brynäs" in raw.locator("#content").inner_text()
    _click(page, raw.get_by_role("link", name="Ta upp på möte"))
    assert "Den som ställde frågan får e-post om vilket möte det är." in raw.locator("#content").inner_text()
    raw.select_option("#id_meeting", str(meeting.pk))
    _click(page, raw.get_by_role("button", name="Ta upp på mötet"))
    assert "står nu som ”Tas upp på möte”" in raw.locator(".messagelist").inner_text()
    question.refresh_from_db()
    assert (question.status, question.meeting_id) == (Status.MEETING, meeting.pk)
    _visit(page, f"{prefix}/moten/{meeting.pk}/")
    assert "Mörkt i gångtunneln" in raw.locator("section[aria-labelledby=agenda-heading]").inner_text()

    # After the meeting it is answered.
    _visit(page, f"/admin/dialog/question/{question.pk}/change/")
    _click(page, raw.get_by_role("link", name="Besvara"))
    _click(page, raw.get_by_role("button", name="Spara svaret"))
    assert raw.title().startswith("Fel:") and "Skriv nätverkets svar." in raw.locator("#content").inner_text()
    raw.fill("#id_text", ANSWER)
    _click(page, raw.get_by_role("button", name="Spara svaret"))
    question.refresh_from_db()
    assert question.status == Status.ANSWERED and question.answer == ANSWER

    # The author got a mail for each step, in their language.
    kinds = list(Outbox.objects.filter(to=author.email).order_by("pk").values_list("kind", flat=True))
    assert kinds == ["dialog.receipt", "dialog.move_mote", "dialog.move_besvarad"]
    answered_mail = Outbox.objects.get(kind="dialog.move_besvarad")
    assert ANSWER in answered_mail.body and f"{prefix}/fragor/{question.pk}/" in answered_mail.body

    # Answered on the network's page, on the question's page and in the feed.
    _visit(page, f"{prefix}/natverk/brynas/")
    assert "Mörkt i gångtunneln" in raw.locator("main").inner_text()
    assert raw.locator(f"main a[href$='/fragor/{question.pk}/'] ~ .badge--q-answered").count() == 1
    _visit(page, f"{prefix}/fragor/{question.pk}/")
    assert ANSWER in raw.locator("main").inner_text()
    feed = raw.request.get(page.base_url + f"{prefix}/fragor/natverk/brynas/flode/").text()
    assert "Mörkt i gångtunneln" in feed and ANSWER in feed

    # A coordinator of another network neither sees, opens nor moves it.
    page.login(coord_satra)
    _visit(page, "/admin/dialog/question/")
    assert "Mörkt i gångtunneln" not in raw.locator("#content").inner_text()
    _visit(page, f"/admin/dialog/question/{question.pk}/steg/avslutad/", status=404)
    _visit(page, f"/admin/dialog/question/{question.pk}/change/")
    assert raw.url.endswith("/admin/")  # As for any row that does not exist for them.

    # The steering group reads it and moves nothing.
    page.login(steering)
    _visit(page, f"/admin/dialog/question/{question.pk}/change/")
    content = raw.locator("#content").inner_text()
    assert ANSWER in content and "Du kan läsa frågan. Nätverkets samordnare tar hand om den." in content
    assert raw.get_by_role("link", name="Avsluta").count() == 0
    _visit(page, f"/admin/dialog/question/{question.pk}/steg/avslutad/", status=403)
    question.refresh_from_db()
    assert question.status == Status.ANSWERED


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(("width", "prefix"), [(1280, ""), (320, "/ar")])
def test_a_question_handed_to_a_working_group_shows_on_its_page(page, networks, width, prefix) -> None:
    raw = page.page
    raw.set_viewport_size({"width": width, "height": 900})
    brynas = networks["brynas"]
    coordinator = _coordinator("samordnare.brynas@example.se", brynas)
    group = WorkingGroup.objects.create(network=brynas, name="Trygghetsgruppen")
    question = Question.objects.create(
        network=brynas, author=_user("anna@example.se"), title="Mörkt i gångtunneln", text="Lamporna är trasiga."
    )
    question_move(question=question, move=MOVES_BY_SLUG["arbetsgrupp"], by=coordinator, working_group=group)
    _visit(page, f"{prefix}/natverk/brynas/arbetsgrupper/{group.pk}/")
    assert raw.locator("section[aria-labelledby=questions-heading]").get_by_role("link").first.inner_text() == (
        "Mörkt i gångtunneln"
    )
    _visit(page, f"{prefix}/fragor/{question.pk}/")
    assert "Trygghetsgruppen" in raw.locator("main").inner_text()
