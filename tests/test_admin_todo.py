"""The to-do list on the admin index: each role sees what it may act on, each line links to
exactly the rows it counts, and the page costs the same number of queries however many rows."""

from __future__ import annotations

import datetime
import re
from html import unescape

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.translation import override

from core.roles import STEERING_GROUP
from grants.models import Application, Funding, Pot
from meetings.models import Meeting
from members.models import Actor, Membership
from tests.grants.conftest import make_application
from tests.meetings.conftest import make_meeting

pytestmark = pytest.mark.django_db
S = Application.Status
INDEX = "/admin/"


@pytest.fixture(autouse=True)
def _locmem_mail(settings, tmp_path) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"


@pytest.fixture
def pot(db) -> Pot:
    today = timezone.localdate()
    pot = Pot.objects.create(
        year=today.year,
        name="Aktivitetspotten",
        opens_on=today - datetime.timedelta(days=30),
        closes_on=today + datetime.timedelta(days=60),
        max_amount_per_application=20_000,
    )
    Funding.objects.create(pot=pot, funder="Gävle kommun", amount=1_000_000)
    return pot


def _todo(html: str) -> dict[str, str]:
    """The to-do lines of the index page: text → link."""
    section = html.split('<section class="todo"', 1)[1].split("</section>", 1)[0]
    return {
        unescape(re.sub(r"\s+", " ", text)).strip(): unescape(href)
        for href, text in re.findall(r'<li><a href="([^"]+)">([^<]+)</a></li>', section)
    }


def _listed(client, url: str) -> set[str]:
    """The rows a changelist link shows."""
    response = client.get(url)
    assert response.status_code == 200
    return {str(row) for row in response.context["cl"].result_list}


def _pending(actor_name: str, network) -> Membership:
    actor = Actor.objects.create(name=actor_name, slug=actor_name.lower().replace(" ", "-"), kind=Actor.Kind.COMPANY)
    return Membership.objects.create(actor=actor, network=network)


def _past(network, title: str, **extra) -> Meeting:
    return make_meeting(network, title=title, starts_at=timezone.now() - datetime.timedelta(days=3), **extra)


@pytest.fixture
def coordinator_world(networks):
    andersberg, satra = networks["andersberg"], networks["satra"]
    _pending("Bageriet Alfa", andersberg)
    _pending("Bageriet Beta", andersberg)
    _pending("Sätra Cykel", satra)
    _past(andersberg, "Utan protokoll")
    _past(andersberg, "Med protokoll", minutes="Vi pratade.", minutes_published_at=timezone.now())
    _past(andersberg, "Inställt", status=Meeting.Status.CANCELLED, cancel_reason="Snöstorm")
    _past(satra, "Sätra utan protokoll")
    make_meeting(andersberg, title="Vårträffen", starts_at=timezone.now() + datetime.timedelta(days=5))
    make_meeting(satra, title="Sätras vårträff", starts_at=timezone.now() + datetime.timedelta(days=6))


def test_coordinator_sees_only_their_networks_and_each_link_lists_exactly_what_it_counts(
    client, coordinator_world, coord_andersberg
):
    client.force_login(coord_andersberg)
    html = client.get(INDEX).content.decode()
    lines = _todo(html)

    assert set(lines) == {
        "2 ansökningar om medlemskap väntar på beslut",
        "1 möte har varit men saknar protokoll",
        "1 kommande möte",
    }
    # The next meetings by name, each linking to its own page.
    spring = Meeting.objects.get(title="Vårträffen")
    assert f'<a href="/admin/meetings/meeting/{spring.pk}/change/">Vårträffen</a>' in html
    assert "Sätras vårträff" not in html
    assert "Bidrag" not in html.split('<section class="todo"', 1)[1].split("</section>", 1)[0]

    assert _listed(client, lines["2 ansökningar om medlemskap väntar på beslut"]) == {
        "Bageriet Alfa i Andersbergsgruppen (Andersberg)",
        "Bageriet Beta i Andersbergsgruppen (Andersberg)",
    }
    assert {title.split(" (")[0] for title in _listed(client, lines["1 möte har varit men saknar protokoll"])} == {
        "Utan protokoll"
    }
    assert {title.split(" (")[0] for title in _listed(client, lines["1 kommande möte"])} == {"Vårträffen"}


