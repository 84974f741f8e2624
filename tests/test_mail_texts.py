"""Every mail the site sends reads like a letter: a greeting by name, a next step, a contact.

The cases below are walked against the templates on disk: a new mail template (a `<name>.txt`
with a `<name>_subject.txt` under templates/*/email/, or an allauth `*_message.txt`) without a
case here fails `test_every_mail_template_has_a_case`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import pytest
from allauth.core import context as allauth_context
from django.conf import settings
from django.test import RequestFactory
from django.utils import timezone

from borsen.models import Listing
from core.mail import mail_queue
from core.models import Outbox
from dialog.models import Question, QuestionEvent
from grants.models import Application
from grants.workflow import MOVES
from meetings.models import Meeting, Registration
from members.adapter import AccountAdapter
from members.models import Actor, Invitation, Membership, Representation, User
from networks.models import Post, WorkingGroup

pytestmark = pytest.mark.django_db

TEMPLATES = Path(settings.BASE_DIR) / "templates"
NETWORK_CONTACT = "andersberg@example.se"


@dataclass
class World:
    """Realistic objects for the mails' contexts (unsaved where the mail only reads them)."""

    user: User
    actor: Actor
    other: Actor
    meeting: Meeting
    application: Application
    membership: Membership
    invitation: Invitation


@pytest.fixture
def world(networks) -> World:
    network = networks["andersberg"]
    network.contact_email = NETWORK_CONTACT
    network.save()
    user = User.objects.create_user(email="anna@example.se", name="Anna Lind")
    actor = Actor.objects.create(name="Föreningen Alfa", slug="alfa", kind=Actor.Kind.ASSOCIATION)
    other = Actor.objects.create(name="Kafé Beta", slug="beta", kind=Actor.Kind.COMPANY)
    Representation.objects.create(user=user, actor=actor, role=Representation.Role.SIGNATORY)
    starts = (timezone.now() + timedelta(days=10)).replace(microsecond=0)
    meeting = Meeting(
        pk=7,
        network=network,
        title="Nätverksträff i mars",
        place="Träffpunkten",
        address="Andersbergsringen 1",
        starts_at=starts,
        ends_at=starts + timedelta(hours=2),
        cancel_reason="Lokalen är vattenskadad.",
    )
    application = Application(
        pk=3,
        title="Sommarfest på gården",
        reference="SN-2027-0001",
        lead_actor=actor,
        amount_requested=12500,
        amount_granted=10000,
        ends_on=date(2027, 8, 31),
        contact_name="Anna Lind",
        contact_email="anna@example.se",
    )
    membership = Membership(actor=actor, network=network)
    invitation = Invitation(
        actor=actor,
        email="ny@example.se",
        role=Representation.Role.CONTACT,
        invited_by=user,
        token="x" * 20,
        expires_at=timezone.now() + timedelta(days=14),
    )
    return World(user, actor, other, meeting, application, membership, invitation)


URL = "https://natverk.example/sida/"


def _meeting(w: World, **extra) -> dict:
    return {
        "meeting": w.meeting,
        "meeting_url": URL,
        "my_registrations_url": URL,
        "contact_email": NETWORK_CONTACT,
        "registration": Registration(meeting=w.meeting, user=w.user, actor=w.actor),
        **extra,
    }


def _status(status: str, *, is_lead: bool = True) -> Callable[[World], dict]:
    def context(w: World) -> dict:
        w.application.status = status
        return {
            "is_lead": is_lead,
            "application": w.application,
            "status": status,
            "ref": w.application.reference,
            "granted": "10 000 kr",
            "asked": "12 500 kr",
            "report_due": date(2027, 9, 30),
            "note": "Bra idé.",
            "url": URL,
        }

    return context


def _digest(w: World) -> dict:
    from digest.services import NetworkDigest, Part, Week

    w.meeting.digest_url = URL
    post = Post(title="Ny lekplats på gården", slug="lekplats")
    post.digest_url = URL
    section = NetworkDigest(
        network=w.meeting.network,
        url=URL,
        listings=Part(),
        news=Part([post]),
        grants=Part(),
        meetings=Part([w.meeting], more=2),
    )
    return {
        "week": Week.parse("2027-W10"),
        "sections": [section],
        "general_news": Part(),
        "subscriptions_url": URL,
        "unsubscribe_url": URL,
    }


