""" "Mina sidor" as an overview: my actors, what waits for my answer, my applications' next steps, my meetings."""

from __future__ import annotations

import datetime
import re

import pytest
from allauth.account.models import EmailAddress
from django.urls import reverse
from django.utils import dateformat, timezone

from borsen.models import Listing
from digest.models import Subscription
from grants.models import Application, CoApplicant, Pot
from grants.overview import application_next_step
from meetings.models import Meeting, Registration
from members.models import Actor, Invitation, Membership, Representation
from tests.grants.conftest import make_application
from tests.meetings.conftest import make_meeting

pytestmark = pytest.mark.django_db
S = Application.Status
TODAY = timezone.localdate()
MY_PAGES = "/mina-sidor/"


def long_date(value: datetime.date) -> str:
    return dateformat.format(value, "j F Y")


@pytest.fixture
def pot(db) -> Pot:
    return Pot.objects.create(
        year=TODAY.year,
        name="Aktivitetspotten",
        opens_on=TODAY - datetime.timedelta(days=30),
        closes_on=TODAY + datetime.timedelta(days=45),
        max_amount_per_application=20_000,
    )


@pytest.fixture
def actor_d(networks) -> Actor:
    actor = Actor.objects.create(name="Föreningen Delta", slug="foreningen-delta", kind=Actor.Kind.ASSOCIATION)
    Membership.objects.create(actor=actor, network=networks["andersberg"], status=Membership.Status.ACTIVE)
    return actor


def _cells(html: str, title: str) -> str:
    """The table row of the application called `title`."""
    row = re.search(r"<tr>\s*<td[^>]*><a href=\"[^\"]+\"[^>]*>" + re.escape(title) + r"</a>.*?</tr>", html, re.S)
    assert row, f"{title} is not listed"
    return row.group(0)


def test_my_actors_say_the_role_in_plain_words(client, rep_a) -> None:
    client.force_login(rep_a)
    html = client.get(MY_PAGES).content.decode()
    assert "Föreningen Alfa" in html
    assert "Din roll: kontaktperson som kan bjuda in fler företrädare" in html
    assert "irmatecknare" not in html


def test_each_application_shows_its_next_step_and_deadline(client, pot, actor_a, rep_a) -> None:
    draft = make_application(pot=pot, lead=actor_a, status=S.DRAFT)
    draft.title = "Utkastet"
    completion = make_application(pot=pot, lead=actor_a, status=S.NEEDS_COMPLETION)
    completion.title = "Kompletteringen"
    paid = make_application(pot=pot, lead=actor_a, status=S.PAID)
    paid.title = "Utbetalningen"
    submitted = make_application(pot=pot, lead=actor_a, status=S.SUBMITTED)
    submitted.title = "Inskickningen"
    closed = make_application(pot=pot, lead=actor_a, status=S.CLOSED)
    closed.title = "Avslutningen"
    for app in (draft, completion, paid, submitted, closed):
        app.save(update_fields=["title"])
    client.force_login(rep_a)
    html = client.get(MY_PAGES).content.decode()

    row = _cells(html, "Utkastet")
    assert f'href="{reverse("grants:review", args=[draft.pk])}">Skicka in' in row
    assert f"senast {long_date(pot.closes_on)}" in row
    row = _cells(html, "Kompletteringen")
    assert f'href="{reverse("grants:review", args=[completion.pk])}">Komplettera' in row
    row = _cells(html, "Utbetalningen")
    assert f'href="{reverse("grants:report", args=[paid.pk])}">Lämna återrapport' in row
    assert f"senast {long_date(paid.report_due_on)}" in row
    row = _cells(html, "Inskickningen")
    assert "Styrgruppen behandlar ansökan" in row and "<a href" not in row.split("Inskickningen", 1)[1]
    # Finished applications are left to "Mina ansökningar".
    assert "Avslutningen" not in html
    # Every cell keeps its label when the table is stacked at 320 px.
    assert all("data-label=" in cell for cell in re.findall(r"<td\b[^>]*>", html))


def test_a_co_applicant_follows_along_without_actions(client, pot, actor_a, actor_b, rep_b) -> None:
    app = make_application(pot=pot, lead=actor_a, co=[actor_b], status=S.PAID)
    client.force_login(rep_b)
    html = client.get(MY_PAGES).content.decode()
    row = _cells(html, app.title)
    assert "(ni är medsökande)" in row
    assert "Den sökande aktören lämnar återrapporten" in row
    assert reverse("grants:report", args=[app.pk]) not in html


