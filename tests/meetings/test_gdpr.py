"""The meetings part of "Mina uppgifter": export and account deletion hooks."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from meetings.models import Meeting, Registration
from meetings.services import registrations_user_delete, registrations_user_export
from tests.conftest import _user
from tests.meetings.conftest import make_meeting

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _locmem(settings) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


def test_delete_frees_seats_and_moves_the_waiting_list_up(
    networks, resident, rep_a, django_capture_on_commit_callbacks
) -> None:
    full = make_meeting(networks["andersberg"], registration_enabled=True, capacity=1)
    Registration.objects.create(meeting=full, user=resident)
    other = _user("annan@example.se")
    mine_waiting = Registration.objects.create(meeting=full, user=rep_a, status=Registration.Status.WAITLISTED)
    theirs_waiting = Registration.objects.create(meeting=full, user=other, status=Registration.Status.WAITLISTED)
    second = make_meeting(networks["andersberg"], title="Andra", registration_enabled=True, capacity=1)
    Registration.objects.create(meeting=second, user=rep_a)
    next_in_line = Registration.objects.create(meeting=second, user=other, status=Registration.Status.WAITLISTED)
    past = make_meeting(networks["andersberg"], starts_at=timezone.now() - timedelta(days=5))
    Registration.objects.create(meeting=past, user=rep_a)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        registrations_user_delete(user=rep_a)

    assert not Registration.objects.filter(user=rep_a).exists()
    next_in_line.refresh_from_db()
    assert next_in_line.status == Registration.Status.CONFIRMED
    # Leaving a waiting list frees no seat: the other waiting person stays where they are.
    theirs_waiting.refresh_from_db()
    assert theirs_waiting.status == Registration.Status.WAITLISTED
    assert [m.to for m in mail.outbox] == [[other.email]]
    assert Registration.objects.filter(user=resident, meeting=full).exists()
    assert mine_waiting.pk not in Registration.objects.values_list("pk", flat=True)


def test_delete_on_a_cancelled_meeting_promotes_nobody(networks, rep_a, resident) -> None:
    meeting = make_meeting(
        networks["andersberg"],
        registration_enabled=True,
        capacity=1,
        status=Meeting.Status.CANCELLED,
        cancel_reason="Sjukdom",
    )
    Registration.objects.create(meeting=meeting, user=rep_a)
    waiting = Registration.objects.create(meeting=meeting, user=resident, status=Registration.Status.WAITLISTED)
    registrations_user_delete(user=rep_a)
    waiting.refresh_from_db()
    assert waiting.status == Registration.Status.WAITLISTED
    assert not Registration.objects.filter(user=rep_a).exists()


def test_export_lists_my_registrations_only(networks, rep_a, actor_a, resident) -> None:
    meeting = make_meeting(networks["andersberg"], title="Vårträff", registration_enabled=True, capacity=5)
    Registration.objects.create(meeting=meeting, user=rep_a, actor=actor_a, needs="Glutenfritt")
    Registration.objects.create(meeting=meeting, user=resident, needs="Hörslinga")
    data = registrations_user_export(user=rep_a)
    assert data == {
        "meeting_registrations": [
            {
                "meeting": "Vårträff",
                "network": "Andersberg",
                "starts_at": meeting.starts_at,
                "status": "Anmäld",
                "for_actor": "Föreningen Alfa",
                "needs": "Glutenfritt",
                "registered_at": data["meeting_registrations"][0]["registered_at"],
                "cancelled_at": None,
            }
        ]
    }
