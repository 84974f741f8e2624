"""The steering group's admin: list, totals, actions through the workflow, CSV, chart."""

from __future__ import annotations

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from grants.models import Application, ApplicationEvent, Decision
from members.models import Representation
from tests.grants.conftest import TODAY, make_application

S = Application.Status
CHANGELIST = "admin:grants_application_changelist"


def _action(client, action: str, apps, **data):
    payload = {"action": action, ACTION_CHECKBOX_NAME: [a.pk for a in apps], **data}
    return client.post(reverse(CHANGELIST), payload, follow=True)


@pytest.mark.django_db
def test_changelist_shows_pot_totals(client, steering, pot, actor_a, actor_b):
    make_application(pot=pot, lead=actor_a, status=S.APPROVED, requested=12_500)
    make_application(pot=pot, lead=actor_b, status=S.IN_REVIEW, requested=3_000)
    client.force_login(steering)
    body = client.get(reverse(CHANGELIST)).content.decode()
    assert "100\xa0000\xa0kr" in body and "87\xa0500\xa0kr" in body
    assert "Sommarfest hos Föreningen Beta" in body


@pytest.mark.django_db
def test_drafts_are_not_in_the_admin(client, steering, pot, actor_a):
    draft = make_application(pot=pot, lead=actor_a, status=S.DRAFT)
    client.force_login(steering)
    assert draft.title not in client.get(reverse(CHANGELIST)).content.decode()


@pytest.mark.django_db
def test_changelist_query_count_does_not_grow(client, steering, pot, actor_a, actor_b, actor_c):
    client.force_login(steering)

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse(CHANGELIST) + "?all=").status_code == 200
        return len(ctx.captured_queries)

    for _ in range(10):
        make_application(pot=pot, lead=actor_a, co=[actor_c], status=S.SUBMITTED)
    ten = count()
    for i in range(190):
        make_application(pot=pot, lead=actor_b if i % 2 else actor_a, status=S.IN_REVIEW)
    assert count() == ten


@pytest.mark.django_db
def test_coordinator_and_representative_cannot_use_the_admin_list(client, coord_andersberg, rep_a, application):
    client.force_login(coord_andersberg)
    assert client.get(reverse(CHANGELIST)).status_code == 403
    client.force_login(rep_a)
    assert client.get(reverse(CHANGELIST)).status_code == 302


@pytest.mark.django_db
def test_change_view_is_read_only_with_history(client, steering, application, rep_a):
    from grants.workflow import application_transition

    application_transition(application=application, to_status=S.IN_REVIEW, actor_user=steering)
    client.force_login(steering)
    response = client.get(reverse("admin:grants_application_change", args=[application.pk]))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Hyra av tält" in body and "Föreningen Gamma" in body and "Under granskning" in body
    assert 'name="_save"' not in body


@pytest.mark.django_db
def test_approve_action_partial_amount(client, steering, pot, actor_a, rep_a):
    app = make_application(pot=pot, lead=actor_a, status=S.IN_REVIEW, requested=10_000)
    client.force_login(steering)
    page = _action(client, "approve", [app])
    assert 'value="10000"' in page.content.decode()  # defaults to the amount asked
    _action(client, "approve", [app], apply="1", **{f"a{app.pk}-amount": "7 500", f"a{app.pk}-motivation": "Del"})
    app.refresh_from_db()
    assert (app.status, app.amount_granted) == (S.APPROVED, 7_500)


@pytest.mark.django_db
def test_approve_action_with_jav_is_refused_with_a_message(client, steering, pot, actor_a):
    Representation.objects.create(user=steering, actor=actor_a)
    app = make_application(pot=pot, lead=actor_a, status=S.IN_REVIEW)
    client.force_login(steering)
    response = _action(
        client, "approve", [app], apply="1", **{f"a{app.pk}-amount": "5000", f"a{app.pk}-motivation": "Halva"}
    )
    assert "jävig" in response.content.decode()
    app.refresh_from_db()
    assert app.status == S.IN_REVIEW
    assert ApplicationEvent.objects.get(application=app).kind == ApplicationEvent.Kind.RECUSAL