def test_next_step_for_every_status_reads_as_words() -> None:
    pot = Pot(closes_on=TODAY)
    for status in S.values:
        for is_lead in (True, False):
            step = application_next_step(Application(pk=1, pot=pot, status=status), is_lead=is_lead)
            assert step.text
            # Only the lead actor's representatives are given something to do.
            assert not step.url or is_lead


def todo_section(html: str) -> str:
    return html.split('id="todo-heading"', 1)[1].split("</section>", 1)[0]


def test_what_waits_for_my_answer_is_on_top(client, pot, actor_a, actor_b, rep_a, rep_b) -> None:
    app = make_application(pot=pot, lead=actor_b, co=[actor_a], status=S.SUBMITTED, confirmed=False)
    # An invitation to another verified address of mine counts; one to an unverified address does not.
    EmailAddress.objects.create(user=rep_a, email="alfa.privat@example.se", verified=True)
    EmailAddress.objects.create(user=rep_a, email="overifierad@example.se", verified=False)
    later = timezone.now() + datetime.timedelta(days=10)
    Invitation.objects.create(
        actor=actor_b, email="alfa.privat@example.se", token="t1", invited_by=rep_b, expires_at=later
    )
    Invitation.objects.create(actor=actor_b, email="overifierad@example.se", token="t2", expires_at=later)
    client.force_login(rep_a)
    html = client.get(MY_PAGES).content.decode()
    # The to-do list comes first, right under the heading's lead line.
    assert html.index('id="todo-heading"') < html.index('id="meetings-heading"') < html.index('id="actors-heading"')
    todo = todo_section(html)
    assert f"Föreningen Beta vill söka ”{app.title}” tillsammans med Föreningen Alfa." in todo
    assert reverse("grants:confirm", args=[app.pk]) in todo
    assert "Du är inbjuden att företräda Föreningen Beta som kontaktperson." in todo
    assert f"Senast {long_date(timezone.localdate(later))}." in todo
    assert "/inbjudan/t1/" in todo and "/inbjudan/t2/" not in todo
    # With a deadline first; the request without one after it.
    assert todo.index("/inbjudan/t1/") < todo.index(reverse("grants:confirm", args=[app.pk]))


def test_my_applications_and_listings_on_the_to_do_list(client, pot, networks, actor_a, rep_a) -> None:
    draft = make_application(pot=pot, lead=actor_a, status=S.DRAFT)
    paid = make_application(pot=pot, lead=actor_a, status=S.PAID)
    make_application(pot=pot, lead=actor_a, status=S.SUBMITTED)  # Nothing to do: the steering group decides.
    listings = {}
    for title, days in (("Snart slut", 3), ("Länge kvar", 30), ("Redan slut", -2)):
        listings[title] = Listing.objects.create(
            actor=actor_a,
            author=rep_a,
            direction=Listing.Direction.ASK,
            kind=Listing.Kind.VENUE,
            title=title,
            text="En lokal för en kväll.",
            last_date=TODAY + datetime.timedelta(days=days),
        )
    client.force_login(rep_a)
    todo = todo_section(client.get(MY_PAGES).content.decode())
    assert f"Ansökan ”{draft.title}” är inte inskickad än. <strong>Senast {long_date(pot.closes_on)}.</strong>" in todo
    assert reverse("grants:review", args=[draft.pk]) in todo and ">Skicka in</a>" in todo
    assert reverse("grants:report", args=[paid.pk]) in todo and ">Lämna återrapport</a>" in todo
    assert "Inlägget ”Snart slut” stängs snart." in todo
    assert "Sista dagen för inlägget ”Redan slut” har passerat." in todo
    assert "Länge kvar" not in todo
    assert reverse("borsen:edit", kwargs={"pk": listings["Snart slut"].pk}) in todo
    # The nearest deadline first: the listing closing in 3 days, then the pot, then the report.
    assert todo.index("Snart slut") < todo.index(draft.title) < todo.index(reverse("grants:report", args=[paid.pk]))


def test_nothing_to_do_says_so(client, rep_a) -> None:
    client.force_login(rep_a)
    assert "Du har inget att göra just nu." in todo_section(client.get(MY_PAGES).content.decode())


