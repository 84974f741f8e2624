"""Two runs of send_weekly_digest at the same moment still send one letter per subscriber (PostgreSQL)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections
from django.utils import timezone

from core.models import Outbox
from digest.models import DigestSent
from digest.services import MAIL_KIND, Week, digest_send
from tests.digest.conftest import make_listing, subscribe


@pytest.mark.django_db(transaction=True)
def test_four_runs_at_once_send_one_letter_per_subscriber(settings, networks, resident, rep_a, rep_b, actor_a):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite runs one writer at a time, so there is no race to test; CI runs this on PostgreSQL.")
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    for user in (resident, rep_a, rep_b):
        subscribe(user, networks["andersberg"])
    make_listing(actor_a, networks["andersberg"])
    week = Week.containing(timezone.localdate())
    runs = 4
    barrier = threading.Barrier(runs)
    sent: list[int] = []

    def run() -> None:
        try:
            barrier.wait(timeout=30)
            sent.append(digest_send(week=week).sent)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(runs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert len(sent) == runs and sum(sent) == 3
    assert Outbox.objects.filter(kind=MAIL_KIND).count() == 3
    assert sorted(Outbox.objects.values_list("to", flat=True)) == sorted(u.email for u in (resident, rep_a, rep_b))
    assert DigestSent.objects.filter(week=week.label).count() == 3
