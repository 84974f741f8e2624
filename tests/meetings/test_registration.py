import threading
import time
from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.utils import timezone

from core.models import Outbox
from meetings.models import Meeting, Registration, RegistrationQuerySet
from meetings.services import (
    RegistrationError,
    meeting_publish_minutes,
    meeting_send_reminders,
    registration_cancel,
    registration_create,
)
from members.models import User

from .conftest import make_meeting

pytestmark = pytest.mark.django_db


def test_full_meeting_waitlists_and_cancel_promotes(
    meeting, resident, rep_a, rep_b, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = registration_create(meeting=meeting, user=resident)
        second = registration_create(meeting=meeting, user=rep_a)
        third = registration_create(meeting=meeting, user=rep_b)
    assert [first.status, second.status, third.status] == ["confirmed", "confirmed", "waitlisted"]
    confirmation = mail.outbox[0]
    assert confirmation.to == [resident.email]
    assert confirmation.attachments[0][0] == "mote.ics"
    assert "väntelistan" in mail.outbox[2].subject
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        promoted = registration_cancel(registration=first, user=resident)
    assert promoted == third
    third.refresh_from_db()
    assert third.status == Registration.Status.CONFIRMED
    assert [m.to for m in mail.outbox] == [[rep_b.email]]
    assert mail.outbox[0].attachments


def test_twice_closed_cancelled_and_past_are_refused(meeting, resident, networks):
    registration_create(meeting=meeting, user=resident)
    with pytest.raises(RegistrationError, match="redan anmäld"):
        registration_create(meeting=meeting, user=resident)
    closed = make_meeting(networks["andersberg"])
    with pytest.raises(RegistrationError):
        registration_create(meeting=closed, user=resident)
    cancelled = make_meeting(
        networks["andersberg"], registration_enabled=True, capacity=5, status="cancelled", cancel_reason="Sjukdom"
    )
    with pytest.raises(RegistrationError, match="inställt"):
        registration_create(meeting=cancelled, user=resident)
    past = make_meeting(
        networks["andersberg"], starts_at=timezone.now() - timedelta(days=1), registration_enabled=True, capacity=5
    )
    with pytest.raises(RegistrationError, match="stängd"):
        registration_create(meeting=past, user=resident)


def test_for_an_actor_only_when_representing_it(meeting, rep_a, actor_a, actor_b):
    registration = registration_create(meeting=meeting, user=rep_a, actor=actor_a)
    assert registration.actor == actor_a
    # The person may still sign up themselves as well.
    registration_create(meeting=meeting, user=rep_a)
    with pytest.raises(RegistrationError):
        registration_create(meeting=meeting, user=rep_a, actor=actor_b)


def test_cannot_cancel_someone_elses(meeting, resident, rep_a):
    registration = registration_create(meeting=meeting, user=resident)
    with pytest.raises(RegistrationError):
        registration_cancel(registration=registration, user=rep_a)
    registration.refresh_from_db()
    assert registration.status == Registration.Status.CONFIRMED


def test_reminders_go_out_two_days_before_and_only_once(networks, resident, rep_a, django_capture_on_commit_callbacks):
    soon = make_meeting(
        networks["andersberg"],
        starts_at=timezone.now() + timedelta(days=1, hours=3),
        registration_enabled=True,
        capacity=1,
        place="Folkets hus",
    )
    later = make_meeting(
        networks["andersberg"], starts_at=timezone.now() + timedelta(days=9), registration_enabled=True, capacity=5
    )
    registration_create(meeting=soon, user=resident)
    registration_create(meeting=soon, user=rep_a)  # waitlisted: no reminder
    registration_create(meeting=later, user=resident)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert meeting_send_reminders() == 1
    assert mail.outbox[0].to == [resident.email]
    assert "Folkets hus" in mail.outbox[0].body
    assert " kl. " in mail.outbox[0].body
    with django_capture_on_commit_callbacks(execute=True):
        assert meeting_send_reminders() == 0
    assert len(mail.outbox) == 1
    assert Outbox.objects.filter(kind="meetings.reminder").count() == 1


def test_reminder_command(networks, resident, capsys, django_capture_on_commit_callbacks):
    from django.core.management import call_command

    soon = make_meeting(
        networks["andersberg"], starts_at=timezone.now() + timedelta(hours=30), registration_enabled=True, capacity=1
    )
    registration_create(meeting=soon, user=resident)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_meeting_reminders")
        call_command("send_meeting_reminders")
    assert len(mail.outbox) == 1


def test_minutes_tell_active_members_once(networks, rep_a, rep_b, resident, django_capture_on_commit_callbacks):
    past = make_meeting(networks["andersberg"], starts_at=timezone.now() - timedelta(days=3), minutes="Protokoll")
    with django_capture_on_commit_callbacks(execute=True):
        assert meeting_publish_minutes(meeting=past) == 1
    assert [m.to for m in mail.outbox] == [[rep_a.email]]
    with django_capture_on_commit_callbacks(execute=True):
        assert meeting_publish_minutes(meeting=past) == 0
    assert len(mail.outbox) == 1


@pytest.mark.django_db(transaction=True)
def test_two_people_for_the_last_seat_on_postgresql(networks, monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has no row locks (select_for_update); this runs in CI on PostgreSQL.")
    meeting = make_meeting(networks["andersberg"], registration_enabled=True, capacity=1)
    users = [User.objects.create_user(email=f"person{i}@example.se", password="x") for i in range(2)]
    barrier = threading.Barrier(2)
    # Widen the window between "count the seats" and "take one", so that without the row
    # lock both threads would see a free seat.
    original = RegistrationQuerySet.confirmed

    def slow_confirmed(self):
        time.sleep(0.3)
        return original(self)

    monkeypatch.setattr(RegistrationQuerySet, "confirmed", slow_confirmed)
    errors: list[BaseException] = []

    def sign_up(user: User) -> None:
        try:
            barrier.wait()
            registration_create(meeting=meeting, user=user)
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=sign_up, args=(user,)) for user in users]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    statuses = sorted(Registration.objects.filter(meeting=meeting).values_list("status", flat=True))
    assert statuses == ["confirmed", "waitlisted"]


def test_constraints_hold_in_the_database(networks):
    from django.db import IntegrityError, transaction

    now = timezone.now()
    for bad in (
        {"starts_at": now, "ends_at": now - timedelta(hours=1)},
        {"starts_at": now, "ends_at": now + timedelta(hours=1), "status": "cancelled"},
        {"starts_at": now, "ends_at": now + timedelta(hours=1), "registration_enabled": True},
    ):
        with pytest.raises(IntegrityError), transaction.atomic():
            Meeting.objects.create(network=networks["andersberg"], title="x", place="y", **bad)
