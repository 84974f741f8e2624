"""send_weekly_digest: one letter per subscriber and week, only their networks, only what is public."""

from __future__ import annotations

import datetime
import re

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.utils import timezone

from core.models import Outbox
from digest.models import DigestSent, Subscription
from digest.services import ITEMS_PER_KIND, MAIL_KIND, Part, Week, digest_send, digest_send_to, network_digest
from grants.formatting import format_kr
from grants.models import Application, Decision
from meetings.models import Meeting
from members.services import user_delete
from networks.models import Post
from tests.digest.conftest import make_listing, subscribe
from tests.grants.conftest import make_application, pot  # noqa: F401 - pot is a fixture
from tests.meetings.conftest import make_meeting

pytestmark = pytest.mark.django_db


def _bodies() -> dict[str, str]:
    """The queued letters by recipient (the outbox sends them after the commit)."""
    return {row.to: row.body for row in Outbox.objects.filter(kind=MAIL_KIND)}


def _run(week: Week, capsys=None, **options) -> str:
    call_command("send_weekly_digest", week=week.label, **options)
    return capsys.readouterr().out if capsys else ""


def test_sent_twice_in_one_week_gives_one_mail_per_subscriber(
    networks, resident, rep_a, actor_a, this_week, capsys, django_capture_on_commit_callbacks
) -> None:
    subscribe(resident, networks["andersberg"])
    subscribe(rep_a, networks["andersberg"], networks["satra"])
    make_listing(actor_a, networks["andersberg"])
    with django_capture_on_commit_callbacks(execute=True):
        first = _run(this_week, capsys)
    with django_capture_on_commit_callbacks(execute=True):
        second = _run(this_week, capsys)
    assert sorted(m.to[0] for m in mail.outbox) == sorted([resident.email, rep_a.email])
    assert Outbox.objects.filter(kind=MAIL_KIND).count() == 2
    assert set(DigestSent.objects.values_list("user__email", "week")) == {
        (resident.email, this_week.label),
        (rep_a.email, this_week.label),
    }
    assert "2 veckobrev skickade" in first
    assert "0 veckobrev skickade" in second and "2 hade redan fått veckans brev" in second


def test_another_week_is_sent_again(networks, resident, actor_a, this_week) -> None:
    subscribe(resident, networks["andersberg"])
    make_listing(actor_a, networks["andersberg"])
    assert digest_send(week=this_week).sent == 1
    assert digest_send(week=this_week).sent == 0
    # The next week's run (the listing is still public, but no longer new): nothing new, no mail.
    next_week = Week.containing(this_week.monday + datetime.timedelta(days=7))
    result = digest_send(week=next_week)
    assert (result.sent, result.empty) == (0, 1)


def test_a_second_process_cannot_send_the_same_week(networks, resident, actor_a, this_week) -> None:
    # Two runs at once: the other one wrote the row between this run's query and its insert.
    subscribe(resident, networks["andersberg"])
    make_listing(actor_a, networks["andersberg"])
    section = network_digest(networks["andersberg"], week=this_week, now=timezone.now())
    DigestSent.objects.create(user=resident, week=this_week.label)
    sent = digest_send_to(resident, week=this_week, sections=[section], general=Part(), now=timezone.now())
    assert sent is False
    assert not Outbox.objects.exists()
    assert DigestSent.objects.count() == 1


def test_an_empty_week_sends_nothing(networks, resident, rep_a, actor_a, this_week, capsys) -> None:
    subscribe(resident, networks["andersberg"])
    subscribe(rep_a, networks["satra"])
    # Something happened last week, and in a network nobody here chose: not this week's news.
    last_week = this_week.bounds()[0] - datetime.timedelta(days=2)
    make_listing(actor_a, networks["andersberg"], created_at=last_week)
    make_listing(actor_a, networks["brynas"])
    out = _run(this_week, capsys)
    assert mail.outbox == []
    assert not Outbox.objects.exists()
    assert not DigestSent.objects.exists()
    assert "0 veckobrev skickade, 2 utan något nytt" in out


