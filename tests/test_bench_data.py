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
