"""The payment pages: what is paid, to whom and where; the day and the reference a payment needs."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format

from grants import workflow
from grants.models import Application, Funding, Payment, Pot
from grants.workflow import PaymentRefused, application_transition
from members.models import Representation
from tests.grants.conftest import TODAY, make_application

S = Application.Status
NBSP = "\xa0"
DAYS_AGO_10 = timezone.now() - datetime.timedelta(days=10)
CHANGELIST = "admin:grants_application_changelist"


def pay_url(app: Application) -> str:
    return reverse("admin:grants_application_decision", args=[app.pk, "utbetald"])


def _swedish(day: datetime.date) -> str:
    with translation.override("sv"):
        return date_format(day, "j F Y")


def kr(amount: str) -> str:
    return amount.replace(" ", NBSP) + f"{NBSP}kr"


def _approved(pot: Pot, actor, *, requested: int = 5_200, granted: int = 4_000, **kwargs) -> Application:
    return make_application(
        pot=pot, lead=actor, status=S.APPROVED, requested=requested, granted=granted, approved_at=DAYS_AGO_10, **kwargs
    )


def _bulk(client, apps, **data):
    payload = {"action": "mark_paid", ACTION_CHECKBOX_NAME: [app.pk for app in apps], **data}
    return client.post(reverse(CHANGELIST), payload, follow=True)


def _other_pot(year: int) -> Pot:
    other = Pot.objects.create(
        year=year,
        name=f"Extrapotten {year}",
        opens_on=datetime.date(year, 1, 1),
        closes_on=datetime.date(year, 12, 31),
        max_amount_per_application=20_000,
    )
    Funding.objects.create(pot=other, funder="Gävle kommun", amount=50_000)
    return other


@pytest.fixture
def org_numbers(actor_a, actor_b):
    actor_a.org_number, actor_b.org_number = "802412-3456", "802498-7654"
    actor_a.save(update_fields=["org_number"])
    actor_b.save(update_fields=["org_number"])


# ---- what the pages show ----


@pytest.mark.django_db
def test_single_page_shows_granted_amount_payee_and_details(client, steering, pot, actor_a, org_numbers):
    app = _approved(pot, actor_a)
    Application.objects.filter(pk=app.pk).update(payment_method="plusgiro", giro_number="286543-4")
    client.force_login(steering)
    body = client.get(pay_url(app)).content.decode()
    assert f"<strong>{kr('4 000')}</strong>" in body
    # The amount asked only beside it, labelled, and not as the page's main amount.
    assert f"(sökt belopp: {kr('5 200')})" in body and "Sökt belopp</dt>" not in body
    assert "Föreningen Alfa" in body and "802412-3456" in body
    assert "Plusgiro 28 65 43-4" in body
    assert f"Beviljad</dt><dd>{_swedish(timezone.localdate(DAYS_AGO_10))}</dd>" in body
    assert 'name="reference"' in body and 'name="paid_on"' in body


@pytest.mark.django_db
def test_bulk_page_shows_each_payee_and_the_total(client, steering, pot, actor_a, actor_b, org_numbers):
    one = _approved(pot, actor_a, granted=4_000)
    two = _approved(pot, actor_b, requested=9_000, granted=8_500)
    Application.objects.filter(pk=two.pk).update(
        payment_method="bankkonto", clearing_number="6789", account_number="123456789"
    )
    client.force_login(steering)
    body = _bulk(client, [one, two]).content.decode()
    assert f"2 ansökningar, totalt {kr('12 500')} att betala." in body
    assert f"<strong>{kr('4 000')}</strong>" in body and f"<strong>{kr('8 500')}</strong>" in body
    assert "Föreningen Alfa" in body and "802412-3456" in body and "Föreningen Beta" in body and "802498-7654" in body
    assert "Bankgiro 5050-1055" in body
    assert "Bankkonto hos Handelsbanken: clearing 6789, konto 123 456 789" in body
    assert "Sökt belopp:" not in body
    assert not Payment.objects.exists()


@pytest.mark.django_db
def test_bulk_page_counts_one(client, steering, pot, actor_a):
    client.force_login(steering)
    body = _bulk(client, [_approved(pot, actor_a)]).content.decode()
    assert f"1 ansökan, totalt {kr('4 000')} att betala." in body


# ---- the day ----


@pytest.mark.django_db
def test_a_day_before_the_approval_is_refused_on_the_field_and_kept(client, steering, pot, actor_a):
    app = _approved(pot, actor_a)
    client.force_login(steering)
    early = TODAY - datetime.timedelta(days=30)
    response = client.post(pay_url(app), {"paid_on": early.isoformat(), "reference": "VER-9"})
    body = response.content.decode()
    assert response.status_code == 200 and "<title>Fel:" in body
    assert "ligger före beslutet att bevilja" in response.context["form"].errors["paid_on"][0]
    assert f'value="{early.isoformat()}"' in body and 'value="VER-9"' in body
    assert not Payment.objects.exists()
    app.refresh_from_db()
    assert app.status == S.APPROVED
    # The approval day itself is fine.
    approved_on = timezone.localdate(DAYS_AGO_10)
    assert client.post(pay_url(app), {"paid_on": approved_on.isoformat(), "reference": "VER-9"}).status_code == 302
    assert Payment.objects.get().paid_on == approved_on


@pytest.mark.django_db
def test_a_day_after_today_is_refused_on_the_field(client, steering, pot, actor_a):
    app = _approved(pot, actor_a)
    client.force_login(steering)
    tomorrow = TODAY + datetime.timedelta(days=1)
    response = client.post(pay_url(app), {"paid_on": tomorrow.isoformat(), "reference": "VER-9"})
    assert "kan inte ligga i framtiden" in response.context["form"].errors["paid_on"][0]
    assert f'value="{tomorrow.isoformat()}"' in response.content.decode()
    assert not Payment.objects.exists()


@pytest.mark.django_db
def test_the_day_help_names_the_approval_day(client, steering, pot, actor_a):
    app = _approved(pot, actor_a)
    client.force_login(steering)
    body = client.get(pay_url(app)).content.decode()
    assert f"tidigast {_swedish(timezone.localdate(DAYS_AGO_10))} (dagen ansökan beviljades), senast i dag" in body


# ---- the reference ----


@pytest.mark.django_db
def test_a_reference_used_in_the_same_pot_is_refused_naming_the_other(client, steering, pot, actor_a, actor_b):
    first = _approved(pot, actor_a)
    second = _approved(pot, actor_b)
    application_transition(
        application=first, to_status=S.PAID, actor_user=steering, payment_date=TODAY, payment_reference="VER-7"
    )
    client.force_login(steering)
    response = client.post(pay_url(second), {"paid_on": TODAY.isoformat(), "reference": "ver-7 "})
    message = response.context["form"].errors["reference"][0]
    assert "”VER-7” används redan" in message and str(first) in message
    assert 'value="ver-7 "' in response.content.decode()
    second.refresh_from_db()
    assert second.status == S.APPROVED and Payment.objects.count() == 1


@pytest.mark.django_db
def test_a_reference_used_in_another_pot_of_the_same_year_is_refused(steering, pot, actor_a, actor_b):
    other = _other_pot(pot.year)
    first = _approved(other, actor_a)
    second = _approved(pot, actor_b)
    application_transition(
        application=first, to_status=S.PAID, actor_user=steering, payment_date=TODAY, payment_reference="VER-7"
    )
    with pytest.raises(PaymentRefused, match="används redan") as refused:
        application_transition(
            application=second, to_status=S.PAID, actor_user=steering, payment_date=TODAY, payment_reference="VER-7"
        )
    assert refused.value.field == "reference" and "Extrapotten" in str(refused.value)


@pytest.mark.django_db
def test_the_same_reference_in_another_year_is_fine(steering, pot, actor_a, actor_b):
    last_year = _other_pot(pot.year - 1)
    old = _approved(last_year, actor_a)
    application_transition(
        application=old, to_status=S.PAID, actor_user=steering, payment_date=TODAY, payment_reference="VER-7"
    )
    new = _approved(pot, actor_b)
    application_transition(
        application=new, to_status=S.PAID, actor_user=steering, payment_date=TODAY, payment_reference="VER-7"
    )
    assert Payment.objects.filter(reference="VER-7").count() == 2


@pytest.mark.django_db
def test_the_database_constraint_becomes_the_same_refusal(monkeypatch, steering, pot, actor_a, actor_b):
    """Two payments racing past the check: the unique (pot, reference) constraint's error is a refusal."""
    first = _approved(pot, actor_a)
    second = _approved(pot, actor_b)
    application_transition(
        application=first, to_status=S.PAID, actor_user=steering, payment_date=TODAY, payment_reference="VER-7"
    )
    real = workflow._check_reference_free
    calls = []

    def blind_the_first_time(app, reference):
        calls.append(reference)
        if len(calls) > 1:
            real(app, reference)

    monkeypatch.setattr(workflow, "_check_reference_free", blind_the_first_time)
    with pytest.raises(PaymentRefused, match="används redan"):
        application_transition(
            application=second, to_status=S.PAID, actor_user=steering, payment_date=TODAY, payment_reference="VER-7"
        )
    assert len(calls) == 2
    second.refresh_from_db()
    assert second.status == S.APPROVED and Payment.objects.count() == 1


