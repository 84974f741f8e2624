"""Many approvals at once never overspend the pot (PostgreSQL row locks)."""

from __future__ import annotations

import threading

import pytest
from django.db import connections

from grants.models import Application
from grants.workflow import Overspend, application_transition
from tests.grants.conftest import make_application, pool_for_threads, postgresql_only

S = Application.Status


@pytest.mark.django_db(transaction=True)
def test_twenty_approvals_at_once_never_pass_the_pot(pot, actor_a, actor_b, steering):
    postgresql_only()
    # The pot holds 100 000 kr; twenty approvals of 7 000 kr ask for 140 000 kr.
    apps = [
        make_application(pot=pot, lead=actor_a if i % 2 else actor_b, status=S.IN_REVIEW, requested=7_000)
        for i in range(20)
    ]
    barrier = threading.Barrier(len(apps))
    outcomes: dict[int, str] = {}

    def approve(app: Application) -> None:
        try:
            barrier.wait(timeout=30)
            application_transition(application=app, to_status=S.APPROVED, actor_user=steering)
            outcomes[app.pk] = "approved"
        except Overspend as error:
            outcomes[app.pk] = str(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=approve, args=(app,)) for app in apps]
    with pool_for_threads(len(threads)):
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)

    approved = [pk for pk, outcome in outcomes.items() if outcome == "approved"]
    refused = [outcome for outcome in outcomes.values() if outcome != "approved"]
    assert len(outcomes) == 20
    assert len(approved) == 14  # 14 * 7 000 = 98 000 is the most that fits
    assert pot.granted == 98_000 <= pot.total
    assert len(refused) == 6
    assert all("2\xa0000\xa0kr återstår" in message for message in refused)


@pytest.mark.django_db(transaction=True)
def test_one_reference_paid_at_once_in_two_pots_of_a_year_goes_through_once(pot, actor_a, actor_b, steering):
    """The pots of the year are locked while the reference is checked: the database's unique
    (pot, reference) cannot see across two pots, the lock does."""
    postgresql_only()
    from django.utils import timezone

    from grants.models import Funding, Payment, Pot
    from grants.workflow import PaymentRefused

    other = Pot.objects.create(
        year=pot.year,
        name="Extrapotten",
        opens_on=pot.opens_on,
        closes_on=pot.closes_on,
        max_amount_per_application=9_000,
    )
    Funding.objects.create(pot=other, funder="Gävle kommun", amount=50_000)
    apps = [
        make_application(pot=chosen, lead=actor_a if i % 2 else actor_b, status=S.APPROVED, requested=2_000)
        for i, chosen in enumerate([pot, other] * 4)
    ]
    barrier = threading.Barrier(len(apps))
    outcomes: dict[int, str] = {}

    def pay(app: Application) -> None:
        try:
            barrier.wait(timeout=30)
            application_transition(
                application=app,
                to_status=S.PAID,
                actor_user=steering,
                payment_date=timezone.localdate(),
                payment_reference="VER-1",
            )
            outcomes[app.pk] = "paid"
        except PaymentRefused as error:
            outcomes[app.pk] = str(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=pay, args=(app,)) for app in apps]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert len(outcomes) == len(apps)
    assert list(outcomes.values()).count("paid") == 1
    assert Payment.objects.filter(reference="VER-1").count() == 1
    assert all("”VER-1” används redan" in outcome for outcome in outcomes.values() if outcome != "paid")
