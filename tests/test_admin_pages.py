"""Every admin changelist, add page and change page opens for each role without a server error.

Walks `admin.site._registry`, so that a model registered later is walked too (and fails
`test_every_registered_model_has_an_object_here` until it gets an object below). Each role
gets 200 where its permissions let it see the page, and 403 (no permission) or 302 (a row
outside its networks: Django's "does not exist") otherwise. X is Andersberg, Y is Sätra;
every object of a network belongs to X.
"""

from __future__ import annotations

import datetime

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from borsen.models import Listing, Match
from core.models import Outbox
from core.roles import STEERING_GROUP
from dialog.models import Question, Theme
from digest.models import DigestSent, Subscription
from grants.letters import letter_create
from grants.models import Application, ApplicationEvent, Decision, DecisionLetter, Funding, LetterWording, Payment, Pot
from meetings.models import Meeting, Registration
from members.models import ActorMessage, Invitation, Membership, Representation
from networks.models import Post, WorkingGroup
from tests.conftest import make_themes
from tests.grants.conftest import make_application
from voices.models import Voice

ROLES = ["superuser", "steering", "coord_x", "coord_y"]
TODAY = timezone.localdate()


@pytest.fixture(autouse=True)
def _settings(settings, tmp_path) -> None:
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture
def objects(superuser, steering, coord_andersberg, coord_satra, rep_a, rep_b, actor_a, actor_b, networks) -> dict:
    """One object of every registered model, keyed by model class."""
    x = networks["andersberg"]
    pot = Pot.objects.create(
        year=TODAY.year,
        name="Aktivitetspotten",
        opens_on=TODAY - datetime.timedelta(days=30),
        closes_on=TODAY + datetime.timedelta(days=60),
        max_amount_per_application=20_000,
    )
    Funding.objects.create(pot=pot, funder="Gävle kommun", amount=100_000)
    application = make_application(pot=pot, lead=actor_a, co=[actor_b], status=Application.Status.PAID)
    meeting = Meeting.objects.create(
        network=x,
        title="Nätverksträff",
        starts_at=timezone.now() + datetime.timedelta(days=3),
        ends_at=timezone.now() + datetime.timedelta(days=3, hours=2),
        place="Träffpunkten",
        registration_enabled=True,
        capacity=10,
    )
    Registration.objects.create(meeting=meeting, user=rep_a)
    TOTP.activate(superuser, generate_totp_secret())
    ask = Listing.objects.create(
        actor=actor_a,
        direction=Listing.Direction.ASK,
        kind=Listing.Kind.VENUE,
        title="Lokal",
        text="En lördag.",
        last_date=TODAY + datetime.timedelta(days=30),
    )
    offer = Listing.objects.create(
        actor=actor_b,
        direction=Listing.Direction.OFFER,
        kind=Listing.Kind.VENUE,
        title="Vår lokal",
        text="Ledig.",
        last_date=TODAY + datetime.timedelta(days=30),
    )
    ask.networks.set([x])
    offer.networks.set([x])
    make_themes()
    return {
        Theme: Theme.objects.get(slug="trygghet"),
        Listing: ask,
        Match: Match.objects.create(ask=ask, offer=offer),
        Group: Group.objects.get(name=STEERING_GROUP),
        EmailAddress: EmailAddress.objects.create(user=rep_a, email=rep_a.email, verified=True, primary=True),
        Authenticator: Authenticator.objects.get(user=superuser),
        get_user_model(): rep_a,
        type(actor_a): actor_a,
        Membership: Membership.objects.get(actor=actor_a, network=x),
        Invitation: Invitation.objects.create(
            actor=actor_a,
            email="ny@example.se",
            role=Representation.Role.CONTACT,
            invited_by=rep_a,
            token="en-nyckel",
            expires_at=timezone.now() + datetime.timedelta(days=7),
        ),
        ActorMessage: ActorMessage.objects.create(sender=rep_b, actor=actor_a),
        type(x): x,
        WorkingGroup: WorkingGroup.objects.create(network=x, name="Trygghet"),
        Post: Post.objects.create(network=x, title="Nytt", slug="nytt", summary="s", body="b"),
        Meeting: meeting,
        Pot: pot,
        Application: application,
        ApplicationEvent: ApplicationEvent.objects.create(
            application=application, from_status="draft", to_status="submitted", actor_user=rep_a
        ),
        Payment: Payment.objects.get(application=application),
        LetterWording: LetterWording.current(),
        DecisionLetter: letter_create(decision=Decision.objects.get(application=application))[0],
        Outbox: Outbox.objects.create(to="a@example.se", subject="Ämne", body="Text"),
        Voice: Voice.objects.create(
            network=x,
            quote="Nätverket gav oss en lokal.",
            person_name="Anna Andersson",
            consent_given_at=TODAY,
            consent_recorded="skriftligt samtycke",
        ),
        Subscription: Subscription.objects.create(user=rep_a, network=x),
        DigestSent: DigestSent.objects.create(user=rep_a, week="2026-W47"),
        Question: Question.objects.create(network=x, author=rep_b, title="Mörkt vid tunneln", text="Trasiga lampor."),
    }


