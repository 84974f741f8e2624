"""The workflow: every move per role, events, mail, jäv, amounts, reference numbers."""

from __future__ import annotations

import datetime
import re

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from core.models import Outbox
from grants.models import Application, ApplicationEvent, Decision
from grants.workflow import (
    APPLICANT,
    MOVES,
    STEERING,
    NotAllowed,
    Overspend,
    RecusalRequired,
    TransitionError,
    application_transition,
)
from members.models import Representation
from tests.grants.conftest import TODAY, make_application, make_report

S = Application.Status
ROLES = ["lead", "coapplicant", "steering", "coordinator"]
ALL_PAIRS = [(a, b) for a in S.values for b in S.values if a != b]


def _user_for(role, request):
    return {
        "lead": lambda: request.getfixturevalue("rep_a"),
        "coapplicant": lambda: request.getfixturevalue("rep_c"),
        "steering": lambda: request.getfixturevalue("steering"),
        "coordinator": lambda: request.getfixturevalue("coord_andersberg"),
    }[role]()


def _kwargs_for(to_status):
    if to_status in (S.NEEDS_COMPLETION, S.REJECTED):
        return {"note": "Budgeten behöver förklaras."}
    if to_status == S.PAID:
        return {"payment_date": TODAY, "payment_reference": "VER-1"}
    return {}


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("from_status", "to_status"), ALL_PAIRS)
def test_every_move_for_every_role(request, pot, actor_a, rep_a, actor_c, rep_c, role, from_status, to_status):
    app = make_application(pot=pot, lead=actor_a, co=[actor_c], status=from_status)
    if (from_status, to_status) == (S.PAID, S.REPORTED):
        make_report(app)
    user = _user_for(role, request)
    who = MOVES.get((from_status, to_status))
    allowed = (who == APPLICANT and role == "lead") or (who == STEERING and role == "steering")
    events_before = ApplicationEvent.objects.filter(application=app).count()
    if allowed:
        application_transition(application=app, to_status=to_status, actor_user=user, **_kwargs_for(to_status))
        app.refresh_from_db()
        assert app.status == to_status
        # A decision's letter has a history row of its own after the move's (tests/grants/test_letters.py).
        event = ApplicationEvent.objects.filter(application=app, kind=ApplicationEvent.Kind.TRANSITION).latest("pk")
        assert (event.from_status, event.to_status, event.actor_user) == (from_status, to_status, user)
    else:
        with pytest.raises(NotAllowed):
            application_transition(application=app, to_status=to_status, actor_user=user, **_kwargs_for(to_status))
        app.refresh_from_db()
        assert app.status == from_status
        assert ApplicationEvent.objects.filter(application=app).count() == events_before


def test_move_table_matches_the_design():
    assert len(MOVES) == 12
    assert MOVES[(S.IN_REVIEW, S.APPROVED)] == STEERING
    assert MOVES[(S.DRAFT, S.SUBMITTED)] == APPLICANT
    assert not [pair for pair in MOVES if pair[0] in (S.APPROVED, S.PAID, S.REPORTED) and pair[1] == S.WITHDRAWN]


@pytest.mark.django_db
def test_submit_assigns_sequential_references_of_the_right_form(pot, actor_a, rep_a, actor_b, rep_b):
    first = make_application(pot=pot, lead=actor_a, status=S.DRAFT)
    second = make_application(pot=pot, lead=actor_a, status=S.DRAFT)
    application_transition(application=first, to_status=S.SUBMITTED, actor_user=rep_a)
    application_transition(application=second, to_status=S.SUBMITTED, actor_user=rep_a)
    assert re.fullmatch(r"SN-\d{4}-\d{4}", first.reference)
    year, number = first.reference.split("-")[1:]
    assert second.reference == f"SN-{year}-{int(number) + 1:04d}"
    assert first.submitted_at is not None


@pytest.mark.django_db
def test_resubmission_keeps_its_reference(pot, actor_a, rep_a, steering):
    app = make_application(pot=pot, lead=actor_a, status=S.DRAFT)
    application_transition(application=app, to_status=S.SUBMITTED, actor_user=rep_a)
    reference = app.reference
    application_transition(application=app, to_status=S.IN_REVIEW, actor_user=steering)
    application_transition(application=app, to_status=S.NEEDS_COMPLETION, actor_user=steering, note="Bilaga saknas")
    application_transition(application=app, to_status=S.SUBMITTED, actor_user=rep_a)
    assert app.reference == reference


