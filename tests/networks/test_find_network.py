"""The box "Var bor du?" (networks/areas.py, /natverk/hitta/): the matcher, the pages in Swedish and
English, the page cache, the areas in the admin and in the demo data."""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.utils.html import escape

from core.folding import fold
from members.search import fold as search_fold
from networks.areas import MAX_PLACE_LENGTH, find_networks, name_matches, place_words
from networks.demo import create_demo
from networks.models import Area, Network
from tests.htmlcheck import html_problems

pytestmark = pytest.mark.django_db


@pytest.fixture
def areas(networks) -> dict[str, Area]:
    made = {}
    for slug, name, kind in [
        ("brynas", "Godisfabriken", Area.Kind.AREA),
        ("brynas", "Karamellgatan", Area.Kind.STREET),
        ("brynas", "Södra Strandgatan", Area.Kind.STREET),
        ("bomhus", "Södra Bomhus", Area.Kind.AREA),
        ("satra", "Sätra centrum", Area.Kind.AREA),
        ("andersberg", "Regnbågsgatan", Area.Kind.STREET),
    ]:
        made[name] = Area.objects.create(network=networks[slug], name=name, kind=kind)
    return made


def _slugs(place: str) -> list[str]:
    return [found.network.slug for found in find_networks(place)]


# ---- the matcher ----


@pytest.mark.parametrize(
    "typed", ["godisfabriken", "GODISFABRIKEN", "Godisfabriken", "Gödisfabrikén", "  godisfabriken  ", "godis"]
)
def test_godisfabriken_is_in_brynas_however_it_is_typed(areas, typed) -> None:
    found = find_networks(typed)
    assert [item.network.slug for item in found] == ["brynas"]
    assert [area.name for area in found[0].areas] == ["Godisfabriken"]
    assert not found[0].by_name


def test_a_network_is_found_by_its_own_names_without_a_and_o(areas) -> None:
    found = find_networks("Brynas")
    assert [item.network.slug for item in found] == ["brynas"]
    assert found[0].by_name
    assert _slugs("satra") == ["satra"]
    assert _slugs("tibo") == ["bomhus"]  # Bomhus's network is called TIBO.
    assert _slugs("andersbergsgruppen") == ["andersberg"]


def test_a_street_with_a_house_number_and_the_town(areas) -> None:
    assert _slugs("Karamellgatan 5") == ["brynas"]
    assert _slugs("karamellgatan 5 B, 802 67 Gävle") == ["brynas"]
    assert _slugs("regnbagsgatan") == ["andersberg"]
    assert _slugs("Sätra centrum") == ["satra"]


def test_a_place_in_several_networks_lists_them_all_in_the_networks_order(areas) -> None:
    found = find_networks("södra")
    assert [item.network.slug for item in found] == ["bomhus", "brynas"]
    assert [area.name for area in found[1].areas] == ["Södra Strandgatan"]


def test_no_network_covers_the_place(areas) -> None:
    assert find_networks("Valbo") == []
    assert find_networks("Stockholmsvägen") == []
    # Short words match whole words only, not the start of every name.
    assert find_networks("so") == []
    # Every typed word must start a word of the name ("karamell" alone would find Brynäs) ...
    assert find_networks("karamell valbo") == []
    # ... unless the whole name was typed among other words (a street and its town).
    assert _slugs("Karamellgatan Valbo") == ["brynas"]


def test_empty_and_number_only_places_find_nothing(areas) -> None:
    assert place_words("") == [] and find_networks("") == []
    assert place_words(" 12 ") == [] and find_networks("12, 802 67") == []


def test_place_words_fold_like_the_site_search() -> None:
    assert place_words("Södra Skeppsbron 3, GÄVLE") == ["sodra", "skeppsbron", "gavle"]
    assert place_words("x " * 20) == ["x"]
    assert len(place_words(" ".join(f"ord{chr(97 + i)}" for i in range(20)))) == 8
    assert fold("Läxhjälp Östra Å") == search_fold("Läxhjälp Östra Å") == "laxhjalp ostra a"


