"""Asking to join networks, and coordinators deciding in the admin."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from members.models import Membership

pytestmark = pytest.mark.django_db
JOIN = "/mina-sidor/aktorer/foreningen-alfa/ga-med/"
CHANGELIST = reverse("admin:members_membership_changelist")


def test_join_several_networks(client, rep_a, networks, coord_satra, django_capture_on_commit_callbacks) -> None:
    client.force_login(rep_a)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(JOIN, {"networks": [networks["satra"].pk, networks["brynas"].pk], "message": "Hej!"})
    assert response.status_code == 302
    pending = Membership.objects.filter(actor__slug="foreningen-alfa", status=Membership.Status.PENDING)
    assert {m.network.slug for m in pending} == {"satra", "brynas"}
    # The coordinator of Sätra hears about it.
    assert mail.outbox[0].to == [coord_satra.email]


def test_double_join_request_is_a_clear_error(client, rep_a, networks) -> None:
    client.force_login(rep_a)
    client.post(JOIN, {"networks": [networks["satra"].pk]})
    response = client.post(JOIN, {"networks": [networks["satra"].pk, networks["brynas"].pk]})
    assert response.status_code == 200
    errors = response.context["form"].errors["networks"]
    assert "har redan ansökt" in errors[0]
    assert not Membership.objects.filter(network=networks["brynas"]).exists()
    # Already a member of Andersberg:
    response = client.post(JOIN, {"networks": [networks["andersberg"].pk]})
    assert "är redan medlem" in response.context["form"].errors["networks"][0]


def test_join_needs_a_network(client, rep_a) -> None:
    client.force_login(rep_a)
    response = client.post(JOIN, {"networks": []})
    assert "Välj minst ett nätverk" in response.context["form"].errors["networks"][0]


def test_declined_actor_may_ask_again(client, rep_a, networks) -> None:
    Membership.objects.create(actor=rep_a.representations.get().actor, network=networks["satra"], status="declined")
    client.force_login(rep_a)
    client.post(JOIN, {"networks": [networks["satra"].pk]})
    assert Membership.objects.get(network=networks["satra"]).status == Membership.Status.PENDING


@pytest.fixture
def pending_satra(actor_a, networks) -> Membership:
    return Membership.objects.create(actor=actor_a, network=networks["satra"])


@pytest.fixture
def pending_andersberg(actor_b, networks) -> Membership:
    return Membership.objects.create(actor=actor_b, network=networks["andersberg"])


def test_coordinator_approves_and_representatives_get_mail(
    client, coord_satra, rep_a, pending_satra, django_capture_on_commit_callbacks
) -> None:
    client.force_login(coord_satra)
    # The action asks first, and changes nothing until confirmed.
    confirm = client.post(CHANGELIST, {"action": "approve", "_selected_action": [pending_satra.pk]})
    assert confirm.status_code == 200
    assert "Godkänn 1 ansökan" in confirm.content.decode()
    pending_satra.refresh_from_db()
    assert pending_satra.status == Membership.Status.PENDING
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            CHANGELIST, {"action": "approve", "_selected_action": [pending_satra.pk], "confirm": "1"}, follow=True
        )
    assert "1 ansökan godkänd." in response.content.decode()
    pending_satra.refresh_from_db()
    assert pending_satra.status == Membership.Status.ACTIVE
    assert pending_satra.decided_by == coord_satra
    assert mail.outbox[-1].to == [rep_a.email]
    assert "Välkommen" in mail.outbox[-1].subject
    # The actor now shows on Sätra's page.
    assert "Föreningen Alfa" in client.get("/natverk/satra/").content.decode()


def test_coordinator_declines(client, coord_satra, rep_a, pending_satra, django_capture_on_commit_callbacks) -> None:
    client.force_login(coord_satra)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(CHANGELIST, {"action": "decline", "_selected_action": [pending_satra.pk], "confirm": "1"})
    pending_satra.refresh_from_db()
    assert pending_satra.status == Membership.Status.DECLINED
    assert mail.outbox[-1].to == [rep_a.email]
    assert "Föreningen Alfa" not in client.get("/natverk/satra/").content.decode()


def test_coordinator_cannot_decide_other_networks_requests(client, coord_satra, pending_andersberg) -> None:
    client.force_login(coord_satra)
    client.post(CHANGELIST, {"action": "approve", "_selected_action": [pending_andersberg.pk], "confirm": "1"})
    pending_andersberg.refresh_from_db()
    assert pending_andersberg.status == Membership.Status.PENDING


def test_steering_group_cannot_approve(client, steering, pending_satra) -> None:
    client.force_login(steering)
    client.post(CHANGELIST, {"action": "approve", "_selected_action": [pending_satra.pk], "confirm": "1"})
    pending_satra.refresh_from_db()
    assert pending_satra.status == Membership.Status.PENDING


def test_already_decided_is_not_changed_again(client, coord_andersberg, actor_a, networks) -> None:
    active = Membership.objects.get(actor=actor_a, network=networks["andersberg"])
    client.force_login(coord_andersberg)
    response = client.post(
        CHANGELIST, {"action": "decline", "_selected_action": [active.pk], "confirm": "1"}, follow=True
    )
    active.refresh_from_db()
    assert active.status == Membership.Status.ACTIVE
    assert "redan beslutad" in response.content.decode()


def test_network_page_lists_only_active_public_members(client, actor_a, actor_b, networks) -> None:
    Membership.objects.create(actor=actor_b, network=networks["andersberg"])  # pending
    html = client.get("/natverk/andersberg/").content.decode()
    assert "Föreningen Alfa" in html
    assert "Föreningen Beta" not in html
    actor_a.is_public = False
    actor_a.save()
    assert "Föreningen Alfa" not in client.get("/natverk/andersberg/").content.decode()


@pytest.mark.parametrize("count", [5, 50])
def test_network_page_query_count_does_not_grow(client, networks, count, django_assert_max_num_queries) -> None:
    from members.models import Actor

    for i in range(count):
        actor = Actor.objects.create(name=f"Aktör {i}", slug=f"aktor-{i}", kind="foretag")
        Membership.objects.create(actor=actor, network=networks["brynas"], status="active")
    # As tests/networks/test_pages.py's MAX_QUERIES for a network page.
    with django_assert_max_num_queries(10):
        response = client.get("/natverk/brynas/")
    html = response.content.decode()
    # The first 30 by name are listed; the directory, filtered to the network, has them all.
    assert html.count("/aktorer/aktor-") == min(count, 30)
    assert '/aktorer/?natverk=brynas">Sök bland nätverkets' in html
    assert f"{count} aktörer" in html


def test_coordinators_and_steering_group_are_listed_by_name_only(client, coord_satra, steering) -> None:
    html = client.get("/natverk/satra/").content.decode()
    assert coord_satra.name in html
    assert coord_satra.email not in html
    about = client.get("/om/").content.decode()
    assert coord_satra.name in about
    assert steering.name in about
    assert steering.email not in about and coord_satra.email not in about
    # The Andersberg page does not list Sätra's coordinator.
    assert coord_satra.name not in client.get("/natverk/andersberg/").content.decode()