def _moved(slug: str) -> Callable[[World], dict]:
    """A question moved by the network (dialog/moves.py), with what each move sets."""

    def context(w: World) -> dict:
        group = WorkingGroup(pk=2, network=w.meeting.network, name="Trygghetsgruppen")
        question = Question(
            pk=4,
            network=w.meeting.network,
            author=w.user,
            title="Mörkt vid gångtunneln",
            text="Lamporna.",
            meeting=w.meeting,
            working_group=group,
            forwarded_to="Gävle kommuns felanmälan",
            forwarded_url="https://www.gavle.se/felanmalan",
            answer="Kommunen byter lamporna i vecka 12.",
            hidden_reason="Frågan nämner en granne vid namn.",
        )
        event = QuestionEvent(question=question, status="answered", text="Vi tar upp det först på mötet.")
        return {
            "question": question,
            "event": None if slug == "visa" else event,
            "network": w.meeting.network,
            "meeting_url": URL,
            "group_url": URL,
            "url": URL,
            "contact_email": NETWORK_CONTACT,
        }

    return context


# Site mails: template -> (context, a phrase saying what to do next, the contact expected).
def _listings(w: World) -> tuple[Listing, Listing]:
    last = timezone.localdate() + timedelta(days=30)
    ask = Listing(
        pk=5, actor=w.actor, direction=Listing.Direction.ASK, kind="lokal", title="Lokal en lördag", last_date=last
    )
    offer = Listing(
        pk=6, actor=w.other, direction=Listing.Direction.OFFER, kind="lokal", title="Vår kafélokal", last_date=last
    )
    return ask, offer


SITE: dict[str, tuple[Callable[[World], dict], str, str]] = {
    "borsen/email/hidden": (
        lambda w: {
            "listing": _listings(w)[0],
            "reason": "Inlägget är en annons för ett företag.",
            "url": URL,
            "contact_email": NETWORK_CONTACT,
        },
        "Vad du kan göra",
        NETWORK_CONTACT,
    ),
    "borsen/email/match": (
        lambda w: {
            "mine": _listings(w)[0],
            "other": _listings(w)[1],
            "mine_url": URL,
            "other_url": URL,
            "answer_url": URL,
            "other_contact_email": "",
        },
        "svara via portalen",
        settings.CONTACT_EMAIL,
    ),
    "borsen/email/match_summary": (
        lambda w: {
            "items": [
                {
                    "mine": _listings(w)[0],
                    "other": _listings(w)[1],
                    "mine_url": URL,
                    "other_url": URL,
                    "answer_url": URL,
                    "other_contact_email": "kontakt@beta.example",
                },
                {
                    "mine": _listings(w)[1],
                    "other": _listings(w)[0],
                    "mine_url": URL,
                    "other_url": URL,
                    "answer_url": URL,
                    "other_contact_email": "",
                },
            ],
            "count": 2,
        },
        "svara via portalen",
        settings.CONTACT_EMAIL,
    ),
    "dialog/email/receipt": (
        lambda w: {
            "question": Question(
                pk=4, network=w.meeting.network, author=w.user, title="Mörkt vid gångtunneln", text="Lamporna."
            ),
            "network": w.meeting.network,
            "url": URL,
            "contact_email": NETWORK_CONTACT,
        },
        "Vad händer nu",
        NETWORK_CONTACT,
    ),
    **{
        f"dialog/email/move_{slug}": (_moved(slug), phrase, NETWORK_CONTACT)
        for slug, phrase in (
            ("mote", "Vad du kan göra"),
            ("arbetsgrupp", "Vad händer nu"),
            ("vidare", "Vad du kan göra"),
            ("besvarad", "Vad du kan göra"),
            ("avslutad", "Vad du kan göra"),
            ("dolj", "Vad du kan göra"),
            ("visa", "Du behöver inte göra något"),
        )
    },
    "dialog/email/meeting_cancelled": (
        lambda w: {**_moved("mote")(w), "meeting": w.meeting},
        "Vad händer nu",
        NETWORK_CONTACT,
    ),
    "digest/email/weekly": (_digest, "Avsluta det med den här länken", settings.CONTACT_EMAIL),
    "grants/email/coapplicant_answer": (
        lambda w: {"confirmed": False, "actor": "Kafé Beta", "answered_by": "Bo", "title": "Fest", "url": URL},
        "Vad du kan göra",
        settings.CONTACT_EMAIL,
    ),
    "grants/email/coapplicant_request": (
        lambda w: {
            "lead": "Föreningen Alfa",
            "actor": "Kafé Beta",
            "title": "Fest",
            "ref": "SN-2027-0001",
            "amount": "12 500 kr",
            "contact_name": "Anna Lind",
            "contact_email": "anna@example.se",
            "url": URL,
        },
        "inom två veckor",
        "anna@example.se",
    ),
    "grants/email/report_reminder": (
        lambda w: {"overdue": False, "ref": "SN-2027-0001", "title": "Fest", "due": date(2027, 9, 30), "url": URL},
        "senast 30 september 2027",
        settings.CONTACT_EMAIL,
    ),
    "grants/email/status": (_status("needs_completion"), "Vad du behöver göra", settings.CONTACT_EMAIL),
    "meetings/email/cancelled": (_meeting, "Vad du behöver göra", NETWORK_CONTACT),
    "meetings/email/minutes": (_meeting, "inom två veckor", NETWORK_CONTACT),
    "meetings/email/promoted": (_meeting, "Avboka senast dagen före", NETWORK_CONTACT),
    "meetings/email/registration_confirmed": (_meeting, "Avboka senast dagen före", NETWORK_CONTACT),
    "meetings/email/reminder": (_meeting, "Avboka senast dagen före", NETWORK_CONTACT),
    "meetings/email/waitlisted": (_meeting, "Vad händer nu", NETWORK_CONTACT),
    "members/email/actor_message": (
        lambda w: {
            "sender_name": w.user.name,
            "sender_address": w.user.email,
            "actor_name": w.other.name,
            "subject": "Samarbete?",
            "body": "Hej Beta!",
            "to_representatives": True,
            "contact_unproven": True,
            "edit_url": URL,
        },
        "svara på det här brevet",
        settings.CONTACT_EMAIL,
    ),
    "members/email/guest_code": (
        lambda w: {"name": "Sara Berg", "actor_name": w.actor.name, "code": "123456", "minutes": 15},
        "skriv koden nedan",
        settings.CONTACT_EMAIL,
    ),
    "members/email/contact_verify": (
        lambda w: {"actor_name": w.actor.name, "address": "kansli@example.se", "url": URL, "days": 3},
        "öppna länken",
        settings.CONTACT_EMAIL,
    ),
    "members/email/invitation": (
        lambda w: {"invitation": w.invitation, "url": URL},
        "tacka ja senast",
        settings.CONTACT_EMAIL,
    ),
    "members/email/membership_approved": (
        lambda w: {"membership": w.membership, "network_url": URL, "contact_email": NETWORK_CONTACT},
        "anmäl er till nätverkets nästa möte",
        NETWORK_CONTACT,
    ),
    "members/email/membership_declined": (
        lambda w: {"membership": w.membership, "network_url": URL, "contact_email": NETWORK_CONTACT},
        "ansöka igen",
        NETWORK_CONTACT,
    ),
    "members/email/membership_requested": (
        lambda w: {"actor": w.actor, "networks": [w.meeting.network], "message": "Vi vill vara med.", "admin_url": URL},
        "godkänn eller avböj ansökan",
        settings.CONTACT_EMAIL,
    ),
}

