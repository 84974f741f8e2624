"""Payment details: check digits of bankgiro, plusgiro and bank accounts, the step, and who sees them."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from stdnum import luhn

from grants.models import Application
from grants.payment import (
    clean_bank_account,
    clean_bankgiro,
    clean_plusgiro,
    format_account,
    format_bankgiro,
    format_clearing,
    format_payment_details,
    format_plusgiro,
    luhn_ok,
    mod11_ok,
)
from grants.services import applications_user_delete, applications_user_export
from tests.grants.conftest import make_application

S = Application.Status


def _with_mod11_check(prefix: str) -> str:
    """`prefix` followed by the one digit that makes mod 11 come out right (test data only)."""
    for digit in "0123456789":
        if mod11_ok(prefix + digit):
            return prefix + digit
    raise AssertionError(f"{prefix} has no mod 11 check digit")


def _with_luhn_check(prefix: str) -> str:
    return prefix + luhn.calc_check_digit(prefix)


@pytest.mark.parametrize("number", ["1234567", "50501055", "9912346", "123456789", "7992739871", "0"])
def test_luhn_agrees_with_python_stdnum(number) -> None:
    assert luhn_ok(number) is luhn.is_valid(number)


@pytest.mark.parametrize(
    ("raw", "clean"), [("5050-1055", "5050-1055"), ("5050 1055", "5050-1055"), ("9912346", "991-2346")]
)
def test_valid_bankgiro(raw, clean) -> None:
    assert clean_bankgiro(raw) == clean


@pytest.mark.parametrize("raw", ["5050-1056", "123", "5050-10551", "abc-defg", ""])
def test_invalid_bankgiro(raw) -> None:
    with pytest.raises(ValidationError, match="Bankgironumret stämmer inte"):
        clean_bankgiro(raw)


def test_plusgiro() -> None:
    assert clean_plusgiro("28 65 43-4") == "286543-4"
    assert clean_plusgiro(_with_luhn_check("90200")) == f"90200-{luhn.calc_check_digit('90200')}"
    with pytest.raises(ValidationError, match="Plusgironumret stämmer inte"):
        clean_plusgiro("28 65 43-5")


def test_swedbank_type_1_mod_11_over_clearing_and_account() -> None:
    account = _with_mod11_check("123" + "123456")[3:]  # clearing 7123: digits 123 + account
    checked = clean_bank_account("7123", account)
    assert (checked.bank, checked.account) == ("Swedbank", account)
    wrong = account[:-1] + str((int(account[-1]) + 1) % 10)
    with pytest.raises(ValidationError) as error:
        clean_bank_account("7123", wrong)
    assert "account_number" in error.value.error_dict


def test_type_1_comment_2_uses_all_four_clearing_digits() -> None:
    account = _with_mod11_check("9020" + "123456")[4:]
    assert clean_bank_account("9020", account).bank == "Länsförsäkringar Bank"


def test_handelsbanken_nine_digits_mod_11() -> None:
    account = _with_mod11_check("12345678")
    assert clean_bank_account("6789", account).bank == "Handelsbanken"
    assert clean_bank_account("6789", f"{account[:3]} {account[3:6]} {account[6:]}").account == account
    with pytest.raises(ValidationError):
        clean_bank_account("6789", account[:-1] + str((int(account[-1]) + 1) % 10))


def test_swedbank_8000_series_with_and_without_the_clearing_check_digit() -> None:
    account = _with_luhn_check("12345678")
    assert clean_bank_account("8327-9", account).bank == "Swedbank"
    assert clean_bank_account("8327", account).clearing == "8327"
    with pytest.raises(ValidationError) as error:
        clean_bank_account("8327-8", account)
    assert "clearing_number" in error.value.error_dict


def test_nordea_personkonto_is_a_luhn_number() -> None:
    assert clean_bank_account("3300", _with_luhn_check("800101123")).bank == "Nordea (personkonto)"


def test_unknown_clearing_number_gets_a_length_check_only() -> None:
    assert clean_bank_account("9999", "1234567").bank == ""
    with pytest.raises(ValidationError):
        clean_bank_account("9999", "123")
    with pytest.raises(ValidationError):
        clean_bank_account("0123", "1234567")


# ---- The payment step ----


def _step(app: Application) -> str:
    return reverse("grants:step", kwargs={"pk": app.pk, "step": 5})


@pytest.fixture
def draft(pot, actor_a, rep_a) -> Application:
    app = make_application(pot=pot, lead=actor_a, status=S.DRAFT)
    Application.objects.filter(pk=app.pk).update(payment_method="", giro_number="")
    return app


@pytest.mark.django_db
def test_payment_step_saves_a_checked_bank_account(client, rep_a, draft) -> None:
    account = _with_mod11_check("12345678")
    client.force_login(rep_a)
    page = client.get(_step(draft)).content.decode()
    assert "Steg 5 av 6" in page
    response = client.post(
        _step(draft),
        {"payment_method": "bankkonto", "clearing_number": "6789", "account_number": account, "giro_number": "1"},
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert (draft.clearing_number, draft.account_number, draft.giro_number) == ("6789", account, "")
    assert draft.payment_details == (
        f"Bankkonto hos Handelsbanken: clearing 6789, konto {account[:3]} {account[3:6]} {account[6:]}"
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({}, "payment_method", "Välj hur ni vill få pengarna"),
        ({"payment_method": "bankgiro"}, "giro_number", "Skriv numret"),
        ({"payment_method": "bankgiro", "giro_number": "5050-1056"}, "giro_number", "Bankgironumret stämmer inte"),
        ({"payment_method": "plusgiro", "giro_number": "28 65 43-5"}, "giro_number", "Plusgironumret stämmer inte"),
        ({"payment_method": "bankkonto", "clearing_number": "7123"}, "account_number", "Skriv kontonumret"),
        (
            {"payment_method": "bankkonto", "clearing_number": "7123", "account_number": "1234567"},
            None,
            "Kontonumret stämmer inte med clearingnumret 7123 (Swedbank)",
        ),
    ],
)
def test_payment_step_refuses_bad_numbers_and_keeps_them(client, rep_a, draft, data, field, message) -> None:
    client.force_login(rep_a)
    response = client.post(_step(draft), {**data, "action": "next"})
    assert response.status_code == 200
    body = response.content.decode()
    assert message in body and "<title>Fel:" in body
    form = response.context["form"]
    assert field is None or field in form.errors or "account_number" in form.errors
    for name, value in data.items():
        assert form[name].value() == value
    draft.refresh_from_db()
    assert draft.payment_method == ""


@pytest.mark.django_db
def test_payment_fields_do_not_say_optional_and_hints_pass_their_own_check(client, rep_a, draft) -> None:
    client.force_login(rep_a)
    body = client.get(_step(draft)).content.decode()
    for name in ("giro_number", "clearing_number", "account_number"):
        label = body.split(f'for="id_{name}"')[1].split("</label>")[0]
        assert "valfritt" not in label
    assert clean_bankgiro("5050-1055") and clean_plusgiro("28 65 43-4")
    assert "5050-1055" in body and "28 65 43-4" in body and "8327-9" in body


# ---- Who sees them ----


@pytest.mark.django_db
def test_payment_details_never_on_public_pages(client, pot, actor_a) -> None:
    make_application(pot=pot, lead=actor_a, status=S.PAID)
    for path in ("/bidrag/beviljade/", "/bidrag/", f"/aktorer/{actor_a.slug}/"):
        assert "5050-1055" not in client.get(path).content.decode(), path


@pytest.mark.django_db
def test_payment_details_shown_to_the_lead_not_to_co_applicants(client, application, rep_a, rep_c) -> None:
    detail = reverse("grants:detail", kwargs={"pk": application.pk})
    client.force_login(rep_a)
    assert "Bankgiro 5050-1055" in client.get(detail).content.decode()
    client.force_login(rep_c)
    assert "5050-1055" not in client.get(detail).content.decode()


@pytest.mark.django_db
def test_payment_details_in_the_export_of_the_one_who_gave_them(application, rep_a, rep_c) -> None:
    mine = applications_user_export(user=rep_a)["grant_applications"][0]
    assert (mine["payment_method"], mine["giro_number"]) == ("Bankgiro", "5050-1055")
    theirs = applications_user_export(user=rep_c)["grant_applications"][0]
    assert "giro_number" not in theirs and "account_number" not in theirs


@pytest.mark.django_db
def test_account_deletion_removes_payment_details_no_longer_needed(pot, actor_a, rep_a) -> None:
    paid = make_application(pot=pot, lead=actor_a, status=S.PAID)
    open_app = make_application(pot=pot, lead=actor_a, status=S.IN_REVIEW)
    applications_user_delete(user=rep_a)
    paid.refresh_from_db()
    open_app.refresh_from_db()
    assert paid.payment_details == ""
    # Still to be paid to the actor: kept until then.
    assert open_app.payment_details == "Bankgiro 5050-1055"


# ---- Shown as a bank shows them ----


@pytest.mark.parametrize(
    ("method", "giro", "clearing", "account", "shown"),
    [
        ("bankgiro", "5050-1055", "", "", "Bankgiro 5050-1055"),
        ("bankgiro", "9912346", "", "", "Bankgiro 991-2346"),
        ("plusgiro", "286543-4", "", "", "Plusgiro 28 65 43-4"),
        ("plusgiro", "412345", "", "", "Plusgiro 4 12 34-5"),
        ("plusgiro", "4123455", "", "", "Plusgiro 41 23 45-5"),
        ("plusgiro", "9-1", "", "", "Plusgiro 9-1"),
        ("bankkonto", "", "83279", "1234567890", "Bankkonto hos Swedbank: clearing 8327-9, konto 123 456 789-0"),
        ("bankkonto", "", "8327", "12345678", "Bankkonto hos Swedbank: clearing 8327, konto 1 234 567-8"),
        ("bankkonto", "", "6789", "123456789", "Bankkonto hos Handelsbanken: clearing 6789, konto 123 456 789"),
        ("bankkonto", "", "7123", "1234567", "Bankkonto hos Swedbank: clearing 7123, konto 1 234 567"),
        ("bankkonto", "", "3300", "8001011234", "Bankkonto hos Nordea (personkonto): clearing 3300, konto 800101-1234"),
        ("bankkonto", "", "9999", "1234567", "Bankkonto: clearing 9999, konto 1 234 567"),
        # Details from before the checks existed are shown as they were typed, not dropped.
        ("bankgiro", "okänt", "", "", "Bankgiro okänt"),
        ("bankkonto", "", "abc", "12-34", "Bankkonto: clearing abc, konto 12-34"),
        ("bankgiro", "", "", "", ""),
        ("bankkonto", "", "8327", "", ""),
        ("", "5050-1055", "", "", ""),
    ],
)
def test_payment_details_formatted_as_a_bank_shows_them(method, giro, clearing, account, shown) -> None:
    details = format_payment_details(method=method, giro_number=giro, clearing_number=clearing, account_number=account)
    assert details == shown


def test_formatting_agrees_with_the_checks() -> None:
    """What the step stores (clean_*) comes back grouped, and the grouping passes the checks again."""
    assert format_plusgiro(clean_plusgiro("28 65 43-4")) == "28 65 43-4"
    assert clean_plusgiro(format_plusgiro("2865434")) == "286543-4"
    assert format_bankgiro(clean_bankgiro("50501055")) == "5050-1055"
    account = _with_luhn_check("123456789")
    checked = clean_bank_account("8327-9", account)
    assert format_clearing(checked.clearing) == "8327-9"
    assert clean_bank_account(format_clearing(checked.clearing), format_account("83279", account)).account == account


@pytest.mark.django_db
def test_the_application_shows_its_details_formatted(draft) -> None:
    draft.payment_method, draft.giro_number = Application.PaymentMethod.PLUSGIRO, "286543-4"
    assert draft.payment_details == "Plusgiro 28 65 43-4"
