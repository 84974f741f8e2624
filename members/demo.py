"""Demo actors and one account per role, for `make run` only (DEBUG on)."""

from __future__ import annotations

import sys

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from core.roles import COORDINATORS_GROUP, STEERING_GROUP, sync_role_groups
from members.forms import CONSENT_TEXT
from members.models import Actor, Membership, Representation, User
from networks.models import Network

DEMO_PASSWORD = "demo-losenord-2027"  # noqa: S105 - printed for the local demo on purpose
STEERING_EMAIL = "styrgrupp@demo.example"
REPRESENTATIVE_EMAIL = "foretradare@demo.example"
RESIDENT_EMAIL = "boende@demo.example"

# (name, kind, org number, active networks, pending networks, description)
DEMO_ACTORS = [
    (
        "Andersbergs Boulesällskap (demo)",
        Actor.Kind.ASSOCIATION,
        "802400-6911",
        ["andersberg"],
        [],
        "Boule på gården bakom centrum varje torsdag från maj till september.",
    ),
    (
        "Bomhus Hembygdsförening (demo)",
        Actor.Kind.ASSOCIATION,
        "802400-6911",
        ["bomhus"],
        [],
        "Vi samlar Bomhus historia och ordnar vandringar i stadsdelen.",
    ),
    (
        "Brynäs Kvarterskafé (demo)",
        Actor.Kind.COMPANY,
        "556036-0793",
        ["brynas"],
        [],
        "Ett litet kafé med öppen scen en kväll i månaden.",
    ),
    (
        "Sätra Grannskapsförening (demo)",
        Actor.Kind.ASSOCIATION,
        "802400-6911",
        ["satra"],
        ["brynas"],
        "Grannar som ordnar loppis, städdagar och grillkvällar mellan husen.",
    ),
    (
        "Gavlegårdarna, områdeskontor (demo)",
        Actor.Kind.ORGANISATION,
        "",
        ["andersberg", "satra"],
        [],
        "Bostadsbolagets kontor i området.",
    ),
    (
        "Fältgruppen, Gävle kommun (demo)",
        Actor.Kind.AUTHORITY,
        "",
        ["andersberg", "bomhus", "brynas", "satra"],
        [],
        "Kommunens fältassistenter som rör sig i stadsdelarna kvällstid.",
    ),
    ("Kerstin Persson (demo)", Actor.Kind.PRIVATE_PERSON, "", ["brynas"], [], "Boende som ordnar städdagar på gården."),
]


def _coordinator_email(slug: str) -> str:
    return f"samordnare.{slug}@demo.example"


def _account(email: str, name: str, *, staff: bool = False) -> User:
    user, created = User.objects.get_or_create(email=email, defaults={"name": name, "is_staff": staff})
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save()
    EmailAddress.objects.update_or_create(user=user, email=email, defaults={"verified": True, "primary": True})
    return user


@transaction.atomic
def create_demo(stdout=None) -> None:
    """Idempotent: demo actors (is_demo, "(demo)" in the name) and demo logins for each role."""
    out = stdout or sys.stdout
    sync_role_groups()
    networks = {n.slug: n for n in Network.objects.all()}
    actors = []
    for name, kind, org_number, active, pending, description in DEMO_ACTORS:
        actor, _ = Actor.objects.get_or_create(
            name=name,
            defaults={
                "slug": slugify(name),
                "kind": kind,
                "org_number": org_number,
                "description": description,
                "is_demo": True,
                "contact_email": f"{slugify(name.split()[0])}@demo.example",
                # Demo only: the demo means messages to these actors to reach their made-up
                # (.example, never delivered) addresses, so they count as proven.
                "contact_email_verified_at": timezone.now(),
                "contact_email_verified_address": f"{slugify(name.split()[0])}@demo.example",
                "contact_phone": "026-00 00 00",
                "contact_consent_at": timezone.now(),
                "contact_consent_text": str(CONSENT_TEXT),
            },
        )
        if actor.is_demo and actor.contact_email.endswith("@demo.example") and not actor.contact_email_is_verified:
            # Demo actors made before addresses needed proof (members.contact).
            Actor.objects.filter(pk=actor.pk).update(
                contact_email_verified_at=timezone.now(), contact_email_verified_address=actor.contact_email
            )
        actors.append(actor)
        for slug in active:
            if slug in networks:
                Membership.objects.get_or_create(
                    actor=actor, network=networks[slug], defaults={"status": Membership.Status.ACTIVE}
                )
        for slug in pending:
            if slug in networks:
                Membership.objects.get_or_create(actor=actor, network=networks[slug])

    if not settings.DEBUG:
        out.write("Demo accounts are only created with DEBUG on.\n")
        return

    _account(RESIDENT_EMAIL, "Boende Demo")
    rep = _account(REPRESENTATIVE_EMAIL, "Företrädare Demo")
    for actor in actors[:4]:
        Representation.objects.get_or_create(user=rep, actor=actor, defaults={"role": Representation.Role.SIGNATORY})
    coordinators = Group.objects.get(name=COORDINATORS_GROUP)
    for slug, network in networks.items():
        coordinator = _account(_coordinator_email(slug), f"Samordnare {network.name} (demo)", staff=True)
        coordinator.groups.add(coordinators)
        network.coordinators.add(coordinator)
    steering = _account(STEERING_EMAIL, "Styrgruppsledamot (demo)", staff=True)
    steering.groups.add(Group.objects.get(name=STEERING_GROUP))


def demo_logins() -> list[tuple[str, str]]:
    """The demo logins that exist, as (e-mail, what the account shows), staff first.

    seed_demo prints them with DEMO_PASSWORD as its last lines, for `make run`'s banner.
    """
    logins = [(STEERING_EMAIL, "steering group member: the admin, decides on grant applications")]
    for network in Network.objects.order_by("sort_order", "name"):
        logins.append((_coordinator_email(network.slug), f"coordinator of {network.name}: the admin, for that network"))
    logins += [
        (REPRESENTATIVE_EMAIL, "representative of four demo actors, one in each network"),
        (RESIDENT_EMAIL, "resident without an actor"),
    ]
    existing = set(User.objects.filter(email__in=[email for email, _ in logins]).values_list("email", flat=True))
    return [(email, role) for email, role in logins if email in existing]
