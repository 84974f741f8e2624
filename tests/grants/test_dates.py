"""Dates typed in grants (issue 19): the activity's dates, the payment day and a pot's dates in the admin."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from grants.models import Application, Payment, Pot
from tests.grants.conftest import TODAY, make_application
from tests.grants.test_access import _pot_form
from tests.grants.test_admin_decisions import decision_url
from tests.grants.test_views import _activity, url

S = Application.Status
MESSAGE = "Skriv datumet som 2026-12-07 eller 7/12 2026."
NEXT_YEAR = TODAY.year + 1
pytestmark = pytest.mark.django_db


def _step_2(client, app: Application, **dates: str):
    return client.post(url("step", pk=app.pk, step=2), _activity(**dates))


# ---- The activity (step 2) ----


def test_the_activitys_dates_are_read_day_first(client, pot, actor_a, rep_a) -> None:
    app = make_application(pot=pot, lead=actor_a, status=S.DRAFT)
    client.force_login(rep_a)
    page = client.get(url("step", pk=app.pk, step=2)).content.decode()
    assert 'type="date"' not in page and "Till exempel 2026-12-07 eller 7/12 2026." in page
    response = _step_2(client, app, starts_on=f"07/12/{NEXT_YEAR}", ends_on=f"8 dec. {NEXT_YEAR}")
    assert response.status_code == 302
    app.refresh_from_db()
    assert (app.starts_on, app.ends_on) == (datetime.date(NEXT_YEAR, 12, 7), datetime.date(NEXT_YEAR, 12, 8))
    # Shown again as ISO, which reads one way only.
    assert f'value="{NEXT_YEAR}-12-07"' in client.get(url("step", pk=app.pk, step=2)).content.decode()


@pytest.mark.parametrize(
    ("starts_on", "ends_on", "field", "message"),
    [
        (f"12/13/{NEXT_YEAR}", f"14/12 {NEXT_YEAR}", "starts_on", MESSAGE),
        (f"7/12 {NEXT_YEAR}", f"7/12 {NEXT_YEAR % 100}", "ends_on", MESSAGE),
        (f"7/12 {NEXT_YEAR}", f"6/12 {NEXT_YEAR}", "ends_on", "Slutdatum kan inte vara före startdatum."),
        (f"7/12 {NEXT_YEAR}", f"7/12 {TODAY.year + 20}", "ends_on", "Kontrollera årtalet"),
    ],
)
def test_the_activitys_dates_are_refused_with_what_was_typed(
    client, pot, actor_a, rep_a, starts_on, ends_on, field, message
) -> None:
    app = make_application(pot=pot, lead=actor_a, status=S.DRAFT)
    before = (app.starts_on, app.ends_on)
    client.force_login(rep_a)
    response = _step_2(client, app, starts_on=starts_on, ends_on=ends_on)
    assert response.status_code == 200
    assert any(message in error for error in response.context["form"].errors[field])
    body = response.content.decode()
    assert f'value="{starts_on}"' in body and f'value="{ends_on}"' in body
    app.refresh_from_db()
    assert (app.starts_on, app.ends_on) == before


# ---- The payment day ----


def test_the_payment_day_is_read_day_first(client, steering, pot, actor_a) -> None:
    app = make_application(pot=pot, lead=actor_a, status=S.APPROVED)
    client.force_login(steering)
    typed = f"{TODAY:%d/%m/%Y}"  # today, written the Swedish way: 07/12/2026 is 7 December
    response = client.post(decision_url(app, "utbetald"), {"paid_on": typed, "reference": "VER-19"})
    assert response.status_code == 302
    assert Payment.objects.get(application=app).paid_on == TODAY


def test_a_us_payment_day_is_refused_and_kept(client, steering, pot, actor_a) -> None:
    app = make_application(pot=pot, lead=actor_a, status=S.APPROVED)
    client.force_login(steering)
    response = client.post(decision_url(app, "utbetald"), {"paid_on": "12/13/2026", "reference": "VER-19"})
    body = response.content.decode()
    assert response.status_code == 200 and MESSAGE in body
    assert 'value="12/13/2026"' in body and 'type="date"' not in body
    assert not Payment.objects.filter(application=app).exists()


# ---- A pot's dates in the admin ----


def _new_pot_form(**dates: str) -> dict:
    return {
        "name": "Vinterpotten",
        "year": NEXT_YEAR,
        "is_open": "on",
        "max_amount_per_application": 10_000,
        "allowed_kinds": Pot._meta.get_field("allowed_kinds").get_default(),
        "fundings-TOTAL_FORMS": 0,
        "fundings-INITIAL_FORMS": 0,
        "fundings-MIN_NUM_FORMS": 0,
        "fundings-MAX_NUM_FORMS": 1000,
        **dates,
    }


def test_a_new_pots_dates_are_read_day_first(client, superuser) -> None:
    client.force_login(superuser)
    data = _new_pot_form(opens_on=f"7/12 {NEXT_YEAR}", closes_on=f"7 januari {NEXT_YEAR + 1}")
    response = client.post(reverse("admin:grants_pot_add"), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    pot = Pot.objects.get(name="Vinterpotten")
    assert (pot.opens_on, pot.closes_on) == (datetime.date(NEXT_YEAR, 12, 7), datetime.date(NEXT_YEAR + 1, 1, 7))


def test_a_pots_change_form_reads_day_first_and_refuses_us_dates(client, superuser, pot) -> None:
    client.force_login(superuser)
    change = reverse("admin:grants_pot_change", args=[pot.pk])
    amounts = list(pot.fundings.order_by("pk").values_list("amount", flat=True))
    response = client.post(change, {**_pot_form(pot, amounts), "closes_on": f"07/12/{NEXT_YEAR}"})
    assert response.status_code == 302
    pot.refresh_from_db()
    assert pot.closes_on == datetime.date(NEXT_YEAR, 12, 7)

    response = client.post(change, {**_pot_form(pot, amounts), "closes_on": f"12/13/{NEXT_YEAR}"})
    body = response.content.decode()
    assert response.status_code == 200 and MESSAGE in body
    assert f'value="12/13/{NEXT_YEAR}"' in body
    pot.refresh_from_db()
    assert pot.closes_on == datetime.date(NEXT_YEAR, 12, 7)
