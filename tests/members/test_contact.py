"""No relay for strangers (issue 20): the site mails an actor's contact address only once proven.

Until a link mailed to the address is confirmed, or the address is a verified account
address of a representative, messages to the actor go to its representatives instead.
"""

from __future__ import annotations

import re
from datetime import timedelta
from email.header import decode_header, make_header
from email.utils import parseaddr
from unittest import mock

import pytest
from allauth.account.models import EmailAddress
from django.core import mail, signing
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from members import contact
from members.models import Actor, ActorMessage, ContactEmailLink, Representation
from tests.members.conftest import actor_data, verify_account

pytestmark = pytest.mark.django_db

KANSLI = "kansli@alfa.example.se"
MESSAGE_URL = "/aktorer/foreningen-alfa/meddelande/"
EDIT_URL = "/mina-sidor/aktorer/foreningen-alfa/"
RESEND_URL = "/mina-sidor/aktorer/foreningen-alfa/bekrafta-epost/"
LINK = re.compile(r"https?://[^/\s]+(/aktorer/[\w-]+/bekrafta-epost/[^/\s]+/)")
NOT_WORKING = "Länken fungerar inte."


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def reps(rep_a, rep_b):
    verify_account(rep_a)
    verify_account(rep_b)
    return rep_a, rep_b


def _set_address(client, user, address: str, callbacks, **extra):
    """Change actor A's contact address the way a representative does: the edit form."""
    client.force_login(user)
    with callbacks(execute=True):
        response = client.post(EDIT_URL, actor_data(name="Föreningen Alfa", contact_email=address, **extra))
    assert response.status_code == 302, response.content.decode()[:500]
    return response


def _send(client, sender, callbacks, subject: str = "Hej", body: str = "Vill ni samarbeta?"):
    client.force_login(sender)
    with callbacks(execute=True):
        return client.post(MESSAGE_URL, {"subject": subject, "body": body})


def _links() -> list:
    return [m for m in mail.outbox if "bekrafta-epost" in m.body]


def _link_path(message) -> str:
    return LINK.search(message.body).group(1)


def test_relayed_mail_goes_to_the_representatives_until_the_link_is_confirmed(
    client, reps, actor_a, django_capture_on_commit_callbacks
) -> None:
    rep_a, rep_b = reps
    response = _set_address(client, rep_a, KANSLI, django_capture_on_commit_callbacks)
    follow = client.get(response["Location"]).content.decode()
    assert f"Vi har skickat en länk till {KANSLI}" in follow
    (link,) = _links()
    assert link.to == [KANSLI]
    assert "Föreningen Alfa" in link.body
    actor_a.refresh_from_db()
    assert not actor_a.contact_email_is_verified
    edit_page = client.get(EDIT_URL).content.decode()
    assert "inte bekräftad än" in edit_page and "Skicka länken igen" in edit_page

    # The writer is told, and the stranger's address gets nothing but the link.
    client.force_login(rep_b)
    assert "Meddelandet går till aktörens företrädare." in client.get(MESSAGE_URL).content.decode()
    assert "Meddelandet går till aktörens företrädare." in client.get("/aktorer/foreningen-alfa/").content.decode()
    mail.outbox.clear()
    assert _send(client, rep_b, django_capture_on_commit_callbacks).status_code == 302
    (held,) = mail.outbox
    assert held.to == [rep_a.email]
    assert "inte är bekräftad än" in held.body
    assert "Meddelandet går till dig som företrädare för Föreningen Alfa" in held.body
    assert "http://" in held.body and "/mina-sidor/aktorer/foreningen-alfa/" in held.body
    assert "Vill ni samarbeta?" in held.body

    # Opening the link proves nothing (mail filters open links); the button does.
    client.logout()
    page = client.get(_link_path(link))
    assert page.status_code == 200
    assert "Bekräfta" in page.content.decode()
    assert "no-store" in page["Cache-Control"]
    actor_a.refresh_from_db()
    assert not actor_a.contact_email_is_verified
    with django_capture_on_commit_callbacks(execute=True):
        confirmed = client.post(_link_path(link), follow=True)
    assert "Tack! Adressen är bekräftad." in confirmed.content.decode()
    actor_a.refresh_from_db()
    assert actor_a.contact_email_is_verified
    assert actor_a.contact_email_verified_address == KANSLI

    # From now on the contact address gets the message, and the representatives nothing.
    mail.outbox.clear()
    _send(client, rep_b, django_capture_on_commit_callbacks)
    (relayed,) = mail.outbox
    assert relayed.to == [KANSLI]
    assert "företrädare" not in relayed.body
    assert "Meddelandet går till aktörens företrädare." not in client.get(MESSAGE_URL).content.decode()
    assert ActorMessage.objects.count() == 2


