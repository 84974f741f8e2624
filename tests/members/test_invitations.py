"""Inviting another person to represent an actor."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from members.models import Invitation, Representation

pytestmark = pytest.mark.django_db
INVITE = "/mina-sidor/aktorer/foreningen-alfa/bjud-in/"


@pytest.fixture
def invitation(rep_a, django_capture_on_commit_callbacks, client) -> Invitation:
    client.force_login(rep_a)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(INVITE, {"email": "Boende@Example.se", "role": "contact"})
    assert response.status_code == 302
    client.logout()
    return Invitation.objects.get()


def test_invitation_is_sent_with_link(invitation) -> None:
    assert invitation.email == "boende@example.se"
    assert mail.outbox[0].to == ["boende@example.se"]
    assert f"/mina-sidor/inbjudan/{invitation.token}/" in mail.outbox[0].body
    assert invitation.expires_at > timezone.now() + timedelta(days=13)


def test_invitation_says_the_role_in_plain_words(rep_a, client, django_capture_on_commit_callbacks) -> None:
    client.force_login(rep_a)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(INVITE, {"email": "ny@example.se", "role": "signatory"})
    body = mail.outbox[0].body
    assert "Föreningen Alfa som kontaktperson som kan bjuda in fler företrädare" in body
    assert "irmatecknare" not in body


def test_accept_requires_login(client, invitation) -> None:
    response = client.get(f"/mina-sidor/inbjudan/{invitation.token}/")
    assert response.status_code == 302
    assert "/konto/login/" in response["Location"]


def test_accept_makes_the_user_a_representative(client, invitation, resident) -> None:
    client.force_login(resident)
    url = f"/mina-sidor/inbjudan/{invitation.token}/"
    assert client.get(url).status_code == 200
    assert client.get("/mina-sidor/").content.decode().count(url) == 1
    response = client.post(url)
    assert response.status_code == 302
    rep = Representation.objects.get(user=resident)
    assert rep.actor.slug == "foreningen-alfa"
    assert rep.role == Representation.Role.CONTACT
    assert client.get("/mina-sidor/aktorer/foreningen-alfa/").status_code == 200


def test_reused_invitation_is_a_clear_message(client, invitation, resident) -> None:
    client.force_login(resident)
    url = f"/mina-sidor/inbjudan/{invitation.token}/"
    client.post(url)
    response = client.post(url)
    assert response.status_code == 410
    assert "redan använts" in response.content.decode()
    assert Representation.objects.filter(user=resident, actor__slug="foreningen-alfa").count() == 1


def test_expired_invitation_is_a_clear_message(client, invitation, resident) -> None:
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    client.force_login(resident)
    url = f"/mina-sidor/inbjudan/{invitation.token}/"
    assert "har gått ut" in client.get(url).content.decode()
    response = client.post(url)
    assert response.status_code == 410
    assert not Representation.objects.filter(user=resident).exists()


def test_unknown_token_is_404(client, resident) -> None:
    client.force_login(resident)
    assert client.get("/mina-sidor/inbjudan/finns-inte/").status_code == 404


def test_invalid_invitation_form(client, rep_a) -> None:
    client.force_login(rep_a)
    response = client.post(INVITE, {"email": "inte-en-adress", "role": "contact"})
    assert response.status_code == 200
    assert "email" in response.context["form"].errors
    response = client.post(INVITE, {"email": rep_a.email, "role": "contact"})
    assert "företräder redan" in response.context["form"].errors["email"][0]
    assert not Invitation.objects.exists()