# Every status of the grants status mail says what comes next in its own words.
STATUS_NEXT = {
    "submitted": "Vad händer nu",
    "in_review": "Vad händer nu",
    "needs_completion": "Vad du behöver göra",
    "approved": "Vad händer nu",
    "rejected": "Vad du kan göra",
    "withdrawn": "Du behöver inte göra något mer",
    "paid": "senast 30 september 2027",
    "reported": "Vad händer nu",
    "closed": "Du behöver inte göra något mer",
}

# allauth's mails: prefix -> (extra context, a phrase saying what to do next).
ALLAUTH: dict[str, tuple[dict, str]] = {
    "account/email/account_already_exists": ({}, "Logga in med en kod"),
    "account/email/email_changed": ({"from_email": "a@example.se", "to_email": "b@example.se"}, "byt lösenord"),
    "account/email/email_confirm": ({}, "byt lösenord"),
    "account/email/email_confirmation": ({"code": "ABCD-EFGH"}, "Skriv in koden"),
    "account/email/email_confirmation_signup": ({"code": "ABCD-EFGH"}, "Skriv in koden"),
    "account/email/email_deleted": ({"deleted_email": "a@example.se"}, "byt lösenord"),
    "account/email/login_code": ({"code": "ABCD-EFGH"}, "Skriv in den"),
    "account/email/password_changed": ({}, "byt lösenord"),
    "account/email/password_reset": ({"password_reset_url": URL}, "Öppna länken"),
    "account/email/password_reset_code": ({"code": "ABCD-EFGH"}, "Skriv in den"),
    "account/email/password_reset_key": ({"password_reset_url": URL}, "Öppna länken"),
    "account/email/password_set": ({}, "byt lösenord"),
    "account/email/unknown_account": ({"signup_url": URL}, "skapa ett konto"),
    "mfa/email/recovery_codes_generated": ({}, "byt lösenord"),
    "mfa/email/totp_activated": ({}, "byt lösenord"),
    "mfa/email/totp_deactivated": ({}, "byt lösenord"),
    "mfa/email/webauthn_added": ({}, "byt lösenord"),
    "mfa/email/webauthn_removed": ({}, "byt lösenord"),
}
NOTIFICATION = {"ip": "192.0.2.1", "user_agent": "Firefox", "timestamp": "9 mars 2027 18.00"}