def test_coming_meetings_only(client, networks, rep_a, actor_a) -> None:
    soon = make_meeting(networks["andersberg"], title="Vårträffen", registration_enabled=True, capacity=10)
    past = make_meeting(
        networks["andersberg"], title="Förra träffen", starts_at=timezone.now() - datetime.timedelta(days=3)
    )
    dropped = make_meeting(networks["andersberg"], title="Avbokade träffen", registration_enabled=True, capacity=5)
    cancelled = make_meeting(networks["andersberg"], title="Inställda träffen", registration_enabled=True, capacity=5)
    Registration.objects.create(meeting=soon, user=rep_a, actor=actor_a)
    Registration.objects.create(meeting=past, user=rep_a)
    Registration.objects.create(meeting=dropped, user=rep_a, status=Registration.Status.CANCELLED)
    Registration.objects.create(meeting=cancelled, user=rep_a)
    cancelled.status = Meeting.Status.CANCELLED
    cancelled.cancel_reason = "Lokalen är upptagen."
    cancelled.save(update_fields=["status", "cancel_reason"])
    client.force_login(rep_a)
    html = client.get(MY_PAGES).content.decode()
    section = html.split('id="meetings-heading"', 1)[1].split("</section>", 1)[0]
    mine, networks_next = section.split("Nästa möten i era nätverk", 1)
    assert "Vårträffen" in mine and "Anmälan för Föreningen Alfa: <strong>Anmäld</strong>" in mine
    assert "Inställda träffen" in mine and "Mötet är inställt." in mine
    assert "Förra träffen" not in mine and "Avbokade träffen" not in mine
    # The network's other coming meetings follow: here the one whose registration was cancelled.
    assert "Avbokade träffen" in networks_next and "Vårträffen" not in networks_next
    assert "Förra träffen" not in networks_next


def test_overview_queries_are_bounded(
    client, pot, networks, actor_a, actor_b, rep_a, rep_b, django_assert_max_num_queries
) -> None:
    actors = [actor_a]
    for n in range(4):
        actor = Actor.objects.create(name=f"Förening {n}", slug=f"forening-{n}", kind=Actor.Kind.ASSOCIATION)
        Membership.objects.create(actor=actor, network=networks["andersberg"], status=Membership.Status.ACTIVE)
        Membership.objects.create(actor=actor, network=networks["satra"], status=Membership.Status.PENDING)
        Representation.objects.create(user=rep_a, actor=actor, role=Representation.Role.CONTACT)
        actors.append(actor)
    for status in (S.DRAFT, S.NEEDS_COMPLETION, S.PAID, S.SUBMITTED, S.APPROVED, S.REPORTED):
        make_application(pot=pot, lead=actors[len(status) % 5], status=status)
    for n in range(4):
        make_application(pot=pot, lead=actor_b, co=[actors[n]], status=S.SUBMITTED, confirmed=False)
        Invitation.objects.create(
            actor=actor_b,
            email=rep_a.email,
            token=f"t{n}",
            invited_by=rep_b,
            expires_at=timezone.now() + datetime.timedelta(days=5),
        )
        meeting = make_meeting(networks["satra" if n % 2 else "andersberg"], title=f"Träff {n}")
        Registration.objects.create(meeting=meeting, user=rep_a, actor=actors[n])
        listing = Listing.objects.create(
            actor=actors[n],
            author=rep_a,
            direction=Listing.Direction.ASK,
            kind=Listing.Kind.VENUE,
            title=f"Lokal {n}",
            text="En lokal för en kväll.",
            last_date=timezone.localdate() + datetime.timedelta(days=10),
        )
        listing.networks.add(networks["andersberg"])
        Subscription.objects.create(user=rep_a, network=list(networks.values())[n])
    client.force_login(rep_a)
    # One query more per section of the overview (börs listings, weekly digest, questions
    # from residents; applications: the co-applications, then the applications), not per row.
    with django_assert_max_num_queries(13):
        html = client.get(MY_PAGES).content.decode()
    assert html.count("Du är inbjuden att företräda") == 4
    assert html.count("vill söka ”") == 4
    assert html.count("Träff ") == 4
    assert all(f"Lokal {n}" in html for n in range(4))
    assert CoApplicant.objects.filter(status=CoApplicant.Status.PENDING).count() == 4
