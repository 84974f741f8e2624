"""The meeting list in the admin (issue 22): the coming meetings first, the nearest first, then
the past ones; filters and choices with the coordinator's own networks, one network chosen."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from meetings.models import Meeting
from networks.models import Network

from .conftest import make_meeting

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/meetings/meeting/"


def _titles(html: str) -> list[str]:
    return re.findall(r'<th class="field-title"><a href="[^"]*">([^<]*)</a>', html)


def test_the_list_starts_with_the_coming_meetings_then_the_past_ones(client, networks, superuser) -> None:
    now = timezone.now().replace(microsecond=0)
    andersberg = networks["andersberg"]
    for title, days in [("Förra året", -300), ("I somras", -60), ("Nästa år", 300), ("Snart", 3), ("Om en månad", 30)]:
        make_meeting(andersberg, title=title, starts_at=now + timedelta(days=days))
    # Started an hour ago, ends in an hour: still coming, and nearest.
    make_meeting(andersberg, title="Pågår", starts_at=now - timedelta(hours=1))
    client.force_login(superuser)
    html = client.get(CHANGELIST).content.decode()
    assert _titles(html) == ["Pågår", "Snart", "Om en månad", "Nästa år", "I somras", "Förra året"]
    # No column claims to be the one the list is sorted by.
    assert "sorted ascending" not in html and "sorted descending" not in html
    # The past is one click away, and a column sorts the list as before.
    assert _titles(client.get(f"{CHANGELIST}?nar=tidigare").content.decode()) == ["I somras", "Förra året"]
    by_start = _titles(client.get(f"{CHANGELIST}?o=2").content.decode())
    assert by_start == ["Förra året", "I somras", "Pågår", "Snart", "Om en månad", "Nästa år"]
    assert _titles(client.get(f"{CHANGELIST}?q=somras").content.decode()) == ["I somras"]


def _filter_choices(html: str, title: str) -> list[str]:
    """The choices of the list filter `title` (Django's <details data-filter-title>), none without it."""
    block = re.search(rf'<details data-filter-title="{title}"(.*?)</details>', html, re.S)
    return re.findall(r'<a href="[^"]*">([^<]*)</a>', block.group(1)) if block else []


def test_a_coordinator_of_one_network_has_no_network_filter_and_it_chosen_on_a_new_meeting(
    client, networks, coord_andersberg
) -> None:
    make_meeting(networks["andersberg"])
    client.force_login(coord_andersberg)
    html = client.get(CHANGELIST).content.decode()
    assert _filter_choices(html, "nätverk") == [] and "Sätra" not in html
    assert _filter_choices(html, "när") == ["Alla", "Kommande", "Har varit"]
    add = client.get(f"{CHANGELIST}add/").content.decode()
    select = re.search(r'<select name="network".*?</select>', add, re.S).group(0)
    # Chosen, after the empty first choice HTML asks of a required select (the validator).
    assert re.findall(r"<option[^>]*>", select) == [
        '<option value="">',
        f'<option value="{networks["andersberg"].pk}" selected>',
    ]


def test_a_coordinator_of_two_networks_filters_and_chooses_between_them(client, networks, coord_andersberg) -> None:
    networks["satra"].coordinators.add(coord_andersberg)
    client.force_login(coord_andersberg)
    choices = _filter_choices(client.get(CHANGELIST).content.decode(), "nätverk")
    assert choices == ["Alla", str(networks["andersberg"]), str(networks["satra"])]
    add = client.get(f"{CHANGELIST}add/").content.decode()
    select = re.search(r'<select name="network".*?</select>', add, re.S).group(0)
    assert len(re.findall(r"<option", select)) == 3 and " selected" in select.split("</option>")[0]


def test_the_steering_group_filters_by_every_network(client, networks, steering) -> None:
    client.force_login(steering)
    choices = _filter_choices(client.get(CHANGELIST).content.decode(), "nätverk")
    assert choices == ["Alla", *(str(network) for network in Network.objects.all())]
    assert len(choices) == 5


def test_a_new_working_group_has_the_one_network_chosen(client, networks, coord_satra) -> None:
    client.force_login(coord_satra)
    html = client.get("/admin/networks/workinggroup/add/").content.decode()
    select = re.search(r'<select name="network".*?</select>', html, re.S).group(0)
    # Chosen, after the empty first choice HTML asks of a required select (the validator).
    assert re.findall(r"<option[^>]*>", select) == [
        '<option value="">',
        f'<option value="{networks["satra"].pk}" selected>',
    ]
    assert _filter_choices(client.get("/admin/networks/workinggroup/").content.decode(), "nätverk") == []


@pytest.mark.parametrize("add_page", ["/admin/networks/workinggroup/add/", "/admin/voices/voice/add/"])
def test_a_new_row_elsewhere_has_the_one_network_chosen_the_same_way(client, networks, coord_satra, add_page) -> None:
    """The working group's and the voice's admin take the choice from the same mixin."""
    client.force_login(coord_satra)
    select = re.search(r'<select name="network".*?</select>', client.get(add_page).content.decode(), re.S).group(0)
    assert re.findall(r"<option[^>]*>", select) == [
        '<option value="">',
        f'<option value="{networks["satra"].pk}" selected>',
    ]


def test_a_saved_meeting_keeps_its_network_on_the_form(client, networks, coord_andersberg) -> None:
    meeting = make_meeting(networks["andersberg"])
    client.force_login(coord_andersberg)
    html = client.get(f"{CHANGELIST}{meeting.pk}/change/").content.decode()
    assert f'<option value="{networks["andersberg"].pk}" selected>' in html
    assert Meeting.objects.count() == 1