# ---- missing payment details ----


@pytest.mark.django_db
def test_without_payment_details_the_single_page_refuses(client, steering, pot, actor_a):
    app = _approved(pot, actor_a)
    Application.objects.filter(pk=app.pk).update(payment_method="", giro_number="")
    client.force_login(steering)
    body = client.get(pay_url(app)).content.decode()
    assert "det saknas uppgifter om vart pengarna ska betalas" in body and "steg 5" in body
    assert 'name="reference"' not in body
    response = client.post(pay_url(app), {"paid_on": TODAY.isoformat(), "reference": "VER-1"})
    assert response.status_code == 200 and "steg 5" in response.context["refusal"]
    app.refresh_from_db()
    assert app.status == S.APPROVED and not Payment.objects.exists()


@pytest.mark.django_db
def test_without_payment_details_the_bulk_page_leaves_it_alone(client, steering, pot, actor_a, actor_b):
    ready = _approved(pot, actor_a)
    bare = _approved(pot, actor_b, granted=3_000)
    Application.objects.filter(pk=bare.pk).update(payment_method="", giro_number="")
    client.force_login(steering)
    body = _bulk(client, [ready, bare]).content.decode()
    assert "1 vald ansökan saknar uppgifter om vart pengarna ska betalas" in body and "steg 5" in body
    assert f'name="a{bare.pk}-reference"' not in body
    assert f"1 ansökan, totalt {kr('4 000')} att betala." in body
    _bulk(client, [ready, bare], apply="1", paid_on=TODAY.isoformat(), **{f"a{ready.pk}-reference": "VER-1"})
    assert list(Payment.objects.values_list("application", flat=True)) == [ready.pk]


