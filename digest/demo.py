"""Demo content for `make run`: the demo representative gets the weekly digest of one network."""

from __future__ import annotations

from digest.services import subscriptions_set
from members.demo import REPRESENTATIVE_EMAIL
from members.models import User
from networks.models import Network


def create_demo() -> None:
    """Subscribe the demo representative to Sätra's digest, unless they chose networks already."""
    rep = User.objects.filter(email=REPRESENTATIVE_EMAIL).first()
    if rep is None or rep.digest_subscriptions.exists():
        return
    subscriptions_set(user=rep, networks=Network.objects.filter(slug="satra"))