def _site_templates() -> set[str]:
    found = set()
    for subject in TEMPLATES.glob("*/email/*_subject.txt"):
        name = subject.name.removesuffix("_subject.txt")
        if subject.with_name(f"{name}.txt").exists():
            found.add(f"{subject.parent.relative_to(TEMPLATES)}/{name}")
    return found


def _allauth_templates() -> set[str]:
    """Every allauth mail allauth itself ships (so an upgrade's new mail needs a case here too)."""
    import allauth

    root = Path(allauth.__file__).parent / "templates"
    return {
        str(path.relative_to(root)).removesuffix("_message.txt")
        for app in ("account", "mfa")
        for path in (root / app / "email").glob("*_message.txt")
        if path.name != "base_message.txt"
    }


def _outbox_body() -> tuple[str, str]:
    row = Outbox.objects.order_by("-pk").first()
    return row.subject, row.body


def test_every_mail_template_has_a_case() -> None:
    assert _site_templates() == set(SITE)
    assert _allauth_templates() == set(ALLAUTH)


def _check_letter(body: str, next_step: str, contact: str, greeting: str = "Hej Anna!") -> None:
    assert body.startswith(greeting + "\n"), body[:80]
    assert next_step.lower() in body.lower(), f"no next step ({next_step!r}) in:\n{body}"
    assert contact in body, f"no contact ({contact}) in:\n{body}"
    assert body.rstrip().endswith(settings.SITE_URL), "signed by the portal with its address"
    for word in ("mejl", "epost", " mail ", "mailet", "e-mail"):
        assert word not in body.lower()
    assert not re.search(r"\{[{%]", body), "a template tag was left unrendered"


@pytest.mark.parametrize("template", sorted(SITE))
def test_site_mail_reads_like_a_letter(world, template) -> None:
    context, next_step, contact = SITE[template]
    mail_queue(to=["anna@example.se"], template=template, context={**context(world), "name": "Anna"}, kind="test")
    subject, body = _outbox_body()
    assert subject.strip()
    _check_letter(body, next_step, contact)


@pytest.mark.parametrize("status", sorted(STATUS_NEXT))
def test_grants_status_mail_for_every_status(world, status) -> None:
    # Every status a move can lead to sends this mail (grants.workflow._queue_mail).
    assert set(STATUS_NEXT) == {to for _from, to in MOVES}
    context = {**_status(status)(world), "name": "Anna"}
    mail_queue(to=["anna@example.se"], template="grants/email/status", context=context, kind="test")
    _subject, body = _outbox_body()
    _check_letter(body, STATUS_NEXT[status], settings.CONTACT_EMAIL)


@pytest.mark.parametrize("status", sorted(STATUS_NEXT))
def test_a_co_applicant_is_told_it_need_do_nothing(world, status) -> None:
    """A co-applicant follows along: its mail never asks it to act or speaks of "the account
    you gave"; the request to confirm is a mail of its own (grants/email/coapplicant_request)."""
    context = {**_status(status, is_lead=False)(world), "name": "Anna"}
    mail_queue(to=["anna@example.se"], template="grants/email/status", context=context, kind="test")
    subject, body = _outbox_body()
    assert "Vad du behöver göra" not in body and "det konto ni har angett" not in body
    if status != "rejected":  # Whoever the mail is for may apply again.
        assert "Du behöver inte göra något" in body, body
    assert "din ansökan" not in subject.lower()


@pytest.mark.parametrize("prefix", sorted(ALLAUTH))
def test_allauth_mail_reads_like_a_letter(world, prefix) -> None:
    extra, next_step = ALLAUTH[prefix]
    request = RequestFactory().get("/")
    with allauth_context.request_context(request):
        AccountAdapter().send_mail(prefix, world.user.email, {"user": world.user, **NOTIFICATION, **extra})
    subject, body = _outbox_body()
    assert subject.startswith(settings.ACCOUNT_EMAIL_SUBJECT_PREFIX)
    _check_letter(body, next_step, settings.CONTACT_EMAIL)


def test_without_a_name_the_greeting_is_plain(world) -> None:
    context, _next, _contact = SITE["meetings/email/reminder"]
    mail_queue(to=["anna@example.se"], template="meetings/email/reminder", context=context(world), kind="test")
    assert _outbox_body()[1].startswith("Hej!\n")