def test_only_the_chosen_networks(networks, resident, rep_a, rep_b, actor_a, actor_b, this_week) -> None:
    subscribe(resident, networks["andersberg"])
    subscribe(rep_a, networks["andersberg"], networks["satra"])
    subscribe(rep_b, networks["brynas"])  # Nothing new in Brynäs: no mail at all.
    make_listing(actor_a, networks["andersberg"], title="Stolar till utlåning")
    make_meeting(networks["satra"], title="Sätraträffen i december")
    Post.objects.create(network=networks["bomhus"], title="Bomhusnytt", slug="bomhusnytt", summary="s", body="b")
    digest_send(week=this_week)
    bodies = _bodies()
    assert set(bodies) == {resident.email, rep_a.email}
    assert "Stolar till utlåning" in bodies[resident.email]
    assert "Sätraträffen" not in bodies[resident.email]
    assert "== Andersbergsgruppen (Andersberg) ==" in bodies[resident.email]
    assert "== Sätra ==" not in bodies[resident.email]
    both = bodies[rep_a.email]
    assert "Stolar till utlåning" in both and "Sätraträffen i december" in both
    assert both.index("== Andersbergsgruppen (Andersberg) ==") < both.index("== Sätra ==") < both.index("Sätraträffen")
    assert "Bomhusnytt" not in "".join(bodies.values())


def test_only_public_things_are_in_it(networks, resident, actor_a, actor_b, rep_a, pot, this_week) -> None:  # noqa: F811
    x = networks["andersberg"]
    subscribe(resident, x)
    now = timezone.now()
    make_listing(actor_a, x, title="Synligt inlägg")
    make_listing(actor_a, x, title="Dolt inlägg", hidden_at=now, hidden_reason="Reklam.")
    actor_b.is_public = False
    actor_b.save()
    make_listing(actor_b, x, title="Inlägg från en dold aktör")
    make_listing(actor_a, x, title="Utgånget inlägg", last_date=timezone.localdate() - datetime.timedelta(days=1))
    make_meeting(x, title="Planerat möte")
    make_meeting(x, title="Inställt möte", status=Meeting.Status.CANCELLED, cancel_reason="Sjukdom.")
    make_meeting(x, title="Möte om en månad", starts_at=now + datetime.timedelta(days=40))
    Post.objects.create(network=x, title="Publicerad nyhet", slug="publicerad", summary="s", body="b")
    Post.objects.create(
        network=x, title="Opublicerad nyhet", slug="opublicerad", summary="s", body="b", is_published=False
    )
    Post.objects.create(
        network=x,
        title="Framtida nyhet",
        slug="framtida",
        summary="s",
        body="b",
        published_at=now + datetime.timedelta(hours=2),
    )
    granted = make_application(pot=pot, lead=actor_a, status=Application.Status.APPROVED, granted=8000)
    draft = make_application(pot=pot, lead=actor_a)
    draft.title = "Utkast till ansökan"
    draft.save()
    submitted = make_application(pot=pot, lead=actor_a, status=Application.Status.SUBMITTED)
    submitted.title = "Inskickad ansökan"
    submitted.save()
    rejected = make_application(pot=pot, lead=actor_a, status=Application.Status.REJECTED)
    rejected.title = "Avslagen ansökan"
    rejected.save()
    Decision.objects.create(
        application=rejected, outcome=Decision.Outcome.REJECTED, decided_by=rep_a, decided_at=now, motivation="Nej."
    )
    digest_send(week=this_week)
    (body,) = _bodies().values()
    for shown in ("Synligt inlägg", "Planerat möte", "Publicerad nyhet", granted.title, format_kr(8000)):
        assert shown in body, shown
    for hidden in (
        "Dolt inlägg",
        "dold aktör",
        "Utgånget inlägg",
        "Inställt möte",
        "Möte om en månad",
        "Opublicerad nyhet",
        "Framtida nyhet",
        "Utkast till ansökan",
        "Inskickad ansökan",
        "Avslagen ansökan",
    ):
        assert hidden not in body, hidden
    assert f"/bidrag/beviljade/?ar={pot.year}&natverk=andersberg" in body


