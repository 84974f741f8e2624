"""A coordinator sees and changes only their own networks' rows in the admin."""

from __future__ import annotations

import pytest
from django.urls import reverse

from members.models import Membership
from networks.models import Post, WorkingGroup

pytestmark = pytest.mark.django_db


@pytest.fixture
def rows(actor_a, actor_b, networks) -> dict:
    return {
        "m_andersberg": Membership.objects.get(actor=actor_a),
        "m_satra": Membership.objects.get(actor=actor_b),
        "post_andersberg": Post.objects.create(
            network=networks["andersberg"], title="Andersbergsnytt", slug="andersbergsnytt", summary="s", body="b"
        ),
        "post_satra": Post.objects.create(
            network=networks["satra"], title="Sätranytt", slug="satranytt", summary="s", body="b"
        ),
        "wg_andersberg": WorkingGroup.objects.create(network=networks["andersberg"], name="Trygghet"),
    }


def _url(name: str, obj=None) -> str:
    return reverse(name, args=[obj.pk] if obj is not None else None)


def test_satra_coordinator_lists_only_satra_memberships(client, coord_satra, rows) -> None:
    client.force_login(coord_satra)
    response = client.get(_url("admin:members_membership_changelist"))
    assert response.status_code == 200
    shown = list(response.context["cl"].result_list)
    assert shown == [rows["m_satra"]]
    html = response.content.decode()
    assert "Föreningen Alfa" not in html
    assert "Andersbergsgruppen" not in html  # not even in the network filter


def test_satra_coordinator_cannot_open_or_change_andersberg_membership(client, coord_satra, rows) -> None:
    client.force_login(coord_satra)
    url = _url("admin:members_membership_change", rows["m_andersberg"])
    response = client.get(url)
    assert response.status_code in (302, 404)
    assert "Föreningen Alfa" not in response.content.decode()
    client.post(url, {"message": "ändrat"})
    rows["m_andersberg"].refresh_from_db()
    assert rows["m_andersberg"].message == ""
    delete_url = _url("admin:members_membership_delete", rows["m_andersberg"])
    assert client.post(delete_url, {"post": "yes"}).status_code in (302, 403, 404)
    assert Membership.objects.filter(pk=rows["m_andersberg"].pk).exists()


def test_satra_coordinator_opens_own_membership(client, coord_satra, rows) -> None:
    client.force_login(coord_satra)
    assert client.get(_url("admin:members_membership_change", rows["m_satra"])).status_code == 200


def test_satra_coordinator_cannot_list_open_or_change_andersberg_posts(client, coord_satra, rows) -> None:
    client.force_login(coord_satra)
    response = client.get(_url("admin:networks_post_changelist"))
    assert list(response.context["cl"].result_list) == [rows["post_satra"]]
    url = _url("admin:networks_post_change", rows["post_andersberg"])
    assert client.get(url).status_code in (302, 404)
    client.post(url, {"title": "Kapad", "network": rows["post_andersberg"].network_id})
    rows["post_andersberg"].refresh_from_db()
    assert rows["post_andersberg"].title == "Andersbergsnytt"


def test_satra_coordinator_cannot_open_andersberg_working_group(client, coord_satra, rows) -> None:
    client.force_login(coord_satra)
    response = client.get(_url("admin:networks_workinggroup_changelist"))
    assert list(response.context["cl"].result_list) == []
    assert client.get(_url("admin:networks_workinggroup_change", rows["wg_andersberg"])).status_code in (302, 404)


def test_andersberg_coordinator_sees_andersberg(client, coord_andersberg, rows) -> None:
    client.force_login(coord_andersberg)
    response = client.get(_url("admin:members_membership_changelist"))
    assert list(response.context["cl"].result_list) == [rows["m_andersberg"]]
    assert client.get(_url("admin:networks_post_change", rows["post_andersberg"])).status_code == 200


def test_non_staff_cannot_reach_admin(client, rep_a, rows) -> None:
    client.force_login(rep_a)
    assert client.get(_url("admin:members_membership_changelist")).status_code in (302, 403)


def test_membership_status_is_only_changed_by_actions(client, coord_satra, rows) -> None:
    client.force_login(coord_satra)
    url = _url("admin:members_membership_change", rows["m_satra"])
    client.post(url, {"status": "declined", "message": ""})
    rows["m_satra"].refresh_from_db()
    assert rows["m_satra"].status == Membership.Status.ACTIVE
