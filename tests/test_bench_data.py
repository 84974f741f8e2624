"""The benchmark's data loader (bench/data.py) still fits the models: a tiny load on PostgreSQL."""

from __future__ import annotations

import random

import pytest
from django.db import connection, models
from django.utils import timezone

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


def test_tiny_grants(db):
    from django.utils import timezone

    from bench.data import make_grants
    from grants.models import Application, ApplicationEvent, Pot

    sizes = Sizes(actors=40, extra_users=5, posts=1, groups_per_network=1, applications=120, grant_years=2)
    rng = random.Random(3)
    cast = make_networks_members(sizes=sizes, rng=rng)
    make_grants(cast=cast, sizes=sizes, rng=rng)

    assert Application.objects.count() == 120
    assert Pot.objects.count() == 2
    for pot in Pot.objects.with_totals():
        # The funders cover everything granted: the data never breaks the pot's own rule.
        assert 0 < pot.granted_amount <= pot.total_amount
    submitted = Application.objects.exclude(status="draft")
    assert submitted.filter(reference="").count() == 0
    # Every application that left draft has one event per move.
    assert ApplicationEvent.objects.filter(application__in=submitted).count() >= submitted.count()
    assert set(Application.objects.filter(pot__year=timezone.now().year).values_list("status", flat=True)) >= {
        "draft",
        "approved",
        "rejected",
    }


def test_tiny_listings(db):
    from bench.data import make_listings
    from borsen.models import Listing

    sizes = Sizes(actors=30, extra_users=5, posts=1, groups_per_network=1, listings=40)
    rng = random.Random(4)
    cast = make_networks_members(sizes=sizes, rng=rng)
    make_listings(cast=cast, sizes=sizes, rng=rng)

    assert Listing.objects.count() == 40
    assert Listing.objects.filter(networks__isnull=True).count() == 0
    # Every listing concerns networks its actor is an active member of.
    for listing in Listing.objects.prefetch_related("networks"):
        assert {n.pk for n in listing.networks.all()} <= set(cast.active_networks[listing.actor_id])
    assert 0 < Listing.objects.public().count() <= 40
    Listing.objects.create(
        actor_id=cast.actor_ids[0],
        direction="soker",
        kind="lokal",
        title="Efter",
        text="x",
        last_date=timezone.localdate(),
    )


def test_tiny_questions(db):
    from bench.data import make_questions
    from dialog.models import Question, Status, Support

    sizes = Sizes(actors=30, extra_users=30, posts=1, groups_per_network=1, questions=28, supports=100)
    rng = random.Random(4)
    cast = make_networks_members(sizes=sizes, rng=rng)
    make_questions(cast=cast, sizes=sizes, rng=rng)

    assert Question.objects.count() == 28
    assert set(Question.objects.values_list("status", flat=True)) == set(Status.values)
    assert Question.objects.visible().count() == 24
    # One "Jag med" per account and question (the unique constraint held), never the author's own.
    assert Support.objects.values("question", "user").distinct().count() == Support.objects.count() > 0
    assert not Support.objects.filter(user=models.F("question__author")).exists()
    Question.objects.create(network=cast.networks["satra"], title="Efter", text="Text")