@pytest.mark.django_db
def test_submit_does_not_wait_for_co_applicants(pot, actor_a, rep_a, actor_c):
    # They are asked to confirm when the application is submitted, and answer afterwards.
    app = make_application(pot=pot, lead=actor_a, co=[actor_c], status=S.DRAFT, confirmed=False)
    application_transition(application=app, to_status=S.SUBMITTED, actor_user=rep_a)
    app.refresh_from_db()
    assert app.status == S.SUBMITTED and app.reference


@pytest.mark.django_db
def test_submit_refused_without_payment_details(pot, actor_a, rep_a):
    app = make_application(pot=pot, lead=actor_a, status=S.DRAFT)
    Application.objects.filter(pk=app.pk).update(payment_method="", giro_number="")
    with pytest.raises(TransitionError, match="vart pengarna ska betalas"):
        application_transition(application=app, to_status=S.SUBMITTED, actor_user=rep_a)
    app.refresh_from_db()
    assert (app.status, app.reference) == (S.DRAFT, "")


@pytest.mark.django_db
def test_co_applicants_are_asked_on_submission_and_approval_waits_for_them(
    pot, actor_a, rep_a, actor_c, rep_c, steering, django_capture_on_commit_callbacks
):
    rep_c.name = "Cecilia Ceder"
    rep_c.save()
    second = Representation.objects.create(
        user=type(rep_c).objects.create_user(email="c2@example.se", name=""), actor=actor_c
    ).user
    app = make_application(pot=pot, lead=actor_a, co=[actor_c], status=S.DRAFT, confirmed=False)
    with django_capture_on_commit_callbacks(execute=True):
        application_transition(application=app, to_status=S.SUBMITTED, actor_user=rep_a)
    app.refresh_from_db()
    assert app.status == S.SUBMITTED and app.reference
    requests = {m.to[0]: m for m in mail.outbox if "Bekräfta" in m.subject}
    assert set(requests) == {rep_c.email, second.email}, "one mail per representative of the co-applicant"
    assert requests[rep_c.email].body.startswith("Hej Cecilia!")
    assert requests[second.email].body.startswith("Hej!")
    assert app.reference in requests[rep_c.email].body

    application_transition(application=app, to_status=S.IN_REVIEW, actor_user=steering)
    with pytest.raises(TransitionError, match="Alla medsökande har inte bekräftat ännu: Föreningen Gamma"):
        application_transition(application=app, to_status=S.APPROVED, actor_user=steering)
    app.coapplicant_links.update(status="confirmed")
    application_transition(application=app, to_status=S.APPROVED, actor_user=steering)
    assert Application.objects.get(pk=app.pk).status == S.APPROVED


@pytest.mark.django_db
def test_each_mail_says_one_thing_for_the_readers_part(
    pot, actor_a, rep_a, actor_c, rep_c, steering, django_capture_on_commit_callbacks
):
    """A co-applicant that has not answered gets only its request to confirm when the
    application is sent in, not also a receipt saying it need do nothing; once it has
    answered, its status mails say it follows along and never speak of "your" account."""
    app = make_application(pot=pot, lead=actor_a, co=[actor_c], status=S.DRAFT, confirmed=False)
    with django_capture_on_commit_callbacks(execute=True):
        application_transition(application=app, to_status=S.SUBMITTED, actor_user=rep_a)
    to_c = [m for m in mail.outbox if m.to == [rep_c.email]]
    assert [m.subject for m in to_c] == [m.subject for m in to_c if "Bekräfta" in m.subject] and len(to_c) == 1
    to_a = [m for m in mail.outbox if m.to == [rep_a.email]]
    assert len(to_a) == 1 and to_a[0].subject.startswith("[Stadsdelsnätverken] Kvitto: din ansökan")

    app.coapplicant_links.update(status="confirmed")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        application_transition(application=app, to_status=S.IN_REVIEW, actor_user=steering)
        application_transition(application=app, to_status=S.APPROVED, actor_user=steering, **_kwargs_for(S.APPROVED))
    approved_c = [m for m in mail.outbox if m.to == [rep_c.email] and "beviljad" in m.subject]
    approved_a = [m for m in mail.outbox if m.to == [rep_a.email] and "beviljad" in m.subject]
    assert len(approved_c) == len(approved_a) == 1
    assert "Du behöver inte göra något" in approved_c[0].body and "det konto ni har angett" not in approved_c[0].body
    assert "det konto ni har angett" in approved_a[0].body


