"""Account deletion and data export for a user with grant history (issue 3, "Mina uppgifter")."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.contrib.auth.models import Group
from django.contrib.sessions.models import Session
from django.core import mail
from django.core.files.base import ContentFile
from django.test import Client
from django.utils import timezone

from core.roles import STEERING_GROUP
from grants.models import Application, ApplicationEvent, Attachment, BudgetLine, CoApplicant, Decision
from meetings.models import Registration
from members.models import Representation, User
from tests.conftest import PASSWORD, _user
from tests.grants.conftest import S, make_application
from tests.meetings.conftest import make_meeting

pytestmark = pytest.mark.django_db

DELETE_URL = "/mina-sidor/mina-uppgifter/radera/"


@pytest.fixture
def history(pot, networks, rep_a, actor_a, actor_b, rep_b, actor_c, rep_c, resident):
    """rep_a: applicant, steering member and coordinator, with registrations and a draft."""
    rep_a.is_staff = True
    rep_a.save()
    rep_a.groups.add(Group.objects.get(name=STEERING_GROUP))
    networks["andersberg"].coordinators.add(rep_a)
    EmailAddress.objects.create(user=rep_a, email=rep_a.email, verified=True, primary=True)
    Authenticator.objects.create(user=rep_a, type=Authenticator.Type.TOTP, data={})

    submitted = make_application(pot=pot, lead=actor_a, co=[actor_c], status=S.SUBMITTED)
    assert submitted.created_by == rep_a
    ApplicationEvent.objects.create(application=submitted, actor_user=rep_a, from_status=S.DRAFT, to_status=S.SUBMITTED)
    CoApplicant.objects.filter(application=submitted).update(confirmed_by=rep_c, confirmed_at=timezone.now())

    draft = make_application(pot=pot, lead=actor_a, status=S.DRAFT)
    attachment = Attachment.objects.create(
        application=draft,
        file=ContentFile(b"%PDF-1.4 utkast", name="utkast.pdf"),
        original_name="min-budget.pdf",
        content_type="application/pdf",
        size=15,
        uploaded_by=rep_a,
    )
    # Decided by rep_a as a steering member, on another actor's application.
    beta_app = make_application(pot=pot, lead=actor_b, status=S.APPROVED)
    Decision.objects.filter(application=beta_app).update(decided_by=rep_a)

    full = make_meeting(networks["andersberg"], title="Fullsatt träff", registration_enabled=True, capacity=1)
    mine = Registration.objects.create(meeting=full, user=rep_a, actor=actor_a)
    waiting = Registration.objects.create(meeting=full, user=resident, status=Registration.Status.WAITLISTED)
    past = make_meeting(
        networks["andersberg"], title="Gammal träff", starts_at=timezone.now() - timezone.timedelta(days=30)
    )
    Registration.objects.create(meeting=past, user=rep_a)
    return {
        "submitted": submitted,
        "draft": draft,
        "file": Path(attachment.file.path),
        "beta_app": beta_app,
        "full": full,
        "mine": mine,
        "waiting": waiting,
    }


def _public_pages(h) -> list[str]:
    return [
        "/",
        "/natverk/andersberg/",
        "/aktorer/",
        "/bidrag/beviljade/",
        "/moten/",
        f"/moten/{h['full'].pk}/",
        "/om/",
    ]


def test_deleting_an_account_with_grant_history(
    client, history, rep_a, steering, resident, django_capture_on_commit_callbacks
) -> None:
    h = history
    assert h["file"].exists()
    other_device = Client()
    other_device.force_login(rep_a)
    anonymous = Client()
    before = {path: anonymous.get(path).content.decode() for path in _public_pages(h)}
    assert any("Alfa" in html for html in before.values())  # the name is there to begin with
    client.force_login(rep_a)
    pk, email, name = rep_a.pk, rep_a.email, rep_a.name
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(DELETE_URL, {"confirm": "on"})

    assert response.status_code == 302
    page = client.get(response["Location"])
    assert "Ditt konto är raderat." in page.content.decode()

    # The draft goes with its budget, attachment and file.
    assert not Application.objects.filter(pk=h["draft"].pk).exists()
    assert not BudgetLine.objects.filter(application_id=h["draft"].pk).exists()
    assert not Attachment.objects.exists()
    assert not h["file"].exists()

    # The public records stay, pointing to an anonymised user.
    user = User.objects.get(pk=pk)
    assert user.email == f"raderad-{pk}@invalid.example"
    assert user.name == "Raderad användare"
    assert not user.has_usable_password()
    assert not user.is_active and not user.is_staff and not user.is_superuser
    assert not user.groups.exists() and not user.user_permissions.exists()
    assert not user.coordinated_networks.exists()
    assert not EmailAddress.objects.filter(user_id=pk).exists()
    assert not Authenticator.objects.filter(user_id=pk).exists()
    assert Application.objects.get(pk=h["submitted"].pk).created_by_id == pk
    assert Decision.objects.get(application=h["beta_app"]).decided_by_id == pk

    admin = Client()
    admin.force_login(steering)
    html = admin.get(f"/admin/grants/application/{h['submitted'].pk}/change/").content.decode()
    assert h["submitted"].title in html
    assert "Raderad användare" in html
    assert email not in html

    # No public page shows the name or address any more.
    for path in _public_pages(h):
        html = anonymous.get(path).content.decode()
        assert name not in html and email not in html, path

    # The seat went to the first on the waiting list, who got the usual mail.
    h["waiting"].refresh_from_db()
    assert h["waiting"].status == Registration.Status.CONFIRMED
    assert [m.to for m in mail.outbox] == [[resident.email]]
    assert not Registration.objects.filter(user_id=pk).exists()

    # Logged out everywhere, and no way back in.
    assert other_device.get("/mina-sidor/").status_code == 302
    assert not Session.objects.filter(session_key=other_device.session.session_key).exists()
    assert not Client().login(email=email, password=PASSWORD)
    assert not Client().login(email=user.email, password=PASSWORD)


def test_account_without_public_records_is_deleted_outright(client, pot, actor_a, rep_a) -> None:
    draft = make_application(pot=pot, lead=actor_a, status=S.DRAFT)
    client.force_login(rep_a)
    response = client.post(DELETE_URL, {"confirm": "on"})
    assert response.status_code == 302
    assert not User.objects.filter(pk=rep_a.pk).exists()
    assert not Application.objects.filter(pk=draft.pk).exists()


def test_anonymised_users_do_not_clash(client, pot, actor_a, rep_a, actor_b, rep_b) -> None:
    make_application(pot=pot, lead=actor_a, status=S.SUBMITTED)
    make_application(pot=pot, lead=actor_b, status=S.SUBMITTED)
    for user in (rep_a, rep_b):
        client.force_login(user)
        assert client.post(DELETE_URL, {"confirm": "on"}).status_code == 302
    assert User.objects.filter(email__endswith="@invalid.example").count() == 2


def test_another_representatives_draft_stays(client, pot, actor_a, rep_a) -> None:
    colleague = _user("kollega@example.se")
    actor_a.representations.create(user=colleague)
    theirs = make_application(pot=pot, lead=actor_a, status=S.DRAFT)
    theirs.created_by = colleague
    theirs.save()
    client.force_login(rep_a)
    client.post(DELETE_URL, {"confirm": "on"})
    assert Application.objects.filter(pk=theirs.pk).exists()


def test_export_has_my_grant_history_and_nobody_elses(client, history, rep_a, rep_b, rep_c) -> None:
    h = history
    ApplicationEvent.objects.create(
        application=h["beta_app"], actor_user=rep_b, from_status=S.DRAFT, to_status=S.SUBMITTED, note="Betas notering"
    )
    client.force_login(rep_a)
    data = json.loads(client.get("/mina-sidor/mina-uppgifter/export/").content)
    titles = sorted(a["title"] for a in data["grant_applications"])
    assert titles == sorted([h["submitted"].title, h["draft"].title])
    submitted = next(a for a in data["grant_applications"] if a["reference"] == h["submitted"].reference)
    assert submitted["status"] == "Inskickad"
    assert submitted["amount_requested"] == 10_000
    assert submitted["co_applicants"] == ["Föreningen Gamma"]
    assert [e["to_status"] for e in data["grant_application_events"]] == ["Inskickad"]
    assert data["grant_attachments_uploaded"][0]["file"] == "min-budget.pdf"
    assert data["grant_coapplicant_confirmations"] == []
    assert [r["meeting"] for r in data["meeting_registrations"]] == ["Gammal träff", "Fullsatt träff"]
    assert data["meeting_registrations"][1]["for_actor"] == "Föreningen Alfa"
    text = json.dumps(data, ensure_ascii=False)
    for other in (rep_b, rep_c):
        assert other.email not in text
    assert "Kim Kontakt" in text  # the contact person on rep_a's own application
    assert "Betas notering" not in text
    # Decided by rep_a as a steering member: the decision is theirs, the application is not.
    assert [d["outcome"] for d in data["grant_decisions"]] == ["Beviljad"]
    assert h["beta_app"].title not in [a["title"] for a in data["grant_applications"]]

    # The co-applicant's representative sees the confirmation they made.
    client.force_login(rep_c)
    data = json.loads(client.get("/mina-sidor/mina-uppgifter/export/").content)
    assert [c["actor"] for c in data["grant_coapplicant_confirmations"]] == ["Föreningen Gamma"]
    assert [a["title"] for a in data["grant_applications"]] == [h["submitted"].title]
    assert "contact_email" not in data["grant_applications"][0]  # rep_a's contact details


PAYMENT_KEYS = {"payment_method", "giro_number", "clearing_number", "account_number"}


def test_payment_details_in_the_export_only_while_representing_the_lead(client, pot, actor_a, rep_a) -> None:
    """The bank details are the lead actor's: a former representative's page and download
    still list the application they made, without the account (grants.access)."""
    app = make_application(pot=pot, lead=actor_a, status=S.APPROVED)
    assert app.created_by == rep_a
    client.force_login(rep_a)
    mine = json.loads(client.get("/mina-sidor/mina-uppgifter/export/").content)["grant_applications"]
    assert mine[0]["giro_number"] == "5050-1055"
    assert mine[0]["payment_method"] == "Bankgiro"
    assert "5050-1055" in client.get("/mina-sidor/mina-uppgifter/").content.decode()

    Representation.objects.filter(user=rep_a, actor=actor_a).delete()
    response = client.get("/mina-sidor/mina-uppgifter/export/")
    former = json.loads(response.content)["grant_applications"]
    assert [a["reference"] for a in former] == [app.reference]
    assert PAYMENT_KEYS.isdisjoint(former[0])
    assert "5050-1055" not in response.content.decode()
    page = client.get("/mina-sidor/mina-uppgifter/").content.decode()
    assert app.title in page
    assert "5050-1055" not in page


def test_another_representative_and_a_co_applicant_get_no_payment_details(
    client, pot, actor_a, rep_a, actor_c, rep_c
) -> None:
    app = make_application(pot=pot, lead=actor_a, co=[actor_c], status=S.SUBMITTED)
    colleague = _user("kollega@example.se")
    Representation.objects.create(user=colleague, actor=actor_a, role=Representation.Role.CONTACT)
    for user in (colleague, rep_c):
        client.force_login(user)
        data = json.loads(client.get("/mina-sidor/mina-uppgifter/export/").content)["grant_applications"]
        assert [a["reference"] for a in data] == [app.reference]
        assert PAYMENT_KEYS.isdisjoint(data[0])
