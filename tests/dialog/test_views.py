""" "Lyft en fråga": raising (login, bounded input, the daily limit, the receipt), "Jag med",
the list's order and filter, a question's page, the network page, the feed and the cache."""

from __future__ import annotations

from datetime import timedelta
from xml.etree import ElementTree

import pytest
from django.utils import timezone

from core.models import Outbox
from dialog.models import Question, QuestionEvent, Status, Support, Theme
from tests.dialog.conftest import make_question

pytestmark = pytest.mark.django_db
ATOM = "{http://www.w3.org/2005/Atom}"


def _form(networks, **extra) -> dict:
    return {
        "network": networks["brynas"].pk,
        "title": "Trasig gungställning",
        "text": "Gungan på gården vid Brynäs centrum har gått sönder.",
        "place": "Gården vid centrum",
        "theme": Theme.objects.get(slug="barn-och-unga").pk,
        **extra,
    }


# ---- raising ----


def test_raising_needs_a_login_and_comes_back_to_the_form(client, networks) -> None:
    response = client.get("/fragor/ny/?natverk=brynas")
    assert response.status_code == 302
    assert response["Location"].startswith("/konto/login/?next=/fragor/ny/")


def test_a_resident_raises_a_question_without_name_and_gets_a_receipt(client, networks, resident) -> None:
    client.force_login(resident)
    page = client.get("/fragor/ny/?natverk=brynas")
    assert page.context["form"]["network"].value() == networks["brynas"].pk
    response = client.post("/fragor/ny/", _form(networks), follow=True)
    question = Question.objects.get()
    assert response.redirect_chain[-1][0] == f"/fragor/{question.pk}/"
    assert "Tack! Din fråga ”Trasig gungställning” är skickad till Brynäs." in response.content.decode()
    assert question.author == resident and question.show_name is False
    assert question.language == "sv" and question.status == Status.OPEN
    assert "en boende i Brynäs" in response.content.decode()
    assert resident.name not in response.content.decode().split("<main", 1)[1].split("</main>")[0]
    receipt = Outbox.objects.get(kind="dialog.receipt")
    assert receipt.to == resident.email
    assert receipt.subject.endswith("Vi har fått din fråga ”Trasig gungställning”")
    assert "en boende i Brynäs" in receipt.body
    assert f"/fragor/{question.pk}/" in receipt.body


def test_a_question_raised_on_an_english_page_keeps_its_language(client, networks, resident) -> None:
    client.force_login(resident)
    client.post("/en/fragor/ny/", _form(networks, title="Broken swing", text="The swing is broken."))
    question = Question.objects.get()
    assert question.language == "en"
    page = client.get(f"/fragor/{question.pk}/").content.decode()
    assert '<span lang="en" dir="auto">Broken swing</span>' in page
    assert '<div lang="en" dir="auto"><p>The swing is broken.</p></div>' in page


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("title", "", "Skriv en rubrik."),
        ("title", "x" * 121, "Skriv högst 120 tecken – nu är det 121."),
        ("title", "Rad ett\nrad två", None),
        ("text", "", "Skriv din fråga, idé eller upplevelse."),
        ("text", "x" * 3001, "Skriv högst 3000 tecken – nu är det 3001."),
        ("text", "Med \x00 nolltecken", "Texten innehåller otillåtna tecken."),
        ("place", "x" * 121, "Skriv högst 120 tecken – nu är det 121."),
        ("network", "", "Välj vilket nätverk frågan gäller."),
        ("network", "99999", "Välj ett av alternativen i listan."),
        ("theme", "99999", "Välj ett av alternativen i listan."),
    ],
)
def test_bad_input_is_refused_in_our_words_keeping_what_was_typed(
    client, networks, resident, field, value, message
) -> None:
    client.force_login(resident)
    response = client.post("/fragor/ny/", _form(networks, **{field: value}))
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert field in errors
    if message:
        assert message in errors[field][0].replace("\u00a0", " ")
    page = response.content.decode()
    assert "Gården vid centrum" in page or field == "place"
    assert not Question.objects.exists()


def test_an_inactive_theme_cannot_be_chosen(client, networks, resident) -> None:
    Theme.objects.filter(slug="barn-och-unga").update(is_active=False)
    client.force_login(resident)
    response = client.post("/fragor/ny/", _form(networks))
    assert "theme" in response.context["form"].errors