@pytest.mark.django_db
def test_approve_action_overspend_is_refused_with_a_message(client, steering, pot, actor_a, actor_b):
    for _ in range(5):
        make_application(pot=pot, lead=actor_b, status=S.APPROVED, requested=19_000)
    app = make_application(pot=pot, lead=actor_a, status=S.IN_REVIEW, requested=6_000)
    client.force_login(steering)
    response = _action(client, "approve", [app], apply="1", **{f"a{app.pk}-amount": "6000"})
    assert "5\xa0000\xa0kr återstår" in response.content.decode()
    assert not Decision.objects.filter(application=app).exists()


@pytest.mark.django_db
def test_reject_requires_a_reason(client, steering, pot, actor_a):
    app = make_application(pot=pot, lead=actor_a, status=S.IN_REVIEW)
    client.force_login(steering)
    response = _action(client, "reject", [app], apply="1", note="")
    assert response.status_code == 200
    app.refresh_from_db()
    assert app.status == S.IN_REVIEW
    _action(client, "reject", [app], apply="1", note="Ligger utanför syftet")
    app.refresh_from_db()
    assert app.status == S.REJECTED
    assert app.events.get(kind=ApplicationEvent.Kind.TRANSITION).note == "Ligger utanför syftet"


@pytest.mark.django_db
def test_other_actions(client, steering, pot, actor_a, actor_b):
    submitted = make_application(pot=pot, lead=actor_a, status=S.SUBMITTED)
    approved = make_application(pot=pot, lead=actor_b, status=S.APPROVED)
    reported = make_application(pot=pot, lead=actor_b, status=S.REPORTED)
    client.force_login(steering)
    _action(client, "ask_for_completion", [submitted], apply="1", note="Bilaga saknas")
    _action(
        client,
        "mark_paid",
        [approved],
        apply="1",
        **{"paid_on": TODAY.isoformat(), f"a{approved.pk}-reference": "VER-77"},
    )
    _action(client, "approve_report", [reported], apply="1")
    for app, status in ((submitted, S.NEEDS_COMPLETION), (approved, S.PAID), (reported, S.CLOSED)):
        app.refresh_from_db()
        assert app.status == status


@pytest.mark.django_db
def test_csv_export_of_the_filtered_list(client, steering, pot, actor_a, actor_b):
    make_application(pot=pot, lead=actor_a, status=S.APPROVED, requested=4_000)
    make_application(pot=pot, lead=actor_b, status=S.IN_REVIEW)
    client.force_login(steering)
    response = client.get(reverse("admin:grants_application_export") + "?status__exact=approved")
    text = response.content.decode("utf-8-sig")
    assert response["Content-Type"].startswith("text/csv")
    assert "Föreningen Alfa" in text and "Föreningen Beta" not in text
    assert ";4000;4000;" in text


@pytest.mark.django_db
def test_chart_has_title_and_table(client, steering, pot, actor_a, actor_b, networks):
    make_application(pot=pot, lead=actor_a, status=S.APPROVED, requested=4_000)
    make_application(pot=pot, lead=actor_b, status=S.PAID, requested=6_000, network=networks["satra"])
    client.force_login(steering)
    body = client.get(reverse("admin:grants_pot_chart", args=[pot.pk])).content.decode()
    assert "<svg" in body and "<title" in body and "<table" in body
    assert "4\xa0000\xa0kr" in body and "6\xa0000\xa0kr" in body and "Sätra" in body


@pytest.mark.django_db
def test_pot_admin_shows_totals(client, steering, pot):
    client.force_login(steering)
    body = client.get(reverse("admin:grants_pot_change", args=[pot.pk])).content.decode()
    assert "100\xa0000\xa0kr" in body and "Gavlegårdarna" in body
    assert client.get(reverse("admin:grants_pot_changelist")).status_code == 200


@pytest.mark.django_db
def test_events_cannot_be_changed_in_the_admin(client, steering, application):
    from grants.workflow import application_transition

    application_transition(application=application, to_status=S.IN_REVIEW, actor_user=steering)
    event = ApplicationEvent.objects.get()
    client.force_login(steering)
    client.post(reverse("admin:grants_applicationevent_change", args=[event.pk]), {"note": "ändrad"})
    assert (
        client.post(reverse("admin:grants_applicationevent_delete", args=[event.pk]), {"post": "yes"}).status_code
        == 403
    )
    event.refresh_from_db()
    assert event.note == ""
