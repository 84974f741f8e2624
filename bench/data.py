"""A large synthetic data set for the benchmark, written fast with PostgreSQL's COPY.

One function per app, each taking the sizes it needs and returning what later apps
link to. `load()` calls them in dependency order. Every row is marked as demo content
where the model has a flag for it; the data only ever goes into the throwaway database
`natverk_bench`.

Rows are built as model instances, so that Python-side defaults (and fields other apps
add later) are filled in as Django would, and then written with `copy_objects()`,
which streams them to `COPY ... FROM STDIN` with explicit primary keys and resets the
table's id sequence afterwards.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass, field
from datetime import timedelta

from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.core.management.color import no_style
from django.db import connection, models
from django.utils import timezone

from borsen.models import Listing
from core.roles import COORDINATORS_GROUP, STEERING_GROUP
from dialog.models import Question, Status, Support, Theme, question_search_text
from grants.models import (
    Application,
    ApplicationEvent,
    BudgetLine,
    CoApplicant,
    Decision,
    FollowUpReport,
    Funding,
    Payment,
    Pot,
    ReferenceCounter,
)
from meetings.models import Meeting, Registration
from members.models import Actor, Membership, Representation, User
from members.search import actor_search_text
from networks.models import Network, Post, WorkingGroup
from networks.seed import seed_networks
from sok.index import rebuild as rebuild_search_index

# Everyone in the benchmark data set has this password.
PASSWORD = "bench-lösenord-123"  # noqa: S105
KINDS = [kind for kind, _label in Actor.Kind.choices]
WORDS = [
    "grannar",
    "trygghet",
    "odling",
    "läxhjälp",
    "fotboll",
    "kör",
    "syförening",
    "fritidsgård",
    "bibliotek",
    "matlagning",
    "språkcafé",
    "seniorer",
    "cykelverkstad",
    "loppis",
    "konst",
    "teater",
    "dans",
    "schack",
    "musik",
    "städdag",
]


@dataclass
class Sizes:
    """How much of everything; `Sizes.small()` for a quick check of the machinery."""

    actors: int = 20_000
    extra_users: int = 5_000  # Residents with an account who represent nobody.
    posts: int = 2_000
    groups_per_network: int = 10
    meetings: int = 5_000
    registrations: int = 100_000
    applications: int = 50_000
    grant_years: int = 10
    listings: int = 2_000
    questions: int = 2_000
    supports: int = 20_000

    @classmethod
    def small(cls) -> Sizes:
        return cls(
            actors=1_000,
            extra_users=250,
            posts=100,
            groups_per_network=3,
            meetings=200,
            registrations=2_000,
            applications=1_000,
            grant_years=3,
            listings=100,
            questions=100,
            supports=500,
        )


@dataclass
class Cast:
    """The users the benchmark logs in as, and what the later apps link to."""

    steering: User
    representative: User  # Represents several actors: a full "Mina sidor".
    coordinators: dict[str, User]
    networks: dict[str, Network]
    user_ids: list[int] = field(default_factory=list)
    actor_ids: list[int] = field(default_factory=list)
    # actor id -> ids of the networks it is an active member of.
    active_networks: dict[int, list[int]] = field(default_factory=dict)


def copy_objects(model: type[models.Model], objects: list[models.Model]) -> None:
    """Write unsaved instances with COPY; ids are assigned here, after the table's highest."""
    if not objects:
        return
    fields = list(model._meta.concrete_fields)
    table = connection.ops.quote_name(model._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}")  # noqa: S608
        next_id = cursor.fetchone()[0] + 1
        for offset, obj in enumerate(objects):
            obj.pk = next_id + offset
        with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:  # noqa: S608
            for obj in objects:
                copy.write_row([f.get_db_prep_save(f.pre_save(obj, add=True), connection) for f in fields])
        for sql in connection.ops.sequence_reset_sql(no_style(), [model]):
            cursor.execute(sql)
    for obj in objects:
        obj._state.adding = False


def _text(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words)).capitalize() + "."


