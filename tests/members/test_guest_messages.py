"""Messages to actors from visitors without an account, after a code mailed to them (members.guest)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.apps import apps
from django.core import mail
from django.core.cache import cache
from django.db import models
from django.test import Client
from django.utils import timezone

from core.models import Outbox
from members import guest
from members.models import ActorMessage, GuestCodeMail
from tests.members.conftest import verify_account

pytestmark = pytest.mark.django_db
ACTOR_URL = "/aktorer/foreningen-alfa/"
URL = "/aktorer/foreningen-alfa/meddelande/"
CODE_URL = "/aktorer/foreningen-alfa/meddelande/kod/"
BODY = "Hej! Vill ni ha hjälp med loppisen den 12 maj? Vänliga hälsningar, Sara"
DATA = {"name": "Sara Berg", "email": "Sara.Berg@example.se", "subject": "Loppisen", "body": BODY}


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def recipient(rep_a):
    """The actor's representative, with a verified address: where the message goes."""
    verify_account(rep_a)
    return rep_a


@pytest.fixture
def post(client, django_capture_on_commit_callbacks):
    """POST with the after-commit sends run, as they are in production."""

    def _post(url, data, **extra):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(url, data, **extra)

    return _post


def _code(message) -> str:
    return re.search(r"^(\d{6})$", message.body, re.M).group(1)


def _write(post, **changes):
    response = post(URL, {**DATA, **changes})
    assert response.status_code == 302, response.content.decode()
    assert response["Location"] == CODE_URL
    return _code(mail.outbox[-1])


def _expire(client) -> None:
    session = client.session
    session[guest.SESSION_KEY] = {**session[guest.SESSION_KEY], "expires": 0.0}
    session.save()


def test_valid_message_mails_a_code_and_relays_nothing(client, post, recipient) -> None:
    code = _write(post)
    sent = mail.outbox[-1]
    assert len(mail.outbox) == 1
    assert sent.to == ["Sara.Berg@example.se"]
    assert "Föreningen Alfa" in sent.subject
    assert sent.body.startswith("Hej Sara Berg!")
    assert "skriv koden nedan" in sent.body and "15 minuter" in sent.body
    assert BODY not in sent.body  # One thing to do: the code, not the message.
    assert not ActorMessage.objects.exists()
    assert len(code) == 6
    page = client.get(CODE_URL)
    assert page.status_code == 200
    assert "Vi har skickat en kod till Sara.Berg@example.se" in page.content.decode()
    assert "no-store" in page["Cache-Control"]


def test_code_mail_is_in_the_pages_language(post, recipient) -> None:
    response = post("/en" + URL, DATA)
    assert response.status_code == 302
    assert response["Location"] == "/en" + CODE_URL
    # The greeting is translated already; the new sentences once locale/ has them (TRANSLATIONS.md).
    assert mail.outbox[-1].body.startswith("Hello Sara Berg!")


def test_right_code_relays_the_message_as_for_an_account(client, post, recipient) -> None:
    code = _write(post)
    response = post(CODE_URL, {"code": f"{code[:3]} {code[3:]}"})  # As copied from the mail, with a space.
    assert response.status_code == 302
    assert response["Location"] == ACTOR_URL
    relayed = mail.outbox[-1]
    assert relayed.to == [recipient.email]
    assert relayed.reply_to == ["Sara.Berg@example.se"]
    assert BODY in relayed.body
    assert "Sara Berg (Sara.Berg@example.se)" in relayed.body
    assert "inget konto i portalen och har bekräftat sin e-postadress med en kod" in relayed.body
    logged = ActorMessage.objects.get()
    assert logged.sender is None
    assert logged.sender_hash == guest.address_hash("sara.berg@example.se")
    assert "sara" not in logged.sender_hash
    # The session forgets the message; the form is empty again and the code page sends back.
    assert guest.SESSION_KEY not in client.session
    assert "Ditt meddelande har skickats till Föreningen Alfa." in client.get(ACTOR_URL).content.decode()
    assert client.get(CODE_URL)["Location"] == URL
    assert client.get(URL).context["form"]["body"].value() is None


def test_wrong_code_is_refused_and_keeps_what_was_typed(client, post, recipient) -> None:
    code = _write(post)
    wrong = "000000" if code != "000000" else "111111"
    response = post(CODE_URL, {"code": wrong})
    assert response.status_code == 200
    text = response.content.decode()
    assert "Koden stämmer inte" in text and "4 gånger till" in text
    assert response.context["form"]["code"].value() == wrong
    assert len(mail.outbox) == 1 and not ActorMessage.objects.exists()
    # Going back to the message form: everything typed is there.
    form = client.get(URL).context["form"]
    assert {name: form[name].value() for name in DATA} == DATA
    # The right code still works.
    assert post(CODE_URL, {"code": code}).status_code == 302
    assert ActorMessage.objects.count() == 1


