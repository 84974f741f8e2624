"""The language the site writes to a user in: set at sign-up, then changed only by the user's choice,
on Mina uppgifter or with the offer on a page in another language; browsing changes nothing."""

from __future__ import annotations

import json
import re

import pytest
from django.contrib.sessions.backends.base import SessionBase
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from django.utils.translation import gettext

from members import services
from members.language import mail_language_offer
from members.models import User

pytestmark = pytest.mark.django_db
MY_DATA = "/mina-sidor/mina-uppgifter/"


def test_signup_on_a_finnish_page_keeps_finnish(client, django_capture_on_commit_callbacks) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/fi/konto/signup/", {"email": "uusi@example.se", "name": "Aino Uusi"})

    assert response.status_code == 302
    assert User.objects.get(email="uusi@example.se").language == "fi"


def test_signup_on_a_swedish_page_keeps_swedish(client, django_capture_on_commit_callbacks) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/konto/signup/", {"email": "ny@example.se", "name": "Anna Ny"})

    assert User.objects.get(email="ny@example.se").language == "sv"


def test_my_data_changes_the_language_and_opens_in_it(client, resident) -> None:
    client.force_login(resident)
    page = client.get(MY_DATA).content.decode()
    assert 'name="language"' in page
    assert '<option value="ar">العربية</option>' in page

    response = client.post(MY_DATA, {"language": "en"})

    assert response.status_code == 302
    assert response["Location"] == "/en" + MY_DATA
    resident.refresh_from_db()
    assert resident.language == "en"
    followed = client.get(response["Location"])
    assert "Saved. From now on we send you e-mail in this language." in followed.content.decode()


def test_my_data_refuses_a_language_the_site_does_not_have(client, resident) -> None:
    client.force_login(resident)

    response = client.post(MY_DATA, {"language": "de"})

    assert response.status_code == 200
    assert "Välj ett av språken i listan." in response.content.decode()
    resident.refresh_from_db()
    assert resident.language == "sv"


def test_browsing_in_another_language_keeps_the_mail_language(client, resident) -> None:
    client.force_login(resident)

    with CaptureQueriesContext(connection) as queries:
        for path in ("/ar/natverk/", "/fi/natverk/", "/en/om/", "/robots.txt", "/natverk/"):
            assert client.get(path).status_code == 200

    resident.refresh_from_db()
    assert resident.language == "sv"
    assert not [q["sql"] for q in queries if q["sql"].startswith("UPDATE") and "members_user" in q["sql"]]
    assert services.user_set_language(user=resident, language="sv") is False
    assert services.user_set_language(user=resident, language="fi") is True
    assert User.objects.get(pk=resident.pk).language == "fi"


# ---- the offer on a page in another language ----


def _offer(page: str) -> str:
    """The offer's form on a page, or ""."""
    match = re.search(r'<form class="panel language-offer".*?</form>', page, re.S)
    return match.group(0) if match else ""


def test_a_page_in_another_language_offers_mail_in_it(client, resident) -> None:
    client.force_login(resident)

    page = client.get("/ar/natverk/?sida=1").content.decode()

    offer = _offer(page)
    assert 'action="/ar/mina-sidor/e-postsprak/"' in offer
    assert '<input type="hidden" name="next" value="/ar/natverk/?sida=1">' in offer
    assert 'name="csrfmiddlewaretoken"' in offer
    assert '<button type="submit" name="answer" value="yes">' in offer
    assert '<button type="submit" name="answer" value="no" class="button--secondary">' in offer
    # After the page's own content: the first heading stays where it was.
    assert page.index("<h1") < page.index('class="panel language-offer"') < page.index("</main>")


@pytest.mark.parametrize(
    ("language", "path"),
    [
        ("sv", "/natverk/"),  # A Swedish page makes no offer: it has no prefix.
        ("ar", "/ar/natverk/"),  # The mail already comes in Arabic.
        ("fi", "/fi/natverk/"),
    ],
)
def test_no_offer_where_there_is_nothing_to_choose(client, resident, language, path) -> None:
    User.objects.filter(pk=resident.pk).update(language=language)
    client.force_login(resident)

    assert _offer(client.get(path).content.decode()) == ""


def test_no_offer_to_a_visitor_without_an_account(client, db) -> None:
    assert _offer(client.get("/en/natverk/").content.decode()) == ""


def test_yes_sets_the_mail_language_and_returns_to_the_page(client, resident) -> None:
    client.force_login(resident)

    response = client.post("/ar/mina-sidor/e-postsprak/", {"answer": "yes", "next": "/ar/natverk/"})

    assert response.status_code == 302
    assert response["Location"] == "/ar/natverk/"
    resident.refresh_from_db()
    assert resident.language == "ar"
    page = client.get(response["Location"]).content.decode()
    with translation.override("ar"):
        confirmation = gettext("Sparat. Från och med nu får du e-post från oss på det här språket.")
    assert confirmation != "Sparat. Från och med nu får du e-post från oss på det här språket."
    assert confirmation in page
    assert _offer(page) == ""


def test_no_thanks_stops_the_offer_of_that_language_in_the_session(client, resident) -> None:
    client.force_login(resident)

    response = client.post("/en/mina-sidor/e-postsprak/", {"answer": "no", "next": "/en/moten/"})

    assert response["Location"] == "/en/moten/"
    resident.refresh_from_db()
    assert resident.language == "sv"
    assert _offer(client.get("/en/natverk/").content.decode()) == ""
    # Another language is still offered, and a new session offers English again.
    assert _offer(client.get("/fi/natverk/").content.decode())
    client.logout()
    client.force_login(resident)
    assert _offer(client.get("/en/natverk/").content.decode())


def test_the_answer_returns_only_to_a_page_of_the_site(client, resident) -> None:
    client.force_login(resident)

    response = client.post("/en/mina-sidor/e-postsprak/", {"answer": "no", "next": "https://example.com/"})

    assert response["Location"] == "/en/mina-sidor/"


def test_the_offer_needs_no_query(rf, resident) -> None:
    """The user (with its language) and the session are loaded for the page anyway."""
    request = rf.get("/en/natverk/")
    request.user = resident
    request.session = SessionBase()

    with CaptureQueriesContext(connection) as queries:
        offer = mail_language_offer(request)

    assert offer is not None and offer.language == "en" and offer.next == "/en/natverk/"
    assert len(queries) == 0


def test_the_download_says_the_language(client, resident) -> None:
    User.objects.filter(pk=resident.pk).update(language="fi")
    client.force_login(resident)

    # Downloaded from the Finnish page, in Finnish.
    data = json.loads(client.get("/fi" + MY_DATA + "export/").content)

    assert data["user"]["language"] == "Suomi"


def test_invitation_goes_out_in_the_invitees_language(rep_a, actor_a, django_capture_on_commit_callbacks) -> None:
    User.objects.create_user(email="kim@example.se", name="Kim", language="en")

    with django_capture_on_commit_callbacks(execute=True):
        services.invitation_create(actor=actor_a, email="kim@example.se", role="contact", invited_by=rep_a)

    message = mail.outbox[-1]
    assert message.to == ["kim@example.se"]
    assert "/en/mina-sidor/inbjudan/" in message.body
    assert "Hello Kim!" in message.body
