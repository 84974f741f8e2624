"""Demo content for `make run`: a pot with two funders and an application in every status."""

from __future__ import annotations

import datetime

from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from core.roles import STEERING_GROUP
from grants.models import Application, BudgetLine, Funding, Pot
from grants.services import application_create_draft, coapplicant_respond, report_submit
from grants.workflow import application_transition
from members.demo import REPRESENTATIVE_EMAIL
from members.models import Actor, Membership, Representation, User
from networks.models import Network

S = Application.Status
STEERING_EMAIL = "styrgrupp@demo.example"

DEMO_ACTORS = [
    ("Andersbergs fritidsförening (demo)", "demo-andersbergs-fritid", "andersberg"),
    ("Sätra odlarlag (demo)", "demo-satra-odlarlag", "satra"),
    ("Brynäs läxhjälp (demo)", "demo-brynas-laxhjalp", "brynas"),
]

# (status, title, asked, granted) – the path to each status is walked through the workflow.
DEMO_APPLICATIONS = [
    (S.DRAFT, "Filmkvällar i parken", 8_000, None),
    (S.SUBMITTED, "Läxhjälp före proven", 12_000, None),
    (S.IN_REVIEW, "Odlingslådor på gården", 15_000, None),
    (S.NEEDS_COMPLETION, "Midsommarfest på torget", 20_000, None),
    (S.APPROVED, "Fotbollsturnering för unga", 18_000, 14_000),
    (S.REJECTED, "Resa till Liseberg", 25_000, None),
    (S.WITHDRAWN, "Loppis i tvättstugan", 3_000, None),
    (S.PAID, "Språkcafé på biblioteket", 9_000, 9_000),
    (S.REPORTED, "Städdag i Sätraskogen", 5_000, 5_000),
    (S.CLOSED, "Höstmarknad", 11_000, 10_000),
]


def _user(email: str, name: str) -> User:
    user = User.objects.filter(email=email).first()
    if user is None:
        # Demo accounts get no usable password here; set one with `manage.py changepassword`.
        user = User.objects.create_user(email=email, password=None, name=name)
    return user


def _steering() -> User:
    user = User.objects.filter(email=STEERING_EMAIL).first()
    if user is None:
        user = User.objects.create_user(email=STEERING_EMAIL, password=None, name="Styrgruppen (demo)", is_staff=True)
    group = Group.objects.filter(name=STEERING_GROUP).first()
    if group is not None:
        user.groups.add(group)
    user._is_steering_group = None  # noqa: SLF001 - forget the cached role after adding the group
    return user


def _actors() -> list[tuple[Actor, User]]:
    result = []
    for name, slug, network_slug in DEMO_ACTORS:
        actor, _ = Actor.objects.get_or_create(
            slug=slug, defaults={"name": name, "kind": Actor.Kind.ASSOCIATION, "is_demo": True}
        )
        network = Network.objects.get(slug=network_slug)
        Membership.objects.get_or_create(actor=actor, network=network, defaults={"status": Membership.Status.ACTIVE})
        rep = _user(f"{slug}@demo.example", f"Företrädare för {name}")
        Representation.objects.get_or_create(user=rep, actor=actor, defaults={"role": Representation.Role.SIGNATORY})
        result.append((actor, rep))
    return result


def _walk(app: Application, status: str, granted: int | None, rep: User, steering: User) -> None:
    def move(to: str, **kwargs) -> None:
        application_transition(application=app, to_status=to, actor_user=kwargs.pop("user", steering), **kwargs)

    if status == S.DRAFT:
        return
    move(S.SUBMITTED, user=rep)
    if status == S.SUBMITTED:
        return
    if status == S.WITHDRAWN:
        move(S.WITHDRAWN, user=rep, note="Vi hittade en annan lokal utan kostnad.")
        return
    move(S.IN_REVIEW)
    if status == S.NEEDS_COMPLETION:
        move(S.NEEDS_COMPLETION, note="Bifoga en offert för scen och ljud.")
    elif status == S.REJECTED:
        move(S.REJECTED, note="Resor utanför Gävle ligger utanför pottens syfte.")
    elif status != S.IN_REVIEW:
        move(S.APPROVED, amount=granted, note="Ett bra samarbete mellan flera aktörer.")
        if status in (S.PAID, S.REPORTED, S.CLOSED):
            move(S.PAID, payment_date=timezone.localdate(), payment_reference=f"DEMO-{app.pk}")
        if status in (S.REPORTED, S.CLOSED):
            report_submit(
                application=app,
                user=rep,
                what_happened="Det kom fler än vi trodde.",
                participants=75,
                actual_costs=granted,
            )
        if status == S.CLOSED:
            move(S.CLOSED)