def make_networks_members(*, sizes: Sizes, rng: random.Random) -> Cast:
    """The four networks, users, actors, memberships, representations, working groups, news."""
    seed_networks()
    networks = {n.slug: n for n in Network.objects.all()}
    network_ids = [n.pk for n in networks.values()]
    now = timezone.now()
    password = make_password(PASSWORD)  # Hashed once: hashing per user would take hours.

    n_users = sizes.actors + sizes.extra_users
    users = [
        User(email=f"person{i}@bench.example", name=f"Person {i} (demo)", password=password, date_joined=now)
        for i in range(n_users)
    ]
    copy_objects(User, users)

    actors = [
        Actor(
            name=f"{rng.choice(WORDS).capitalize()} {rng.choice(WORDS)} {i} (demo)",
            slug=f"aktor-{i}",
            kind=KINDS[i % len(KINDS)],
            description=_text(rng, 40),
            contact_email=f"kontakt{i}@bench.example",
            contact_consent_at=now if i % 2 else None,
            contact_consent_text="Jag samtycker (demo)." if i % 2 else "",
            is_public=i % 50 != 0,
            is_demo=True,
        )
        for i in range(sizes.actors)
    ]
    for actor in actors:
        # copy_objects bypasses Actor.save(), which folds the search text.
        actor.search_text = actor_search_text(name=actor.name, description=actor.description)
    copy_objects(Actor, actors)

    memberships = []
    active_networks: dict[int, list[int]] = {}
    statuses = [Membership.Status.ACTIVE] * 17 + [Membership.Status.PENDING] * 2 + [Membership.Status.ENDED]
    for actor in actors:
        count = 2 if rng.random() < 0.2 else 1
        for network_id in rng.sample(network_ids, count):
            status = rng.choice(statuses)
            memberships.append(
                Membership(
                    actor_id=actor.pk,
                    network_id=network_id,
                    status=status,
                    decided_at=None if status == Membership.Status.PENDING else now,
                )
            )
            if status == Membership.Status.ACTIVE:
                active_networks.setdefault(actor.pk, []).append(network_id)
    copy_objects(Membership, memberships)

    representations = []
    for index, actor in enumerate(actors):
        representations.append(
            Representation(user_id=users[index].pk, actor_id=actor.pk, role=Representation.Role.SIGNATORY)
        )
        if rng.random() < 0.3:
            other = users[sizes.actors + rng.randrange(sizes.extra_users)] if sizes.extra_users else users[index - 1]
            representations.append(Representation(user_id=other.pk, actor_id=actor.pk))
    # The representative of the benchmark's "Mina sidor" speaks for five actors.
    representative = users[0]
    for actor in actors[1:5]:
        representations.append(Representation(user_id=representative.pk, actor_id=actor.pk))
    representations = list({(r.user_id, r.actor_id): r for r in representations}.values())
    copy_objects(Representation, representations)

    groups = [
        WorkingGroup(
            network=network, name=f"Arbetsgrupp {n + 1}: {rng.choice(WORDS)} (demo)", description=_text(rng, 20)
        )
        for network in networks.values()
        for n in range(sizes.groups_per_network)
    ]
    copy_objects(WorkingGroup, groups)

    network_choices = [*networks.values(), None]
    posts = [
        Post(
            network=rng.choice(network_choices),
            title=f"Nyhet {i}: {_text(rng, 4)[:-1]} (demo)",
            slug=f"nyhet-{i}",
            summary=_text(rng, 20),
            body="\n\n".join(_text(rng, 60) for _ in range(3)),
            published_at=now - timedelta(hours=i * 7),
            is_demo=True,
        )
        for i in range(sizes.posts)
    ]
    copy_objects(Post, posts)

    steering = User.objects.create_user(email="styrgrupp@bench.example", password=PASSWORD, name="Styrgrupp (demo)")
    steering.is_staff = True
    steering.save()
    steering.groups.add(Group.objects.get(name=STEERING_GROUP))
    # Staff must use two-step verification in production (REQUIRE_STAFF_MFA).
    TOTP.activate(steering, generate_totp_secret())
    coordinators = {}
    for slug, network in networks.items():
        user = User.objects.create_user(
            email=f"samordnare.{slug}@bench.example", password=PASSWORD, name=f"Samordnare {network.name} (demo)"
        )
        user.is_staff = True
        user.save()
        user.groups.add(Group.objects.get(name=COORDINATORS_GROUP))
        network.coordinators.add(user)
        coordinators[slug] = user

    return Cast(
        steering=steering,
        representative=representative,
        coordinators=coordinators,
        networks=networks,
        user_ids=[u.pk for u in users],
        actor_ids=[a.pk for a in actors],
        active_networks=active_networks,
    )


