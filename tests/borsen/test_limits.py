"""Issue 20: posting has a daily limit per account, and a poster gets at most one match mail a day.

The limit is counted in the database: these tests run with a dummy cache (nothing is
ever stored), so a limit kept in the cache would let every post through.
"""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import timezone

from borsen import match_mail, services
from borsen.models import Listing, Match, MatchMail, MatchMailWindow
from core.models import Outbox
from tests.borsen.conftest import TODAY, make_listing

pytestmark = pytest.mark.django_db

OFFER = Listing.Direction.OFFER
DAY = datetime.timedelta(hours=24)


@pytest.fixture(autouse=True)
def _dummy_cache(settings) -> None:
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}


def _form(actor, network, title: str) -> dict:
    return {
        "actor": actor.pk,
        "direction": Listing.Direction.ASK,
        "kind": Listing.Kind.VENUE,
        "title": title,
        "text": "Vi söker en lokal för 30 personer.",
        "networks": [network.pk],
        "last_date": (TODAY + datetime.timedelta(days=20)).isoformat(),
    }


# ---- the posting limit ----


def test_the_post_past_the_days_limit_is_refused_keeping_what_was_typed(
    client, settings, rep_a, actor_a, networks
) -> None:
    settings.BORSEN_LISTINGS_PER_DAY = 2
    client.force_login(rep_a)
    for n in (1, 2):
        response = client.post("/borsen/nytt/", _form(actor_a, networks["andersberg"], f"Lokal nummer {n}"))
        assert response.status_code == 302
    response = client.post("/borsen/nytt/", _form(actor_a, networks["andersberg"], "Lokal nummer 3"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Du har publicerat 2 inlägg i börsen det senaste dygnet, vilket är gränsen." in page
    assert "Det du skrev finns kvar här" in page
    # What was typed is still in the form.
    assert 'value="Lokal nummer 3"' in page
    assert "Vi söker en lokal för 30 personer." in page
    assert Listing.objects.filter(author=rep_a).count() == 2
    # The form says so before anything is typed, too.
    notice = client.get("/borsen/nytt/").content.decode()
    assert "Du kan publicera nästa i morgon." in notice


def test_the_limit_counts_the_last_24_hours_per_account(settings, rep_a, actor_a, rep_b, actor_b, networks) -> None:
    settings.BORSEN_LISTINGS_PER_DAY = 1
    old = make_listing(actor_a, [networks["andersberg"]], author=rep_a, title="Gammalt")
    Listing.objects.filter(pk=old.pk).update(created_at=timezone.now() - DAY - datetime.timedelta(minutes=1))

    def post(user, actor, network, title):
        listing = Listing(
            actor=actor, direction=OFFER, kind=Listing.Kind.EQUIPMENT, title=title, text="t", last_date=TODAY
        )
        return services.listing_create(listing=listing, networks=[network], author=user)

    post(rep_a, actor_a, networks["andersberg"], "Ett")
    with pytest.raises(ValidationError) as refused:
        post(rep_a, actor_a, networks["andersberg"], "Två")
    assert refused.value.code == "rate_limited"
    # Another account has a limit of its own.
    post(rep_b, actor_b, networks["satra"], "Beta ett")
    assert sorted(Listing.objects.values_list("title", flat=True)) == ["Beta ett", "Ett", "Gammalt"]


# ---- one match mail a day ----


def _mails(to: str) -> list[Outbox]:
    return list(Outbox.objects.filter(to=to, kind__startswith="borsen.match").order_by("pk"))


def _ask(actor, user, network, title: str) -> Listing:
    listing = Listing(
        actor=actor,
        direction=Listing.Direction.ASK,
        kind=Listing.Kind.VENUE,
        title=title,
        text="Vi söker.",
        last_date=TODAY + datetime.timedelta(days=10),
    )
    return services.listing_create(listing=listing, networks=[network], author=user)


@pytest.fixture
def offer_b(b_in_andersberg, rep_b, networks) -> Listing:
    listing = Listing(
        actor=b_in_andersberg,
        direction=OFFER,
        kind=Listing.Kind.VENUE,
        title="Vår lokal är ledig på lördagar",
        text="35 platser.",
        last_date=TODAY + datetime.timedelta(days=20),
    )
    return services.listing_create(listing=listing, networks=[networks["andersberg"]], author=rep_b)


def test_many_matches_in_a_day_make_one_mail_at_once_and_one_summary(offer_b, actor_a, rep_a, rep_b, networks) -> None:
    asks = [_ask(actor_a, rep_a, networks["andersberg"], f"Lokal för fest {n}") for n in range(1, 6)]
    assert Match.objects.count() == 5
    # The first match was mailed at once to both posters; the other four wait.
    first_b, first_a = _mails(rep_b.email), _mails(rep_a.email)
    assert len(first_b) == 1 and len(first_a) == 1
    assert first_b[0].kind == "borsen.match" and "Lokal för fest 1" in first_b[0].body
    assert MatchMail.objects.filter(state=MatchMail.State.WAITING).count() == 8
    # Not before the day has passed; then one summary per poster, and only once.
    assert match_mail.match_summaries_send(now=timezone.now() + DAY - datetime.timedelta(minutes=5)) == 0
    later = timezone.now() + DAY + datetime.timedelta(minutes=1)
    assert match_mail.match_summaries_send(now=later) == 2
    assert match_mail.match_summaries_send(now=later) == 0
    assert match_mail.match_summaries_send(now=later + DAY * 2) == 0

    mails_b, mails_a = _mails(rep_b.email), _mails(rep_a.email)
    assert [m.kind for m in mails_b] == ["borsen.match", "borsen.match_summary"]
    assert [m.kind for m in mails_a] == ["borsen.match", "borsen.match_summary"]
    summary_b = mails_b[1]
    assert summary_b.subject == "[Stadsdelsnätverken] Samverkansbörsen: 4 nya träffar för era inlägg"
    assert summary_b.body.startswith("Hej Beta!")
    # Every match is in exactly one of the poster's mails.
    for ask in asks:
        assert sum(f"/borsen/{ask.pk}/\n" in m.body for m in mails_b) == 1
        assert sum(f"”{ask.title}”" in m.body for m in mails_a) == 1
    assert f"/borsen/{offer_b.pk}/svara/" in mails_a[1].body
    rows = MatchMail.objects.all()
    assert rows.count() == 10 and {row.state for row in rows} == {MatchMail.State.SENT}
    assert set(rows.filter(user=rep_b).values_list("match", flat=True)) == set(
        Match.objects.values_list("pk", flat=True)
    )


def test_a_match_after_the_window_is_mailed_at_once_with_what_waited(offer_b, actor_a, rep_a, rep_b, networks):
    first = _ask(actor_a, rep_a, networks["andersberg"], "Första")
    second = _ask(actor_a, rep_a, networks["andersberg"], "Andra")
    assert len(_mails(rep_b.email)) == 1
    # The day passes before the summary job runs: the next match takes the waiting one along.
    MatchMailWindow.objects.update(last_sent_at=timezone.now() - DAY)
    third = _ask(actor_a, rep_a, networks["andersberg"], "Tredje")
    mails = _mails(rep_b.email)
    assert [m.kind for m in mails] == ["borsen.match", "borsen.match_summary"]
    assert mails[1].subject == "[Stadsdelsnätverken] Samverkansbörsen: 2 nya träffar för era inlägg"
    assert f"/borsen/{second.pk}/svara/" in mails[1].body and f"/borsen/{third.pk}/svara/" in mails[1].body
    assert f"/borsen/{first.pk}/" not in mails[1].body
    assert not MatchMail.objects.filter(state=MatchMail.State.WAITING).exists()
    assert match_mail.match_summaries_send(now=timezone.now() + DAY * 3) == 0


def test_nothing_is_mailed_twice(offer_b, actor_a, rep_a, rep_b, networks) -> None:
    ask = _ask(actor_a, rep_a, networks["andersberg"], "Första")
    match = Match.objects.get(ask=ask)
    MatchMailWindow.objects.update(last_sent_at=None)
    # Telling about the same match again, or finding again, adds no mail.
    match_mail.tell_posters([match])
    services.find_matches(ask)
    services.listing_update(listing=offer_b, networks=[networks["andersberg"]])
    assert len(_mails(rep_b.email)) == 1 and len(_mails(rep_a.email)) == 1


def test_a_waiting_match_that_closed_is_dropped_not_mailed(offer_b, actor_a, rep_a, rep_b, networks, coord_andersberg):
    _ask(actor_a, rep_a, networks["andersberg"], "Första")
    second = _ask(actor_a, rep_a, networks["andersberg"], "Andra")
    third = _ask(actor_a, rep_a, networks["andersberg"], "Tredje")
    services.listing_hide(listing=second, by=coord_andersberg, reason="Reklam.")
    services.listing_solve(listing=third)
    assert match_mail.match_summaries_send(now=timezone.now() + DAY * 2) == 0
    assert len(_mails(rep_b.email)) == 1
    assert not MatchMail.objects.filter(state=MatchMail.State.WAITING).exists()
    assert MatchMail.objects.filter(state=MatchMail.State.DROPPED).count() == 4


def test_one_waiting_match_is_sent_as_a_plain_match_mail(offer_b, actor_a, rep_a, rep_b, networks) -> None:
    _ask(actor_a, rep_a, networks["andersberg"], "Första")
    second = _ask(actor_a, rep_a, networks["andersberg"], "Andra")
    call_command("send_match_summaries")
    assert len(_mails(rep_b.email)) == 1
    MatchMailWindow.objects.update(last_sent_at=timezone.now() - DAY)
    call_command("send_match_summaries")
    mails = _mails(rep_b.email)
    assert [m.kind for m in mails] == ["borsen.match", "borsen.match"]
    assert f"/borsen/{second.pk}/svara/" in mails[1].body


def test_a_deleted_account_takes_its_rows_along(offer_b, actor_a, rep_a, networks) -> None:
    _ask(actor_a, rep_a, networks["andersberg"], "Första")
    _ask(actor_a, rep_a, networks["andersberg"], "Andra")
    rep_a.delete()
    assert not MatchMail.objects.filter(user_id=rep_a.pk).exists()
    assert not MatchMailWindow.objects.filter(user_id=rep_a.pk).exists()
