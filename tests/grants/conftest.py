"""Grant fixtures: an open pot, a third actor to apply with, and an application factory."""

from __future__ import annotations

import contextlib
import datetime
from collections.abc import Iterator

import pytest
from django.db import connection
from django.utils import timezone

from grants.models import Application, BudgetLine, CoApplicant, Decision, FollowUpReport, Funding, Payment, Pot
from members.models import Actor, Membership, Representation
from tests.conftest import _user

S = Application.Status
TODAY = timezone.localdate()


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture
def pot(db) -> Pot:
    pot = Pot.objects.create(
        year=TODAY.year,
        name=f"Aktivitetspotten {TODAY.year}",
        opens_on=TODAY - datetime.timedelta(days=30),
        closes_on=TODAY + datetime.timedelta(days=60),
        max_amount_per_application=20_000,
    )
    Funding.objects.create(pot=pot, funder="Gävle kommun", amount=60_000)
    Funding.objects.create(pot=pot, funder="Gavlegårdarna", amount=40_000)
    return pot


@pytest.fixture
def actor_c(networks) -> Actor:
    actor = Actor.objects.create(name="Föreningen Gamma", slug="foreningen-gamma", kind=Actor.Kind.ASSOCIATION)
    Membership.objects.create(actor=actor, network=networks["andersberg"], status=Membership.Status.ACTIVE)
    return actor


@pytest.fixture
def rep_c(actor_c):
    user = _user("gamma@example.se")
    Representation.objects.create(user=user, actor=actor_c, role=Representation.Role.CONTACT)
    return user


def make_application(
    *,
    pot: Pot,
    lead: Actor,
    co: list[Actor] = (),
    status: str = S.DRAFT,
    requested: int = 10_000,
    granted: int | None = None,
    confirmed: bool = True,
    network=None,
    reference: str = "",
    approved_at: datetime.datetime | None = None,
) -> Application:
    """A complete application in any status (test setup; the workflow is tested on its own)."""
    from members.models import User
    from networks.models import Network

    creator = lead.representations.first().user if lead.representations.exists() else None
    if creator is None:
        creator = User.objects.filter(email=f"skapare-{lead.slug}@example.se").first() or _user(
            f"skapare-{lead.slug}@example.se"
        )
    if status in (S.APPROVED, S.PAID, S.REPORTED, S.CLOSED) and granted is None:
        granted = requested
    submitted = status != S.DRAFT
    app = Application.objects.create(
        pot=pot,
        lead_actor=lead,
        status=status,
        title=f"Sommarfest hos {lead.name}",
        description="En fest för alla i området.",
        purpose="Att lära känna grannarna.",
        target_group="Alla boende",
        starts_on=TODAY + datetime.timedelta(days=20),
        ends_on=TODAY + datetime.timedelta(days=21),
        place="Torget",
        expected_participants=80,
        own_contribution=2_000,
        amount_requested=requested,
        amount_granted=granted,
        contact_name="Kim Kontakt",
        contact_email="kim@example.se",
        payment_method=Application.PaymentMethod.BANKGIRO,
        giro_number="5050-1055",
        created_by=creator,
        submitted_at=timezone.now() if submitted else None,
        reference=reference or (f"SN-{TODAY.year}-9{Application.objects.count():03d}" if submitted else ""),
    )
    app.networks.add(network or Network.objects.get(slug="andersberg"))
    BudgetLine.objects.create(application=app, what="Hyra av tält", amount=requested)
    for actor in co:
        CoApplicant.objects.create(
            application=app,
            actor=actor,
            status=CoApplicant.Status.CONFIRMED if confirmed else CoApplicant.Status.PENDING,
        )
    steering_user = creator
    if granted is not None:
        Decision.objects.create(
            application=app,
            outcome=Decision.Outcome.APPROVED,
            amount_granted=granted,
            decided_by=steering_user,
            decided_at=approved_at or timezone.now(),
        )
    if status in (S.PAID, S.REPORTED, S.CLOSED):
        Payment.objects.create(application=app, amount=granted, paid_at=timezone.now(), registered_by=steering_user)
    if status in (S.REPORTED, S.CLOSED):
        make_report(app)
    return app


def postgresql_only() -> None:
    """Skip a race test on SQLite, which runs one writer at a time; CI runs it on PostgreSQL."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite runs one writer at a time, so there is no race to test; CI runs this on PostgreSQL.")


@contextlib.contextmanager
def pool_for_threads(threads: int) -> Iterator[None]:
    """A connection pool with a connection for each of `threads` threads of this process.

    A race test runs N requests as N threads of one process; in production they are spread
    over the workers, each with DB_POOL_MAX_SIZE at least its GUNICORN_THREADS (docs/operations.md). With
    fewer connections than threads, the threads waiting for one give up after DB_POOL_TIMEOUT
    (2 s) while the others queue on the same row lock: the test would measure the pool, not
    the lock.
    """
    pool = connection.pool
    if pool is None:
        yield
        return
    before = pool.max_size
    pool.resize(min_size=pool.min_size, max_size=max(before, threads + 1))
    try:
        yield
    finally:
        pool.resize(min_size=pool.min_size, max_size=before)


def make_report(app: Application) -> FollowUpReport:
    return FollowUpReport.objects.create(
        application=app,
        what_happened="Det kom många.",
        participants=90,
        actual_costs=9_500,
        submitted_by=app.created_by,
        submitted_at=timezone.now(),
    )


@pytest.fixture
def application(pot, actor_a, rep_a, actor_c, rep_c) -> Application:
    """A submitted application by actor A with actor C as confirmed co-applicant."""
    return make_application(pot=pot, lead=actor_a, co=[actor_c], status=S.SUBMITTED)