@pytest.mark.django_db
def test_confirmed_co_applicants_are_not_asked_again(pot, actor_a, rep_a, actor_c, rep_c):
    app = make_application(pot=pot, lead=actor_a, co=[actor_c], status=S.DRAFT, confirmed=True)
    application_transition(application=app, to_status=S.SUBMITTED, actor_user=rep_a)
    assert not Outbox.objects.filter(kind="grants.coapplicant").exists()


@pytest.mark.django_db
def test_submitting_twice_gives_one_reference(pot, actor_a, rep_a):
    app = make_application(pot=pot, lead=actor_a, status=S.DRAFT)
    stale = Application.objects.get(pk=app.pk)
    application_transition(application=app, to_status=S.SUBMITTED, actor_user=rep_a)
    with pytest.raises(NotAllowed):
        application_transition(application=stale, to_status=S.SUBMITTED, actor_user=rep_a)
    assert Application.objects.exclude(reference="").count() == 1
    assert ApplicationEvent.objects.filter(to_status=S.SUBMITTED).count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("to_status", [S.NEEDS_COMPLETION, S.REJECTED])
def test_note_is_required(pot, actor_a, steering, to_status):
    app = make_application(pot=pot, lead=actor_a, status=S.IN_REVIEW)
    with pytest.raises(TransitionError):
        application_transition(application=app, to_status=to_status, actor_user=steering, note="  ")
    app.refresh_from_db()
    assert app.status == S.IN_REVIEW


@pytest.mark.django_db
def test_approve_defaults_to_the_amount_asked_and_records_the_decision(pot, actor_a, steering):
    app = make_application(pot=pot, lead=actor_a, status=S.IN_REVIEW, requested=12_500)
    application_transition(application=app, to_status=S.APPROVED, actor_user=steering, note="Bra idé.")
    assert app.amount_granted == 12_500
    decision = Decision.objects.get(application=app)
    assert (decision.amount_granted, decision.decided_by, decision.motivation) == (12_500, steering, "Bra idé.")
    assert pot.remaining == 100_000 - 12_500


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("amount", "message"),
    [(0, "större än 0"), (-5, "större än 0"), (10_001, "mer än det sökta"), (2.5, "helt antal")],
)
def test_approve_refuses_bad_amounts(pot, actor_a, steering, amount, message):
    app = make_application(pot=pot, lead=actor_a, status=S.IN_REVIEW, requested=10_000)
    with pytest.raises(TransitionError, match=message):
        application_transition(application=app, to_status=S.APPROVED, actor_user=steering, amount=amount)
    app.refresh_from_db()
    assert (app.status, app.amount_granted) == (S.IN_REVIEW, None)
    assert not Decision.objects.exists()


@pytest.mark.django_db
def test_approving_more_than_remains_is_refused_with_what_remains(pot, actor_a, actor_b, steering):
    make_application(pot=pot, lead=actor_b, status=S.APPROVED, requested=20_000)
    for _ in range(4):
        make_application(pot=pot, lead=actor_b, status=S.PAID, requested=20_000)
    app = make_application(pot=pot, lead=actor_a, status=S.IN_REVIEW, requested=5_000)
    with pytest.raises(Overspend, match=r"0\xa0kr återstår"):
        application_transition(application=app, to_status=S.APPROVED, actor_user=steering)
    app.refresh_from_db()
    assert app.status == S.IN_REVIEW
    assert pot.granted == 100_000


@pytest.mark.django_db
def test_overspend_message_names_the_remaining_amount(pot, actor_a, actor_b, steering):
    for _ in range(4):
        make_application(pot=pot, lead=actor_b, status=S.APPROVED, requested=20_000)
    make_application(pot=pot, lead=actor_b, status=S.APPROVED, requested=7_500)
    app = make_application(pot=pot, lead=actor_a, status=S.IN_REVIEW, requested=15_000)
    with pytest.raises(Overspend, match=r"12\xa0500\xa0kr återstår"):
        application_transition(application=app, to_status=S.APPROVED, actor_user=steering)
    application_transition(application=app, to_status=S.APPROVED, actor_user=steering, amount=12_500)
    assert pot.remaining == 0


