from __future__ import annotations

import datetime

import pytest
from allauth.account.models import EmailAddress
from django.utils import timezone

from borsen.models import Listing
from digest.models import Subscription
from digest.services import Week
from members.models import User


@pytest.fixture(autouse=True)
def _locmem_mail(settings) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.SITE_URL = "https://natverk.example.se"


@pytest.fixture
def this_week() -> Week:
    """The week of today: what the tests below create "now" belongs to it."""
    return Week.containing(timezone.localdate())


def subscribe(user: User, *networks, verified: bool = True) -> User:
    EmailAddress.objects.update_or_create(user=user, email=user.email, defaults={"verified": verified, "primary": True})
    for network in networks:
        Subscription.objects.get_or_create(user=user, network=network)
    return user


def make_listing(actor, network, *, title: str = "Lokal för 30 personer en lördag", **extra) -> Listing:
    values = {
        "direction": Listing.Direction.ASK,
        "kind": Listing.Kind.VENUE,
        "text": "Vi söker en lokal.",
        "last_date": timezone.localdate() + datetime.timedelta(days=30),
    }
    values.update(extra)
    listing = Listing.objects.create(actor=actor, title=title, **values)
    listing.networks.add(network)
    return listing
