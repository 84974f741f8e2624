"""Issue 11 for the network page: how to join, working groups with a page, the network's own news."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from meetings.models import Meeting
from members.models import Actor, Membership, Representation
from networks.models import Post, WorkingGroup
from tests.conftest import _user
from tests.htmlcheck import html_problems
from tests.meetings.conftest import make_meeting
from tests.networks.conftest import make_posts

pytestmark = pytest.mark.django_db


def _join_box(html: str) -> str:
    return html.split('id="join-heading"', 1)[1].split("</aside>", 1)[0]


def test_join_box_for_a_visitor_links_to_sign_up_and_log_in(client, networks) -> None:
    box = _join_box(client.get("/natverk/satra/").content.decode())
    assert 'href="/konto/signup/?next=/natverk/satra/"' in box
    assert 'href="/konto/login/?next=/natverk/satra/"' in box


def test_join_box_for_a_signatory_links_to_the_join_page_of_each_actor(client, networks, rep_a, actor_a) -> None:
    other = Actor.objects.create(name="Föreningen Gamma", slug="foreningen-gamma", kind=Actor.Kind.ASSOCIATION)
    Representation.objects.create(user=rep_a, actor=other, role=Representation.Role.SIGNATORY)
    Membership.objects.create(actor=other, network=networks["satra"], status=Membership.Status.PENDING)
    client.force_login(rep_a)
    box = _join_box(client.get("/natverk/andersberg/").content.decode())
    assert "Föreningen Alfa är medlem." in box
    assert f'href="/mina-sidor/aktorer/{other.slug}/ga-med/"' in box
    box = _join_box(client.get("/natverk/satra/").content.decode())
    assert "Föreningen Gamma har ansökt." in box
    assert f'href="/mina-sidor/aktorer/{actor_a.slug}/ga-med/"' in box
    assert "/konto/signup/" not in box


def test_join_box_for_a_resident_or_a_contact_person_offers_to_add_an_actor(client, networks, actor_a) -> None:
    contact = _user("kontakt@example.se")
    Representation.objects.create(user=contact, actor=actor_a, role=Representation.Role.CONTACT)
    client.force_login(contact)
    box = _join_box(client.get("/natverk/satra/").content.decode())
    # A contact person cannot ask for membership (403 there), so no link to it.
    assert "/ga-med/" not in box
    assert 'href="/mina-sidor/aktorer/ny/"' in box


def test_working_group_has_its_own_page_with_its_meetings(client, networks) -> None:
    group = WorkingGroup.objects.create(network=networks["satra"], name="Trygghet", description="Vi går nattvandring.")
    make_meeting(networks["satra"], title="Gruppens träff", kind=Meeting.Kind.WORKING_GROUP, working_group=group)
    make_meeting(networks["satra"], title="Hela nätverket")
    past = make_meeting(
        networks["satra"],
        title="Förra gruppträffen",
        kind=Meeting.Kind.WORKING_GROUP,
        working_group=group,
        starts_at=timezone.now() - timedelta(days=20),
    )
    url = f"/natverk/satra/arbetsgrupper/{group.pk}/"
    assert f'href="{url}"' in client.get("/natverk/satra/").content.decode()
    assert f'href="{url}"' in client.get(f"/moten/{past.pk}/").content.decode()
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert html_problems(html) == []
    assert "Vi går nattvandring." in html
    assert "Gruppens träff" in html and "Förra gruppträffen" in html
    assert "Hela nätverket" not in html
    # The group belongs to Sätra only; a stopped group has no page.
    assert client.get(f"/natverk/andersberg/arbetsgrupper/{group.pk}/").status_code == 404
    WorkingGroup.objects.filter(pk=group.pk).update(is_active=False)
    assert client.get(url).status_code == 404
    assert client.head(f"/en{url}").status_code == 404


def test_working_group_page_query_count_does_not_grow(client, networks, django_assert_num_queries) -> None:
    group = WorkingGroup.objects.create(network=networks["satra"], name="Trygghet")

    def add(n: int) -> None:
        for i in range(n):
            make_meeting(
                networks["satra"],
                kind=Meeting.Kind.WORKING_GROUP,
                working_group=group,
                registration_enabled=True,
                capacity=3,
                starts_at=timezone.now() + timedelta(days=i + 1),
            )

    add(2)
    url = f"/natverk/satra/arbetsgrupper/{group.pk}/"
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    add(20)
    with django_assert_num_queries(len(few.captured_queries)):
        assert client.get(url).status_code == 200


def test_all_news_from_the_network(client, networks) -> None:
    make_posts(networks["satra"], 12, prefix="satra")
    make_posts(networks["andersberg"], 2, prefix="andersberg")
    make_posts(None, 1, prefix="alla")
    assert 'href="/natverk/satra/nyheter/"' in client.get("/natverk/satra/").content.decode()
    html = client.get("/natverk/satra/nyheter/").content.decode()
    assert html_problems(html) == []
    assert "Nyheter från Sätra" in html
    assert html.count('class="news-item"') == 10  # one page
    assert "/nyheter/andersberg-0/" not in html and "/nyheter/alla-0/" not in html
    assert "/nyheter/satra-11/" in client.get("/natverk/satra/nyheter/?sida=2").content.decode()
    assert client.get("/natverk/finns-inte/nyheter/").status_code == 404
    # The heading under the page's h1 is an h2, not an h3.
    assert '<h2><a href="/nyheter/satra-0/"' in html
    assert Post.objects.count() == 15