def test_without_any_address_the_message_goes_to_verified_representatives_only(
    client, actor_a, rep_a, rep_b, resident, django_capture_on_commit_callbacks
) -> None:
    # rep_a's account has no verified address: left out.
    EmailAddress.objects.create(user=rep_a, email=rep_a.email, verified=False, primary=True)
    verify_account(rep_b)
    verify_account(resident)
    Representation.objects.create(user=rep_b, actor=actor_a)
    _send(client, resident, django_capture_on_commit_callbacks)
    assert [m.to for m in mail.outbox] == [[rep_b.email]]
    assert "inte har någon egen e-postadress för kontakt" in mail.outbox[0].body
    # Nobody with a verified address: nothing is sent and the writer is told.
    Representation.objects.filter(user=rep_b, actor=actor_a).delete()
    mail.outbox.clear()
    response = _send(client, resident, django_capture_on_commit_callbacks, body="Andra försöket")
    assert response.status_code == 200
    assert "Aktören kan inte ta emot meddelanden just nu." in response.content.decode()
    assert response.context["form"]["body"].value() == "Andra försöket"
    assert mail.outbox == []


def test_a_representatives_verified_account_address_is_proven_at_once(
    client, reps, actor_a, django_capture_on_commit_callbacks
) -> None:
    rep_a, rep_b = reps
    verify_account(rep_a, "Ordforande@Alfa.example.se", primary=False)
    response = _set_address(client, rep_a, "ordforande@alfa.example.se", django_capture_on_commit_callbacks)
    assert "är bekräftad, eftersom den är en företrädares" in client.get(response["Location"]).content.decode()
    assert _links() == []
    actor_a.refresh_from_db()
    assert actor_a.contact_email_is_verified
    mail.outbox.clear()
    _send(client, rep_b, django_capture_on_commit_callbacks)
    assert [m.to for m in mail.outbox] == [["ordforande@alfa.example.se"]]


def test_a_new_actor_with_its_creators_address_is_proven_and_with_another_gets_a_link(
    client, resident, networks, django_capture_on_commit_callbacks
) -> None:
    verify_account(resident)
    client.force_login(resident)
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/mina-sidor/aktorer/ny/", actor_data(name="Egen förening", contact_email=resident.email))
        client.post("/mina-sidor/aktorer/ny/", actor_data(name="Annan förening", contact_email="vem@example.se"))
    assert Actor.objects.get(name="Egen förening").contact_email_is_verified
    assert not Actor.objects.get(name="Annan förening").contact_email_is_verified
    assert [m.to for m in _links()] == [["vem@example.se"]]


def test_changing_the_address_resets_the_proof(client, reps, actor_a, django_capture_on_commit_callbacks) -> None:
    rep_a, rep_b = reps
    _set_address(client, rep_a, KANSLI, django_capture_on_commit_callbacks)
    first_link = _link_path(_links()[0])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(first_link)
    actor_a.refresh_from_db()
    assert actor_a.contact_email_is_verified
    # Only the case changes: the same mailbox stays proven, and no new link is sent.
    mail.outbox.clear()
    _set_address(client, rep_a, KANSLI.upper(), django_capture_on_commit_callbacks)
    actor_a.refresh_from_db()
    assert actor_a.contact_email_is_verified
    assert _links() == []
    # Another address (later: one link per actor per ten minutes): not proven, a link goes
    # to the new one, and the old link no longer works.
    ContactEmailLink.objects.update(sent_at=timezone.now() - timedelta(minutes=11))
    _set_address(client, rep_a, "ny@alfa.example.se", django_capture_on_commit_callbacks)
    actor_a.refresh_from_db()
    assert not actor_a.contact_email_is_verified
    assert actor_a.contact_email_verified_at is None
    assert [m.to for m in _links()] == [["ny@alfa.example.se"]]
    old = client.post(first_link)
    assert old.status_code == 400
    assert NOT_WORKING in old.content.decode()
    mail.outbox.clear()
    _send(client, rep_b, django_capture_on_commit_callbacks)
    assert [m.to for m in mail.outbox] == [[rep_a.email]]


