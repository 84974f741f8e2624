"""Every admin list used daily shows its columns without sideways scrolling at 1280 px.

With long names in the rows, as superuser (every column and filter), as the steering group
and as a coordinator; axe-core checks each list on the way.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from grants.models import Funding, Pot
from meetings.models import Meeting
from members.models import Actor, Invitation, Membership, Representation, User
from networks.models import Post, WorkingGroup
from tests.conftest import PASSWORD
from tests.grants.conftest import make_application

LONG = "Föreningen för gemensamma aktiviteter och trivsel i stadsdelen"

DAILY_LISTS = [
    "/admin/",
    "/admin/members/membership/",
    "/admin/members/actor/",
    "/admin/members/invitation/",
    "/admin/meetings/meeting/",
    "/admin/networks/post/",
    "/admin/networks/workinggroup/",
    "/admin/networks/network/",
    "/admin/grants/application/",
    "/admin/grants/pot/",
    "/admin/grants/payment/",
]
COORDINATOR_LISTS = [
    "/admin/",
    "/admin/members/membership/",
    "/admin/members/actor/",
    "/admin/meetings/meeting/",
    "/admin/networks/post/",
    "/admin/networks/workinggroup/",
]
STEERING_LISTS = ["/admin/", "/admin/grants/application/", "/admin/grants/pot/", "/admin/grants/payment/"]


@pytest.fixture(autouse=True)
def _settings(settings) -> None:
    settings.REQUIRE_STAFF_MFA = False


@pytest.fixture
def long_rows(networks, rep_a, actor_a, steering):
    andersberg = networks["andersberg"]
    today = timezone.localdate()
    pot = Pot.objects.create(
        year=today.year,
        name=f"Aktivitetspotten för stadsdelsnätverken {today.year}",
        opens_on=today - timedelta(days=60),
        closes_on=today + timedelta(days=60),
        max_amount_per_application=20_000,
    )
    Funding.objects.create(pot=pot, funder="Gävle kommun", amount=50_000)
    for number in range(3):
        actor = Actor.objects.create(name=f"{LONG} {number}", slug=f"lang-{number}", kind=Actor.Kind.ASSOCIATION)
        Membership.objects.create(actor=actor, network=andersberg, message="Vi vill gärna vara med i nätverket.")
        Representation.objects.create(user=rep_a, actor=actor, role=Representation.Role.CONTACT)
        Invitation.objects.create(
            actor=actor,
            email=f"en.person.med.en.lang.adress.{number}@exempelforeningen-i-gavle.se",
            role=Representation.Role.CONTACT,
            invited_by=rep_a,
            token=f"token-{number}",
            expires_at=timezone.now() + timedelta(days=14),
        )
        Meeting.objects.create(
            network=andersberg,
            title=f"Temamöte om {LONG.lower()} {number}",
            starts_at=timezone.now() + timedelta(days=10 + number),
            ends_at=timezone.now() + timedelta(days=10 + number, hours=2),
            place="Andersbergs bibliotek, stora salen på andra våningen",
        )
        Post.objects.create(network=andersberg, title=f"Nyhet om {LONG.lower()} {number}", slug=f"nyhet-{number}")
        WorkingGroup.objects.create(network=andersberg, name=f"Arbetsgruppen för {LONG.lower()} {number}")
        application = make_application(pot=pot, lead=actor, status="submitted", reference=f"SN-2026-{number:04d}")
        application.title = f"Sommaraktiviteter för barn och unga i stadsdelen {number}"
        application.save(update_fields=["title"])
    return andersberg


def _fits(page, path: str) -> None:
    page.goto(path)
    pw = page.page
    assert pw.evaluate("document.scrollingElement.scrollWidth") <= 1280, f"{path} scrolls sideways"
    results = pw.locator("#changelist .results")
    if results.count():
        overflow = results.evaluate("element => element.scrollWidth - element.clientWidth")
        assert overflow <= 0, f"{path}: the list is {overflow} px wider than its space"


def test_daily_lists_fit_for_the_superuser(transactional_db, long_rows, page) -> None:
    admin = User.objects.create_superuser(email="admin@example.se", password=PASSWORD, name="Admin")
    page.page.set_viewport_size({"width": 1280, "height": 900})
    page.login(admin)
    for path in DAILY_LISTS:
        _fits(page, path)


def test_daily_lists_fit_for_a_coordinator(transactional_db, long_rows, coord_andersberg, page) -> None:
    page.page.set_viewport_size({"width": 1280, "height": 900})
    page.login(coord_andersberg)
    for path in COORDINATOR_LISTS:
        _fits(page, path)


def test_daily_lists_fit_for_the_steering_group(transactional_db, long_rows, steering, page) -> None:
    page.page.set_viewport_size({"width": 1280, "height": 900})
    page.login(steering)
    for path in STEERING_LISTS:
        _fits(page, path)
