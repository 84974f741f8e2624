"""Every URL pattern of the project × every role, with the status each role must get.

In the manner of pretix's control/test_permissions.py: one table, one concrete URL per
pattern (admin pages, admin extras and allauth's pages under /konto/ included; a path
under /en/ is the same pattern), and the expected status for each role. A pattern
missing from the table fails `test_every_url_pattern_is_in_the_grid`, so a new view
cannot skip it. Nothing may answer 5xx. Each row × role is a test of its own, named by
its method, URL and role (`test_url_grid[GET /om/ as anonymous]`); the objects the URLs
point at are made once for all of them.

The rules behind the table are in docs/development.md ("Who may see what"). In short: public
pages 200 for everyone; pages behind login 302 (to the login page) for anonymous
visitors; an object of someone else 404; something one may read but not change 403.
The admin sends anyone who is not staff, and staff without two-factor, away with 302;
a row outside a coordinator's networks is answered like a row that does not exist
(Django's admin: 302 to the admin index with "finns inte").
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.db import transaction
from django.test import override_settings
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from borsen.models import Listing, Match
from core.models import Outbox
from core.roles import STEERING_GROUP
from dialog.models import Question, Theme
from digest.access import unsubscribe_token
from digest.models import DigestSent, Subscription
from grants.models import (
    Application,
    ApplicationEvent,
    Attachment,
    Decision,
    DecisionLetter,
    Funding,
    LetterWording,
    Payment,
    Pot,
)
from meetings.models import Meeting, Registration
from members.contact import contact_token
from members.models import Actor, ActorMessage, Invitation, Membership, Representation, User
from networks.models import Network, Post, WorkingGroup
from networks.seed import seed_networks
from tests.conftest import PASSWORD, _coordinator, _user, make_themes
from tests.grants.conftest import make_application
from voices.models import Voice

ROLES = [
    "anonymous",
    "resident",
    "rep_a",
    "rep_b",
    "coord_x",
    "coord_y",
    "steering_no_mfa",
    "steering",
    "superuser",
]
TODAY = timezone.localdate()


@dataclass(frozen=True)
class Row:
    route: str
    url: str
    expected: dict[str, int]
    method: str = "get"


def grid(default: int, **per_role: int) -> dict[str, int]:
    """Every role gets `default` unless named; `logged_in=` sets all but the anonymous visitor."""
    logged_in = per_role.pop("logged_in", default)
    staff = per_role.pop("staff", None)
    table = dict.fromkeys(ROLES, logged_in)
    table["anonymous"] = default
    if staff is not None:
        for role in ("coord_x", "coord_y", "steering", "superuser"):
            table[role] = staff
    unknown = set(per_role) - set(ROLES)
    assert not unknown, unknown
    table.update(per_role)
    return table


PUBLIC = grid(200)


def login(code: int = 200, **per_role: int) -> dict[str, int]:
    """A page behind login: the anonymous visitor is sent to the login page."""
    return grid(302, logged_in=code, **per_role)


def admin(**per_role: int) -> dict[str, int]:
    """An admin page: everyone who is not staff with two-factor is sent away (302)."""
    return grid(302, **per_role)


def staff(coord_x: int, coord_y: int, steering: int, superuser: int) -> dict[str, int]:
    """An admin page as the staff with two-factor see it; everyone else is sent away."""
    return admin(coord_x=coord_x, coord_y=coord_y, steering=steering, superuser=superuser)


# ---- the cast and their objects ----


def _with_totp(user):
    TOTP.activate(user, generate_totp_secret())
    return user


def _actor(name: str, slug: str, network) -> Actor:
    actor = Actor.objects.create(name=name, slug=slug, kind=Actor.Kind.ASSOCIATION)
    Membership.objects.create(actor=actor, network=network, status=Membership.Status.ACTIVE)
    return actor


def _representative(email: str, actor: Actor):
    user = _user(email)
    Representation.objects.create(user=user, actor=actor, role=Representation.Role.SIGNATORY)
    return user


def _cast(networks: dict) -> dict:
    """The roles of the grid, as the fixtures in tests/conftest.py make them."""
    actor_a = _actor("Föreningen Alfa", "foreningen-alfa", networks["andersberg"])
    actor_b = _actor("Föreningen Beta", "foreningen-beta", networks["satra"])
    steering_group = Group.objects.get(name=STEERING_GROUP)
    steering_no_mfa = _user("styrgrupp.utan@example.se", is_staff=True)
    steering_no_mfa.groups.add(steering_group)
    steering = _user("styrgrupp.med@example.se", is_staff=True)
    steering.groups.add(steering_group)
    coord_x = _coordinator("samordnare.andersberg@example.se", networks["andersberg"])
    coord_y = _coordinator("samordnare.satra@example.se", networks["satra"])
    superuser = User.objects.create_superuser(email="admin@example.se", password=PASSWORD, name="Admin")
    for user in (coord_x, coord_y, steering, superuser):
        _with_totp(user)
    return {
        "anonymous": None,
        "resident": _user("boende@example.se"),
        "rep_a": _representative("alfa@example.se", actor_a),
        "rep_b": _representative("beta@example.se", actor_b),
        "coord_x": coord_x,
        "coord_y": coord_y,
        "steering_no_mfa": steering_no_mfa,
        "steering": steering,
        "superuser": superuser,
        "actor_a": actor_a,
        "actor_b": actor_b,
    }


def _world(cast: dict, networks: dict) -> dict:
    """The objects the concrete URLs point at; X is Andersberg, Y is Sätra."""
    x = networks["andersberg"]
    actor_a, actor_b = cast["actor_a"], cast["actor_b"]
    pot = Pot.objects.create(
        year=TODAY.year,
        name=f"Aktivitetspotten {TODAY.year}",
        opens_on=TODAY - datetime.timedelta(days=30),
        closes_on=TODAY + datetime.timedelta(days=60),
        max_amount_per_application=20_000,
    )
    Funding.objects.create(pot=pot, funder="Gävle kommun", amount=100_000)
    draft = make_application(pot=pot, lead=actor_a)
    # Actor B co-applies: its representative reads the application but may not change it.
    submitted = make_application(pot=pot, lead=actor_a, co=[actor_b], status=Application.Status.SUBMITTED)
    attachment = Attachment.objects.create(
        application=submitted,
        file=ContentFile(b"%PDF-1.4 test", name="budget.pdf"),
        original_name="budget.pdf",
        uploaded_by=cast["rep_a"],
        content_type="application/pdf",
        size=13,
    )
    draft_attachment = Attachment.objects.create(
        application=draft,
        file=ContentFile(b"%PDF-1.4 test", name="utkast.pdf"),
        original_name="utkast.pdf",
        uploaded_by=cast["rep_a"],
        content_type="application/pdf",
        size=13,
    )
    # A letter row with a stand-in file: the grid checks who gets it, tests/grants/test_letters.py the PDF.
    letter = DecisionLetter.objects.create(
        decision=Decision.objects.create(
            application=submitted,
            outcome=Decision.Outcome.NEEDS_COMPLETION,
            motivation="Bifoga offerten.",
            decided_by=cast["steering"],
            decided_at=timezone.now(),
        ),
        file=ContentFile(b"%PDF-1.7 test", name="beslutsbrev.pdf"),
        sha256="0" * 64,
        size=13,
    )
    meeting = Meeting.objects.create(
        network=x,
        title="Nätverksmöte",
        starts_at=timezone.now() + datetime.timedelta(days=10),
        ends_at=timezone.now() + datetime.timedelta(days=10, hours=2),
        place="Andersbergs träffpunkt",
        registration_enabled=True,
        capacity=20,
    )
    registration = Registration.objects.create(meeting=meeting, user=cast["rep_a"])
    invitation = Invitation.objects.create(
        actor=actor_a,
        email=cast["rep_b"].email,
        role=Representation.Role.CONTACT,
        invited_by=cast["rep_a"],
        token="inbjudan-till-beta",
        expires_at=timezone.now() + datetime.timedelta(days=14),
    )
    # Actor A has a contact address waiting for its link.
    Actor.objects.filter(pk=actor_a.pk).update(contact_email="kansli@alfa.example.se")
    actor_a.refresh_from_db()
    post = Post.objects.create(network=x, title="Andersbergsnytt", slug="andersbergsnytt", summary="s", body="b")
    email = EmailAddress.objects.create(user=cast["rep_a"], email=cast["rep_a"].email, verified=True, primary=True)
    event = ApplicationEvent.objects.create(
        application=submitted, from_status="draft", to_status="submitted", actor_user=cast["rep_a"]
    )
    payment = Payment.objects.create(
        application=submitted, amount=1, paid_at=timezone.now(), registered_by=cast["superuser"]
    )
    listing = Listing.objects.create(
        actor=actor_a,
        author=cast["rep_a"],
        direction=Listing.Direction.ASK,
        kind=Listing.Kind.VENUE,
        title="Lokal för 30 personer",
        text="En lördag.",
        last_date=TODAY + datetime.timedelta(days=30),
    )
    listing.networks.set([x])
    offer = Listing.objects.create(
        actor=actor_b,
        direction=Listing.Direction.OFFER,
        kind=Listing.Kind.VENUE,
        title="Vår lokal",
        text="Ledig på lördagar.",
        last_date=TODAY + datetime.timedelta(days=30),
    )
    offer.networks.set([x])
    make_themes()
    return {
        "listing": listing.pk,
        "match": Match.objects.create(ask=listing, offer=offer).pk,
        "actor_a": actor_a.pk,
        "actor_a_slug": actor_a.slug,
        "network_x": x.pk,
        "membership": Membership.objects.get(actor=actor_a, network=x).pk,
        "working_group": WorkingGroup.objects.create(network=x, name="Trygghet").pk,
        "post": post.pk,
        "post_slug": post.slug,
        "meeting": meeting.pk,
        "registration": registration.pk,
        "pot": pot.pk,
        "draft": draft.pk,
        "submitted": submitted.pk,
        "attachment": attachment.pk,
        "draft_attachment": draft_attachment.pk,
        "letter": letter.pk,
        "wording": LetterWording.current().pk,
        "event": event.pk,
        "payment": payment.pk,
        "outbox": Outbox.objects.create(to="a@example.se", subject="s", body="b").pk,
        "invitation": invitation.pk,
        "token": invitation.token,
        "contact_token": contact_token(actor_a),
        "actor_message": ActorMessage.objects.create(sender=cast["resident"], actor=actor_a).pk,
        "user": cast["rep_a"].pk,
        "group": Group.objects.get(name=STEERING_GROUP).pk,
        "emailaddress": email.pk,
        "authenticator": Authenticator.objects.get(user=cast["superuser"]).pk,
        "post_ct": ContentType.objects.get_for_model(Post).pk,
        "voice": Voice.objects.create(
            network=x,
            quote="Nätverket gav oss en lokal.",
            person_name="Anna Andersson",
            consent_given_at=TODAY,
            consent_recorded="skriftligt samtycke",
            is_published=True,
            captions=ContentFile(b"WEBVTT\n\n00:00.000 --> 00:02.000\nHej!\n", name="undertexter.vtt"),
        ).pk,
        "digest_token": unsubscribe_token(cast["rep_a"]),
        "subscription": Subscription.objects.create(user=cast["rep_a"], network=x).pk,
        "digest_sent": DigestSent.objects.create(user=cast["rep_a"], week="2026-W47").pk,
        "question": Question.objects.create(
            network=x, author=cast["resident"], title="Mörkt vid gångtunneln", text="Lamporna är trasiga."
        ).pk,
        "theme": Theme.objects.get(slug="trygghet").pk,
    }


ADMIN_PAGES = [
    ("changelist", "", ""),
    ("add", "add/", "add/"),
    ("history", "<path:object_id>/history/", "{pk}/history/"),
    ("delete", "<path:object_id>/delete/", "{pk}/delete/"),
    ("change", "<path:object_id>/change/", "{pk}/change/"),
    ("redirect", "<path:object_id>/", "{pk}/"),
]


def model_admin(model: str, pk: str, **pages: dict[str, int]) -> list[Row]:
    """The six pages Django's admin makes for `model` ("app/model"), the object `pk` of the world."""
    default = pages.pop("default")
    return [
        Row(
            f"admin/{model}/{route}", f"/admin/{model}/" + url.replace("{pk}", "{" + pk + "}"), pages.get(page, default)
        )
        for page, route, url in ADMIN_PAGES
    ]