def test_an_address_changed_outside_the_form_is_not_proven(
    client, reps, actor_a, django_capture_on_commit_callbacks
) -> None:
    """The admin, update() or a restore: the proof names the address it was for."""
    rep_a, rep_b = reps
    Actor.objects.filter(pk=actor_a.pk).update(
        contact_email=KANSLI, contact_email_verified_address=KANSLI, contact_email_verified_at=timezone.now()
    )
    Actor.objects.filter(pk=actor_a.pk).update(contact_email="annan@example.se")
    _send(client, rep_b, django_capture_on_commit_callbacks)
    assert [m.to for m in mail.outbox] == [[rep_a.email]]


def test_forged_expired_and_other_links_are_refused_in_swedish(client, actor_a, actor_b, resident) -> None:
    Actor.objects.filter(pk__in=[actor_a.pk, actor_b.pk]).update(contact_email=KANSLI)
    actor_a.refresh_from_db()
    actor_b.refresh_from_db()
    good = contact.contact_token(actor_a)
    base = "/aktorer/foreningen-alfa/bekrafta-epost/"
    with mock.patch("django.core.signing.time.time", return_value=timezone.now().timestamp() - 4 * 24 * 3600):
        expired = contact.contact_token(actor_a)
    forged = good[:-3] + ("aaa" if not good.endswith("aaa") else "bbb")
    other_address = signing.TimestampSigner(salt=f"{contact.SALT}:{actor_a.pk}:nagon@annan.example").sign(
        str(actor_a.pk)
    )
    cases = {
        forged: (400, NOT_WORKING),
        "x" * 300: (400, NOT_WORKING),
        contact.contact_token(actor_b): (400, NOT_WORKING),  # the same address, another actor's link
        other_address: (400, NOT_WORKING),
        expired: (410, "Länken har gått ut."),
    }
    client.force_login(resident)  # a login changes nothing: the link alone proves the address
    for token, (status, text) in cases.items():
        for method in (client.get, client.post):
            response = method(f"{base}{token}/")
            assert response.status_code == status, token
            assert text in response.content.decode(), token
    actor_a.refresh_from_db()
    assert not actor_a.contact_email_is_verified
    assert client.get("/aktorer/finns-inte/bekrafta-epost/x/").status_code == 404
    # A forged link gets no friendly answer once the address is proven either.
    assert client.post(f"{base}{good}/").status_code == 302
    assert client.get(f"{base}{forged}/").status_code == 400
    assert "är bekräftad som e-postadress" in client.get(f"{base}{good}/").content.decode()


