"""The setup commands: seed_networks and seed_demo can run any number of times."""

from __future__ import annotations

import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings

from core.models import Outbox
from meetings.ics import calendar_bytes
from meetings.models import Meeting
from members.demo import DEMO_PASSWORD
from members.models import User
from networks.models import Network, Post, WorkingGroup

# What `make run PORT=8123` gives seed_demo and runserver (Makefile: SITE_URL, DEMO).
DEMO_SITE = "http://127.0.0.1:8123"
FILE_BACKEND = "django.core.mail.backends.filebased.EmailBackend"


def _snapshot() -> list[tuple]:
    return list(Network.objects.order_by("slug").values_list())


@pytest.mark.django_db
def test_seed_networks_creates_the_four_networks_once() -> None:
    out = StringIO()
    call_command("seed_networks", stdout=out)
    first = _snapshot()
    call_command("seed_networks", stdout=out)

    assert [row[0] for row in Network.objects.values_list("slug").order_by("sort_order")] == [
        "andersberg",
        "bomhus",
        "brynas",
        "satra",
    ]
    assert _snapshot() == first
    assert "4 created" in out.getvalue()
    assert "0 created, 4 already there" in out.getvalue()


@pytest.mark.django_db
def test_seed_networks_keeps_texts_a_coordinator_edited() -> None:
    call_command("seed_networks", stdout=StringIO())
    Network.objects.filter(slug="satra").update(summary="Ändrad av samordnaren")

    call_command("seed_networks", stdout=StringIO())

    assert Network.objects.get(slug="satra").summary == "Ändrad av samordnaren"


@pytest.mark.django_db
def test_seeded_facts() -> None:
    call_command("seed_networks", stdout=StringIO())
    networks = {n.slug: n for n in Network.objects.all()}

    assert networks["bomhus"].network_name == "TIBO"
    assert "hela Bomhus" in networks["bomhus"].summary
    assert "äldsta" in networks["andersberg"].summary
    assert "Stadsdelslyftet" in networks["andersberg"].description
    assert "Godisfabriken" in networks["brynas"].description
    assert "Brynästorget" in networks["brynas"].description
    assert "nytt" in networks["satra"].summary
    assert all(n.summary_en and n.description_en and n.how_to_join_en for n in networks.values())


@pytest.mark.django_db
@override_settings(DEBUG=True)
def test_seed_demo_is_idempotent_and_everything_is_marked_demo() -> None:
    call_command("seed_networks", stdout=StringIO())
    out = StringIO()
    call_command("seed_demo", stdout=out)
    posts = list(Post.objects.order_by("slug").values_list())
    groups = list(WorkingGroup.objects.order_by("id").values_list())

    call_command("seed_demo", stdout=out)

    assert posts and groups
    assert list(Post.objects.order_by("slug").values_list()) == posts
    assert list(WorkingGroup.objects.order_by("id").values_list()) == groups
    assert all(post.is_demo and "(demo)" in post.title for post in Post.objects.all())
    assert all("(demo)" in group.name for group in WorkingGroup.objects.all())
    assert {g.network.slug for g in WorkingGroup.objects.select_related("network")} == {
        "andersberg",
        "bomhus",
        "brynas",
        "satra",
    }
    assert "networks" in out.getvalue()


@pytest.mark.django_db
@override_settings(DEBUG=False)
def test_seed_demo_refuses_without_debug() -> None:
    call_command("seed_networks", stdout=StringIO())

    with pytest.raises(CommandError, match="DEBUG"):
        call_command("seed_demo", stdout=StringIO())

    assert not Post.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_seed_demo_mails_land_in_the_mail_folder_with_links_to_site_urls_port(tmp_path) -> None:
    """`make run PORT=8123`: every demo mail and calendar link says :8123, none the default :8000."""
    folder = tmp_path / "demo-mail"
    with override_settings(DEBUG=True, SITE_URL=DEMO_SITE, EMAIL_BACKEND=FILE_BACKEND, EMAIL_FILE_PATH=str(folder)):
        call_command("seed_networks", stdout=StringIO())
        out = StringIO()
        call_command("seed_demo", stdout=out)
        # Unfolded: lines longer than 75 octets go on after a line break and a space (RFC 5545).
        calendar = calendar_bytes(Meeting.objects.filter(is_demo=True), name="Demo").decode().replace("\r\n ", "")

    bodies = list(Outbox.objects.values_list("body", flat=True))
    # Sent right after each commit, to the folder: none left in the outbox, none on the console.
    assert len(bodies) > 50 and not Outbox.objects.filter(sent_at__isnull=True).exists()
    assert "Subject:" not in out.getvalue()
    files = "".join(path.read_bytes().decode() for path in folder.iterdir())
    assert len(re.findall(r"^Message-ID: <", files, re.M)) == len(bodies)
    assert all(DEMO_SITE + "/" in body for body in bodies)
    # Each meeting's URL and its link in the description.
    assert calendar.count(DEMO_SITE + "/") == Meeting.objects.filter(is_demo=True).count() * 2
    for text in [*bodies, files, calendar]:
        assert ":8000" not in text


@pytest.mark.django_db
@override_settings(DEBUG=True, SITE_URL=DEMO_SITE)
def test_seed_demo_ends_with_the_demo_logins_and_their_password() -> None:
    call_command("seed_networks", stdout=StringIO())
    out = StringIO()
    call_command("seed_demo", stdout=out)
    lines = out.getvalue().splitlines()

    # Short, and the logins last, right above `make run`'s closing lines.
    assert len(lines) <= 20
    assert lines[-9:-7] == [
        "Demo logins, all with the password demo-losenord-2027",
        f"(log in at {DEMO_SITE}/konto/login/; staff also at {DEMO_SITE}/admin/):",
    ]
    logins = [line.split()[0] for line in lines[-7:]]
    assert logins == [
        "styrgrupp@demo.example",
        "samordnare.andersberg@demo.example",
        "samordnare.bomhus@demo.example",
        "samordnare.brynas@demo.example",
        "samordnare.satra@demo.example",
        "foretradare@demo.example",
        "boende@demo.example",
    ]
    assert all(User.objects.get(email=email).check_password(DEMO_PASSWORD) for email in logins)
    assert "createsuperuser" not in out.getvalue()


@pytest.mark.django_db
@override_settings(DEBUG=True)
def test_the_demo_representative_has_something_in_every_section_of_my_pages(client) -> None:
    from members.demo import REPRESENTATIVE_EMAIL
    from members.models import User

    call_command("seed_networks", stdout=StringIO())
    call_command("seed_demo", stdout=StringIO())
    client.force_login(User.objects.get(email=REPRESENTATIVE_EMAIL))
    html = client.get("/mina-sidor/").content.decode()

    def section(heading_id: str) -> str:
        return html.split(f'id="{heading_id}"', 1)[1].split("</section>", 1)[0]

    todo = section("todo-heading")
    for task in ("stängs snart", "är inte inskickad än", "Lämna återrapport", "Svara på förfrågan"):
        assert task in todo, task
    assert "Anmälan för Sätra Grannskapsförening (demo)" in section("meetings-heading")
    assert "Nästa möten i era nätverk" in section("meetings-heading")
    assert section("actors-heading").count("<h3>") == 4
    assert "Du har inga ansökningar under arbete." not in section("applications-heading")
    assert "Frivilliga till boulecupen" in section("borsen-mine-heading")
    assert "Du får veckobrevet från:" in section("digest-heading")