ROWS: list[Row] = [
    # ---- natverk ----
    Row("healthz", "/healthz", PUBLIC),
    Row("robots.txt", "/robots.txt", PUBLIC),
    Row("sitemap.xml", "/sitemap.xml", PUBLIC),
    # ---- networks ----
    Row("", "/", PUBLIC),
    Row("om/", "/om/", PUBLIC),
    Row("tillganglighet/", "/tillganglighet/", PUBLIC),
    Row("personuppgifter/", "/personuppgifter/", PUBLIC),
    Row("lattlast/", "/lattlast/", PUBLIC),
    Row("natverk/", "/natverk/", PUBLIC),
    Row("natverk/hitta/", "/natverk/hitta/?plats=Andersberg", PUBLIC),
    Row("natverk/<slug:slug>/", "/natverk/andersberg/", PUBLIC),
    Row("natverk/<slug:slug>/nyheter/", "/natverk/andersberg/nyheter/", PUBLIC),
    Row("natverk/<slug:slug>/arbetsgrupper/<int:pk>/", "/natverk/andersberg/arbetsgrupper/{working_group}/", PUBLIC),
    Row("nyheter/", "/nyheter/", PUBLIC),
    Row("nyheter/feed/", "/nyheter/feed/", PUBLIC),
    Row("nyheter/<slug:slug>/", "/nyheter/{post_slug}/", PUBLIC),
    # ---- meetings ----
    Row("moten/", "/moten/", PUBLIC),
    Row("moten/arkiv/", "/moten/arkiv/", PUBLIC),
    Row("moten/kalender.ics", "/moten/kalender.ics", PUBLIC),
    Row("moten/<int:pk>/", "/moten/{meeting}/", PUBLIC),
    Row("moten/<int:pk>/anmalan/", "/moten/{meeting}/anmalan/", login(200), "post"),
    Row("moten/<int:pk>/kalender.ics", "/moten/{meeting}/kalender.ics", PUBLIC),
    Row("natverk/<slug:slug>/moten/", "/natverk/andersberg/moten/", PUBLIC),
    Row("natverk/<slug:slug>/kalender.ics", "/natverk/andersberg/kalender.ics", PUBLIC),
    Row("mina-sidor/moten/", "/mina-sidor/moten/", login()),
    # GET asks for confirmation; the POST that cancels is tested in tests/meetings/test_views.py.
    Row("mina-sidor/moten/<int:pk>/avboka/", "/mina-sidor/moten/{registration}/avboka/", login(404, rep_a=200)),
    # ---- members ----
    Row("aktorer/", "/aktorer/", PUBLIC),
    Row("aktorer/<slug:slug>/", "/aktorer/{actor_a_slug}/", PUBLIC),
    # Without an account too: a code mailed to the writer's address comes first (members.guest).
    Row("aktorer/<slug:slug>/meddelande/", "/aktorer/{actor_a_slug}/meddelande/", PUBLIC),
    # Only with a message waiting in the session for its code; else back to the message form.
    Row("aktorer/<slug:slug>/meddelande/kod/", "/aktorer/{actor_a_slug}/meddelande/kod/", grid(302)),
    # The link mailed to a contact address works without a login (members.contact).
    Row(
        "aktorer/<slug:slug>/bekrafta-epost/<str:token>/",
        "/aktorer/{actor_a_slug}/bekrafta-epost/{contact_token}/",
        PUBLIC,
    ),
    Row("mina-sidor/", "/mina-sidor/", login()),
    Row("mina-sidor/aktorer/ny/", "/mina-sidor/aktorer/ny/", login()),
    Row("mina-sidor/aktorer/<slug:slug>/", "/mina-sidor/aktorer/{actor_a_slug}/", login(404, rep_a=200)),
    Row("mina-sidor/aktorer/<slug:slug>/ga-med/", "/mina-sidor/aktorer/{actor_a_slug}/ga-med/", login(404, rep_a=200)),
    # "Send the link again": a POST that redirects back to the actor's page.
    Row(
        "mina-sidor/aktorer/<slug:slug>/bekrafta-epost/",
        "/mina-sidor/aktorer/{actor_a_slug}/bekrafta-epost/",
        login(404, rep_a=302),
        "post",
    ),
    Row(
        "mina-sidor/aktorer/<slug:slug>/bjud-in/", "/mina-sidor/aktorer/{actor_a_slug}/bjud-in/", login(404, rep_a=200)
    ),
    # The invitation was sent to rep_b's address: only rep_b may use it.
    Row("mina-sidor/inbjudan/<str:token>/", "/mina-sidor/inbjudan/{token}/", login(403, rep_b=200)),
    Row("mina-sidor/mina-uppgifter/", "/mina-sidor/mina-uppgifter/", login()),
    Row("mina-sidor/mina-uppgifter/export/", "/mina-sidor/mina-uppgifter/export/", login()),
    Row("mina-sidor/mina-uppgifter/radera/", "/mina-sidor/mina-uppgifter/radera/", login()),
    # The answer to the offer of mail in the page's language: a POST that returns to the page.
    Row("mina-sidor/e-postsprak/", "/en/mina-sidor/e-postsprak/", login(302), "post"),
    # ---- sok ----
    Row("sok/", "/sok/?q=alfa", PUBLIC),
    # ---- grants ----
    Row("bidrag/", "/bidrag/", PUBLIC),
    Row("bidrag/beviljade/", "/bidrag/beviljade/", PUBLIC),
    Row("bidrag/ansok/", "/bidrag/ansok/", login()),
    Row("mina-sidor/ansokningar/", "/mina-sidor/ansokningar/", login()),
    # The submitted application: A leads, B co-applies, the steering group reads it with two-factor.
    Row(
        "bidrag/ansokningar/<int:pk>/",
        "/bidrag/ansokningar/{submitted}/",
        login(404, rep_a=200, rep_b=200, steering=200, superuser=200),
    ),
    Row(
        "bidrag/ansokningar/<int:pk>/kvitto/",
        "/bidrag/ansokningar/{submitted}/kvitto/",
        login(404, rep_a=200, rep_b=200, steering=200, superuser=200),
    ),
    Row(
        "bidrag/ansokningar/<int:pk>/bilagor/<int:attachment_pk>/",
        "/bidrag/ansokningar/{submitted}/bilagor/{attachment}/",
        login(404, rep_a=200, rep_b=200, steering=200, superuser=200),
    ),
    # The decision letter: the parties (B co-applies here) and the steering group; an actor outside
    # the application gets 404 (tests/grants/test_letters.py).
    Row(
        "bidrag/ansokningar/<int:pk>/beslut/<int:letter_pk>/beslutsbrev.pdf",
        "/bidrag/ansokningar/{submitted}/beslut/{letter}/beslutsbrev.pdf",
        login(404, rep_a=200, rep_b=200, steering=200, superuser=200),
    ),
    Row(
        "bidrag/ansokningar/<int:pk>/aterkalla/",
        "/bidrag/ansokningar/{submitted}/aterkalla/",
        login(404, rep_a=200, rep_b=403, steering=403, superuser=403),
    ),
    Row("bidrag/ansokningar/<int:pk>/bekrafta/", "/bidrag/ansokningar/{submitted}/bekrafta/", login(404, rep_b=200)),
    # Not paid yet: the lead is sent back to the application.
    Row(
        "bidrag/ansokningar/<int:pk>/aterrapport/",
        "/bidrag/ansokningar/{submitted}/aterrapport/",
        login(404, rep_a=302, rep_b=403, steering=403, superuser=403),
    ),
    # The draft: the lead's own until it is sent in.
    Row("bidrag/ansokningar/<int:pk>/steg/<int:step>/", "/bidrag/ansokningar/{draft}/steg/1/", login(404, rep_a=200)),
    Row("bidrag/ansokningar/<int:pk>/granska/", "/bidrag/ansokningar/{draft}/granska/", login(404, rep_a=200)),
    Row(
        "bidrag/ansokningar/<int:pk>/bilagor/<int:attachment_pk>/ta-bort/",
        "/bidrag/ansokningar/{draft}/bilagor/{draft_attachment}/ta-bort/",
        login(404, rep_a=302),
        "post",
    ),
    # ---- borsen ----
    Row("borsen/", "/borsen/", PUBLIC),
    Row("borsen/natverk/<slug:slug>/flode/", "/borsen/natverk/andersberg/flode/", PUBLIC),
    # The world's listing is actor A's ask in X: everyone reads it, only A's representative changes it.
    Row("borsen/<int:pk>/", "/borsen/{listing}/", PUBLIC),
    Row("borsen/nytt/", "/borsen/nytt/", login()),
    Row("borsen/<int:pk>/andra/", "/borsen/{listing}/andra/", login(403, rep_a=200)),
    Row("borsen/<int:pk>/lost/", "/borsen/{listing}/lost/", login(403, rep_a=200)),
    Row("borsen/<int:pk>/svara/", "/borsen/{listing}/svara/", login()),
    # ---- dialog ("Lyft en fråga") ----
    Row("fragor/", "/fragor/", PUBLIC),
    Row("fragor/natverk/<slug:slug>/flode/", "/fragor/natverk/andersberg/flode/", PUBLIC),
    Row("fragor/<int:pk>/", "/fragor/{question}/", PUBLIC),
    Row("fragor/ny/", "/fragor/ny/", login()),
    # "Jag med" is a POST that returns to the question (the author is told it is their own).
    Row("fragor/<int:pk>/jag-med/", "/fragor/{question}/jag-med/", grid(302), method="post"),
    # ---- digest ----
    Row("mina-sidor/veckobrev/", "/mina-sidor/veckobrev/", login()),
    # The link in every digest works without logging in; the button's POST is in tests/digest/.
    Row("veckobrev/avsluta/<str:token>/", "/veckobrev/avsluta/{digest_token}/", PUBLIC),
    # ---- voices ----
    # A published voice's captions, from this site for every visitor (tests/voices/test_captions.py).
    Row("roster/<int:pk>/undertexter.vtt", "/roster/{voice}/undertexter.vtt", PUBLIC),
    # ---- allauth, under /konto/ ----
    Row("konto/login/", "/konto/login/", grid(302, anonymous=200)),
    Row("konto/logout/", "/konto/logout/", login()),
    Row("konto/inactive/", "/konto/inactive/", grid(200)),
    Row("konto/signup/", "/konto/signup/", grid(302, anonymous=200)),
    Row("konto/reauthenticate/", "/konto/reauthenticate/", login()),
    Row("konto/reauthenticate/code/", "/konto/reauthenticate/code/", login(302, rep_a=200)),
    Row("konto/reauthenticate/code/confirm/", "/konto/reauthenticate/code/confirm/", login(302)),
    Row("konto/email/", "/konto/email/", login()),
    # Verification is by code: the code page needs a sign-up in progress, links are not used.
    Row("konto/confirm-email/", "/konto/confirm-email/", grid(302)),
    Row("konto/password/change/", "/konto/password/change/", login()),
    Row("konto/password/set/", "/konto/password/set/", login(302)),
    Row("konto/password/reset/", "/konto/password/reset/", grid(200)),
    Row("konto/login/code/confirm/", "/konto/login/code/confirm/", login(302)),
    Row("konto/password/reset/key/done/", "/konto/password/reset/key/done/", grid(200)),
    Row(
        "konto/^password/reset/key/(?P<uidb36>[0-9A-Za-z]+)-(?P<key>.+)/$",
        "/konto/password/reset/key/1-ogiltig/",
        grid(200),
    ),
    Row("konto/password/reset/done/", "/konto/password/reset/done/", grid(200)),
    Row("konto/login/code/", "/konto/login/code/", grid(302, anonymous=200)),
    Row("konto/2fa/", "/konto/2fa/", login()),
    Row("konto/2fa/authenticate/", "/konto/2fa/authenticate/", login(302)),
    Row(
        "konto/2fa/reauthenticate/",
        "/konto/2fa/reauthenticate/",
        login(302, coord_x=200, coord_y=200, steering=200, superuser=200),
    ),
    Row("konto/2fa/totp/activate/", "/konto/2fa/totp/activate/", login(302)),
    Row(
        "konto/2fa/totp/deactivate/",
        "/konto/2fa/totp/deactivate/",
        login(404, coord_x=302, coord_y=302, steering=302, superuser=302),
    ),
    Row("konto/2fa/recovery-codes/", "/konto/2fa/recovery-codes/", login(404)),
    Row("konto/2fa/recovery-codes/generate/", "/konto/2fa/recovery-codes/generate/", login(302)),
    Row("konto/2fa/recovery-codes/download/", "/konto/2fa/recovery-codes/download/", login(404)),
    # ---- the admin ----
    Row("admin/", "/admin/", staff(200, 200, 200, 200)),
    Row("admin/hjalp/", "/admin/hjalp/", staff(200, 200, 200, 200)),
    Row("admin/hjalp/<slug:page>/", "/admin/hjalp/samordnare/", staff(200, 200, 200, 200)),
    Row("admin/hjalp/bilder/<slug:name>.png", "/admin/hjalp/bilder/motena.png", staff(200, 200, 200, 200)),
    Row("admin/login/", "/admin/login/", grid(302, resident=403, rep_a=403, rep_b=403)),
    Row("admin/logout/", "/admin/logout/", staff(200, 200, 200, 200), "post"),
    Row("admin/password_change/", "/admin/password_change/", staff(200, 200, 200, 200)),
    Row("admin/password_change/done/", "/admin/password_change/done/", staff(200, 200, 200, 200)),
    Row(
        "admin/autocomplete/",
        "/admin/autocomplete/?app_label=members&model_name=membership&field_name=actor&term=F",
        staff(200, 200, 200, 200),
    ),
    Row("admin/jsi18n/", "/admin/jsi18n/", staff(200, 200, 200, 200)),
    # "Visa på webbplatsen": only for a row the user may view in its admin (X's news: not
    # Y's coordinator; the steering group has no news permission), else 404 (issue 20).
    Row(
        "admin/r/<path:content_type_id>/<path:object_id>/",
        "/admin/r/{post_ct}/{post}/",
        admin(coord_y=404, steering=404),
    ),
    Row(
        # The admin's app index matches the labels of the apps with registered models.
        "admin/^(?P<app_label>natverk|auth|account|mfa|members|networks|meetings|grants|borsen|voices|dialog|digest)/$",
        "/admin/members/",
        staff(200, 200, 200, 200),
    ),
    Row("admin/(?P<url>.*)$", "/admin/finns-inte/", staff(404, 404, 404, 404)),
    Row("admin/members/user/<id>/password/", "/admin/members/user/{user}/password/", staff(403, 403, 403, 200)),
    # The world's membership is decided already: those who may decide are sent back to it.
    Row(
        "admin/members/membership/<int:pk>/godkann/",
        "/admin/members/membership/{membership}/godkann/",
        staff(302, 404, 403, 302),
    ),
    Row(
        "admin/members/membership/<int:pk>/avboj/",
        "/admin/members/membership/{membership}/avboj/",
        staff(302, 404, 403, 302),
    ),
    Row("admin/meetings/meeting/planera-serie/", "/admin/meetings/meeting/planera-serie/", staff(200, 200, 403, 200)),
    # Cancelling's confirm step. The world's meeting is planned without a reason: those who may
    # cancel it are sent to its form to write one; the steering group only reads (403).
    Row(
        "admin/meetings/meeting/<int:pk>/stall-in/",
        "/admin/meetings/meeting/{meeting}/stall-in/",
        staff(302, 404, 403, 302),
    ),
    Row(
        "admin/meetings/meeting/<int:pk>/anmalningar.csv",
        "/admin/meetings/meeting/{meeting}/anmalningar.csv",
        staff(200, 404, 200, 200),
    ),
    # Hiding a listing: coordinators of its networks and superusers; the steering group only reads.
    Row("admin/borsen/listing/<int:pk>/dolj/", "/admin/borsen/listing/{listing}/dolj/", staff(200, 404, 403, 200)),
    Row("admin/grants/pot/<int:pk>/diagram/", "/admin/grants/pot/{pot}/diagram/", staff(403, 403, 200, 200)),
    Row("admin/grants/application/export/", "/admin/grants/application/export/", staff(403, 403, 200, 200)),
    # A decision page: coordinators may not read applications (404, as on the site); a
    # superuser reads it but only the steering group decides (403).
    Row(
        "admin/grants/application/<int:pk>/beslut/<slug:move>/",
        "/admin/grants/application/{submitted}/beslut/avsla/",
        staff(404, 404, 200, 403),
    ),
    # The steering group's note and handler: as a decision page (superusers read the note
    # on the application's page but do not write it).
    Row(
        "admin/grants/application/<int:pk>/arende/",
        "/admin/grants/application/{submitted}/arende/",
        staff(404, 404, 200, 403),
    ),
    # A voice of X: its coordinator, the steering group and superusers withdraw the consent.
    Row(
        "admin/voices/voice/<int:pk>/aterkalla/",
        "/admin/voices/voice/{voice}/aterkalla/",
        staff(200, 404, 200, 200),
    ),
    # A question to X: one page per move, for X's coordinator and superusers; the steering
    # group reads the question but moves nothing (403); Y's coordinator does not see it (404).
    Row(
        "admin/dialog/question/<int:pk>/steg/<slug:move>/",
        "/admin/dialog/question/{question}/steg/mote/",
        staff(200, 404, 403, 200),
    ),
    # A news item of X: its preview, where it is published, for its coordinator and superusers
    # (the steering group reads no news in the admin; tests/networks/test_news_admin.py posts).
    Row(
        "admin/networks/post/<int:pk>/forhandsgranska/",
        "/admin/networks/post/{post}/forhandsgranska/",
        staff(200, 404, 403, 200),
    ),
    *model_admin("auth/group", "group", default=staff(403, 403, 403, 200), redirect=admin()),
    *model_admin("account/emailaddress", "emailaddress", default=staff(403, 403, 403, 200), redirect=admin()),
    *model_admin("mfa/authenticator", "authenticator", default=staff(403, 403, 403, 200), redirect=admin()),
    *model_admin("members/user", "user", default=staff(403, 403, 403, 200), redirect=admin()),
    *model_admin(
        "members/actor",
        "actor_a",
        default=staff(403, 403, 403, 200),
        changelist=staff(200, 200, 200, 200),
        history=staff(200, 302, 200, 200),
        change=staff(200, 302, 200, 200),
        redirect=admin(),
    ),
    *model_admin(
        "members/membership",
        "membership",
        default=staff(403, 403, 403, 200),
        changelist=staff(200, 200, 200, 200),
        history=staff(200, 302, 200, 200),
        change=staff(200, 302, 200, 200),
        redirect=admin(),
    ),
    *model_admin(
        "members/invitation",
        "invitation",
        default=staff(403, 403, 403, 200),
        add=staff(403, 403, 403, 403),
        redirect=admin(),
    ),
    *model_admin(
        "members/actormessage",
        "actor_message",
        default=staff(403, 403, 403, 200),
        add=staff(403, 403, 403, 403),
        redirect=admin(),
    ),
    *model_admin(
        "networks/network",
        "network_x",
        default=staff(403, 403, 403, 200),
        changelist=staff(200, 200, 200, 200),
        history=staff(200, 302, 200, 200),
        change=staff(200, 302, 200, 200),
        redirect=admin(),
    ),
    *model_admin(
        "networks/workinggroup",
        "working_group",
        default=staff(200, 302, 403, 200),
        changelist=staff(200, 200, 403, 200),
        add=staff(200, 200, 403, 200),
        redirect=admin(),
    ),
    *model_admin(
        "networks/post",
        "post",
        default=staff(200, 302, 403, 200),
        changelist=staff(200, 200, 403, 200),
        add=staff(200, 200, 403, 200),
        redirect=admin(),
    ),
    *model_admin(
        "meetings/meeting",
        "meeting",
        default=staff(200, 302, 200, 200),
        changelist=staff(200, 200, 200, 200),
        add=staff(200, 200, 403, 200),
        delete=staff(200, 302, 403, 200),
        redirect=admin(),
    ),
    *model_admin(
        "grants/pot", "pot", default=staff(403, 403, 200, 200), delete=staff(403, 403, 403, 200), redirect=admin()
    ),
    *model_admin(
        "grants/application",
        "submitted",
        default=staff(403, 403, 200, 200),
        add=staff(403, 403, 403, 403),
        history=staff(302, 302, 200, 200),
        delete=staff(403, 403, 403, 403),
        redirect=admin(),
    ),
    *model_admin(
        "grants/applicationevent",
        "event",
        default=staff(403, 403, 200, 200),
        add=staff(403, 403, 403, 403),
        delete=staff(403, 403, 403, 403),
        redirect=admin(),
    ),
    *model_admin(
        "grants/payment",
        "payment",
        default=staff(403, 403, 200, 200),
        add=staff(403, 403, 403, 403),
        delete=staff(403, 403, 403, 403),
        redirect=admin(),
    ),
    # One wording, changed by the steering group; nobody adds a second or deletes it.
    *model_admin(
        "grants/letterwording",
        "wording",
        default=staff(403, 403, 200, 200),
        add=staff(403, 403, 403, 403),
        delete=staff(403, 403, 403, 403),
        redirect=admin(),
    ),
    # Letters are read, never changed.
    *model_admin(
        "grants/decisionletter",
        "letter",
        default=staff(403, 403, 200, 200),
        add=staff(403, 403, 403, 403),
        delete=staff(403, 403, 403, 403),
        redirect=admin(),
    ),
    *model_admin(
        "borsen/listing",
        "listing",
        default=staff(403, 403, 403, 200),
        changelist=staff(200, 200, 200, 200),
        add=staff(403, 403, 403, 403),
        history=staff(200, 302, 200, 200),
        change=staff(200, 302, 200, 200),
        redirect=admin(),
    ),
    *model_admin(
        "borsen/match",
        "match",
        default=staff(403, 403, 403, 200),
        changelist=staff(200, 200, 200, 200),
        add=staff(403, 403, 403, 403),
        history=staff(200, 302, 200, 200),
        change=staff(200, 302, 200, 200),
        redirect=admin(),
    ),
    # The themes residents choose from: the steering group keeps the list, coordinators read it.
    *model_admin(
        "dialog/theme",
        "theme",
        default=staff(200, 200, 200, 200),
        add=staff(403, 403, 200, 200),
        delete=staff(403, 403, 403, 200),
        redirect=admin(),
    ),
    # Residents' questions: raised on the site (nobody adds one here), moved by the network's
    # coordinators on the move pages, read by the steering group; only superusers delete.
    *model_admin(
        "dialog/question",
        "question",
        default=staff(200, 302, 200, 200),
        changelist=staff(200, 200, 200, 200),
        add=staff(403, 403, 403, 403),
        delete=staff(403, 403, 403, 200),
        redirect=admin(),
    ),
    *model_admin(
        "voices/voice",
        "voice",
        default=staff(200, 302, 200, 200),
        changelist=staff(200, 200, 200, 200),
        add=staff(200, 200, 200, 200),
        redirect=admin(),
    ),
    *model_admin(
        "digest/subscription",
        "subscription",
        default=staff(403, 403, 403, 200),
        add=staff(403, 403, 403, 403),
        delete=staff(403, 403, 403, 403),
        redirect=admin(),
    ),
    *model_admin(
        "digest/digestsent",
        "digest_sent",
        default=staff(403, 403, 403, 200),
        add=staff(403, 403, 403, 403),
        delete=staff(403, 403, 403, 403),
        redirect=admin(),
    ),
    *model_admin(
        "natverk/outbox",
        "outbox",
        default=staff(403, 403, 403, 200),
        add=staff(403, 403, 403, 403),
        delete=staff(403, 403, 403, 403),
        redirect=admin(),
    ),
]