def test_the_from_name_is_the_sites_whatever_the_writer_and_actor_are_called(
    client, reps, actor_a, settings, django_capture_on_commit_callbacks
) -> None:
    rep_a, rep_b = reps
    hostile = "Kontaktcenter Gävle kommun <kontaktcenter@gavle.se>"
    Actor.objects.filter(pk=actor_a.pk).update(name=hostile)
    rep_b.name = "Gävle kommun, Kontaktcenter"
    rep_b.save()
    # The account row's address is not a verified one: replies go to the verified one.
    EmailAddress.objects.filter(user=rep_b).delete()
    verify_account(rep_b, "beta.bekraftad@example.se")
    EmailAddress.objects.create(user=rep_b, email="obekraftad@example.se", verified=False, primary=False)
    type(rep_b).objects.filter(pk=rep_b.pk).update(email="obekraftad@example.se")
    _send(client, rep_b, django_capture_on_commit_callbacks, subject="Viktigt från kommunen")
    (sent,) = mail.outbox
    message = sent.message()
    # The header as a mail program reads it (the display name is encoded: it has å, ä, ö).
    assert parseaddr(str(make_header(decode_header(message["From"])))) == parseaddr(settings.DEFAULT_FROM_EMAIL)
    assert sent.from_email == settings.DEFAULT_FROM_EMAIL
    assert sent.reply_to == ["beta.bekraftad@example.se"]
    assert message["Bcc"] is None
    assert "Gävle kommun, Kontaktcenter (beta.bekraftad@example.se) har skickat ett meddelande" in sent.body
    assert "inte av Stadsdelsnätverken" in sent.body


def test_a_writer_without_a_verified_address_is_asked_to_verify_it(
    client, rep_a, resident, actor_a, django_capture_on_commit_callbacks
) -> None:
    verify_account(rep_a)
    response = _send(client, resident, django_capture_on_commit_callbacks, body="Min text")
    assert response.status_code == 200
    assert "Bekräfta din e-postadress först" in response.content.decode()
    assert response.context["form"]["body"].value() == "Min text"
    assert mail.outbox == [] and not ActorMessage.objects.exists()


def test_resending_the_link_is_rate_limited(
    client, reps, actor_a, actor_b, settings, django_capture_on_commit_callbacks
) -> None:
    rep_a, rep_b = reps
    _set_address(client, rep_a, KANSLI, django_capture_on_commit_callbacks)
    assert len(_links()) == 1
    # At once again: too soon for this actor.
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(RESEND_URL, follow=True)
    assert "Vänta en stund och försök igen" in response.content.decode()
    assert len(_links()) == 1
    # Later it goes.
    ContactEmailLink.objects.update(sent_at=timezone.now() - timedelta(minutes=11))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(RESEND_URL, follow=True)
    assert f"Vi har skickat en länk till {KANSLI}" in response.content.decode()
    assert len(_links()) == 2
    # The address itself gets at most three links a day, whichever actor asks.
    ContactEmailLink.objects.update(sent_at=timezone.now() - timedelta(minutes=11))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(RESEND_URL, follow=True)
    assert len(_links()) == 3
    client.force_login(rep_b)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/mina-sidor/aktorer/foreningen-beta/",
            actor_data(name="Föreningen Beta", contact_email=KANSLI),
            follow=True,
        )
    assert "Vi kunde inte skicka någon länk" in response.content.decode()
    assert Actor.objects.get(pk=actor_b.pk).contact_email == KANSLI  # saved all the same
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/mina-sidor/aktorer/foreningen-beta/bekrafta-epost/", follow=True)
    assert "Adressen har fått 3 länkar det senaste dygnet" in response.content.decode()
    assert len(_links()) == 3
    # And one person asks for at most MEMBERS_CONTACT_LINKS_PER_USER_PER_DAY.
    settings.MEMBERS_CONTACT_LINKS_PER_USER_PER_DAY = 1
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/mina-sidor/aktorer/foreningen-beta/", actor_data(name="Föreningen Beta", contact_email="b@example.se")
        )
        response = client.post(
            "/mina-sidor/aktorer/foreningen-beta/", actor_data(name="Föreningen Beta", contact_email="c@example.se")
        )
    assert [m.to for m in _links()][3:] == [["b@example.se"]]
    ContactEmailLink.objects.update(sent_at=timezone.now() - timedelta(minutes=11))
    response = client.post("/mina-sidor/aktorer/foreningen-beta/bekrafta-epost/", follow=True)
    assert "Du har begärt 1 länk det senaste dygnet" in response.content.decode()