def test_the_daily_limit_refuses_the_next_question_and_keeps_it(client, networks, resident, settings) -> None:
    settings.DIALOG_QUESTIONS_PER_DAY = 2
    client.force_login(resident)
    for number in range(2):
        assert client.post("/fragor/ny/", _form(networks, title=f"Fråga {number}")).status_code == 302
    response = client.post("/fragor/ny/", _form(networks, title="Den tredje"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Du har ställt 2 frågor det senaste dygnet, vilket är gränsen." in page
    assert 'value="Den tredje"' in page
    assert Question.objects.count() == 2
    # Said before anything is typed, too.
    assert "Du kan ställa nästa i morgon." in client.get("/fragor/ny/").content.decode()
    # A day later the window has passed.
    Question.objects.update(created_at=timezone.now() - timedelta(hours=25))
    assert client.post("/fragor/ny/", _form(networks, title="Den tredje")).status_code == 302


# ---- "Jag med" ----


def test_support_is_one_per_account_and_can_be_taken_back(client, question, rep_a) -> None:
    client.force_login(rep_a)
    url = f"/fragor/{question.pk}/jag-med/"
    page = client.post(url, {"jag_med": "ja"}, follow=True).content.decode()
    assert "Tack! Ditt ”Jag med” är räknat." in page
    assert "1 person har sagt ”Jag med”." in page
    client.post(url, {"jag_med": "ja"})
    assert Support.objects.filter(question=question).count() == 1
    page = client.post(url, {"jag_med": "nej"}, follow=True).content.decode()
    assert "Du har tagit tillbaka ditt ”Jag med”." in page
    assert "0 personer har sagt ”Jag med”." in page
    assert not Support.objects.exists()


def test_support_needs_a_login_and_a_post(client, question) -> None:
    url = f"/fragor/{question.pk}/jag-med/"
    assert client.post(url, {"jag_med": "ja"})["Location"].startswith("/konto/login/")
    assert not Support.objects.exists()


def test_the_author_does_not_support_their_own_question(client, question, resident) -> None:
    client.force_login(resident)
    page = client.post(f"/fragor/{question.pk}/jag-med/", {"jag_med": "ja"}, follow=True).content.decode()
    assert "Det är din egen fråga." in page
    assert not Support.objects.exists()


def test_a_closed_question_takes_no_new_support(client, question, rep_a) -> None:
    Question.objects.filter(pk=question.pk).update(status=Status.CLOSED)
    client.force_login(rep_a)
    client.post(f"/fragor/{question.pk}/jag-med/", {"jag_med": "ja"})
    assert not Support.objects.exists()


def test_a_hidden_question_is_404_to_others_and_shown_to_its_author(client, question, rep_a, resident) -> None:
    Question.objects.filter(pk=question.pk).update(status=Status.HIDDEN, hidden_reason="Personuppgifter.")
    assert client.get(f"/fragor/{question.pk}/").status_code == 404
    client.force_login(rep_a)
    assert client.get(f"/fragor/{question.pk}/").status_code == 404
    assert client.post(f"/fragor/{question.pk}/jag-med/", {"jag_med": "ja"}).status_code == 404
    client.force_login(resident)
    assert "Personuppgifter." in client.get(f"/fragor/{question.pk}/").content.decode()


def test_the_cached_pages_show_the_new_count_after_a_support(
    client, question, rep_a, settings, django_capture_on_commit_callbacks
) -> None:
    settings.ANON_CACHE_SECONDS = 300
    anonymous = client.__class__()
    detail, listing = f"/fragor/{question.pk}/", "/fragor/"
    for url in (detail, listing):
        assert anonymous.get(url)["X-Cache"] == "miss"
        assert anonymous.get(url)["X-Cache"] == "hit"
    assert "0 personer har sagt ”Jag med”." in anonymous.get(detail).content.decode()
    client.force_login(rep_a)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/fragor/{question.pk}/jag-med/", {"jag_med": "ja"})
    assert "1 person har sagt ”Jag med”." in anonymous.get(detail).content.decode()
    assert "1 har sagt ”Jag med”" in anonymous.get(listing).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/fragor/{question.pk}/jag-med/", {"jag_med": "nej"})
    assert "0 har sagt ”Jag med”" in anonymous.get(listing).content.decode()


# ---- the list ----


def _titles(page: str, titles: list[str]) -> list[str]:
    return sorted(titles, key=page.index)


def test_the_list_sorts_by_newest_support_and_state_and_filters_by_network(
    client, networks, resident, rep_a, rep_b
) -> None:
    now = timezone.now()
    old = make_question(networks["brynas"], resident, title="Gammal", created_at=now - timedelta(days=9))
    popular = make_question(networks["satra"], resident, title="Populär", created_at=now - timedelta(days=5))
    answered = make_question(networks["brynas"], resident, title="Besvarad fråga", status=Status.ANSWERED)
    make_question(networks["brynas"], resident, title="Dold", status=Status.HIDDEN, hidden_reason="Reklam")
    for user in (rep_a, rep_b):
        Support.objects.create(question=popular, user=user)
    Support.objects.create(question=old, user=rep_a)
    titles = ["Gammal", "Populär", "Besvarad fråga"]
    page = client.get("/fragor/").content.decode()
    assert "Dold" not in page
    assert "3 frågor" in page
    assert _titles(page, titles) == ["Besvarad fråga", "Populär", "Gammal"]
    assert _titles(client.get("/fragor/?ordning=stod").content.decode(), titles) == [
        "Populär",
        "Gammal",
        "Besvarad fråga",
    ]
    assert _titles(client.get("/fragor/?ordning=lage").content.decode(), titles) == [
        "Populär",
        "Gammal",
        "Besvarad fråga",
    ]
    brynas = client.get("/fragor/?natverk=brynas&ordning=okänd").content.decode()
    assert "Populär" not in brynas and "Gammal" in brynas and answered.title in brynas
    assert 'href="/fragor/natverk/brynas/flode/"' in brynas


def test_the_list_is_paginated(client, networks, resident) -> None:
    for number in range(21):
        make_question(networks["brynas"], resident, title=f"Fråga nummer {number}")
    assert "Sida 1 av 2" in client.get("/fragor/").content.decode()
    assert "Fråga nummer 0<" in client.get("/fragor/?sida=2").content.decode()


# ---- a question's page, the network page and the feed ----


def test_the_page_shows_the_public_history_without_staff_names(client, question, coord_andersberg, networks) -> None:
    from networks.models import WorkingGroup

    group = WorkingGroup.objects.create(network=networks["brynas"], name="Trygghetsgruppen")
    QuestionEvent.objects.create(
        question=question,
        status=Status.WORKING_GROUP,
        working_group=group,
        text="Gruppen tittar på det.",
        by=coord_andersberg,
    )
    QuestionEvent.objects.create(
        question=question, status=Status.ANSWERED, text="Lamporna är lagade.", by=coord_andersberg, by_name_shown=True
    )
    Question.objects.filter(pk=question.pk).update(status=Status.ANSWERED, answer="Lamporna är lagade.")
    page = client.get(f"/fragor/{question.pk}/").content.decode()
    assert "Nätverkets svar" in page
    assert "Trygghetsgruppen" in page and "Gruppen tittar på det." in page
    assert page.count(coord_andersberg.name) == 1
    assert f"Av {coord_andersberg.name} för nätverket." in page
    assert "Av nätverket." in page


def test_the_author_is_named_only_when_they_chose_it(client, question, resident) -> None:
    assert "en boende i Brynäs" in client.get(f"/fragor/{question.pk}/").content.decode()
    Question.objects.filter(pk=question.pk).update(show_name=True)
    page = client.get(f"/fragor/{question.pk}/").content.decode()
    assert resident.name in page and "en boende i Brynäs" not in page


def test_the_network_page_shows_new_ongoing_and_answered_questions(client, networks, resident) -> None:
    make_question(networks["brynas"], resident, title="Ny fråga här")
    make_question(networks["brynas"], resident, title="Till arbetsgruppen", status=Status.WORKING_GROUP)
    make_question(networks["brynas"], resident, title="Svar finns", status=Status.ANSWERED)
    make_question(networks["brynas"], resident, title="Dold fråga", status=Status.HIDDEN, hidden_reason="x")
    make_question(networks["satra"], resident, title="I Sätra")
    page = client.get("/natverk/brynas/").content.decode()
    section = page.split('id="questions-heading"', 1)[1]
    assert section.index("Ny fråga här") < section.index("Till arbetsgruppen") < section.index("Svar finns")
    assert "Dold fråga" not in page and "I Sätra" not in page
    assert 'href="/fragor/ny/?natverk=brynas"' in section
    # The latest five of each kind.
    for number in range(5):
        make_question(networks["brynas"], resident, title=f"Senare fråga {number}")
    section = client.get("/natverk/brynas/").content.decode().split('id="questions-heading"', 1)[1]
    assert "Ny fråga här" not in section and "Senare fråga 0" in section and "Svar finns" in section


def test_the_feed_has_the_networks_visible_questions_with_their_state(client, networks, resident) -> None:
    make_question(networks["brynas"], resident, title="Svar finns", status=Status.ANSWERED, answer="Så här.")
    make_question(networks["brynas"], resident, title="Dold fråga", status=Status.HIDDEN, hidden_reason="x")
    make_question(networks["satra"], resident, title="I Sätra")
    response = client.get("/fragor/natverk/brynas/flode/")
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = ElementTree.fromstring(response.content)
    entries = feed.findall(f"{ATOM}entry")
    assert [entry.find(f"{ATOM}title").text for entry in entries] == ["Besvarad: Svar finns"]
    assert "Nätverkets svar: Så här." in entries[0].find(f"{ATOM}summary").text
    assert "en boende i Brynäs" in entries[0].find(f"{ATOM}summary").text
    assert client.get("/fragor/natverk/finns-inte/flode/").status_code == 404