# ---- the bulk page: all or nothing ----


@pytest.mark.django_db
def test_bulk_with_one_bad_row_pays_nothing_and_keeps_what_was_typed(client, steering, pot, actor_a, actor_b):
    one = _approved(pot, actor_a)
    two = _approved(pot, actor_b)
    client.force_login(steering)
    day = TODAY - datetime.timedelta(days=1)
    response = _bulk(
        client,
        [one, two],
        apply="1",
        paid_on=day.isoformat(),
        **{f"a{one.pk}-reference": "VER-1", f"a{two.pk}-reference": "ver-1"},
    )
    body = response.content.decode()
    assert "Inga utbetalningar registrerades" in body
    # The page lists the newest first; the later of the two gets the error.
    assert f"Samma referens som för {two}" in body
    assert 'value="VER-1"' in body and 'value="ver-1"' in body and f'value="{day.isoformat()}"' in body
    assert not Payment.objects.exists()
    for app in (one, two):
        app.refresh_from_db()
        assert app.status == S.APPROVED


@pytest.mark.django_db
def test_bulk_day_before_one_approval_names_that_application(client, steering, pot, actor_a, actor_b):
    old = _approved(pot, actor_a)
    recent = make_application(
        pot=pot, lead=actor_b, status=S.APPROVED, approved_at=timezone.now() - datetime.timedelta(days=2)
    )
    client.force_login(steering)
    day = TODAY - datetime.timedelta(days=5)
    response = _bulk(
        client,
        [old, recent],
        apply="1",
        paid_on=day.isoformat(),
        **{f"a{old.pk}-reference": "VER-1", f"a{recent.pk}-reference": "VER-2"},
    )
    errors = response.context["day_form"].errors["paid_on"]
    assert len(errors) == 1 and errors[0].startswith(f"{recent}: ") and "före beslutet" in errors[0]
    assert not Payment.objects.exists()


@pytest.mark.django_db
def test_bulk_future_day_is_said_once(client, steering, pot, actor_a, actor_b):
    one, two = _approved(pot, actor_a), _approved(pot, actor_b)
    client.force_login(steering)
    tomorrow = TODAY + datetime.timedelta(days=1)
    response = _bulk(
        client,
        [one, two],
        apply="1",
        paid_on=tomorrow.isoformat(),
        **{f"a{one.pk}-reference": "A", f"a{two.pk}-reference": "B"},
    )
    assert [str(e) for e in response.context["day_form"].errors["paid_on"]] == [
        "Utbetalningsdagen kan inte ligga i framtiden. Registrera utbetalningen när pengarna har gått ut."
    ]
    assert not Payment.objects.exists()