def test_news_for_all_networks_reaches_every_subscriber(networks, resident, rep_a, this_week) -> None:
    subscribe(resident, networks["andersberg"])
    subscribe(rep_a, networks["satra"])
    Post.objects.create(network=None, title="Nytt för alla nätverk", slug="alla", summary="s", body="b")
    digest_send(week=this_week)
    bodies = _bodies()
    assert set(bodies) == {resident.email, rep_a.email}
    assert all("== Alla nätverk ==" in body and "Nytt för alla nätverk" in body for body in bodies.values())
    # Andersberg had nothing of its own: no empty section for it.
    assert "Andersberg) ==" not in bodies[resident.email]


def test_the_letter_greets_links_absolutely_and_carries_the_unsubscribe_headers(
    networks, resident, actor_a, this_week, django_capture_on_commit_callbacks
) -> None:
    subscribe(resident, networks["andersberg"])
    listing = make_listing(actor_a, networks["andersberg"])
    meeting = make_meeting(networks["andersberg"], title="Nätverksträff i december")
    with django_capture_on_commit_callbacks(execute=True):
        digest_send(week=this_week)
    (message,) = mail.outbox
    body = message.body
    assert message.subject == f"[Stadsdelsnätverken] Veckobrev vecka {this_week.number}"
    assert body.startswith("Hej Boende!\n")
    assert f"vecka {this_week.number}" in body
    assert "Vi söker: Lokal för 30 personer en lördag (lokal, Föreningen Alfa)" in body
    assert f"https://natverk.example.se/moten/{meeting.pk}/" in body
    assert "https://natverk.example.se/natverk/andersberg/" in body
    assert "https://natverk.example.se/mina-sidor/veckobrev/" in body
    assert listing.title in body
    for url in re.findall(r"\S+://\S+", body):
        assert url.startswith("https://natverk.example.se"), url
    unsubscribe = re.search(r"https://natverk\.example\.se/veckobrev/avsluta/\S+/", body).group(0)
    headers = message.message()
    assert headers["List-Unsubscribe"] == f"<{unsubscribe}>"
    assert headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert Outbox.objects.get().headers["List-Unsubscribe"] == f"<{unsubscribe}>"


def test_each_letter_links_to_the_pages_in_its_readers_language(
    client,
    networks,
    resident,
    rep_a,
    actor_a,
    pot,  # noqa: F811 - the fixture
    this_week,
    django_capture_on_commit_callbacks,
) -> None:
    """One digest for all, links made for each reader: an Arabic reader's pages, unsubscribing
    included, open in Arabic; a Swedish reader's have no prefix."""
    rep_a.language = "ar"
    rep_a.save()
    for user in (resident, rep_a):
        subscribe(user, networks["andersberg"])
    listing = make_listing(actor_a, networks["andersberg"])
    meeting = make_meeting(networks["andersberg"], title="Nätverksträff i december")
    Post.objects.create(title="Nytt", slug="nytt", summary="Kort.", body="Text.", published_at=timezone.now())
    make_application(pot=pot, lead=actor_a, status=Application.Status.APPROVED)
    with django_capture_on_commit_callbacks(execute=True):
        digest_send(week=this_week)
    messages = {message.to[0]: message for message in mail.outbox}

    arabic = messages[rep_a.email]
    links = re.findall(r"https://natverk\.example\.se\S*", arabic.body)
    assert links and all(link.startswith("https://natverk.example.se/ar/") for link in links), links
    paths = [listing.get_absolute_url(), meeting.get_absolute_url(), "/nyheter/nytt/", "/bidrag/beviljade/"]
    for path in paths:
        assert f"https://natverk.example.se/ar{path}" in arabic.body, path
    unsubscribe = re.search(r"https://natverk\.example\.se(/ar/veckobrev/avsluta/\S+/)", arabic.body)
    assert arabic.message()["List-Unsubscribe"] == f"<{unsubscribe.group(0)}>"
    page = client.get(unsubscribe.group(1)).content.decode()
    assert '<html lang="ar" dir="rtl">' in page

    swedish = messages[resident.email].body
    assert all(f"https://natverk.example.se{path}" in swedish for path in paths)
    assert "/ar/" not in swedish and re.search(r"https://natverk\.example\.se/veckobrev/avsluta/\S+/", swedish)


