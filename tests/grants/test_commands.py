"""Cron commands: follow-up reminders (once due, once overdue) and the demo content."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.core.management import call_command

from core.models import Outbox
from grants.models import Application
from grants.services import report_reminders_send
from tests.grants.conftest import TODAY, make_application

S = Application.Status


@pytest.mark.django_db
def test_reminders_once_when_due_and_once_when_overdue(pot, actor_a, rep_a, django_capture_on_commit_callbacks):
    app = make_application(pot=pot, lead=actor_a, status=S.PAID)
    Application.objects.filter(pk=app.pk).update(
        starts_on=TODAY - datetime.timedelta(days=40), ends_on=TODAY - datetime.timedelta(days=40)
    )
    app.refresh_from_db()
    due = app.report_due_on
    early = due - datetime.timedelta(days=20)
    assert report_reminders_send(today=early) == 0
    with django_capture_on_commit_callbacks(execute=True):
        assert report_reminders_send(today=due - datetime.timedelta(days=3)) == 1
        assert report_reminders_send(today=due) == 0
        assert report_reminders_send(today=due + datetime.timedelta(days=1)) == 1
        assert report_reminders_send(today=due + datetime.timedelta(days=9)) == 0
    subjects = [m.subject for m in mail.outbox]
    assert len(subjects) == 2 and "försenad" in subjects[1]
    assert all(m.to == [rep_a.email] for m in mail.outbox)


@pytest.mark.django_db
def test_no_reminder_once_reported(pot, actor_a, rep_a):
    make_application(pot=pot, lead=actor_a, status=S.REPORTED)
    assert report_reminders_send(today=TODAY + datetime.timedelta(days=400)) == 0
    call_command("send_report_reminders")
    assert not Outbox.objects.exists()


@pytest.mark.django_db
def test_demo_content_has_every_status_and_is_idempotent(networks):
    from grants.demo import create_demo
    from grants.models import Pot

    create_demo()
    create_demo()
    pot = Pot.objects.get(is_demo=True)
    assert sorted(f.funder for f in pot.fundings.all()) == ["Gavlegårdarna", "Gävle kommun"]
    statuses = set(Application.objects.filter(is_demo=True).values_list("status", flat=True))
    assert statuses == set(S.values)
    assert pot.granted <= pot.total
    assert Application.objects.filter(is_demo=True).count() == len(S.values)