def _routes(patterns, prefix: str = "") -> set[str]:
    found = set()
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            found |= _routes(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            found.add(prefix + str(pattern.pattern))
    return found


def test_every_url_pattern_is_in_the_grid() -> None:
    # The /en/ prefix (i18n_patterns) prints as "", so Swedish and English share a route.
    in_grid = [row.route for row in ROWS]
    assert len(in_grid) == len(set(in_grid)), "a route is in the grid twice"
    assert _routes(get_resolver().url_patterns) - set(in_grid) == set()
    assert set(in_grid) - _routes(get_resolver().url_patterns) == set()


@pytest.fixture(scope="module")
def grid(django_db_setup, django_db_blocker, tmp_path_factory) -> dict:
    """The cast and their objects, made once for the whole grid; every row's test rolls back.

    As Django's TestCase.setUpTestData: the rows are made in a transaction that is open
    around the grid's tests (each runs in a savepoint inside it) and rolled back after them.
    """
    media = tmp_path_factory.mktemp("grid-media")
    files = {"PRIVATE_MEDIA_ROOT": media / "private", "MEDIA_ROOT": media / "public"}
    fast = {"PASSWORD_HASHERS": ["django.contrib.auth.hashers.MD5PasswordHasher"]}
    with django_db_blocker.unblock(), override_settings(**files, **fast):
        atomic = transaction.atomic()
        atomic._from_testcase = True  # As TestCase's: durable blocks in the code may nest in it.
        atomic.__enter__()
        try:
            seed_networks()
            networks = {n.slug: n for n in Network.objects.all()}
            cast = _cast(networks)
            yield {"cast": cast, "world": _world(cast, networks), "files": files}
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture(autouse=True)
def _grid_settings(settings, grid) -> None:
    for name, folder in grid["files"].items():
        setattr(settings, name, folder)
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.REQUIRE_STAFF_MFA = True


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("row", "role"),
    [pytest.param(row, role, id=f"{row.method.upper()} {row.url} as {role}") for row in ROWS for role in ROLES],
)
def test_url_grid(client, grid, row: Row, role: str) -> None:
    user = grid["cast"][role]
    if user is not None:
        client.force_login(user)
    # A server error is a status to report with its URL and role, not an exception.
    client.raise_request_exception = False
    url = row.url.format(**grid["world"])
    status = getattr(client, row.method)(url).status_code
    expected = row.expected.get(role)
    assert status < 500 and status == expected, f"{row.method.upper()} {url} as {role}: {status}, expected {expected}"