def test_steering_group_sees_the_grant_lines_and_each_link_lists_exactly_what_it_counts(
    client, networks, pot, actor_a, actor_b, steering
):
    ready = make_application(pot=pot, lead=actor_a, status=S.SUBMITTED)
    ready_too = make_application(pot=pot, lead=actor_b, co=[actor_a], status=S.SUBMITTED)
    waiting = make_application(pot=pot, lead=actor_b, co=[actor_a], status=S.SUBMITTED, confirmed=False)
    make_application(pot=pot, lead=actor_a, status=S.DRAFT)
    fresh = make_application(pot=pot, lead=actor_a, status=S.IN_REVIEW)
    old = make_application(pot=pot, lead=actor_b, status=S.IN_REVIEW)
    Application.objects.filter(pk=old.pk).update(updated_at=timezone.now() - datetime.timedelta(days=15))
    waiting_in_review = make_application(pot=pot, lead=actor_a, co=[actor_b], status=S.IN_REVIEW, confirmed=False)
    completion = make_application(pot=pot, lead=actor_b, status=S.NEEDS_COMPLETION)
    approved = make_application(pot=pot, lead=actor_a, status=S.APPROVED)
    late = make_application(pot=pot, lead=actor_a, status=S.PAID)
    on_time = make_application(pot=pot, lead=actor_b, status=S.PAID)
    # Due ends_on + 6 weeks: one ended seven weeks ago, one last week.
    for app, weeks in ((late, 7), (on_time, 1)):
        ended = timezone.localdate() - datetime.timedelta(weeks=weeks)
        Application.objects.filter(pk=app.pk).update(starts_on=ended, ends_on=ended)
    reported = make_application(pot=pot, lead=actor_b, status=S.REPORTED)
    client.force_login(steering)

    lines = _todo(client.get(INDEX).content.decode())

    assert set(lines) == {
        "4 ansökningar är klara för beslut",
        "2 ansökningar väntar på att medsökande bekräftar",
        "1 ansökan väntar på komplettering från de sökande",
        "1 ansökan har varit under granskning i mer än 14 dagar",
        "1 beviljad ansökan väntar på att utbetalningen registreras",
        "1 återrapport väntar på godkännande",
        "1 återrapport är försenad",
    }

    def listed(line: str) -> set[int]:
        return {Application.objects.get(reference=row.split(" ", 1)[0]).pk for row in _listed(client, lines[line])}

    # Each count is exactly the rows its link lists.
    assert listed("4 ansökningar är klara för beslut") == {ready.pk, ready_too.pk, fresh.pk, old.pk}
    assert listed("2 ansökningar väntar på att medsökande bekräftar") == {waiting.pk, waiting_in_review.pk}
    assert listed("1 ansökan väntar på komplettering från de sökande") == {completion.pk}
    assert listed("1 ansökan har varit under granskning i mer än 14 dagar") == {old.pk}
    assert fresh.pk not in listed("1 ansökan har varit under granskning i mer än 14 dagar")
    assert listed("1 beviljad ansökan väntar på att utbetalningen registreras") == {approved.pk}
    assert listed("1 återrapport väntar på godkännande") == {reported.pk}
    assert listed("1 återrapport är försenad") == {late.pk}
    # The queues are a filter of the list too, for the steering group to pick by hand.
    changelist = client.get("/admin/grants/application/").content.decode()
    for label in ("Klara för beslut", "Väntar på medsökande", "Väntar på komplettering"):
        assert label in changelist

    # When the co-applicant says yes, the application moves over to "ready".
    waiting.coapplicant_links.update(status="confirmed")
    lines = _todo(client.get(INDEX).content.decode())
    assert "5 ansökningar är klara för beslut" in lines
    assert "1 ansökan väntar på att medsökande bekräftar" in lines
    assert waiting.pk in listed("5 ansökningar är klara för beslut")


def test_steering_group_without_the_coordinator_role_sees_no_network_lines(client, coordinator_world, steering):
    client.force_login(steering)
    html = client.get(INDEX).content.decode()
    assert "Inget att göra just nu." in html
    assert "medlemskap" not in _todo(html)


def test_superuser_sees_every_network_but_no_grant_decisions(client, coordinator_world, pot, actor_a, superuser):
    """Only the steering group decides on grants (grants.access.decides_grants): a superuser reads them only."""
    make_application(pot=pot, lead=actor_a, status=S.SUBMITTED)
    client.force_login(superuser)
    lines = _todo(client.get(INDEX).content.decode())
    assert not any("ansökan är klar för beslut" in line for line in lines)
    assert "3 ansökningar om medlemskap väntar på beslut" in lines
    assert "2 möten har varit men saknar protokoll" in lines
    assert "2 kommande möten" in lines


def test_nothing_to_do_says_so(client, networks, coord_satra):
    client.force_login(coord_satra)
    html = client.get(INDEX).content.decode()
    assert "Inget att göra just nu." in html
    assert _todo(html) == {}


def test_the_list_is_on_the_index_only_not_on_a_section_page(client, coordinator_world, coord_andersberg):
    client.force_login(coord_andersberg)
    assert 'class="todo"' in client.get(INDEX).content.decode()
    assert 'class="todo"' not in client.get("/admin/meetings/").content.decode()


def _grow(networks, pot, actor_a, n: int) -> None:
    for i in range(n):
        _pending(f"Företag {i} {n}", networks["andersberg"])
        _past(networks["andersberg"], f"Gammalt {i}")
        make_meeting(networks["andersberg"], title=f"Nytt {i}")
        make_application(pot=pot, lead=actor_a, status=S.SUBMITTED)
        make_application(pot=pot, lead=actor_a, status=S.APPROVED)


def test_query_count_does_not_grow_with_the_rows(
    client, networks, pot, actor_a, superuser, django_assert_max_num_queries
):
    # A superuser in the steering group: both sections.
    superuser.groups.add(Group.objects.get(name=STEERING_GROUP))
    client.force_login(superuser)
    _grow(networks, pot, actor_a, 1)
    with CaptureQueriesContext(connection) as few:
        client.get(INDEX)
    _grow(networks, pot, actor_a, 12)
    # The index costs what it costs with one row of each kind, however many there are.
    with django_assert_max_num_queries(len(few)):
        html = client.get(INDEX).content.decode()
    assert "13 ansökningar om medlemskap väntar på beslut" in _todo(html)
    assert "13 ansökningar är klara för beslut" in _todo(html)


def test_section_names_are_swedish_and_english_on_en(client, superuser):
    client.force_login(superuser)
    html = client.get(INDEX).content.decode()
    assert "Nätverk</a>" in html and "Möten</a>" in html and "Tvåstegsverifiering</a>" in html
    assert ">Networks<" not in html and "MFA</a>" not in html
    with override("en"):
        english = client.get("/en/admin/").content.decode()
    assert ">Meetings</a>" in english and ">Grants</a>" in english
