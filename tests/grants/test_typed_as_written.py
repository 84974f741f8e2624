"""Issue 22: the application's own fields speak our Swedish and keep what was typed.

A date states its field's real rule; a whole number is typed in a text box, so "12,5"
comes back as typed; the payment method's numbers are required and checked for the chosen
method only ("8327-9" is a clearing number, not too long); the upload receipt names the
file as the person called it; Enter does the step's main action."""

from __future__ import annotations

import datetime
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from borsen.models import Listing
from grants.models import Application
from tests.borsen.test_forms import _data as listing_data
from tests.borsen.test_forms import _errors as listing_errors
from tests.grants.conftest import TODAY, make_application
from tests.vnu import SubmitButtons

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def url(name: str, **kwargs) -> str:
    return reverse(f"grants:{name}", kwargs=kwargs)


def _field_errors(response) -> dict[str, list[str]]:
    form = response.context["form"]
    return {name: list(errors) for name, errors in form.errors.items()}


def _input(html: str, name: str) -> str:
    match = re.search(rf'<input[^>]*name="{name}"[^>]*>', html)
    assert match, f"no input {name}"
    return match.group(0)


def _activity(**over) -> dict:
    start = TODAY + datetime.timedelta(days=30)
    data = {
        "description": "Läxhjälp",
        "purpose": "Skolan",
        "target_group": "Barn",
        "starts_on": start.isoformat(),
        "ends_on": start.isoformat(),
        "place": "Biblioteket",
        "expected_participants": "25",
        "action": "next",
    }
    return {**data, **over}


@pytest.fixture
def app(pot, actor_a, rep_a, client) -> Application:
    client.force_login(rep_a)
    return make_application(pot=pot, lead=actor_a)


def test_a_start_date_in_1990_states_the_real_rule(client, app) -> None:
    response = client.post(url("step", pk=app.pk, step=2), _activity(starts_on="1990-01-01"))
    assert _field_errors(response)["starts_on"] == [
        "Aktiviteten har redan börjat. Ansökan måste komma in innan aktiviteten börjar."
    ]


def test_a_start_date_far_ahead_is_a_typo_in_the_year(client, app) -> None:
    response = client.post(url("step", pk=app.pk, step=2), _activity(starts_on="2999-01-01", ends_on="2999-01-02"))
    errors = _field_errors(response)
    assert len(errors["starts_on"]) == 1 and "Kontrollera årtalet" in errors["starts_on"][0]


def test_a_number_and_a_date_come_back_as_typed(client, app) -> None:
    response = client.post(
        url("step", pk=app.pk, step=2), _activity(expected_participants="12,5", ends_on="31/12/2027")
    )
    assert _field_errors(response) == {"expected_participants": ["Skriv ett heltal med siffror, till exempel 12."]}
    html = response.content.decode()
    participants = _input(html, "expected_participants")
    # A text box: type="number" would show nothing for "12,5".
    assert 'type="text"' in participants and 'inputmode="numeric"' in participants
    assert 'value="12,5"' in participants
    assert 'value="31/12/2027"' in _input(html, "ends_on")
    assert "min=" not in participants and "max=" not in participants


def test_the_participants_limits_are_still_kept(client, app) -> None:
    for typed, message in (("0", "Skriv ett tal som är minst 1."), ("100001", "Skriv ett tal som är högst 100000.")):
        response = client.post(url("step", pk=app.pk, step=2), _activity(expected_participants=typed))
        assert _field_errors(response) == {"expected_participants": [message]}


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ({"payment_method": "bankkonto", "clearing_number": "8327-9", "account_number": "123 456 789-7"},
         ("83279", "1234567897", "")),
        # The numbers of the other method are neither checked nor kept, whatever they hold.
        ({"payment_method": "bankgiro", "giro_number": "5050-1055", "clearing_number": "8327-9",
          "account_number": "123456789012345678901234"},
         ("", "", "5050-1055")),
        ({"payment_method": "bankkonto", "clearing_number": "8327", "account_number": "1234567897",
          "giro_number": "inte ett nummer alls, och alldeles för långt"},
         ("8327", "1234567897", "")),
    ],
)  # fmt: skip
def test_only_the_chosen_methods_numbers_count(client, app, typed, stored) -> None:
    response = client.post(url("step", pk=app.pk, step=5), {**typed, "action": "next"})
    assert response.status_code == 302, _field_errors(response)
    app.refresh_from_db()
    assert (app.clearing_number, app.account_number, app.giro_number) == stored


def test_no_method_chosen_asks_for_the_method_only(client, app) -> None:
    response = client.post(
        url("step", pk=app.pk, step=5), {"clearing_number": "8327-9", "account_number": "x" * 30, "action": "next"}
    )
    assert _field_errors(response) == {"payment_method": ["Välj hur ni vill få pengarna."]}
    html = response.content.decode()
    assert 'value="8327-9"' in _input(html, "clearing_number")  # Kept as typed, for when the method is chosen.


def test_a_too_long_account_gets_one_message(client, app) -> None:
    response = client.post(
        url("step", pk=app.pk, step=5),
        {"payment_method": "bankkonto", "clearing_number": "8327-9", "account_number": "1" * 21, "action": "next"},
    )
    assert _field_errors(response) == {"account_number": ["Skriv högst 20 tecken – nu är det 21."]}
    response = client.post(
        url("step", pk=app.pk, step=5),
        {"payment_method": "bankkonto", "clearing_number": "8327-9", "account_number": "1" * 20, "action": "next"},
    )
    errors = _field_errors(response)
    assert list(errors) == ["account_number"] and len(errors["account_number"]) == 1


def test_the_payment_step_shows_each_methods_numbers_under_the_choices(client, app) -> None:
    html = client.get(url("step", pk=app.pk, step=5)).content.decode()
    giro = html.index("payment-details__numbers--giro")
    bank = html.index("payment-details__numbers--bank")
    assert html.index('name="payment_method"') < giro < html.index('name="giro_number"') < bank
    assert bank < html.index('name="clearing_number"') < html.index('name="account_number"')
    assert "Om ni valt" not in html  # Shown under the choice it belongs to, not for every choice.


def test_the_upload_receipt_names_the_file_as_given(client, app) -> None:
    upload = SimpleUploadedFile("offert.pdf", PDF, content_type="application/pdf")
    data = {"contact_name": "Alva", "contact_email": "alva@example.se", "action": "upload", "attachment": upload}
    response = client.post(url("step", pk=app.pk, step=4), data, follow=True)
    assert "Filen ”offert.pdf” är bifogad." in response.content.decode()
    assert app.attachments.get().original_name == "offert.pdf"


@pytest.mark.parametrize("step", [1, 2, 3, 4, 5])
def test_enter_does_the_main_action_in_every_step(client, app, step) -> None:
    parser = SubmitButtons()
    parser.feed(client.get(url("step", pk=app.pk, step=step)).content.decode())
    main_form = max(parser.forms, key=len)
    first, _text = main_form[0]
    assert (first.get("name"), first.get("value")) == ("action", "next")
    # Out of sight and the tab order: the visible "Spara och fortsätt" is the one people use.
    assert first.get("tabindex") == "-1" and first.get("aria-hidden") == "true"


def test_a_listings_last_day_in_1990_states_the_real_rule(client, rep_a, actor_a, networks) -> None:
    client.force_login(rep_a)
    response = client.post("/borsen/nytt/", listing_data(networks, actor=actor_a.pk, last_date="1990-01-01"))
    assert listing_errors(response)["last_date"] == [
        "Sista dag kan inte ha passerat. Välj i dag eller ett senare datum."
    ]
    assert not Listing.objects.exists()
