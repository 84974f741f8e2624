"""A visitor without an account writes to an actor, types the code from the mail, and the actor gets the message."""

from __future__ import annotations

import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail

from members.models import ActorMessage


@pytest.mark.django_db(transaction=True)
def test_visitor_without_account_messages_an_actor(page, rep_a) -> None:
    EmailAddress.objects.create(user=rep_a, email=rep_a.email, verified=True, primary=True)
    pw = page.page
    pw.set_default_timeout(10_000)

    page.goto("/aktorer/foreningen-alfa/")
    assert pw.get_by_role("link", name="Har du ett konto? Logga in").count() == 1
    pw.get_by_role("link", name="Skicka ett meddelande").click()
    pw.wait_for_load_state()
    page.check()

    # First with an address that is not one: refused, everything typed kept.
    pw.fill("#id_name", "Sara Berg")
    pw.fill("#id_email", "sara.berg@example")
    pw.locator("#id_email").evaluate("el => el.setAttribute('type', 'text')")  # Let the server judge it.
    pw.fill("#id_subject", "Loppisen")
    pw.fill("#id_body", "Vill ni ha hjälp med loppisen i maj?")
    pw.get_by_role("button", name="Skicka koden").click()
    pw.wait_for_load_state()
    page.check()
    assert pw.title().startswith("Fel:")
    assert pw.locator("#id_body").input_value() == "Vill ni ha hjälp med loppisen i maj?"
    assert not mail.outbox

    pw.fill("#id_email", "sara.berg@example.se")
    pw.get_by_role("button", name="Skicka koden").click()
    pw.wait_for_load_state()
    page.check()
    assert pw.locator("h1").inner_text() == "Skriv koden"
    code_mail = mail.outbox[-1]  # Sent by the server right after its commit.
    assert code_mail.to == ["sara.berg@example.se"]
    code = re.search(r"^(\d{6})$", code_mail.body, re.M).group(1)
    assert not ActorMessage.objects.exists()

    # A wrong code is refused and kept; then the right one.
    wrong = "000000" if code != "000000" else "111111"
    pw.fill("#id_code", wrong)
    pw.get_by_role("button", name="Skicka meddelandet").click()
    pw.wait_for_load_state()
    page.check()
    assert pw.title().startswith("Fel:")
    assert "Koden stämmer inte" in pw.locator(".error-summary").inner_text()
    assert pw.locator("#id_code").input_value() == wrong
    pw.fill("#id_code", code)
    pw.locator("#id_code").press("Enter")  # Enter does the main action, not "Skicka en ny kod".
    pw.wait_for_load_state()
    page.check()
    assert pw.url.endswith("/aktorer/foreningen-alfa/")
    assert "Ditt meddelande har skickats till Föreningen Alfa." in pw.content()

    relayed = mail.outbox[-1]
    assert relayed.to == [rep_a.email]
    assert relayed.reply_to == ["sara.berg@example.se"]
    assert "Vill ni ha hjälp med loppisen i maj?" in relayed.body
    assert len(mail.outbox) == 2
    assert ActorMessage.objects.get().sender is None
    assert rep_a.email not in pw.content()
