"""Networks and news in the admin: coordinators see their own networks, news always has one."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from core.roles import COORDINATORS_GROUP
from networks.models import Post
from tests.conftest import _user

pytestmark = pytest.mark.django_db


def _post_data(**overrides) -> dict:
    return {
        "slug": "varfest",
        "title": "Vårfest",
        "summary": "Välkomna",
        "body": "Vi ses på torget.",
        "published_at_0": "2026-05-01",
        "published_at_1": "10:00",
        "is_published": "on",
        **overrides,
    }


def test_the_network_list_has_no_filter_listing_user_accounts(client, coord_andersberg, coord_satra) -> None:
    client.force_login(coord_andersberg)
    response = client.get(reverse("admin:networks_network_changelist"))
    assert response.status_code == 200
    html = response.content.decode()
    assert coord_satra.email not in html
    assert "coordinators__id__exact" not in html


def test_coordinator_opens_and_changes_their_own_network_only(client, coord_andersberg, networks) -> None:
    client.force_login(coord_andersberg)
    own = client.get(reverse("admin:networks_network_change", args=[networks["andersberg"].pk]))
    assert own.status_code == 200
    other = client.get(reverse("admin:networks_network_change", args=[networks["satra"].pk]))
    assert other.status_code == 302


def test_coordinator_news_must_have_one_of_their_networks(client, coord_andersberg, networks) -> None:
    client.force_login(coord_andersberg)
    url = reverse("admin:networks_post_add")
    response = client.post(url, _post_data())
    assert response.status_code == 200
    assert "network" in response.context["adminform"].form.errors
    response = client.post(url, _post_data(network=networks["satra"].pk))
    assert response.status_code == 200
    assert not Post.objects.exists()
    response = client.post(url, _post_data(network=networks["andersberg"].pk))
    assert response.status_code == 302, response.context["adminform"].form.errors
    post = Post.objects.get()
    # ... so that they can change and delete it afterwards.
    assert client.get(reverse("admin:networks_post_change", args=[post.pk])).status_code == 200
    assert client.post(reverse("admin:networks_post_delete", args=[post.pk]), {"post": "yes"}).status_code == 302
    assert not Post.objects.exists()


def test_only_superusers_publish_news_for_all_networks(client, superuser) -> None:
    client.force_login(superuser)
    response = client.post(reverse("admin:networks_post_add"), _post_data())
    assert response.status_code == 302
    assert Post.objects.get().network is None


def test_a_coordinator_without_a_network_cannot_add_news(client, networks) -> None:
    user = _user("utan.natverk@example.se", is_staff=True)
    user.groups.add(Group.objects.get(name=COORDINATORS_GROUP))
    client.force_login(user)
    assert client.get(reverse("admin:networks_post_add")).status_code == 403
