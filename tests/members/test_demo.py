from __future__ import annotations

import io

import pytest
from allauth.account.models import EmailAddress

from members.demo import DEMO_PASSWORD, create_demo, demo_logins
from members.models import Actor, Membership, User

pytestmark = pytest.mark.django_db


def test_demo_is_idempotent_and_marked(networks, settings) -> None:
    settings.DEBUG = True
    out = io.StringIO()
    create_demo(stdout=out)
    create_demo(stdout=io.StringIO())
    assert Actor.objects.count() == Actor.objects.filter(is_demo=True, name__contains="(demo)").count() == 7
    # The logins are listed by seed_demo, at its end (demo_logins), not in the middle of the run.
    assert out.getvalue() == ""
    logins = dict(demo_logins())
    assert list(logins) == [
        "styrgrupp@demo.example",
        "samordnare.andersberg@demo.example",
        "samordnare.bomhus@demo.example",
        "samordnare.brynas@demo.example",
        "samordnare.satra@demo.example",
        "foretradare@demo.example",
        "boende@demo.example",
    ]
    assert all(User.objects.get(email=email).check_password(DEMO_PASSWORD) for email in logins)
    staff = set(User.objects.filter(is_staff=True).values_list("email", flat=True))
    assert {email for email, role in logins.items() if "the admin" in role} == staff
    assert not EmailAddress.objects.filter(verified=False).exists()
    assert networks["brynas"].coordinators.filter(email="samordnare.brynas@demo.example").exists()
    assert Membership.objects.filter(status="pending", network=networks["brynas"]).count() == 1
    # Messages to demo actors reach their made-up .example addresses, proven as demo data.
    assert all(a.contact_email_is_verified and a.contact_email.endswith("@demo.example") for a in Actor.objects.all())


def test_demo_actors_made_before_the_proof_are_proven_on_the_next_run(networks, settings) -> None:
    settings.DEBUG = True
    create_demo(stdout=io.StringIO())
    Actor.objects.update(contact_email_verified_at=None, contact_email_verified_address="")
    create_demo(stdout=io.StringIO())
    assert all(a.contact_email_is_verified for a in Actor.objects.all())
    # Only demo actors: a real actor is never proven by the demo command.
    real = Actor.objects.create(name="Riktig", slug="riktig", kind="forening", contact_email="x@demo.example")
    create_demo(stdout=io.StringIO())
    real.refresh_from_db()
    assert not real.contact_email_is_verified


def test_no_demo_accounts_without_debug(networks, settings) -> None:
    settings.DEBUG = False
    create_demo(stdout=io.StringIO())
    assert not User.objects.exists()
    assert demo_logins() == []
