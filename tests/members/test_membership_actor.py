"""A membership request's page and its decision page show who asks (issue 22): the actor's
kind, org number and description, its representatives, and its other networks."""

from __future__ import annotations

import pytest

from members.models import Membership, Representation
from tests.conftest import _user

pytestmark = pytest.mark.django_db


@pytest.fixture
def pending(rep_a, actor_a, networks) -> Membership:
    actor_a.org_number = "802400-6911"
    actor_a.description = "Vi ordnar läxhjälp på tisdagar."
    actor_a.save()
    contact = _user("kontakt.alfa@example.se")
    Representation.objects.create(user=contact, actor=actor_a, role=Representation.Role.CONTACT)
    Membership.objects.create(actor=actor_a, network=networks["brynas"], status=Membership.Status.DECLINED)
    return Membership.objects.create(actor=actor_a, network=networks["satra"], message="Vi vill vara med.")


def _facts(html: str) -> str:
    start = html.index('class="actor-facts"')
    return html[start : html.index("</section>", start)]


@pytest.mark.parametrize("page", ["change", "godkann", "avboj"])
def test_the_decider_sees_the_actor(client, coord_satra, pending, networks, page) -> None:
    client.force_login(coord_satra)
    response = client.get(f"/admin/members/membership/{pending.pk}/{page}/")
    assert response.status_code == 200
    facts = _facts(response.content.decode())
    assert "Förening" in facts and "802400-6911" in facts and "Vi ordnar läxhjälp på tisdagar." in facts
    # Representatives: names and roles, the one who may invite first; no addresses for a coordinator.
    assert facts.index("Alfa") < facts.index("Kontakt.Alfa")
    assert "kontaktperson som kan bjuda in fler företrädare" in facts
    assert "@example.se" not in facts
    # The actor's other networks and the membership's status in each; not this request.
    assert f"{networks['andersberg']} – aktiv" in facts
    assert f"{networks['brynas']} – avböjd" in facts
    assert str(networks["satra"]) not in facts


def test_a_superuser_sees_the_representatives_addresses(client, superuser, pending) -> None:
    client.force_login(superuser)
    facts = _facts(client.get(f"/admin/members/membership/{pending.pk}/change/").content.decode())
    assert 'href="mailto:alfa@example.se"' in facts and "kontakt.alfa@example.se" in facts


def test_an_actor_with_nothing_more_says_so(client, coord_satra, networks) -> None:
    from members.models import Actor

    actor = Actor.objects.create(name="Nya gänget", slug="nya-ganget", kind=Actor.Kind.PRIVATE_PERSON)
    membership = Membership.objects.create(actor=actor, network=networks["satra"])
    client.force_login(coord_satra)
    facts = _facts(client.get(f"/admin/members/membership/{membership.pk}/change/").content.decode())
    assert "Privatperson" in facts and "Inget angivet" in facts and "Ingen beskrivning" in facts
    assert "Aktören har inga företrädare." in facts
    assert "Aktören är inte med i något annat nätverk." in facts


def test_the_list_filters_by_the_coordinators_networks_only(client, coord_satra, pending, networks) -> None:
    client.force_login(coord_satra)
    html = client.get("/admin/members/membership/").content.decode()
    assert 'data-filter-title="nätverk"' not in html  # one network: no filter to choose in
    assert str(networks["andersberg"]) not in html