def test_name_matches_either_way() -> None:
    assert name_matches(["godis"], "Godisfabriken")
    assert name_matches(["karamellgatan", "gavle"], "Karamellgatan")
    assert not name_matches(["go"], "Godisfabriken")
    assert not name_matches(["karamell", "gavle"], "Karamellgatan")
    assert not name_matches([], "Godisfabriken")


# ---- the page ----


def test_the_box_is_on_the_home_page_and_the_network_list(client, networks) -> None:
    for path in ("/", "/natverk/", "/en/", "/en/natverk/"):
        html = client.get(path).content.decode()
        prefix = "/en" if path.startswith("/en/") else ""
        assert f'<form method="get" action="{prefix}/natverk/hitta/"' in html, path
        assert re.search(r'<input type="search" name="plats" id="id_plats" value="" maxlength="100"', html), path
        assert 'autocomplete="address-line1"' in html


@pytest.mark.parametrize("typed", ["godisfabriken", "GODISFABRIKEN"])
def test_the_page_finds_brynas(client, areas, typed) -> None:
    response = client.get("/natverk/hitta/", {"plats": typed})
    assert response.status_code == 200
    html = response.content.decode()
    assert f"<title>Nätverk för ”{typed}”" in html
    assert f'<p role="status">1 nätverk finns för ”{typed}”:</p>' in html
    assert '<h3><a href="/natverk/brynas/">Brynäs</a></h3>' in html
    assert "Nätverket finns i: Godisfabriken</p>" in html
    assert f'value="{typed}"' in html
    assert "Inget stadsdelsnätverk" not in html
    assert html_problems(html) == []
    assert not response.cookies


def test_the_page_says_plainly_when_no_network_covers_the_place(client, areas, settings) -> None:
    settings.CONTACT_EMAIL = "kontakt@example.se"
    html = client.get("/natverk/hitta/?plats=Valbo+kyrka").content.decode()
    assert '<p role="status"><strong>Inget stadsdelsnätverk finns för ”Valbo kyrka” ännu.</strong></p>' in html
    assert "Så startar du ett nätverk" in html
    assert 'href="mailto:kontakt@example.se"' in html
    assert 'href="/natverk/"' in html and 'href="/om/"' in html
    assert 'value="Valbo kyrka"' in html
    assert html_problems(html) == []


def test_several_networks_are_listed(client, areas) -> None:
    html = client.get("/natverk/hitta/?plats=S%C3%B6dra").content.decode()
    assert "2 nätverk finns för ”Södra”:" in html
    assert html.index('href="/natverk/bomhus/"') < html.index('href="/natverk/brynas/"')


def test_a_demo_area_is_marked(client, areas) -> None:
    Area.objects.filter(name="Godisfabriken").update(is_demo=True)
    html = client.get("/natverk/hitta/?plats=godisfabriken").content.decode()
    assert 'Godisfabriken <span class="badge badge--demo">Demo</span>' in html


def test_the_network_page_lists_its_areas(client, areas) -> None:
    html = client.get("/natverk/brynas/").content.decode()
    assert "<strong>Nätverket finns i:</strong> Godisfabriken, Karamellgatan, Södra Strandgatan</p>" in html
    Area.objects.filter(name="Karamellgatan").update(is_demo=True)
    html = client.get("/natverk/brynas/").content.decode()
    assert 'Södra Strandgatan <span class="badge badge--demo">Demo</span></p>' in html
    # A network without a list says nothing about it.
    Area.objects.filter(network__slug="andersberg").delete()
    assert "Nätverket finns i:" not in client.get("/natverk/andersberg/").content.decode()


