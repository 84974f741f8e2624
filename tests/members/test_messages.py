"""Messages to actors through the portal: relayed, address hidden, rate-limited, logged."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.core.cache import cache
from django.utils import timezone

from members.models import ActorMessage
from tests.members.conftest import verify_account

pytestmark = pytest.mark.django_db
URL = "/aktorer/foreningen-alfa/meddelande/"


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _verified_accounts(request) -> None:
    """Accounts made through sign-up have a verified address; the cast's are made by hand."""
    for name in ("rep_a", "rep_b"):
        if name in request.fixturenames:
            verify_account(request.getfixturevalue(name))


def test_anonymous_visitor_is_offered_the_form_and_a_login(client, actor_a) -> None:
    """Without an account a visitor writes after a code (tests/members/test_guest_messages.py)."""
    page = client.get("/aktorer/foreningen-alfa/").content.decode()
    assert 'href="/aktorer/foreningen-alfa/meddelande/"' in page
    assert "Har du ett konto? Logga in" in page
    response = client.post(URL, {"subject": "Hej", "body": "Text"})
    assert response.status_code == 200  # Name and address are missing: nothing is sent.
    assert set(response.context["form"].errors) == {"name", "email"}
    assert not ActorMessage.objects.exists()
    assert not mail.outbox


def test_message_goes_to_representatives_with_reply_to(
    client, rep_a, rep_b, django_capture_on_commit_callbacks
) -> None:
    client.force_login(rep_b)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(URL, {"subject": "Samarbete?", "body": "Vill ni ordna en fest ihop?"})
    assert response.status_code == 302
    sent = mail.outbox[0]
    assert sent.to == [rep_a.email]
    assert sent.reply_to == [rep_b.email]
    assert "Vill ni ordna en fest ihop?" in sent.body
    logged = ActorMessage.objects.get()
    assert logged.sender == rep_b
    # The sender never sees the address.
    assert rep_a.email not in client.get("/aktorer/foreningen-alfa/").content.decode()


def test_message_goes_to_contact_email_when_it_is_proven(
    client, actor_a, rep_b, django_capture_on_commit_callbacks
) -> None:
    actor_a.contact_email = "kansli@alfa.example.se"
    actor_a.contact_email_verified_address = "Kansli@alfa.example.se"  # the case does not matter
    actor_a.contact_email_verified_at = timezone.now()
    actor_a.save()
    client.force_login(rep_b)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(URL, {"subject": "Hej", "body": "Text"})
    assert mail.outbox[0].to == ["kansli@alfa.example.se"]
    assert "kansli@alfa.example.se" not in client.get("/aktorer/foreningen-alfa/").content.decode()


def test_rate_limit(client, actor_a, rep_a, rep_b, settings, django_capture_on_commit_callbacks) -> None:
    settings.MEMBERS_MESSAGES_PER_HOUR = 2
    client.force_login(rep_b)
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(2):
            assert client.post(URL, {"subject": "Hej", "body": "Text"}).status_code == 302
        response = client.post(URL, {"subject": "Hej", "body": "Ett tredje"})
    assert response.status_code == 200
    assert "Vänta en stund" in response.content.decode()
    assert response.context["form"]["body"].value() == "Ett tredje"
    assert ActorMessage.objects.count() == 2
    assert len(mail.outbox) == 2


def test_rate_limit_counts_the_log_of_the_last_hour_not_the_cache(
    client, actor_a, rep_a, rep_b, settings, django_capture_on_commit_callbacks
) -> None:
    settings.MEMBERS_MESSAGES_PER_HOUR = 2
    old = ActorMessage.objects.create(sender=rep_b, actor=actor_a)
    ActorMessage.objects.filter(pk=old.pk).update(sent_at=timezone.now() - timedelta(minutes=61))
    ActorMessage.objects.create(sender=rep_b, actor=actor_a)  # One within the hour.
    client.force_login(rep_b)
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(URL, {"subject": "Hej", "body": "Text"}).status_code == 302
        cache.clear()  # Another server, or a Redis restarted: the count stays.
        response = client.post(URL, {"subject": "Hej", "body": "Ett för mycket"})
    assert "Vänta en stund" in response.content.decode()
    assert ActorMessage.objects.count() == 3
    assert len(mail.outbox) == 1


def test_invalid_message_is_reshown(client, actor_a, rep_b) -> None:
    client.force_login(rep_b)
    response = client.post(URL, {"subject": "", "body": "x" * 5001})
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"subject", "body"}
    assert not ActorMessage.objects.exists()