@pytest.mark.django_db
@pytest.mark.parametrize("conflict", ["lead", "coapplicant"])
def test_jav_is_refused_and_logged(pot, actor_a, actor_c, steering, conflict):
    app = make_application(pot=pot, lead=actor_a, co=[actor_c], status=S.IN_REVIEW)
    Representation.objects.create(user=steering, actor=actor_a if conflict == "lead" else actor_c)
    with pytest.raises(RecusalRequired, match="jävig"):
        application_transition(application=app, to_status=S.APPROVED, actor_user=steering)
    app.refresh_from_db()
    assert app.status == S.IN_REVIEW
    event = ApplicationEvent.objects.get(application=app)
    assert event.kind == ApplicationEvent.Kind.RECUSAL
    assert (event.from_status, event.to_status, event.actor_user) == (S.IN_REVIEW, S.IN_REVIEW, steering)
    assert "steg åt sidan" in event.note
    assert not Decision.objects.exists()


@pytest.mark.django_db
def test_mail_goes_to_lead_and_co_applicants_after_commit(
    pot, actor_a, rep_a, actor_c, rep_c, steering, django_capture_on_commit_callbacks
):
    app = make_application(pot=pot, lead=actor_a, co=[actor_c], status=S.IN_REVIEW)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        application_transition(application=app, to_status=S.APPROVED, actor_user=steering, amount=8_000)
        assert mail.outbox == []
    for callback in callbacks:
        callback()
    assert sorted(m.to[0] for m in mail.outbox) == sorted([rep_a.email, rep_c.email])
    assert "beviljad" in mail.outbox[0].subject
    assert "8\xa0000\xa0kr" in mail.outbox[0].body
    assert Outbox.objects.filter(sent_at__isnull=False).count() == 2


@pytest.mark.django_db
def test_failing_mail_server_keeps_the_decision_and_send_outbox_retries(
    settings, pot, actor_a, rep_a, steering, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "tests.grants.failing_backend.FailingBackend"
    app = make_application(pot=pot, lead=actor_a, status=S.IN_REVIEW)
    with django_capture_on_commit_callbacks(execute=True):
        application_transition(application=app, to_status=S.APPROVED, actor_user=steering)
    app.refresh_from_db()
    assert app.status == S.APPROVED
    waiting = Outbox.objects.get()
    assert (waiting.sent_at, waiting.attempts) == (None, 1)
    assert "mail server is down" in waiting.last_error

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    call_command("send_outbox")
    waiting.refresh_from_db()
    assert waiting.sent_at is not None
    assert [m.to for m in mail.outbox] == [[rep_a.email]]
    call_command("send_outbox")
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_paid_then_report_then_close(pot, actor_a, rep_a, steering):
    from grants.services import report_submit

    app = make_application(
        pot=pot,
        lead=actor_a,
        status=S.APPROVED,
        requested=9_000,
        approved_at=timezone.now() - datetime.timedelta(days=7),
    )
    application_transition(
        application=app,
        to_status=S.PAID,
        actor_user=steering,
        payment_date=TODAY - datetime.timedelta(days=2),
        payment_reference="VER-2041",
    )
    assert pot.paid == 9_000
    assert (app.payment.paid_on, app.payment.reference) == (TODAY - datetime.timedelta(days=2), "VER-2041")
    report_submit(application=app, user=rep_a, what_happened="Bra", participants=40, actual_costs=8_800)
    app.refresh_from_db()
    assert app.status == S.REPORTED
    application_transition(application=app, to_status=S.CLOSED, actor_user=steering)
    assert list(app.events.values_list("to_status", flat=True)) == [S.PAID, S.REPORTED, S.CLOSED]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("day", "reference", "message"),
    [
        (None, "VER-1", "vilken dag"),
        (TODAY, "  ", "betalningsreferensen"),
        (TODAY.replace(year=TODAY.year + 20), "VER-1", "orimligt långt bort"),
    ],
)
def test_payment_needs_a_sane_day_and_a_reference(pot, actor_a, steering, day, reference, message):
    app = make_application(pot=pot, lead=actor_a, status=S.APPROVED)
    with pytest.raises(TransitionError, match=message):
        application_transition(
            application=app, to_status=S.PAID, actor_user=steering, payment_date=day, payment_reference=reference
        )
    app.refresh_from_db()
    assert app.status == S.APPROVED and not hasattr(app, "payment")


@pytest.mark.django_db
def test_status_is_assigned_only_in_the_workflow():
    from pathlib import Path

    offenders = []
    for path in Path("grants").rglob("*.py"):
        if path.name == "workflow.py" or "migrations" in path.parts:
            continue
        if re.search(r"\.status\s*=[^=]", path.read_text()) and "link.status" not in path.read_text():
            offenders.append(str(path))
    assert offenders == []
