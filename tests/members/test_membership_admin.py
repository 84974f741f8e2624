"""A membership request's own page in the admin: approve and decline, each behind a confirm page."""

from __future__ import annotations

import pytest
from django.core import mail

from members.models import Actor, Membership

pytestmark = pytest.mark.django_db


@pytest.fixture
def pending(rep_a, actor_a, networks) -> Membership:
    return Membership.objects.create(
        actor=actor_a, network=networks["satra"], message="Vi ordnar läxhjälp i Sätra och vill vara med."
    )


def _page(pk: int, what: str = "change") -> str:
    return f"/admin/members/membership/{pk}/{what}/"


def test_pending_request_page_has_both_buttons_and_the_message_is_read_only(client, coord_satra, pending):
    client.force_login(coord_satra)
    html = client.get(_page(pending.pk)).content.decode()
    assert f'href="/admin/members/membership/{pending.pk}/godkann/"' in html
    assert f'href="/admin/members/membership/{pending.pk}/avboj/"' in html
    assert "Vi ordnar läxhjälp i Sätra och vill vara med." in html
    assert 'name="message"' not in html
    # Nothing on the page is editable, so there is no save button to wonder about.
    assert 'name="_save"' not in html and 'name="_continue"' not in html


def test_a_decided_request_has_no_buttons(client, coord_andersberg, actor_a, networks):
    active = Membership.objects.get(actor=actor_a, network=networks["andersberg"])
    client.force_login(coord_andersberg)
    html = client.get(_page(active.pk)).content.decode()
    assert "/godkann/" not in html and "/avboj/" not in html


def test_approve_asks_first_then_approves_and_mails(
    client, coord_satra, rep_a, pending, django_capture_on_commit_callbacks
):
    client.force_login(coord_satra)
    confirm = client.get(_page(pending.pk, "godkann"))
    assert confirm.status_code == 200
    assert "Föreningen Alfa" in confirm.content.decode()
    pending.refresh_from_db()
    assert pending.status == Membership.Status.PENDING

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_page(pending.pk, "godkann"), follow=True)

    pending.refresh_from_db()
    assert pending.status == Membership.Status.ACTIVE
    assert pending.decided_by == coord_satra
    assert "Föreningen Alfa är nu medlem." in response.content.decode()
    assert mail.outbox[-1].to == [rep_a.email]


def test_decline_sends_the_coordinators_message_to_the_actor(
    client, coord_satra, rep_a, pending, django_capture_on_commit_callbacks
):
    client.force_login(coord_satra)
    page = client.get(_page(pending.pk, "avboj")).content.decode()
    assert "Meddelande till aktören" in page and "(valfritt)" in page

    with django_capture_on_commit_callbacks(execute=True):
        client.post(_page(pending.pk, "avboj"), {"message": "Ni verkar i Andersberg – ansök gärna där i stället."})

    pending.refresh_from_db()
    assert pending.status == Membership.Status.DECLINED
    body = mail.outbox[-1].body
    assert mail.outbox[-1].to == [rep_a.email]
    assert "Ni verkar i Andersberg – ansök gärna där i stället." in body
    assert f"Meddelande från {coord_satra.name}:" in body


def test_decline_without_a_message_sends_the_plain_letter(
    client, coord_satra, rep_a, pending, django_capture_on_commit_callbacks
):
    client.force_login(coord_satra)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(_page(pending.pk, "avboj"), {"message": ""})
    pending.refresh_from_db()
    assert pending.status == Membership.Status.DECLINED
    assert "Meddelande från" not in mail.outbox[-1].body


def test_too_long_a_message_is_shown_again_with_the_error_and_nothing_is_decided(client, coord_satra, pending):
    client.force_login(coord_satra)
    response = client.post(_page(pending.pk, "avboj"), {"message": "x" * 2001})
    assert response.status_code == 200
    html = response.content.decode()
    assert "<title>Fel:" in html
    assert "x" * 2001 in html
    pending.refresh_from_db()
    assert pending.status == Membership.Status.PENDING


def test_coordinator_of_another_network_gets_404_and_steering_group_403(client, coord_andersberg, steering, pending):
    client.force_login(coord_andersberg)
    assert client.post(_page(pending.pk, "godkann")).status_code == 404
    assert client.post(_page(pending.pk, "avboj")).status_code == 404
    client.force_login(steering)
    assert client.post(_page(pending.pk, "godkann")).status_code == 403
    pending.refresh_from_db()
    assert pending.status == Membership.Status.PENDING


def test_a_decided_request_is_not_decided_again(client, coord_satra, pending):
    client.force_login(coord_satra)
    client.post(_page(pending.pk, "godkann"))
    response = client.post(_page(pending.pk, "avboj"), follow=True)
    pending.refresh_from_db()
    assert pending.status == Membership.Status.ACTIVE
    assert "Ansökan är redan beslutad." in response.content.decode()


def test_wrong_method_is_refused(client, coord_satra, pending):
    client.force_login(coord_satra)
    assert client.put(_page(pending.pk, "godkann")).status_code == 405
    pending.refresh_from_db()
    assert pending.status == Membership.Status.PENDING


@pytest.mark.parametrize(
    ("count", "approved", "declined"),
    [(1, "1 ansökan godkänd.", "1 ansökan avböjd."), (2, "2 ansökningar godkända.", "2 ansökningar avböjda.")],
)
def test_bulk_actions_count_in_singular_and_plural(client, coord_satra, networks, count, approved, declined):
    def requests() -> list[int]:
        made = []
        for _i in range(count):
            n = Actor.objects.count()
            actor = Actor.objects.create(name=f"Aktör {n}", slug=f"aktor-{n}", kind=Actor.Kind.COMPANY)
            made.append(Membership.objects.create(actor=actor, network=networks["satra"]).pk)
        return made

    client.force_login(coord_satra)
    url = "/admin/members/membership/"
    response = client.post(url, {"action": "approve", "_selected_action": requests(), "confirm": "1"}, follow=True)
    assert approved in response.content.decode()
    response = client.post(
        url, {"action": "decline", "_selected_action": requests(), "message": "", "confirm": "1"}, follow=True
    )
    assert declined in response.content.decode()
