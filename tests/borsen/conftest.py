"""Listings for the börsen tests: actor A (Andersberg) and actor B, made a member of Andersberg too."""

from __future__ import annotations

import datetime

import pytest
from django.core.cache import cache
from django.utils import timezone

from borsen.models import Listing
from members.models import Membership

TODAY = timezone.localdate()


def make_listing(actor, networks, *, direction=Listing.Direction.ASK, kind=Listing.Kind.VENUE, **extra) -> Listing:
    fields = {
        "title": "Lokal för 30 personer en lördag",
        "text": "Vi söker en lokal.",
        "last_date": TODAY + datetime.timedelta(days=30),
        **extra,
    }
    listing = Listing.objects.create(actor=actor, direction=direction, kind=kind, **fields)
    listing.networks.set(networks)
    return listing


@pytest.fixture(autouse=True)
def _clean_cache(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def b_in_andersberg(actor_b, networks):
    """Actor B is an active member of Andersberg as well as Sätra, so A and B can match."""
    Membership.objects.create(actor=actor_b, network=networks["andersberg"], status=Membership.Status.ACTIVE)
    return actor_b


@pytest.fixture
def ask_a(actor_a, rep_a, networks) -> Listing:
    return make_listing(actor_a, [networks["andersberg"]], author=rep_a)


@pytest.fixture
def hidden_a(actor_a, rep_a, coord_andersberg, networks) -> Listing:
    return make_listing(
        actor_a,
        [networks["andersberg"]],
        author=rep_a,
        title="Dolt inlägg",
        hidden_at=timezone.now(),
        hidden_reason="Reklam för ett företag.",
        hidden_by=coord_andersberg,
    )


@pytest.fixture
def expired_a(actor_a, rep_a, networks) -> Listing:
    listing = make_listing(actor_a, [networks["andersberg"]], author=rep_a, title="Gammalt inlägg")
    Listing.objects.filter(pk=listing.pk).update(last_date=TODAY - datetime.timedelta(days=1))
    listing.refresh_from_db()
    return listing