def test_long_sections_are_cut_with_a_count(networks, resident, actor_a, this_week) -> None:
    subscribe(resident, networks["andersberg"])
    for n in range(ITEMS_PER_KIND + 3):
        make_listing(actor_a, networks["andersberg"], title=f"Inlägg nummer {n:02d}")
    digest_send(week=this_week)
    (body,) = _bodies().values()
    assert body.count("Inlägg nummer") == ITEMS_PER_KIND
    assert "… och 3 till på nätverkets sida." in body


def test_who_never_gets_it(networks, resident, rep_a, rep_b, actor_a, this_week) -> None:
    x = networks["andersberg"]
    subscribe(resident, x)
    subscribe(rep_a, x, verified=False)  # never confirmed the address
    subscribe(rep_b, x)
    rep_b.is_active = False  # closed by an administrator
    rep_b.save()
    make_listing(actor_a, x)
    digest_send(week=this_week)
    assert list(_bodies()) == [resident.email]


def test_a_deleted_account_gets_nothing_and_leaves_no_rows(networks, resident, actor_a, this_week) -> None:
    subscribe(resident, networks["andersberg"])
    make_listing(actor_a, networks["andersberg"])
    digest_send(week=this_week)
    assert DigestSent.objects.filter(user=resident).exists()
    user_delete(user=resident)
    assert not Subscription.objects.exists()
    assert not DigestSent.objects.exists()
    Outbox.objects.all().delete()
    assert digest_send(week=Week.containing(this_week.monday + datetime.timedelta(days=7))).sent == 0
    assert _bodies() == {}


def test_dry_run_counts_and_queues_nothing(networks, resident, actor_a, this_week, capsys) -> None:
    subscribe(resident, networks["andersberg"])
    make_listing(actor_a, networks["andersberg"])
    out = _run(this_week, capsys, dry_run=True)
    assert "1 veckobrev skulle skickas" in out
    assert not Outbox.objects.exists() and not DigestSent.objects.exists()
    assert "1 veckobrev skickade" in _run(this_week, capsys)


@pytest.mark.parametrize("week", ["2025-W53", "2026-W00", "2026-48", "vecka 48", "2026-W48\n"])
def test_a_week_that_does_not_exist_is_refused(db, week) -> None:
    if week.strip() == "2026-W48":
        # Surrounding whitespace is forgiven.
        assert Week.parse(week).label == "2026-W48"
        return
    with pytest.raises(CommandError, match="2026-W48"):
        call_command("send_weekly_digest", week=week)


def test_weeks() -> None:
    week = Week.parse("2026-W48")
    assert (week.monday, week.sunday) == (datetime.date(2026, 11, 23), datetime.date(2026, 11, 29))
    # The week of the change to summer time (29 March 2026) is an hour short.
    start, end = Week.parse("2026-W13").bounds()
    assert end.astimezone(datetime.UTC) - start.astimezone(datetime.UTC) == datetime.timedelta(hours=167)
    assert timezone.localtime(start).hour == 0 and timezone.localtime(end).hour == 0
    # Run on a Monday morning, the digest covers the week that has just ended, across a new year.
    monday = datetime.datetime(2027, 1, 4, 6, 0, tzinfo=datetime.UTC)
    assert Week.last_complete(monday).label == "2026-W53"
    assert Week.containing(datetime.date(2027, 1, 3)).label == "2026-W53"


def test_a_meeting_announced_before_the_week_is_not_news_by_itself(networks, resident, this_week) -> None:
    subscribe(resident, networks["satra"])
    meeting = make_meeting(networks["satra"], title="Sätraträffen i december")
    Meeting.objects.filter(pk=meeting.pk).update(created_at=timezone.now() - datetime.timedelta(days=30))
    assert digest_send(week=this_week).sent == 0
    assert _bodies() == {}
    # Something new in the same network brings the coming meeting along.
    Post.objects.create(network=networks["satra"], title="Sätranytt", slug="satranytt", summary="s", body="b")
    assert digest_send(week=this_week).sent == 1
    assert "Sätraträffen i december" in _bodies()[resident.email]