def test_only_representatives_may_resend_and_only_by_post(client, reps, resident, actor_a) -> None:
    Actor.objects.filter(pk=actor_a.pk).update(contact_email=KANSLI)
    client.force_login(resident)
    assert client.post(RESEND_URL).status_code == 404
    client.force_login(reps[0])
    assert client.get(RESEND_URL).status_code == 405
    assert not ContactEmailLink.objects.exists()
    # Without an address there is nothing to send.
    Actor.objects.filter(pk=actor_a.pk).update(contact_email="")
    response = client.post(RESEND_URL, follow=True)
    assert "Aktören har ingen e-postadress för kontakt." in response.content.decode()


def test_the_link_mail_reads_like_a_letter_in_the_owners_language(
    client, reps, resident, actor_a, django_capture_on_commit_callbacks
) -> None:
    rep_a, _rep_b = reps
    type(resident).objects.filter(pk=resident.pk).update(language="en")
    _set_address(client, rep_a, resident.email, django_capture_on_commit_callbacks)
    (link,) = _links()
    # Greeted by name in the owner's language (the greeting is translated; the rest once main has it).
    assert link.body.startswith("Hello Boende!\n")
    assert "/en/aktorer/foreningen-alfa/bekrafta-epost/" in link.body
    assert link.reply_to == []


def test_admin_shows_whether_the_address_is_proven(client, superuser, actor_a) -> None:
    Actor.objects.filter(pk=actor_a.pk).update(contact_email=KANSLI)
    client.force_login(superuser)
    changelist = client.get(reverse("admin:members_actor_changelist")).content.decode()
    assert "E-post bekräftad" in changelist or "e-post bekräftad" in changelist
    assert 'alt="False"' in changelist
    Actor.objects.filter(pk=actor_a.pk).update(
        contact_email_verified_address=KANSLI, contact_email_verified_at=timezone.now()
    )
    changelist = client.get(reverse("admin:members_actor_changelist")).content.decode()
    assert 'alt="True"' in changelist
    change = client.get(reverse("admin:members_actor_change", args=[actor_a.pk])).content.decode()
    assert KANSLI in change and 'name="contact_email_verified_at"' not in change


def test_deleting_the_last_representative_forgets_the_proof(client, reps, actor_a) -> None:
    rep_a, _rep_b = reps
    Actor.objects.filter(pk=actor_a.pk).update(
        contact_email=KANSLI, contact_email_verified_address=KANSLI, contact_email_verified_at=timezone.now()
    )
    from members.services import user_delete

    user_delete(user=rep_a)
    actor_a.refresh_from_db()
    assert (actor_a.contact_email, actor_a.contact_email_verified_address, actor_a.contact_email_verified_at) == (
        "",
        "",
        None,
    )


@pytest.mark.django_db(transaction=True)
def test_migration_proves_only_addresses_of_the_actors_own_representatives() -> None:
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    before = [("members", "0005_user_language")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    old = executor.loader.project_state([*before, ("account", "0009_emailaddress_unique_primary_email")]).apps
    User = old.get_model("members", "User")
    OldActor = old.get_model("members", "Actor")
    Rep = old.get_model("members", "Representation")
    Address = old.get_model("account", "EmailAddress")
    anna = User.objects.create(email="anna@example.se")
    Address.objects.create(user=anna, email="anna@example.se", verified=True, primary=True)
    Address.objects.create(user=anna, email="obekraftad@example.se", verified=False, primary=False)
    own = OldActor.objects.create(name="Egen", slug="egen", kind="forening", contact_email="ANNA@example.se")
    unverified = OldActor.objects.create(
        name="Overifierad", slug="overifierad", kind="forening", contact_email="obekraftad@example.se"
    )
    stranger = OldActor.objects.create(name="Främling", slug="framling", kind="forening", contact_email="x@example.se")
    # Anna's address, but Anna does not represent this one.
    OldActor.objects.create(name="Annan", slug="annan", kind="forening", contact_email="anna@example.se")
    empty = OldActor.objects.create(name="Tom", slug="tom", kind="forening")
    for actor in (own, unverified, stranger, empty):
        Rep.objects.create(user=anna, actor=actor)
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
    proven = {a.slug: a.contact_email_is_verified for a in Actor.objects.all()}
    assert proven == {"egen": True, "overifierad": False, "framling": False, "annan": False, "tom": False}