def make_meetings(*, cast: Cast, sizes: Sizes, rng: random.Random) -> None:
    """Meetings over about ten years (most of them past, with minutes), half with sign-up."""
    now = timezone.now().replace(minute=0, second=0, microsecond=0)
    networks = list(cast.networks.values())
    kinds = [kind for kind, _label in Meeting.Kind.choices]
    meetings = []
    for i in range(sizes.meetings):
        # Meetings pile up in the past: fifteen years back to one year ahead, spread evenly.
        starts = now - timedelta(days=15 * 365) + timedelta(hours=(16 * 365 * 24) * i // sizes.meetings)
        cancelled = i % 40 == 0
        with_registration = i % 2 == 0
        meetings.append(
            Meeting(
                network=networks[i % len(networks)],
                kind=kinds[i % len(kinds)],
                title=f"{_text(rng, 3)[:-1]} (demo)",
                starts_at=starts,
                ends_at=starts + timedelta(hours=2),
                place="Träffpunkten (demo)",
                address="Demogatan 1, Gävle",
                accessibility="Entré utan trappsteg (demo).",
                agenda=_text(rng, 30),
                minutes=_text(rng, 60) if starts < now and not cancelled else "",
                minutes_published_at=starts + timedelta(days=7) if starts < now and not cancelled else None,
                status=Meeting.Status.CANCELLED if cancelled else Meeting.Status.PLANNED,
                cancel_reason="Inställt (demo)." if cancelled else "",
                registration_enabled=with_registration,
                capacity=60 if with_registration else None,
                is_demo=True,
            )
        )
    copy_objects(Meeting, meetings)

    open_meetings = [m for m in meetings if m.registration_enabled]
    per_meeting = max(1, sizes.registrations // max(1, len(open_meetings)))
    registrations = []
    for meeting in open_meetings:
        for position, user_id in enumerate(rng.sample(cast.user_ids, per_meeting)):
            confirmed = position < meeting.capacity
            registrations.append(
                Registration(
                    meeting_id=meeting.pk,
                    user_id=user_id,
                    status=Registration.Status.CONFIRMED if confirmed else Registration.Status.WAITLISTED,
                    created_at=meeting.starts_at - timedelta(days=14, minutes=-position),
                )
            )
            if len(registrations) >= sizes.registrations:
                break
    copy_objects(Registration, registrations)


# The path each final status took through the workflow, after draft -> submitted.
_PATHS: dict[str, list[str]] = {
    "draft": [],
    "submitted": ["submitted"],
    "in_review": ["submitted", "in_review"],
    "needs_completion": ["submitted", "in_review", "needs_completion"],
    "withdrawn": ["submitted", "withdrawn"],
    "rejected": ["submitted", "in_review", "rejected"],
    "approved": ["submitted", "in_review", "approved"],
    "paid": ["submitted", "in_review", "approved", "paid"],
    "reported": ["submitted", "in_review", "approved", "paid", "reported"],
    "closed": ["submitted", "in_review", "approved", "paid", "reported", "closed"],
}
# Older years are decided and closed; the current year has every status.
_OLD_YEAR_STATUSES = ["closed"] * 6 + ["rejected"] * 2 + ["withdrawn", "reported"]
_THIS_YEAR_STATUSES = list(_PATHS)


def make_grants(*, cast: Cast, sizes: Sizes, rng: random.Random) -> None:
    """Pots for several years with two funders each, applications in every status, their events."""
    now = timezone.now()
    this_year = now.year
    years = list(range(this_year - sizes.grant_years + 1, this_year + 1))
    per_year = sizes.applications // len(years)
    network_ids = [n.pk for n in cast.networks.values()]
    steering_id = cast.steering.pk
    members = [actor_id for actor_id in cast.actor_ids if actor_id in cast.active_networks]
    owner = dict(zip(cast.actor_ids, cast.user_ids, strict=False))  # Actor i is represented by user i.

    applications, networks_links, co_links, lines = [], [], [], []
    decisions, payments, reports, events = [], [], [], []
    pots = []
    for year in years:
        statuses = _THIS_YEAR_STATUSES if year == this_year else _OLD_YEAR_STATUSES
        pot = Pot(
            year=year,
            name=f"Aktivitetspotten {year} (demo)",
            opens_on=datetime.date(year, 1, 1),
            closes_on=datetime.date(year, 12, 31),
            is_open=year == this_year,
            max_amount_per_application=30_000,
            is_demo=True,
        )
        pots.append(pot)
        for n in range(per_year):
            status = rng.choice(statuses)
            lead = rng.choice(members)
            starts = datetime.date(year, 1, 1) + timedelta(days=rng.randrange(20, 340))
            requested = rng.randrange(2, 31) * 1_000
            submitted = status != "draft"
            granted = requested - rng.randrange(0, requested // 2000 + 1) * 1_000 if status in GRANTED else None
            applications.append(
                Application(
                    pot=pot,
                    reference=f"SN-{year}-{n + 1:04d}" if submitted else "",
                    status=status,
                    lead_actor_id=lead,
                    title=f"{_text(rng, 3)[:-1]} (demo)",
                    description=_text(rng, 40),
                    purpose=_text(rng, 20),
                    target_group="Boende i stadsdelen",
                    starts_on=starts,
                    ends_on=starts + timedelta(days=rng.randrange(0, 30)),
                    place="Träffpunkten (demo)",
                    expected_participants=rng.randrange(10, 200),
                    amount_requested=requested,
                    amount_granted=granted,
                    contact_name="Kontakt (demo)",
                    contact_email="kontakt@bench.example",
                    payment_method=Application.PaymentMethod.BANKGIRO,
                    giro_number="5050-1055",
                    created_by_id=owner[lead],
                    submitted_at=datetime.datetime.combine(
                        starts - timedelta(days=30), datetime.time(12), tzinfo=datetime.UTC
                    )
                    if submitted
                    else None,
                    is_demo=True,
                )
            )
    copy_objects(Pot, pots)
    for pot in pots:
        granted_total = sum(a.amount_granted or 0 for a in applications if a.pot is pot)
        half = granted_total // 2 + 50_000
        Funding.objects.bulk_create(
            [
                Funding(pot=pot, funder="Gävle kommun", amount=half),
                Funding(pot=pot, funder="Gavlegårdarna", amount=half),
            ]
        )
        ReferenceCounter.objects.create(year=pot.year, last_number=per_year)
    for application in applications:
        application.pot_id = application.pot.pk
    copy_objects(Application, applications)

    link_model = Application.networks.through
    for application in applications:
        networks_links.append(link_model(application_id=application.pk, network_id=rng.choice(network_ids)))
        lines.append(BudgetLine(application=application, what="Material (demo)", amount=application.amount_requested))
        if rng.random() < 0.15:
            partner = rng.choice(members)
            if partner != application.lead_actor_id:
                co_links.append(
                    CoApplicant(
                        application=application,
                        actor_id=partner,
                        status=CoApplicant.Status.CONFIRMED,
                        confirmed_by_id=owner[partner],
                        confirmed_at=application.submitted_at,
                    )
                )
        when = application.submitted_at or now
        previous = "draft"
        for step, status in enumerate(_PATHS[application.status]):
            moment = when + timedelta(days=7 * step)
            by = application.created_by_id if status in ("submitted", "withdrawn", "reported") else steering_id
            events.append(
                ApplicationEvent(
                    application=application,
                    actor_user_id=by,
                    from_status=previous,
                    to_status=status,
                    note="",
                    created_at=moment,
                )
            )
            previous = status
            if status in ("approved", "rejected"):
                decisions.append(
                    Decision(
                        application=application,
                        outcome=status,
                        amount_granted=application.amount_granted if status == "approved" else None,
                        motivation="Beslut (demo).",
                        decided_by_id=steering_id,
                        decided_at=moment,
                    )
                )
            elif status == "paid":
                payments.append(
                    Payment(
                        application=application,
                        pot_id=application.pot_id,
                        amount=application.amount_granted,
                        paid_at=moment,
                        registered_by_id=steering_id,
                    )
                )
            elif status == "reported":
                reports.append(
                    FollowUpReport(
                        application=application,
                        what_happened=_text(rng, 30),
                        participants=rng.randrange(5, 200),
                        actual_costs=application.amount_granted,
                        submitted_by_id=application.created_by_id,
                        submitted_at=moment,
                    )
                )
    copy_objects(link_model, networks_links)
    copy_objects(BudgetLine, lines)
    copy_objects(CoApplicant, co_links)
    copy_objects(Decision, decisions)
    copy_objects(Payment, payments)
    copy_objects(FollowUpReport, reports)
    copy_objects(ApplicationEvent, events)


GRANTED = ("approved", "paid", "reported", "closed")


def make_listings(*, cast: Cast, sizes: Sizes, rng: random.Random) -> None:
    """Samverkansbörsen: asks and offers of active members, most open, some solved."""
    today = timezone.localdate()
    now = timezone.now()
    members = [(actor_id, networks) for actor_id, networks in cast.active_networks.items() if networks]
    kinds = [kind for kind, _label in Listing.Kind.choices]
    listings, chosen = [], []
    for i in range(sizes.listings):
        actor_id, networks = rng.choice(members)
        direction = rng.choice([Listing.Direction.ASK, Listing.Direction.OFFER])
        created = now - timedelta(hours=i * 3)
        listings.append(
            Listing(
                actor_id=actor_id,
                direction=direction,
                kind=rng.choice(kinds),
                title=f"{direction.label} {_text(rng, 3)[:-1].lower()} (demo)",
                text=_text(rng, 40),
                last_date=today + timedelta(days=rng.randint(1, 90)),
                solved_at=created + timedelta(days=1) if i % 10 == 0 else None,
                created_at=created,
                is_demo=True,
            )
        )
        chosen.append(rng.sample(networks, k=min(len(networks), rng.randint(1, 2))))
    copy_objects(Listing, listings)
    through = Listing.networks.through
    through.objects.bulk_create(
        [
            through(listing_id=listing.pk, network_id=network_id)
            for listing, network_ids in zip(listings, chosen, strict=True)
            for network_id in network_ids
        ]
    )


def make_questions(*, cast: Cast, sizes: Sizes, rng: random.Random) -> None:
    """Residents' questions in every state in every network, and their "Jag med"."""
    now = timezone.now()
    networks = list(cast.networks.values())
    themes = list(Theme.objects.values_list("pk", flat=True)) + [None]
    statuses = [status for status, _label in Status.choices]
    questions = []
    for i in range(sizes.questions):
        status = statuses[i % len(statuses)]
        questions.append(
            Question(
                network=rng.choice(networks),
                author_id=rng.choice(cast.user_ids),
                show_name=i % 4 == 0,
                title=f"{_text(rng, 5)[:-1]} (demo)"[:120],
                text=_text(rng, 60),
                place=_text(rng, 2)[:-1] if i % 3 == 0 else "",
                theme_id=rng.choice(themes),
                status=status,
                answer=_text(rng, 30) if status == Status.ANSWERED else "",
                hidden_reason="Reklam. (demo)" if status == Status.HIDDEN else "",
                created_at=now - timedelta(hours=i * 2),
                updated_at=now - timedelta(hours=i),
                is_demo=True,
            )
        )
    for question in questions:  # As Question.save() fills it; COPY does not call save().
        question.search_text = question_search_text(title=question.title, text=question.text, place=question.place)
    copy_objects(Question, questions)
    # Each question's supporters are different accounts (one "Jag med" per account).
    supports, per_question = [], max(1, sizes.supports // max(1, len(questions)))
    for question in questions:
        count = rng.randint(0, 2 * per_question)
        for user_id in rng.sample(cast.user_ids, k=min(count, len(cast.user_ids))):
            if user_id != question.author_id:
                supports.append(Support(question_id=question.pk, user_id=user_id, created_at=now))
    copy_objects(Support, supports)


def load(*, small: bool = False, seed: int = 6) -> tuple[Cast, dict[str, int]]:
    """Fill the (empty, migrated) database; returns the cast and the row counts."""
    sizes = Sizes.small() if small else Sizes()
    rng = random.Random(seed)
    cast = make_networks_members(sizes=sizes, rng=rng)
    make_meetings(cast=cast, sizes=sizes, rng=rng)
    make_grants(cast=cast, sizes=sizes, rng=rng)
    make_listings(cast=cast, sizes=sizes, rng=rng)
    make_questions(cast=cast, sizes=sizes, rng=rng)
    # COPY sends no signals: the search index is written once, at the end.
    search_entries = rebuild_search_index()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    counts = {
        model._meta.label: model.objects.count()
        for model in (
            User,
            Actor,
            Membership,
            Representation,
            Network,
            WorkingGroup,
            Post,
            Meeting,
            Registration,
            Pot,
            Application,
            ApplicationEvent,
            Listing,
            Question,
            Support,
        )
    }
    counts["sok.Entry"] = search_entries
    return cast, counts
