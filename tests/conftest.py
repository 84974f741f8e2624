"""The fixed cast of users, so that permission tests read like stories.

- resident: has an account, represents nobody
- rep_a: represents actor A (förening), an active member of Andersberg
- rep_b: represents actor B (förening), an active member of Sätra
- coord_andersberg / coord_satra: coordinators of one network each
- steering: a member of the steering group (styrgrupp)
"""

from __future__ import annotations

import importlib

import pytest
from django.contrib.auth.models import Group
from django.utils import translation

from core.mail import BREAKER
from core.roles import COORDINATORS_GROUP, STEERING_GROUP
from members.models import Actor, Membership, Representation, User
from networks.models import Network
from networks.seed import seed_networks

PASSWORD = "Lösenord-för-test-123"


@pytest.fixture
def networks(db) -> dict[str, Network]:
    seed_networks()
    return {n.slug: n for n in Network.objects.all()}


def make_themes() -> None:
    """The themes dialog's data migration makes, made again where missing: a test with
    transaction=True empties every table after it, the migrations' rows included."""
    from django.apps import apps

    importlib.import_module("dialog.migrations.0002_themes").create_themes(apps, None)


@pytest.fixture
def themes(db) -> None:
    make_themes()


def _user(email: str, **extra) -> User:
    return User.objects.create_user(email=email, password=PASSWORD, name=email.split("@")[0].title(), **extra)


@pytest.fixture
def resident(db) -> User:
    return _user("boende@example.se")


@pytest.fixture
def actor_a(networks) -> Actor:
    actor = Actor.objects.create(name="Föreningen Alfa", slug="foreningen-alfa", kind=Actor.Kind.ASSOCIATION)
    Membership.objects.create(actor=actor, network=networks["andersberg"], status=Membership.Status.ACTIVE)
    return actor


@pytest.fixture
def actor_b(networks) -> Actor:
    actor = Actor.objects.create(name="Föreningen Beta", slug="foreningen-beta", kind=Actor.Kind.ASSOCIATION)
    Membership.objects.create(actor=actor, network=networks["satra"], status=Membership.Status.ACTIVE)
    return actor


@pytest.fixture
def rep_a(actor_a) -> User:
    user = _user("alfa@example.se")
    Representation.objects.create(user=user, actor=actor_a, role=Representation.Role.SIGNATORY)
    return user


@pytest.fixture
def rep_b(actor_b) -> User:
    user = _user("beta@example.se")
    Representation.objects.create(user=user, actor=actor_b, role=Representation.Role.SIGNATORY)
    return user


def _coordinator(email: str, network: Network) -> User:
    user = _user(email, is_staff=True)
    user.groups.add(Group.objects.get(name=COORDINATORS_GROUP))
    network.coordinators.add(user)
    return user


@pytest.fixture
def coord_andersberg(networks) -> User:
    return _coordinator("samordnare.andersberg@example.se", networks["andersberg"])


@pytest.fixture
def coord_satra(networks) -> User:
    return _coordinator("samordnare.satra@example.se", networks["satra"])


@pytest.fixture
def coord_brynas(networks) -> User:
    return _coordinator("samordnare.brynas@example.se", networks["brynas"])


@pytest.fixture
def steering(db) -> User:
    user = _user("styrgrupp@example.se", is_staff=True)
    user.groups.add(Group.objects.get(name=STEERING_GROUP))
    return user


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings) -> None:
    """The real hasher takes a good part of a second per user; tests make users by the dozen."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _staff_mfa_off(settings) -> None:
    """Staff need TOTP for the admin in production; the tests of that turn it on themselves."""
    settings.REQUIRE_STAFF_MFA = False


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts with no language active, so in Swedish. A request for an English page
    leaves English active in this thread (LocaleMiddleware activates, nothing deactivates),
    and reverse() in the next test would give /en/ addresses."""
    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path_factory) -> None:
    """Uploads go to folders of the test's own, never to media/ in the checkout, which runs
    and parallel workers share (a letter's name is fixed, and a file left there renames the next)."""
    folder = tmp_path_factory.mktemp("media")
    settings.MEDIA_ROOT = folder / "public"
    settings.PRIVATE_MEDIA_ROOT = folder / "private"


@pytest.fixture(autouse=True)
def _mail_breaker_closed() -> None:
    """A mail failure in one test must not make the next test skip its send after commit."""
    BREAKER.reset()


@pytest.fixture
def superuser(db) -> User:
    return User.objects.create_superuser(email="admin@example.se", password=PASSWORD, name="Admin")
