"""The benchmark's data loader (bench/data.py) still fits the models: a tiny load on PostgreSQL."""

from __future__ import annotations

import random

import pytest
from django.db import connection

from bench.data import PASSWORD, Sizes, make_networks_members
from members.models import Actor, Membership, Representation, User
from networks.models import Post, WorkingGroup

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="the loader writes with PostgreSQL's COPY")


def test_tiny_load(db):
    sizes = Sizes(actors=30, extra_users=10, posts=5, groups_per_network=2)
    cast = make_networks_members(sizes=sizes, rng=random.Random(1))

    assert Actor.objects.count() == 30
    assert User.objects.filter(email__endswith="@bench.example").count() == 40 + 1 + 4
    assert Membership.objects.count() >= 30
    assert Representation.objects.filter(user=cast.representative).count() == 5
    assert WorkingGroup.objects.count() == 8
    assert Post.objects.published().count() == 5
    assert cast.representative.check_password(PASSWORD)
    assert set(cast.active_networks) <= set(cast.actor_ids)
    # The id sequences were moved past the copied rows: the ORM can add more.
    Actor.objects.create(name="Efter", slug="efter", kind=Actor.Kind.COMPANY)
    User.objects.create_user(email="efter@example.se")


def test_tiny_meetings(db):
    from bench.data import make_meetings
    from meetings.models import Meeting, Registration

    sizes = Sizes(actors=30, extra_users=30, posts=1, groups_per_network=1, meetings=40, registrations=200)
    rng = random.Random(2)
    cast = make_networks_members(sizes=sizes, rng=rng)
    make_meetings(cast=cast, sizes=sizes, rng=rng)

    assert Meeting.objects.count() == 40
    assert Meeting.objects.upcoming().exists() and Meeting.objects.past().exists()
    assert Registration.objects.count() == 200
    # Within one meeting nobody is signed up twice (the unique constraint held).
    assert Registration.objects.values("meeting", "user").distinct().count() == 200
    Meeting.objects.create(
        network=cast.networks["satra"],
        title="Efter",
        starts_at=Meeting.objects.first().starts_at,
        ends_at=Meeting.objects.first().ends_at,
        place="Här",
    )