def test_empty_code_is_asked_for(post, recipient) -> None:
    _write(post)
    response = post(CODE_URL, {"code": ""})
    assert response.status_code == 200
    assert "Skriv koden från e-postbrevet." in response.content.decode()


def test_expired_code_is_refused_and_a_new_code_works(client, post, recipient) -> None:
    old = _write(post)
    _expire(client)
    response = post(CODE_URL, {"code": old})
    assert response.status_code == 200
    assert "Koden har slutat gälla" in response.content.decode()
    assert response.context["form"]["code"].value() == old
    assert not ActorMessage.objects.exists()
    response = post(CODE_URL, {"code": old, "resend": "1"})
    assert response.status_code == 302 and response["Location"] == CODE_URL
    new = _code(mail.outbox[-1])
    assert len(mail.outbox) == 2
    if new != old:
        assert "Koden stämmer inte" in post(CODE_URL, {"code": old}).content.decode()
    assert post(CODE_URL, {"code": new}).status_code == 302
    assert mail.outbox[-1].reply_to == ["Sara.Berg@example.se"]


def test_too_many_tries(client, post, recipient) -> None:
    code = _write(post)
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(guest.CODE_TRIES - 1):
        post(CODE_URL, {"code": wrong})
    last = post(CODE_URL, {"code": wrong}).content.decode()
    assert "för många gånger" in last
    # Even the right code is refused now; only a new code helps.
    response = post(CODE_URL, {"code": code})
    assert response.status_code == 200
    assert "för många gånger" in response.content.decode()
    assert not ActorMessage.objects.exists()
    post(CODE_URL, {"code": "", "resend": "1"})
    assert post(CODE_URL, {"code": _code(mail.outbox[-1])}).status_code == 302
    assert ActorMessage.objects.count() == 1


def test_new_codes_per_address_are_limited(client, post, recipient, settings) -> None:
    settings.MEMBERS_GUEST_CODES_PER_ADDRESS_PER_HOUR = 2
    _write(post)
    assert post(CODE_URL, {"code": "12", "resend": "1"}).status_code == 302
    response = post(CODE_URL, {"code": "12", "resend": "1"})
    assert response.status_code == 200
    assert "många koder till den här e-postadressen" in response.content.decode()
    assert response.context["form"]["code"].value() == "12"
    assert len(mail.outbox) == 2
    assert GuestCodeMail.objects.count() == 2
    # The same address in other letters is the same address.
    response = post(URL, {**DATA, "email": "sara.berg@EXAMPLE.se"})
    assert response.status_code == 200
    assert "många koder till den här e-postadressen" in response.content.decode()
    assert response.context["form"]["body"].value() == BODY
    # An hour later the address may have codes again (counted in the database, not the cache).
    GuestCodeMail.objects.update(created_at=timezone.now() - timedelta(minutes=61))
    cache.clear()
    assert post(URL, DATA).status_code == 302
    assert len(mail.outbox) == 3


def test_codes_per_ip_address_are_limited(client, post, recipient, settings) -> None:
    settings.MEMBERS_GUEST_CODES_PER_IP_PER_HOUR = 2
    _write(post, email="a@example.se")
    _write(post, email="b@example.se")
    response = post(URL, {**DATA, "email": "c@example.se"})
    assert response.status_code == 200
    assert "Många koder har skickats härifrån" in response.content.decode()
    assert len(mail.outbox) == 2
    # Another client is not refused.
    assert post(URL, {**DATA, "email": "c@example.se"}, REMOTE_ADDR="192.0.2.7").status_code == 302
    # Only hashes are stored, never an address or the IP address.
    stored = " ".join(f"{row.address_hash} {row.ip_hash}" for row in GuestCodeMail.objects.all())
    assert "example.se" not in stored and "127.0.0.1" not in stored


def test_messages_per_address_are_limited_like_an_accounts(client, post, recipient, settings) -> None:
    settings.MEMBERS_MESSAGES_PER_HOUR = 1
    code = _write(post)
    assert post(CODE_URL, {"code": code}).status_code == 302
    # No new code for an address that has reached its limit.
    response = post(URL, {**DATA, "email": "SARA.berg@example.se", "body": "Ett till"})
    assert response.status_code == 200
    assert "Många meddelanden har skickats från den här e-postadressen" in response.content.decode()
    assert response.context["form"]["body"].value() == "Ett till"
    assert len(mail.outbox) == 2  # The code and the message.