def create_demo() -> None:
    """Create the demo pot and applications; does nothing if they already exist."""
    year = timezone.localdate().year
    if Network.objects.filter(slug__in=["andersberg", "satra", "brynas"]).count() != 3:
        return
    with transaction.atomic():
        pot, created = Pot.objects.get_or_create(
            name=f"Aktivitetspotten {year} (demo)",
            defaults={
                "year": year,
                "opens_on": datetime.date(year, 1, 1),
                "closes_on": datetime.date(year, 12, 31),
                "max_amount_per_application": 25_000,
                "is_demo": True,
            },
        )
        if created:
            Funding.objects.create(pot=pot, funder="Gävle kommun", amount=150_000)
            Funding.objects.create(pot=pot, funder="Gavlegårdarna", amount=100_000)
        if Application.objects.filter(pot=pot, is_demo=True).exists():
            return
        steering = _steering()
        actors = _actors()
        start = timezone.localdate() + datetime.timedelta(days=30)
        for index, (status, title, asked, granted) in enumerate(DEMO_APPLICATIONS):
            lead, rep = actors[index % len(actors)]
            partner = actors[(index + 1) % len(actors)]
            _application(pot, title, asked, granted, status, (lead, rep), partner, steering, start, index)
        _for_the_demo_representative(pot, actors, steering, start)


def _application(pot, title, asked, granted, status, lead_rep, partner_rep, steering, start, index, confirm=True):
    """One demo application led by `lead_rep` (actor, representative) with `partner_rep` as
    co-applicant (confirmed unless `confirm` is false), walked through the workflow to `status`."""
    lead, rep = lead_rep
    partner, partner_user = partner_rep
    lead_network = lead.memberships.filter(status=Membership.Status.ACTIVE).first().network
    app = application_create_draft(
        user=rep, pot=pot, lead_actor=lead, co_applicants=[partner], networks=[lead_network], title=title
    )
    Application.objects.filter(pk=app.pk).update(
        is_demo=True,
        description=f"{title}: en demoaktivitet för alla som bor i området.",
        purpose="Att fler grannar lär känna varandra.",
        target_group="Alla åldrar",
        starts_on=start + datetime.timedelta(days=index * 7),
        ends_on=start + datetime.timedelta(days=index * 7 + 1),
        place="Stadsdelens mötesplats",
        expected_participants=60,
        own_contribution=1_000,
        amount_requested=asked,
        contact_name=rep.name,
        contact_email=rep.email,
        # Bankgirot's own bankgiro number: passes the check digit, pays nobody real.
        payment_method=Application.PaymentMethod.BANKGIRO,
        giro_number="5050-1055",
    )
    BudgetLine.objects.create(application=app, what="Material och fika", amount=asked)
    app.refresh_from_db()
    if confirm:
        for link in app.coapplicant_links.all():
            coapplicant_respond(link=link, user=partner_user, confirm=True)
    _walk(app, status, granted, rep, steering)


def _for_the_demo_representative(pot, actors, steering, start) -> None:
    """Something on every line of the demo representative's to-do list on "Mina sidor": a draft
    to send in, a report to write, and another actor's request to apply together."""
    rep = User.objects.filter(email=REPRESENTATIVE_EMAIL).first()
    if rep is None:
        return
    own = [
        r.actor
        for r in Representation.objects.filter(user=rep).select_related("actor").order_by("actor__name")
        if r.actor.memberships.filter(status=Membership.Status.ACTIVE).exists()
    ]
    if len(own) < 3:
        return
    plans = [
        (S.DRAFT, "Boulekväll för nya grannar", 6_000, None, (own[0], rep), actors[0], True),
        (S.PAID, "Hembygdsvandring med fika", 4_000, 4_000, (own[1], rep), actors[1], True),
        # Another actor asks the representative's café to apply together: not answered yet.
        (S.SUBMITTED, "Öppen scen för unga", 7_000, None, actors[2], (own[2], rep), False),
    ]
    for index, (status, title, asked, granted, lead, partner, confirm) in enumerate(
        plans, start=len(DEMO_APPLICATIONS)
    ):
        _application(pot, title, asked, granted, status, lead, partner, steering, start, index, confirm=confirm)
