from __future__ import annotations

import io

import pytest
from allauth.account.models import EmailAddress

from members.demo import create_demo
from members.models import Actor, Membership, User

pytestmark = pytest.mark.django_db


def test_demo_is_idempotent_and_marked(networks, settings) -> None:
    settings.DEBUG = True
    out = io.StringIO()
    create_demo(stdout=out)
    create_demo(stdout=io.StringIO())
    assert Actor.objects.count() == Actor.objects.filter(is_demo=True, name__contains="(demo)").count() == 7
    assert "samordnare.brynas@demo.example" in out.getvalue()
    assert "demo-losenord-2027" in out.getvalue()
    assert not EmailAddress.objects.filter(verified=False).exists()
    assert networks["brynas"].coordinators.filter(email="samordnare.brynas@demo.example").exists()
    assert Membership.objects.filter(status="pending", network=networks["brynas"]).count() == 1


def test_no_demo_accounts_without_debug(networks, settings) -> None:
    settings.DEBUG = False
    create_demo(stdout=io.StringIO())
    assert not User.objects.exists()