def test_limit_is_checked_again_when_the_code_is_typed(
    client, post, recipient, settings, django_capture_on_commit_callbacks
) -> None:
    settings.MEMBERS_MESSAGES_PER_HOUR = 1
    first = _write(post)
    other = Client()  # Another browser, the same address.
    with django_capture_on_commit_callbacks(execute=True):
        assert other.post(URL, {**DATA, "body": "Ett andra"})["Location"] == CODE_URL
    with django_capture_on_commit_callbacks(execute=True):
        assert other.post(CODE_URL, {"code": _code(mail.outbox[-1])}).status_code == 302
    response = post(CODE_URL, {"code": first})
    assert response.status_code == 200
    assert "Många meddelanden har skickats från den här e-postadressen" in response.content.decode()
    assert ActorMessage.objects.count() == 1
    assert guest.pending(response.wsgi_request, recipient.representations.get().actor).body == BODY


def test_the_actors_address_is_never_shown(client, post, actor_a, recipient) -> None:
    actor_a.contact_email = "hemlig@alfa.example.se"
    actor_a.contact_email_verified_address = "hemlig@alfa.example.se"
    actor_a.contact_email_verified_at = timezone.now()
    actor_a.save()
    pages = [client.get(ACTOR_URL), client.get(URL)]
    pages.append(post(URL, DATA))
    code = _code(mail.outbox[-1])
    pages += [client.get(CODE_URL), post(CODE_URL, {"code": "000000" if code != "000000" else "1"})]
    pages += [post(CODE_URL, {"code": code}), client.get(ACTOR_URL)]
    for response in pages:
        assert "hemlig@alfa.example.se" not in response.content.decode()
        assert "hemlig@alfa.example.se" not in response.get("Location", "")
    assert mail.outbox[-1].to == ["hemlig@alfa.example.se"]
    assert mail.outbox[-1].reply_to == ["Sara.Berg@example.se"]


def _text_in_tables(text: str) -> list[str]:
    """Model tables (not the sessions) whose text columns hold `text`."""
    found = []
    for model in apps.get_models():
        if model._meta.label == "sessions.Session":
            continue
        fields = [f.name for f in model._meta.local_fields if isinstance(f, models.CharField | models.TextField)]
        for row in model._default_manager.values(*fields) if fields else []:
            if any(text in (value or "") for value in row.values()):
                found.append(model._meta.label)
    return found


def test_the_message_is_never_stored_in_a_table(client, post, recipient) -> None:
    code = _write(post)
    assert _text_in_tables(BODY) == []
    assert _text_in_tables("Sara.Berg@example.se") == [Outbox._meta.label]  # Only the code mail's recipient.
    post(CODE_URL, {"code": code})
    # The relayed mail itself, as for a writer with an account; nowhere else.
    assert _text_in_tables(BODY) == [Outbox._meta.label]
    assert Outbox.objects.filter(body__contains=BODY, kind="members.actor_message").count() == 1
    assert guest.SESSION_KEY not in client.session


def test_old_hashes_are_removed_with_the_next_code(post, actor_a, recipient) -> None:
    old = ActorMessage.objects.create(actor=actor_a, sender_hash="a" * 64)
    ActorMessage.objects.filter(pk=old.pk).update(sent_at=timezone.now() - timedelta(days=2))
    recent = ActorMessage.objects.create(actor=actor_a, sender_hash="b" * 64)
    GuestCodeMail.objects.create(address_hash="a" * 64, ip_hash="c" * 64, created_at=timezone.now() - timedelta(days=2))
    _write(post)
    old.refresh_from_db()
    recent.refresh_from_db()
    assert old.sender_hash == "" and recent.sender_hash == "b" * 64
    assert not GuestCodeMail.objects.filter(address_hash="a" * 64).exists()


def test_actor_without_recipients_sends_no_code(post, actor_a) -> None:
    response = post(URL, DATA)  # Nobody with a verified address represents the actor.
    assert response.status_code == 200
    assert "Aktören kan inte ta emot meddelanden just nu." in response.content.decode()
    assert not mail.outbox and not GuestCodeMail.objects.exists()


def test_code_page_without_a_waiting_message_sends_back(client, actor_a) -> None:
    assert client.get(CODE_URL)["Location"] == URL
    assert client.post(CODE_URL, {"code": "123456"})["Location"] == URL


def test_a_logged_in_writer_is_unchanged(client, post, recipient, rep_b) -> None:
    verify_account(rep_b)
    client.force_login(rep_b)
    form = client.get(URL).context["form"]
    assert list(form.fields) == ["subject", "body"]
    response = post(URL, {"subject": "Hej", "body": BODY})
    assert response.status_code == 302 and response["Location"] == ACTOR_URL
    assert len(mail.outbox) == 1
    assert mail.outbox[0].reply_to == [rep_b.email]
    assert "inget konto" not in mail.outbox[0].body
    assert ActorMessage.objects.get().sender == rep_b
    assert ActorMessage.objects.get().sender_hash == ""
    assert client.get(CODE_URL)["Location"] == URL
