"""Posts and matches at the same moment (PostgreSQL): the daily limit holds, one mail a day holds, no deadlock."""

from __future__ import annotations

import datetime
import threading
from collections.abc import Callable

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections
from django.utils import timezone

from borsen import match_mail, services
from borsen.models import Listing, MatchMail
from core.models import Outbox
from tests.borsen.conftest import TODAY, make_listing

pytestmark = pytest.mark.django_db(transaction=True)


def _postgresql_only() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("SQLite runs one writer at a time, so there is no race to test; CI runs this on PostgreSQL.")


def _at_once(jobs: list[Callable[[], object]]) -> list[object]:
    """Run the jobs in threads released together; each result or the exception it raised."""
    barrier = threading.Barrier(len(jobs))
    results: list[object] = [None] * len(jobs)

    def run(index: int) -> None:
        try:
            barrier.wait(timeout=30)
            results[index] = jobs[index]()
        except Exception as error:  # noqa: BLE001 - the test looks at what each job raised
            results[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(jobs))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def _post(user, actor, network, *, direction=Listing.Direction.ASK, kind=Listing.Kind.VENUE, title="Inlägg"):
    def job() -> Listing:
        listing = Listing(
            actor=actor,
            direction=direction,
            kind=kind,
            title=title,
            text="t",
            last_date=TODAY + datetime.timedelta(days=10),
        )
        return services.listing_create(listing=listing, networks=[network], author=user)

    return job


def test_six_posts_at_once_stop_at_the_limit(settings, rep_a, actor_a, networks) -> None:
    _postgresql_only()
    settings.BORSEN_LISTINGS_PER_DAY = 3
    results = _at_once([_post(rep_a, actor_a, networks["andersberg"], title=f"Nr {n}") for n in range(6)])
    refused = [r for r in results if isinstance(r, ValidationError)]
    assert len(refused) == 3 and {r.code for r in refused} == {"rate_limited"}
    assert Listing.objects.filter(author=rep_a).count() == 3


def test_crossing_matches_at_once_mail_each_poster_once(settings, rep_a, actor_a, rep_b, b_in_andersberg, networks):
    """A's new ask matches B's offer while B's new offer matches A's ask: no deadlock, one mail each."""
    _postgresql_only()
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    x = networks["andersberg"]
    make_listing(b_in_andersberg, [x], author=rep_b, direction=Listing.Direction.OFFER, kind=Listing.Kind.VENUE)
    make_listing(actor_a, [x], author=rep_a, direction=Listing.Direction.ASK, kind=Listing.Kind.EQUIPMENT)
    results = _at_once(
        [
            _post(rep_a, actor_a, x, kind=Listing.Kind.VENUE, title="A söker lokal"),
            _post(rep_b, b_in_andersberg, x, direction=Listing.Direction.OFFER, kind=Listing.Kind.EQUIPMENT),
        ]
    )
    assert all(isinstance(r, Listing) for r in results), results
    for user in (rep_a, rep_b):
        assert Outbox.objects.filter(to=user.email, kind="borsen.match").count() == 1
        assert MatchMail.objects.filter(user=user, state=MatchMail.State.WAITING).count() == 1
    assert match_mail.match_summaries_send(now=timezone.now() + datetime.timedelta(hours=25)) == 2
    assert not MatchMail.objects.filter(state=MatchMail.State.WAITING).exists()