def test_without_a_place_the_page_shows_the_box_only(client, networks) -> None:
    html = client.get("/natverk/hitta/").content.decode()
    assert "<h1>Hitta ditt nätverk</h1>" in html
    assert 'role="status"' not in html
    assert "Det finns fel i formuläret" not in html
    assert html_problems(html) == []


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "Skriv var du bor: en gata, ett område eller en stadsdel."),
        ("   ", "Skriv var du bor: en gata, ett område eller en stadsdel."),
        ("12", "Skriv namnet på gatan, området eller stadsdelen med bokstäver, inte bara siffror."),
        ("å" * (MAX_PLACE_LENGTH + 1), f"Skriv högst {MAX_PLACE_LENGTH} tecken – nu är det {MAX_PLACE_LENGTH + 1}."),
    ],
)
def test_a_refused_place_is_explained_and_kept(client, areas, typed, message) -> None:
    response = client.get("/natverk/hitta/", {"plats": typed})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Det finns fel i formuläret" in html
    assert escape(message) in html
    assert 'aria-invalid="true"' in html
    if typed.strip():
        assert f'value="{typed}"' in html
    assert 'role="status"' not in html
    assert html_problems(html) == []


def test_the_page_in_english(client, areas) -> None:
    response = client.get("/en/natverk/hitta/?plats=GODISFABRIKEN")
    assert response.status_code == 200
    assert response["Content-Language"] == "en"
    html = response.content.decode()
    assert '<html lang="en" dir="ltr">' in html
    assert 'href="/en/natverk/brynas/"' in html
    assert 'action="/en/natverk/hitta/"' in html
    # The language links keep the question.
    assert 'href="/natverk/hitta/?plats=GODISFABRIKEN"' in html
    assert html_problems(html) == []


def test_the_answer_is_cached_per_question_and_an_area_change_empties_the_cache(
    client, areas, settings, django_capture_on_commit_callbacks
) -> None:
    settings.ANON_CACHE_SECONDS = 300
    cache.clear()
    try:
        first = client.get("/natverk/hitta/?plats=godisfabriken")
        assert first["X-Cache"] == "miss"
        assert client.get("/natverk/hitta/?plats=godisfabriken")["X-Cache"] == "hit"
        # Another question is another page.
        other = client.get("/natverk/hitta/?plats=valbo")
        assert other["X-Cache"] == "miss"
        assert "Inget stadsdelsnätverk finns för ”valbo” ännu." in other.content.decode()
        # A coordinator adds Valbo: the next answer is new.
        with django_capture_on_commit_callbacks(execute=True):
            Area.objects.create(network=Network.objects.get(slug="satra"), name="Valbo")
        again = client.get("/natverk/hitta/?plats=valbo")
        assert again["X-Cache"] == "miss"
        assert 'href="/natverk/satra/"' in again.content.decode()
    finally:
        cache.clear()


def test_hitta_cannot_be_a_networks_slug(networks) -> None:
    network = networks["andersberg"]
    network.slug = "hitta"
    with pytest.raises(ValidationError) as error:
        network.full_clean()
    assert "”hitta” är redan en annan sida under /natverk/." in str(error.value)


# ---- the admin ----


def _network_form(client, network: Network) -> dict:
    response = client.get(f"/admin/networks/network/{network.pk}/change/")
    assert response.status_code == 200
    form = response.context["adminform"].form
    data = {name: form[name].value() or "" for name in form.fields if name not in ("coordinators",)}
    data.update({"working_groups-TOTAL_FORMS": "0", "working_groups-INITIAL_FORMS": "0"})
    return data


def _areas(rows: list[tuple[str, str]], initial: int = 0) -> dict:
    data = {"areas-TOTAL_FORMS": str(len(rows)), "areas-INITIAL_FORMS": str(initial)}
    for i, (name, kind) in enumerate(rows):
        data[f"areas-{i}-name"] = name
        data[f"areas-{i}-kind"] = kind
    return data


