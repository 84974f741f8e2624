"""The language the site writes to a user in: set at sign-up, on Mina uppgifter and by browsing."""

from __future__ import annotations

import json

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from members import services
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


def test_browsing_in_another_language_changes_the_users_language(client, resident) -> None:
    client.force_login(resident)

    client.get("/ar/natverk/")
    resident.refresh_from_db()
    assert resident.language == "ar"

    # Not a page of a language: the sitemap and robots.txt change nothing.
    client.get("/robots.txt")
    resident.refresh_from_db()
    assert resident.language == "ar"

    # A Swedish page (no prefix: links in mail, the admin) is nobody's choice of language.
    client.get("/natverk/")
    resident.refresh_from_db()
    assert resident.language == "ar"

    client.get("/fi/natverk/")
    resident.refresh_from_db()
    assert resident.language == "fi"


def test_browsing_in_the_same_language_writes_nothing(client, resident) -> None:
    client.force_login(resident)
    with CaptureQueriesContext(connection) as queries:
        client.get("/om/")
    assert not [q["sql"] for q in queries if q["sql"].startswith("UPDATE") and "members_user" in q["sql"]]
    assert services.user_set_language(user=resident, language="sv") is False
    assert services.user_set_language(user=resident, language="fi") is True
    assert User.objects.get(pk=resident.pk).language == "fi"


def test_the_download_says_the_language(client, resident) -> None:
    User.objects.filter(pk=resident.pk).update(language="fi")
    client.force_login(resident)

    # Downloaded from the Finnish page: a Swedish page would make the language Swedish.
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
