"""Issue 22: the applicant journey at 320 px typed the ways people type, wrong formats
included, ends in a receipt without one of Django's default messages on the way.

Enter in the activity's name saves the step (it ran the co-applicant search); a start
date in 1990 gets the real rule; "12,5" and "31/12/2027" come back as typed; the upload
receipt names "offert.pdf"; with a bank account chosen only its numbers show, and the
clearing number "8327-9" is taken as written."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from grants.models import Application
from tests.browser.test_applicant_journey import Journey
from tests.test_form_messages import _compiled, _english_messages, _translations, defaults_in

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
WIDTH = 320


@pytest.fixture(scope="module")
def djangos_words():
    english = _english_messages()
    return _compiled(english | _translations(english))


class Typing(Journey):
    """The journey, and on every page: no error message in Django's or allauth's words."""

    def __init__(self, page, djangos_words) -> None:
        super().__init__(page, WIDTH, who="wrong-formats")
        self.djangos_words = djangos_words
        self.messages_seen: list[str] = []

    def settle(self) -> None:
        super().settle()
        messages = self.raw.locator(".field__error, .error-summary li, .messages li").all_inner_texts()
        self.messages_seen += messages
        found = [(message, text) for message in messages for text in defaults_in(message.strip(), self.djangos_words)]
        assert not found, f"{self.raw.url}: Django's words: {found}"

    def errors_of(self, field_id: str) -> str:
        return self.raw.inner_text(f"#{field_id}_error")


@pytest.mark.django_db(transaction=True)
def test_wrong_formats_at_320_px_end_in_a_receipt(page, settings, tmp_path, pot, networks, rep_a, djangos_words):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    page.page.set_viewport_size({"width": WIDTH, "height": 640})
    j = Typing(page, djangos_words)
    raw = j.raw
    page.login(rep_a)

    # Step 1: Enter in the activity's name saves the step; it does not run the search.
    j.goto("/bidrag/ansok/")
    raw.check(f'input[name="networks"][value="{networks["andersberg"].pk}"]')
    raw.fill("#id_title", "Läxhjälp och fika")
    with raw.expect_navigation():
        raw.press("#id_title", "Enter")
    j.settle()
    app = Application.objects.get()
    assert app.title == "Läxhjälp och fika"
    assert "Steg 2 av 6" in raw.inner_text("main")

    # Step 2: a start in 1990, a decimal comma, a date written day first with slashes.
    raw.fill("#id_description", "Läxhjälp på tisdagar.")
    raw.fill("#id_purpose", "Att barn klarar skolan.")
    raw.fill("#id_target_group", "Barn 7–12 år")
    raw.fill("#id_starts_on", "1990-01-01")
    raw.fill("#id_ends_on", "31/12/2027")
    raw.fill("#id_place", "Biblioteket")
    raw.fill("#id_expected_participants", "12,5")
    j.click('button.button[value="next"]:visible')
    assert "Aktiviteten har redan börjat" in j.errors_of("id_starts_on")
    assert "heltal" in j.errors_of("id_expected_participants")
    assert raw.input_value("#id_expected_participants") == "12,5"
    assert raw.input_value("#id_ends_on") == "31/12/2027"
    start = timezone.localdate() + datetime.timedelta(days=30)
    raw.fill("#id_starts_on", f"{start.day}/{start.month} {start.year}")
    raw.fill("#id_expected_participants", "12")
    j.click('button.button[value="next"]:visible')
    app.refresh_from_db()
    assert app.starts_on == start and app.ends_on == datetime.date(2027, 12, 31) and app.expected_participants == 12

    # Step 3: amounts with öre are refused and kept; "12 500 kr" is read as written.
    raw.fill("#id_rad-0-what", "Fika")
    raw.fill("#id_rad-0-amount", "12,5")
    raw.fill("#id_amount_requested", "4 500 kr")
    raw.press("#id_amount_requested", "Enter")  # Enter: the main action, not "Lägg till rad".
    raw.wait_for_load_state()
    j.settle()
    assert raw.locator("[data-budget-line]").count() == 1
    assert raw.input_value("#id_rad-0-amount") == "12,5"
    assert "hela kronor" in j.errors_of("id_rad-0-amount")
    raw.fill("#id_rad-0-amount", "4 500")
    j.click('button.button[value="next"]:visible')
    app.refresh_from_db()
    assert app.amount_requested == 4500

    # Step 4: the receipt of the upload names the file as it was called.
    raw.set_input_files("#id_attachment", files=[{"name": "offert.pdf", "mimeType": "application/pdf", "buffer": PDF}])
    j.click('button[value="upload"]')
    assert "Filen ”offert.pdf” är bifogad." in raw.inner_text("main")
    j.click('button.button[value="next"]:visible')

    # Step 5: only the chosen method's numbers show, and the clearing number is taken as written.
    assert not raw.is_visible("#id_giro_number") and not raw.is_visible("#id_clearing_number")
    raw.check('input[name="payment_method"][value="bankgiro"]')
    assert raw.is_visible("#id_giro_number") and not raw.is_visible("#id_clearing_number")
    raw.check('input[name="payment_method"][value="bankkonto"]')
    assert not raw.is_visible("#id_giro_number") and raw.is_visible("#id_clearing_number")
    raw.fill("#id_clearing_number", "8327-9")
    raw.fill("#id_account_number", "123 456 789")
    j.click('button.button[value="next"]:visible')
    assert "Kontonumret stämmer inte" in j.errors_of("id_account_number")
    assert raw.input_value("#id_clearing_number") == "8327-9"
    assert raw.is_visible("#id_clearing_number")  # Still the chosen method's numbers after the refusal.
    raw.fill("#id_account_number", "123 456 789-7")
    j.click('button.button[value="next"]:visible')

    # Review and submit: the receipt.
    assert "Steg 6 av 6" in raw.inner_text("main")
    assert "8327-9" in raw.inner_text("main")
    j.click("form[data-submit-once] button")
    app.refresh_from_db()
    assert app.status == Application.Status.SUBMITTED
    assert app.reference in raw.inner_text("main")
    # The journey met refusals on the way, each in our words.
    assert len(j.messages_seen) >= 4
