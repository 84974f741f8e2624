"""Every input of the admin's editable tables has a name (axe: label): the network's working
groups (coordinators) and the pot's fundings (the steering group)."""

from __future__ import annotations

import datetime
import re

import pytest
from django.utils import timezone

from grants.models import Funding, Pot
from networks.models import WorkingGroup

pytestmark = pytest.mark.django_db


def _inputs(html: str, group: str) -> list[str]:
    """The visible inputs, selects and textareas of the inline `group` (its <div id="…-group">)."""
    start = html.index(f'id="{group}-group"')
    block = html[start : html.index('<div class="submit-row"', start)]
    tags = re.findall(r"<(?:input|select|textarea)\b[^>]*>", block)
    return [tag for tag in tags if 'type="hidden"' not in tag]


def test_the_working_groups_inputs_have_labels(client, networks, coord_andersberg) -> None:
    network = networks["andersberg"]
    WorkingGroup.objects.create(network=network, name="Trygghet")
    client.force_login(coord_andersberg)
    html = client.get(f"/admin/networks/network/{network.pk}/change/").content.decode()
    inputs = _inputs(html, "working_groups")
    assert inputs and all("aria-label=" in tag for tag in inputs), inputs
    assert 'aria-label="Namn, rad 1"' in html
    assert 'aria-label="Radera, rad 1"' in html
    # The empty row "Lägg till" copies: the column's name alone.
    assert re.search(
        r'name="working_groups-__prefix__-name"[^>]*aria-label="Namn"|aria-label="Namn"[^>]*'
        r'name="working_groups-__prefix__-name"',
        html,
    )


def test_the_pots_fundings_inputs_have_labels(client, steering) -> None:
    today = timezone.localdate()
    pot = Pot.objects.create(
        year=today.year,
        name="Aktivitetspotten",
        opens_on=today,
        closes_on=today + datetime.timedelta(days=30),
        max_amount_per_application=20_000,
    )
    Funding.objects.create(pot=pot, funder="Gävle kommun", amount=100_000)
    client.force_login(steering)
    html = client.get(f"/admin/grants/pot/{pot.pk}/change/").content.decode()
    inputs = _inputs(html, "fundings")
    assert len(inputs) >= 4 and all("aria-label=" in tag for tag in inputs), inputs