@pytest.mark.django_db
def test_bulk_refused_in_the_transaction_rolls_every_payment_back(monkeypatch, client, steering, pot, actor_a, actor_b):
    """A refusal after the check (someone else was quicker) undoes the rows already paid."""
    one, two = _approved(pot, actor_a), _approved(pot, actor_b)
    real = workflow.check_payment

    def refuse_after_the_first(*, application, payment_date, payment_reference):
        if Payment.objects.exists():
            raise PaymentRefused("Någon annan hann före.", field="reference")
        real(application=application, payment_date=payment_date, payment_reference=payment_reference)

    monkeypatch.setattr(workflow, "check_payment", refuse_after_the_first)
    client.force_login(steering)
    response = _bulk(
        client,
        [one, two],
        apply="1",
        paid_on=TODAY.isoformat(),
        **{f"a{one.pk}-reference": "A", f"a{two.pk}-reference": "B"},
    )
    body = response.content.decode()
    assert "Inga utbetalningar registrerades" in body and "Någon annan hann före." in body
    assert not Payment.objects.exists()
    for app in (one, two):
        app.refresh_from_db()
        assert app.status == S.APPROVED


@pytest.mark.django_db
def test_bulk_pays_all_with_one_day(client, steering, pot, actor_a, actor_b):
    one, two = _approved(pot, actor_a), _approved(pot, actor_b, granted=3_500)
    client.force_login(steering)
    body = _bulk(
        client,
        [one, two],
        apply="1",
        paid_on=TODAY.isoformat(),
        **{f"a{one.pk}-reference": "A", f"a{two.pk}-reference": "B"},
    ).content.decode()
    assert "2 ansökningar fick status ”Utbetald”." in body and f"Utbetalt totalt {kr('7 500')}." in body
    assert sorted(Payment.objects.values_list("reference", "amount", "paid_on")) == [
        ("A", 4_000, TODAY),
        ("B", 3_500, TODAY),
    ]


@pytest.mark.django_db
def test_bulk_says_both_a_wrong_day_and_a_repeated_reference(client, steering, pot, actor_a, actor_b):
    one, two = _approved(pot, actor_a), _approved(pot, actor_b)
    client.force_login(steering)
    tomorrow = TODAY + datetime.timedelta(days=1)
    response = _bulk(
        client,
        [one, two],
        apply="1",
        paid_on=tomorrow.isoformat(),
        **{f"a{one.pk}-reference": "A", f"a{two.pk}-reference": "a"},
    )
    assert response.context["day_form"].errors["paid_on"] == [
        "Utbetalningsdagen kan inte ligga i framtiden. Registrera utbetalningen när pengarna har gått ut."
    ]
    reference_errors = [row.form.errors.get("reference") for row in response.context["rows"]]
    assert reference_errors[0] is None and "Samma referens som för" in reference_errors[1][0]
    assert not Payment.objects.exists()


@pytest.mark.django_db
def test_bulk_jav_refuses_the_row_and_notes_the_recusal_as_the_single_page_does(
    client, steering, pot, actor_a, actor_b
):
    mine = _approved(pot, actor_a)
    other = _approved(pot, actor_b)
    Representation.objects.create(user=steering, actor=actor_a, role=Representation.Role.CONTACT)
    client.force_login(steering)
    day = TODAY - datetime.timedelta(days=1)
    response = _bulk(
        client,
        [mine, other],
        apply="1",
        paid_on=day.isoformat(),
        **{f"a{mine.pk}-reference": "VER-7", f"a{other.pk}-reference": "VER-8"},
    )
    body = response.content.decode()
    assert "Du är jävig: du företräder Föreningen Alfa" in body
    assert not Payment.objects.exists()  # all or nothing: the other row waits too
    recusal = mine.events.get(kind="recusal")
    assert (recusal.actor_user, recusal.from_status, recusal.to_status) == (steering, S.APPROVED, S.APPROVED)
    assert not other.events.filter(kind="recusal").exists()


@pytest.mark.django_db
def test_an_empty_day_and_reference_are_asked_for_in_our_words(client, steering, pot, actor_a):
    app = _approved(pot, actor_a)
    client.force_login(steering)
    response = client.post(pay_url(app), {"paid_on": "", "reference": " "})
    errors = response.context["form"].errors
    assert errors["paid_on"] == ["Ange vilken dag pengarna betalades ut."]
    assert errors["reference"] == ["Ange betalningsreferensen (verifikationsnummer eller bankens referens)."]
    assert "Detta fält måste fyllas i" not in response.content.decode()
    assert not Payment.objects.exists()