@pytest.fixture
def cast(superuser, steering, coord_andersberg, coord_satra) -> dict:
    return {"superuser": superuser, "steering": steering, "coord_x": coord_andersberg, "coord_y": coord_satra}


def _request_as(user):
    request = RequestFactory().get("/admin/")
    request.user = user
    return request


def _expected(model_admin: admin.ModelAdmin, user, page: str, obj) -> int:
    """What Django's admin answers, from the ModelAdmin's own permission methods."""
    request = _request_as(user)
    if page == "changelist":
        return 200 if model_admin.has_view_or_change_permission(request) else 403
    if page == "add":
        return 200 if model_admin.has_add_permission(request) else 403
    visible = model_admin.get_queryset(request).filter(pk=obj.pk).exists()
    if not model_admin.has_view_or_change_permission(request, obj if visible else None):
        return 403
    return 200 if visible else 302


def test_every_registered_model_has_an_object_here(objects) -> None:
    assert set(admin.site._registry) - set(objects) == set()


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_every_admin_page_opens_for_each_role(client, objects, cast, role) -> None:
    user = cast[role]
    client.force_login(user)
    client.raise_request_exception = False
    wrong, opened = [], 0
    for model, model_admin in admin.site._registry.items():
        obj = objects[model]
        info = (model._meta.app_label, model._meta.model_name)
        pages = {
            "changelist": reverse("admin:{}_{}_changelist".format(*info)),
            "add": reverse("admin:{}_{}_add".format(*info)),
            "change": reverse("admin:{}_{}_change".format(*info), args=[obj.pk]),
        }
        for page, url in pages.items():
            # Permissions are cached on the user object per request; read them fresh each time.
            user = type(user).objects.get(pk=user.pk)
            expected = _expected(model_admin, user, page, obj)
            status = client.get(url).status_code
            opened += status == 200
            if status >= 500 or status != expected:
                wrong.append(f"{url} as {role}: {status}, expected {expected}")
    assert wrong == []
    assert opened >= 3  # every role sees at least some pages


def test_coordinator_opens_and_saves_their_own_network(client, objects, coord_andersberg, networks) -> None:
    x = networks["andersberg"]
    client.force_login(coord_andersberg)
    url = f"/admin/networks/network/{x.pk}/change/"
    response = client.get(url)
    assert response.status_code == 200
    # The slug is read-only for coordinators: it is shown, not prepopulated from the name.
    assert 'id="id_slug"' not in response.content.decode()
    form = response.context["adminform"].form
    data = {name: form[name].value() or "" for name in form.fields if name not in ("coordinators",)}
    data.update(
        {
            "description": "Ny beskrivning från samordnaren.",
            "working_groups-TOTAL_FORMS": "0",
            "working_groups-INITIAL_FORMS": "0",
            "areas-TOTAL_FORMS": "0",
            "areas-INITIAL_FORMS": "0",
        }
    )
    assert client.post(url, data).status_code == 302
    x.refresh_from_db()
    assert x.description == "Ny beskrivning från samordnaren."
    assert client.get(f"/admin/networks/network/{networks['satra'].pk}/change/").status_code == 302


def test_superuser_still_gets_the_slug_prepopulated(client, superuser, networks) -> None:
    client.force_login(superuser)
    html = client.get(f"/admin/networks/network/{networks['andersberg'].pk}/change/").content.decode()
    assert 'id="id_slug"' in html and "prepopulated" in html
