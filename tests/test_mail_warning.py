"""The admin index warns when mail is stuck (core/admin_mailwarning.py): the steering
group and superusers see it, superusers with links that list exactly the rows counted, the
steering group without (they may not open the outbox); nobody else sees it."""

from __future__ import annotations

import re
from datetime import timedelta
from html import unescape

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from core.admin_mailwarning import mail_warning_for
from core.models import Outbox
from core.roles import STEERING_GROUP
from members.models import User

pytestmark = pytest.mark.django_db
INDEX = "/admin/"
OUTBOX = "/admin/natverk/outbox/"
STUCK = "1 brev har väntat mer än en timme på att skickas"
GIVEN_UP = "1 brev kunde inte skickas och gavs upp de senaste 7 dagarna"


def _row(to: str, *, age: timedelta, **extra) -> Outbox:
    return Outbox.objects.create(
        to=to, subject="Hej", body="Text", kind="test.mail", created_at=timezone.now() - age, **extra
    )


@pytest.fixture
def stuck_mail(db) -> dict[str, Outbox]:
    now = timezone.now()
    return {
        "stuck": _row("stuck@example.se", age=timedelta(hours=2), attempts=5, last_error="ConnectionRefusedError"),
        "given_up": _row("given-up@example.se", age=timedelta(days=8), failed_at=now - timedelta(days=3)),
        # Not counted: a fresh mail, one that went out, one given up long ago.
        "fresh": _row("fresh@example.se", age=timedelta(minutes=10)),
        "sent": _row("sent@example.se", age=timedelta(hours=2), sent_at=now - timedelta(hours=2)),
        "old": _row("old@example.se", age=timedelta(days=20), failed_at=now - timedelta(days=8)),
    }


def _warning(html: str) -> dict[str, str]:
    """The warning's lines: text → link ("" without one); {} when there is no warning."""
    if 'class="mailwarning"' not in html:
        return {}
    section = html.split('<section class="mailwarning"', 1)[1].split("</section>", 1)[0]
    lines = {}
    for item in re.findall(r'<li class="warning">(.*?)</li>', section, re.S):
        link = re.fullmatch(r'<a href="([^"]+)">([^<]+)</a>', item.strip())
        text, url = (link.group(2), unescape(link.group(1))) if link else (item, "")
        lines[unescape(re.sub(r"\s+", " ", text)).strip()] = url
    return lines


def _listed(client, url: str) -> set[str]:
    response = client.get(url)
    assert response.status_code == 200
    return {row.to for row in response.context["cl"].result_list}


def test_superuser_sees_the_warning_with_links_listing_exactly_the_rows_counted(client, superuser, stuck_mail):
    client.force_login(superuser)
    lines = _warning(client.get(INDEX).content.decode())
    assert list(lines)[:2] == [STUCK, GIVEN_UP]
    assert "Försök skicka igen" in list(lines)[2]
    assert _listed(client, lines[STUCK]) == {"stuck@example.se"}
    assert _listed(client, lines[GIVEN_UP]) == {"given-up@example.se"}


def test_steering_group_sees_the_warning_without_links_and_whom_to_tell(client, steering, stuck_mail):
    client.force_login(steering)
    lines = _warning(client.get(INDEX).content.decode())
    assert lines == {
        STUCK: "",
        GIVEN_UP: "",
        "E-postservern svarar kanske inte. Tala om det för webbplatsens administratör.": "",
    }
    # No link, since the outbox itself is not theirs to open.
    assert client.get(OUTBOX).status_code == 403


def test_coordinators_and_other_staff_see_no_warning(client, coord_andersberg, stuck_mail):
    staff = User.objects.create_user(email="personal@example.se", password="x-Lösenord-123", is_staff=True)
    for user in (coord_andersberg, staff):
        client.force_login(user)
        response = client.get(INDEX)
        assert response.status_code == 200
        assert _warning(response.content.decode()) == {}
    assert mail_warning_for(User.objects.get(email="personal@example.se")) is None


def test_no_warning_when_mail_flows(client, superuser, steering, db):
    _row("fresh@example.se", age=timedelta(minutes=50))
    _row("sent@example.se", age=timedelta(days=1), sent_at=timezone.now())
    _row("old@example.se", age=timedelta(days=20), failed_at=timezone.now() - timedelta(days=7, minutes=1))
    for user in (superuser, steering):
        client.force_login(user)
        assert _warning(client.get(INDEX).content.decode()) == {}


def test_counts_in_the_plural_and_only_one_line_when_only_one_thing_is_wrong(client, superuser, db):
    for n in range(3):
        _row(f"{n}@example.se", age=timedelta(hours=5))
    client.force_login(superuser)
    lines = _warning(client.get(INDEX).content.decode())
    assert list(lines) == [
        "3 brev har väntat mer än en timme på att skickas",
        "E-postservern svarar kanske inte. Se till att den fungerar: "
        "breven i kön går iväg av sig själva när den svarar.",
    ]
    assert len(_listed(client, lines["3 brev har väntat mer än en timme på att skickas"])) == 3


def test_the_warning_is_on_the_index_only(client, superuser, stuck_mail):
    client.force_login(superuser)
    assert _warning(client.get("/admin/natverk/").content.decode()) == {}


def test_a_superuser_who_is_also_in_the_steering_group_gets_the_links(client, superuser, stuck_mail):
    superuser.groups.add(Group.objects.get(name=STEERING_GROUP))
    client.force_login(superuser)
    assert _warning(client.get(INDEX).content.decode())[STUCK].startswith(OUTBOX)


def test_the_warning_costs_one_query_however_many_rows(superuser, steering, stuck_mail):
    for n in range(20):
        _row(f"{n}@example.se", age=timedelta(hours=3))
    with CaptureQueriesContext(connection) as queries:
        warning = mail_warning_for(superuser)
    assert len(queries) == 1
    assert warning.lines[0].text == "21 brev har väntat mer än en timme på att skickas"
    # The steering group: one more, to learn the role (then kept on the user for the request).
    steering = User.objects.get(pk=steering.pk)
    with CaptureQueriesContext(connection) as queries:
        mail_warning_for(steering)
        mail_warning_for(steering)
    assert len(queries) == 3
