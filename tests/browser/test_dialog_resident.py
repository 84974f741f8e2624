""" "Lyft en fråga" as residents see it, at 1280 and 320 px: one raises a question without
their name (first with a missing title), another says "Jag med"; axe on every page, no
sideways scroll."""

from __future__ import annotations

import pytest

from core.models import Outbox
from dialog.models import Question, Support, Theme
from tests.conftest import _user

pytestmark = pytest.mark.browser


def _no_sideways_scroll(raw) -> None:
    assert raw.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("width", [1280, 320])
def test_raise_a_question_without_name_and_another_supports_it(page, networks, width) -> None:
    raw = page.page
    raw.set_default_timeout(10_000)
    raw.set_viewport_size({"width": width, "height": 900})
    # A transactional test empties the tables between runs, the migration's themes too.
    Theme.objects.get_or_create(slug="trygghet", defaults={"name": "Trygghet"})
    author = _user("anna@example.se")
    neighbour = _user("bo@example.se")

    page.login(author)
    page.goto("/fragor/")
    _no_sideways_scroll(raw)
    raw.get_by_role("link", name="Lyft en fråga").first.click()
    raw.wait_for_load_state()
    page.check()
    _no_sideways_scroll(raw)
    # First without a title: refused in our words, keeping what was typed.
    raw.get_by_label("Brynäs", exact=True).check()
    raw.fill("#id_text", "Lamporna i gångtunneln under järnvägen är trasiga sedan i höstas.")
    raw.fill("#id_place", "Gångtunneln vid stationen")
    raw.select_option("#id_theme", label="Trygghet")
    raw.get_by_role("button", name="Skicka frågan").click()
    raw.wait_for_load_state()
    assert raw.title().startswith("Fel:")
    page.check()
    _no_sideways_scroll(raw)
    assert "Skriv en rubrik." in raw.content()
    assert raw.locator("#id_place").input_value() == "Gångtunneln vid stationen"
    raw.fill("#id_title", "Mörkt i gångtunneln")
    assert not raw.locator("#id_show_name").is_checked()
    raw.get_by_role("button", name="Skicka frågan").click()
    raw.wait_for_load_state()
    page.check()
    _no_sideways_scroll(raw)
    question = Question.objects.get()
    assert raw.url.endswith(f"/fragor/{question.pk}/")
    body = raw.locator("main").inner_text()
    assert "Din fråga ”Mörkt i gångtunneln” är skickad till Brynäs" in body
    assert "en boende i Brynäs" in body and author.name not in body
    assert Outbox.objects.filter(kind="dialog.receipt", to=author.email).count() == 1

    # A neighbour says "Jag med"; the count shows on the question and the list.
    page.login(neighbour)
    page.goto(f"/fragor/{question.pk}/")
    _no_sideways_scroll(raw)
    raw.get_by_role("button", name="Jag med").click()
    raw.wait_for_load_state()
    page.check()
    _no_sideways_scroll(raw)
    assert "1 person har sagt ”Jag med”." in raw.locator("main").inner_text()
    assert Support.objects.filter(question=question, user=neighbour).exists()
    page.goto("/fragor/?ordning=stod")
    assert "1 har sagt ”Jag med”" in raw.locator("main").inner_text()
    page.goto("/natverk/brynas/")
    _no_sideways_scroll(raw)
    assert "Mörkt i gångtunneln" in raw.locator("#questions-heading + p + h3 + ul").inner_text()