def test_a_coordinator_keeps_their_networks_areas(client, networks, coord_andersberg) -> None:
    network = networks["andersberg"]
    client.force_login(coord_andersberg)
    html = client.get(f"/admin/networks/network/{network.pk}/change/").content.decode()
    assert 'id="areas-group"' in html
    assert 'aria-label="Namn"' in html  # The empty row "Lägg till" copies has a name too.
    data = _network_form(client, network) | _areas([("Andersbergs centrum", "omrade"), ("Stormgatan", "gata")])
    response = client.post(f"/admin/networks/network/{network.pk}/change/", data)
    assert response.status_code == 302
    assert sorted(network.areas.values_list("name", flat=True)) == ["Andersbergs centrum", "Stormgatan"]
    assert _slugs("stormgatan") == ["andersberg"]


def test_the_same_name_twice_is_refused_in_our_words(client, networks, coord_andersberg) -> None:
    network = networks["andersberg"]
    Area.objects.create(network=network, name="Stormgatan", kind=Area.Kind.STREET)
    client.force_login(coord_andersberg)
    # A page opened before Stormgatan was saved (another tab, another coordinator).
    data = _network_form(client, network) | _areas([("Stormgatan", "gata")])
    response = client.post(f"/admin/networks/network/{network.pk}/change/", data)
    assert response.status_code == 200
    assert "Nätverket har redan ett område eller en gata med det namnet." in response.content.decode()
    assert network.areas.count() == 1
    # Two new rows with one name.
    data = _network_form(client, network) | _areas([("Solröksgatan", "gata"), ("Solröksgatan", "gata")])
    response = client.post(f"/admin/networks/network/{network.pk}/change/", data)
    assert response.status_code == 200
    assert "Samma namn står på två rader." in response.content.decode()
    assert network.areas.count() == 1


def test_a_coordinator_of_another_network_cannot_change_its_areas(client, networks, coord_satra) -> None:
    network = networks["brynas"]
    Area.objects.create(network=network, name="Godisfabriken")
    client.force_login(coord_satra)
    url = f"/admin/networks/network/{network.pk}/change/"
    assert client.get(url).status_code == 302  # Like a row that does not exist.
    data = _areas([("Sätra centrum", "omrade")]) | {"working_groups-TOTAL_FORMS": "0"}
    data["working_groups-INITIAL_FORMS"] = "0"
    assert client.post(url, data).status_code in (302, 403)
    assert list(network.areas.values_list("name", flat=True)) == ["Godisfabriken"]


def test_the_steering_group_reads_the_areas_without_changing_them(client, networks, steering) -> None:
    network = networks["brynas"]
    Area.objects.create(network=network, name="Godisfabriken")
    client.force_login(steering)
    html = client.get(f"/admin/networks/network/{network.pk}/change/").content.decode()
    assert "Godisfabriken" in html
    assert 'name="areas-0-name"' not in html


# ---- the demo ----


def test_the_demo_gives_every_network_an_example_list_with_godisfabriken_in_brynas(networks) -> None:
    create_demo()
    create_demo()  # Safe to run again.
    for network in networks.values():
        assert network.areas.count() >= 5, network.slug
    assert not Area.objects.filter(is_demo=False).exists()
    assert _slugs("godisfabriken") == ["brynas"]
    assert _slugs("GODISFABRIKEN") == ["brynas"]
    # Each demo name points at one network only.
    for area in Area.objects.all():
        assert [found.network.pk for found in find_networks(area.name)] == [area.network_id], area.name


def test_a_working_group_saved_meanwhile_is_refused_in_our_words(client, networks, coord_andersberg) -> None:
    """The working groups' inline checks the database too (core.admin_inline.ConstraintsCheckedForm)."""
    from networks.models import WorkingGroup

    network = networks["andersberg"]
    client.force_login(coord_andersberg)
    data = _network_form(client, network) | _areas([])
    WorkingGroup.objects.create(network=network, name="Trygghet")  # Saved from another tab.
    data.update({"working_groups-TOTAL_FORMS": "1", "working_groups-0-name": "Trygghet"})
    data["working_groups-0-is_active"] = "on"
    response = client.post(f"/admin/networks/network/{network.pk}/change/", data)
    assert response.status_code == 200
    assert "Nätverket har redan en arbetsgrupp med det namnet." in response.content.decode()
    assert network.working_groups.count() == 1
