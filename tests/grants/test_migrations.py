"""Migration 0007 gives payments registered before it a payment day: the day they were registered;
0009 gives them the pot of their application."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

BEFORE = [("grants", "0006_application_payment_details")]
AFTER = [("grants", "0007_payment_date_and_reference")]


@pytest.mark.django_db(transaction=True)
def test_existing_payments_get_their_registration_day():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    user = old.get_model("members", "User").objects.create(email="gammal@example.se", name="Gammal")
    actor = old.get_model("members", "Actor").objects.create(name="Föreningen Gammal", slug="gammal", kind="forening")
    pot = old.get_model("grants", "Pot").objects.create(
        year=2025,
        name="Potten 2025",
        opens_on=datetime.date(2025, 1, 1),
        closes_on=datetime.date(2025, 12, 31),
        max_amount_per_application=20_000,
    )
    app = old.get_model("grants", "Application").objects.create(
        pot=pot, lead_actor=actor, title="Fest", created_by=user, status="paid", amount_requested=5_000
    )
    # 23.30 UTC on 3 June is already 4 June in Gävle (summer time).
    registered = datetime.datetime(2025, 6, 3, 23, 30, tzinfo=datetime.UTC)
    old.get_model("grants", "Payment").objects.create(
        application=app, amount=5_000, paid_at=registered, registered_by=user
    )

    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    new = executor.loader.project_state(AFTER).apps
    payment = new.get_model("grants", "Payment").objects.get()
    assert payment.paid_on == timezone.localtime(registered).date() == datetime.date(2025, 6, 4)
    assert payment.reference == ""

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_existing_payments_get_their_applications_pot():
    before = [("grants", "0008_application_list_indexes")]
    after = [("grants", "0010_payment_pot_required")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    old = executor.loader.project_state(before).apps
    user = old.get_model("members", "User").objects.create(email="gammal@example.se", name="Gammal")
    actor = old.get_model("members", "Actor").objects.create(name="Föreningen Gammal", slug="gammal", kind="forening")
    Pot = old.get_model("grants", "Pot")
    pots = [
        Pot.objects.create(
            year=year,
            name=f"Potten {year}",
            opens_on=datetime.date(year, 1, 1),
            closes_on=datetime.date(year, 12, 31),
            max_amount_per_application=20_000,
        )
        for year in (2024, 2025)
    ]
    Application = old.get_model("grants", "Application")
    Payment = old.get_model("grants", "Payment")
    for pot, amount in ((pots[0], 3_000), (pots[1], 5_000), (pots[1], 7_000)):
        app = Application.objects.create(
            pot=pot, lead_actor=actor, title="Fest", created_by=user, status="paid", amount_requested=amount
        )
        Payment.objects.create(
            application=app, amount=amount, paid_at=timezone.now(), paid_on=timezone.localdate(), registered_by=user
        )

    executor = MigrationExecutor(connection)
    executor.migrate(after)
    new = executor.loader.project_state(after).apps
    payments = new.get_model("grants", "Payment").objects.all()
    assert sorted((p.pot_id, p.amount) for p in payments) == [
        (pots[0].pk, 3_000),
        (pots[1].pk, 5_000),
        (pots[1].pk, 7_000),
    ]

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    from grants.models import Pot as CurrentPot

    paid = dict(CurrentPot.objects.with_totals().values_list("pk", "paid_amount"))
    assert paid == {pots[0].pk: 3_000, pots[1].pk: 12_000}
