"""Bad input to the grant pages: a message, never a server error, nothing saved."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.urls import reverse

from core.models import Outbox
from grants import services
from grants.models import Application, Attachment, FollowUpReport
from grants.services import report_reminders_send
from tests.grants.conftest import TODAY, make_application
from tests.images import png_bomb, png_claiming

S = Application.Status


def url(name: str, **kwargs) -> str:
    return reverse(f"grants:{name}", kwargs=kwargs)


@pytest.mark.django_db
@pytest.mark.parametrize("note", ["Vi\x00 hinner inte", "Vi\x1b hinner inte", "x" * 2001])
def test_withdraw_note_with_bad_text_is_refused(client, application, rep_a, note: str) -> None:
    client.force_login(rep_a)
    response = client.post(url("withdraw", pk=application.pk), {"note": note})
    assert response.status_code == 200
    assert "<title>Fel:" in response.content.decode()
    application.refresh_from_db()
    assert application.status == S.SUBMITTED


@pytest.mark.django_db
def test_withdraw_note_on_several_lines_is_kept(client, application, rep_a) -> None:
    client.force_login(rep_a)
    client.post(url("withdraw", pk=application.pk), {"note": "Vi hinner inte.\nKanske nästa år."})
    application.refresh_from_db()
    assert application.status == S.WITHDRAWN
    assert application.events.last().note == "Vi hinner inte.\nKanske nästa år."


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("ends_on", "said"),
    [
        ("9999-12-31", "Kontrollera årtalet"),
        # Before the start: the field's real rule, not the range that catches typos.
        ("0001-01-01", "Slutdatum kan inte vara före startdatum."),
        ("1900-01-01", "Slutdatum kan inte vara före startdatum."),
    ],
)
def test_activity_end_date_far_away_is_refused(client, pot, actor_a, rep_a, ends_on: str, said: str) -> None:
    app = make_application(pot=pot, lead=actor_a)
    client.force_login(rep_a)
    data = {
        "description": "Grillning",
        "purpose": "Gemenskap",
        "target_group": "Alla",
        "starts_on": (TODAY + datetime.timedelta(days=30)).isoformat(),
        "ends_on": ends_on,
        "place": "Torget",
        "expected_participants": "120",
        "action": "next",
    }
    response = client.post(url("step", pk=app.pk, step=2), data)
    assert response.status_code == 200
    assert said in response.content.decode()
    app.refresh_from_db()
    assert app.ends_on == TODAY + datetime.timedelta(days=21)


@pytest.mark.django_db
def test_database_refuses_an_activity_in_year_9999(pot, actor_a, rep_a) -> None:
    app = make_application(pot=pot, lead=actor_a)
    with pytest.raises(IntegrityError), transaction.atomic():
        Application.objects.filter(pk=app.pk).update(ends_on=datetime.date(9999, 12, 31))


def test_report_due_date_of_a_stored_far_date_does_not_crash() -> None:
    assert Application(ends_on=datetime.date(9999, 12, 31)).report_due_on == datetime.date.max


@pytest.mark.django_db
def test_one_failing_reminder_does_not_stop_the_others(pot, actor_a, rep_a, actor_b, rep_b, monkeypatch) -> None:
    long_ago = TODAY - datetime.timedelta(days=60)
    broken = make_application(pot=pot, lead=actor_a, status=S.PAID)
    fine = make_application(pot=pot, lead=actor_b, status=S.PAID)
    Application.objects.update(starts_on=long_ago, ends_on=long_ago)
    real = services._report_reminder_send

    def failing_for_one(*, application: Application, today: datetime.date) -> int:
        if application.pk == broken.pk:
            raise OverflowError("date value out of range")
        return real(application=application, today=today)

    monkeypatch.setattr(services, "_report_reminder_send", failing_for_one)
    assert report_reminders_send() == 1
    fine.refresh_from_db()
    assert fine.report_overdue_reminded_at is not None
    assert Outbox.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("data", [png_claiming(), png_bomb()], ids=["header-claims", "real-bomb"])
def test_attachment_bomb_is_refused(client, pot, actor_a, rep_a, data: bytes) -> None:
    app = make_application(pot=pot, lead=actor_a)
    client.force_login(rep_a)
    response = client.post(
        url("step", pk=app.pk, step=4),
        {
            "contact_name": "Kim",
            "contact_email": "kim@example.se",
            "action": "upload",
            "attachment": SimpleUploadedFile("karta.png", data, content_type="image/png"),
        },
    )
    assert response.status_code == 200
    assert "Bilden är för stor" in response.content.decode()
    assert not Attachment.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("data", [png_claiming(), png_bomb()], ids=["header-claims", "real-bomb"])
def test_report_photo_bomb_is_refused(client, pot, actor_a, rep_a, data: bytes) -> None:
    app = make_application(pot=pot, lead=actor_a, status=S.PAID)
    client.force_login(rep_a)
    response = client.post(
        url("report", pk=app.pk),
        {
            "what_happened": "Det kom 100",
            "participants": "100",
            "actual_costs": "9 800",
            "photos": [SimpleUploadedFile("fest.png", data, content_type="image/png")],
        },
    )
    assert response.status_code == 200
    assert "Bilden är för stor" in response.content.decode()
    app.refresh_from_db()
    assert app.status == S.PAID and not FollowUpReport.objects.exists()


@pytest.mark.django_db
def test_csv_export_defuses_formulas(client, steering, pot, actor_a, rep_a) -> None:
    app = make_application(pot=pot, lead=actor_a, status=S.SUBMITTED)
    Application.objects.filter(pk=app.pk).update(title='=HYPERLINK("http://evil.example","Klicka")')
    actor_a.name = "+46 26 17 80 00"
    actor_a.save()
    client.force_login(steering)
    response = client.get(reverse("admin:grants_application_export"))
    assert response.content.startswith(b"\xef\xbb\xbf")
    text = response.content.decode("utf-8-sig")
    assert ';"\'=HYPERLINK(""http://evil.example"",""Klicka"")";' in text
    assert ";'+46 26 17 80 00;" in text
    assert "\n=" not in text and ";=" not in text
