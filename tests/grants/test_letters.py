"""Decision letters: one tagged PDF/A per decision, stored unchanged, mailed, and downloaded by the parties."""

from __future__ import annotations

import base64
import hashlib
import io
import re

import pytest
from django.core import mail
from django.db import transaction
from django.urls import reverse
from pypdf import PdfReader
from weasyprint import HTML
from weasyprint.urls import FatalURLFetchingError

from core.mail import outbox_send
from core.models import Outbox
from grants.letters import LetterChangeRefused, _no_fetching, letter_render
from grants.models import Application, ApplicationEvent, DecisionLetter, LetterWording
from grants.workflow import application_transition
from tests.grants.conftest import make_application

S = Application.Status
ASKED = 5_200

# to_status, amount granted, the reason, what the letter says was decided.
CASES = {
    "approval": (S.APPROVED, None, "Aktiviteten samlar hela området.", "beviljar ansökan med 5 200 kr."),
    "partial": (
        S.APPROVED,
        4_000,
        "Hyran av tältet ryms inte i potten.",
        "beviljar ansökan delvis: 4 000 kr av sökta 5 200 kr.",
    ),
    "rejection": (S.REJECTED, None, "Aktiviteten ligger utanför stadsdelen.", "avslår ansökan."),
    "completion": (S.NEEDS_COMPLETION, None, "Bifoga offerten för tältet.", "begär att den kompletteras."),
}


def _text(pdf: bytes) -> str:
    """The letter's text with every run of whitespace (line breaks, no-break spaces) as one space."""
    return " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages).split())


def _decide(app: Application, user, case: str, capture) -> DecisionLetter:
    to_status, amount, reason, _said = CASES[case]
    with capture(execute=True):
        application_transition(application=app, to_status=to_status, actor_user=user, note=reason, amount=amount)
    return DecisionLetter.objects.select_related("decision").get(decision__application=app)


@pytest.fixture
def in_review(pot, actor_a, rep_a, actor_c, rep_c) -> Application:
    return make_application(pot=pot, lead=actor_a, co=[actor_c], status=S.IN_REVIEW, requested=ASKED)


@pytest.mark.django_db
@pytest.mark.parametrize("case", CASES)
def test_every_decision_makes_a_tagged_pdf_a_letter(in_review, steering, case, django_capture_on_commit_callbacks):
    letter = _decide(in_review, steering, case, django_capture_on_commit_callbacks)
    pdf = letter.file.read()
    text = _text(pdf)
    to_status, _amount, reason, said = CASES[case]

    assert in_review.reference in text
    assert reason in text
    assert said in text
    assert "Sökt belopp 5 200 kr" in text
    assert "Föreningen Alfa" in text and "Medsökande: Föreningen Gamma" in text
    assert "Styrgrupp har fattat beslutet för Stadsdelsnätverkens styrgrupp i Gävle." in text
    assert LetterWording.current().questions in text
    # Reconsideration concerns a decision on the application, not a request for more papers.
    assert (LetterWording.current().reconsideration in text) == (to_status != S.NEEDS_COMPLETION)

    reader = PdfReader(io.BytesIO(pdf))
    root = reader.trailer["/Root"]
    xmp = root["/Metadata"].get_object().get_data().decode()
    assert 'pdfaid:part="2"' in xmp and 'pdfaid:conformance="B"' in xmp
    assert bool(root["/MarkInfo"]["/Marked"]) is True
    assert "/StructTreeRoot" in root
    assert root["/Lang"] == "sv"
    assert reader.metadata.title == f"Beslut om bidrag, {in_review.reference}"
    assert letter.size == len(pdf)
    assert letter.file.name.startswith(f"grants/letters/{letter.created_at:%Y}/beslutsbrev-{in_review.reference}-")


@pytest.mark.django_db
@pytest.mark.parametrize("case", CASES)
def test_the_history_holds_the_letters_sha256(in_review, steering, case, django_capture_on_commit_callbacks):
    letter = _decide(in_review, steering, case, django_capture_on_commit_callbacks)
    event = ApplicationEvent.objects.get(application=in_review, kind=ApplicationEvent.Kind.LETTER)
    digest = hashlib.sha256(letter.file.read()).hexdigest()
    assert letter.sha256 == digest
    assert event.note.endswith(f"SHA-256: {digest}")
    assert event.actor_user == steering
    # Nothing moved: the row stands after the decision's own, at the new status.
    assert event.from_status == event.to_status == CASES[case][0]
    assert list(in_review.events.values_list("kind", flat=True))[-2:] == ["transition", "letter"]


@pytest.mark.django_db
@pytest.mark.parametrize("case", CASES)
def test_the_decision_mail_carries_the_letter(
    in_review, steering, rep_a, rep_c, case, django_capture_on_commit_callbacks
):
    letter = _decide(in_review, steering, case, django_capture_on_commit_callbacks)
    pdf = letter.file.read()
    filename = f"beslutsbrev-{in_review.reference}.pdf"
    rows = Outbox.objects.filter(kind="grants.status")
    assert sorted(rows.values_list("to", flat=True)) == sorted([rep_a.email, rep_c.email])
    for row in rows:
        assert [(a["filename"], a["mimetype"]) for a in row.attachments] == [(filename, "application/pdf")]
        assert base64.b64decode(row.attachments[0]["content"]) == pdf
    # Sent after the commit through the locmem backend: the PDF is a real attachment.
    assert sorted(m.to[0] for m in mail.outbox) == sorted([rep_a.email, rep_c.email])
    for message in mail.outbox:
        assert [tuple(a) for a in message.attachments] == [(filename, pdf, "application/pdf")]
        assert "Beslutsbrevet är bifogat som PDF." in message.body
        assert message.message().get_payload()[1].get_content_type() == "application/pdf"


@pytest.mark.django_db
def test_a_mail_left_for_send_outbox_still_carries_the_letter(in_review, steering):
    # No commit in this test, so no send after it: the rows wait for send_outbox.
    application_transition(application=in_review, to_status=S.REJECTED, actor_user=steering, note="Utanför.")
    assert mail.outbox == []
    assert outbox_send().sent == 2
    pdf = DecisionLetter.objects.get().file.read()
    assert {m.attachments[0].content for m in mail.outbox} == {pdf}


@pytest.mark.django_db
def test_other_moves_send_no_letter(pot, actor_a, rep_a, steering, django_capture_on_commit_callbacks):
    app = make_application(pot=pot, lead=actor_a, status=S.SUBMITTED)
    with django_capture_on_commit_callbacks(execute=True):
        application_transition(application=app, to_status=S.IN_REVIEW, actor_user=steering)
    assert not DecisionLetter.objects.exists()
    assert mail.outbox[0].attachments == []
    assert "Beslutsbrevet" not in mail.outbox[0].body


@pytest.mark.django_db
def test_rendering_again_gives_the_same_bytes(in_review, steering, django_capture_on_commit_callbacks):
    letter = _decide(in_review, steering, "partial", django_capture_on_commit_callbacks)
    assert letter_render(decision=letter.decision) == letter_render(decision=letter.decision) == letter.file.read()


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["rep_a", "rep_c", "steering"])
def test_the_parties_and_the_steering_group_download_the_same_bytes_twice(
    client, request, in_review, steering, who, django_capture_on_commit_callbacks
):
    letter = _decide(in_review, steering, "partial", django_capture_on_commit_callbacks)
    client.force_login(request.getfixturevalue(who))
    downloads = []
    for _ in range(2):
        response = client.get(letter.get_absolute_url())
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"] == f'attachment; filename="beslutsbrev-{in_review.reference}.pdf"'
        assert response["Cache-Control"] == "private, no-store"
        assert response["X-Content-Type-Options"] == "nosniff"
        downloads.append(b"".join(response.streaming_content))
    assert downloads[0] == downloads[1] == letter.file.read()
    assert hashlib.sha256(downloads[0]).hexdigest() in in_review.events.get(kind="letter").note


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["resident", "rep_b", "coord_andersberg"])
def test_everyone_else_gets_404(client, request, in_review, steering, who, django_capture_on_commit_callbacks):
    letter = _decide(in_review, steering, "rejection", django_capture_on_commit_callbacks)
    client.force_login(request.getfixturevalue(who))
    assert client.get(letter.get_absolute_url()).status_code == 404


@pytest.mark.django_db
def test_a_letter_is_found_only_under_its_own_application(
    client, pot, actor_a, in_review, steering, rep_a, django_capture_on_commit_callbacks
):
    letter = _decide(in_review, steering, "rejection", django_capture_on_commit_callbacks)
    other = make_application(pot=pot, lead=actor_a, status=S.SUBMITTED)
    client.force_login(rep_a)
    url = reverse("grants:letter", kwargs={"pk": other.pk, "letter_pk": letter.pk})
    assert client.get(url).status_code == 404
    assert client.get(letter.get_absolute_url()).status_code == 200
    client.logout()
    assert client.get(letter.get_absolute_url()).status_code == 302


@pytest.mark.django_db
def test_the_application_page_links_the_letter(client, in_review, steering, rep_a, django_capture_on_commit_callbacks):
    letter = _decide(in_review, steering, "completion", django_capture_on_commit_callbacks)
    client.force_login(rep_a)
    body = client.get(in_review.get_absolute_url()).content.decode()
    size = round(letter.size / 1000)
    assert f'<a href="{letter.get_absolute_url()}">Ladda ner beslutsbrevet (PDF, {size}\xa0kB)</a>' in body
    # The history shows the letter's checksum, so that a party can check the copy they hold.
    assert f"SHA-256: {letter.sha256}</li>" in body


@pytest.mark.django_db
def test_the_admin_application_page_links_the_letter(client, in_review, steering, django_capture_on_commit_callbacks):
    letter = _decide(in_review, steering, "approval", django_capture_on_commit_callbacks)
    client.force_login(steering)
    body = client.get(reverse("admin:grants_application_change", args=[in_review.pk])).content.decode()
    assert f'href="{letter.get_absolute_url()}"' in body
    listing = client.get(reverse("admin:grants_decisionletter_changelist")).content.decode()
    assert letter.sha256 in listing


@pytest.mark.django_db
def test_a_letter_is_never_changed_or_deleted(client, in_review, steering, django_capture_on_commit_callbacks):
    letter = _decide(in_review, steering, "rejection", django_capture_on_commit_callbacks)
    letter.sha256 = "0" * 64
    # Each refusal in a savepoint of its own: the refused save spoils the transaction it is in.
    with pytest.raises(LetterChangeRefused), transaction.atomic():
        letter.save()
    with pytest.raises(LetterChangeRefused), transaction.atomic():
        letter.delete()
    with pytest.raises(LetterChangeRefused), transaction.atomic():
        DecisionLetter.objects.filter(pk=letter.pk).first().delete()
    client.force_login(steering)
    change = reverse("admin:grants_decisionletter_change", args=[letter.pk])
    delete = reverse("admin:grants_decisionletter_delete", args=[letter.pk])
    assert client.post(change, {"sha256": "0" * 64}).status_code == 403
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert DecisionLetter.objects.get().sha256 == hashlib.sha256(letter.file.read()).hexdigest()


@pytest.mark.django_db
def test_the_wording_changed_in_the_admin_goes_into_the_next_letter_only(
    client, pot, actor_b, rep_b, in_review, steering, django_capture_on_commit_callbacks
):
    first = _decide(in_review, steering, "rejection", django_capture_on_commit_callbacks)
    first_bytes = first.file.read()
    client.force_login(steering)
    wording = LetterWording.current()
    url = reverse("admin:grants_letterwording_change", args=[wording.pk])
    response = client.post(
        url,
        {
            "authority": "Styrgruppen för stadsdelsnätverken",
            "questions": "Ring Kim på 026-00 00 00 om du undrar något.",
            "reconsideration": "Skriv till styrgruppen inom tre veckor.",
            "closing": "Hälsningar",
        },
    )
    assert response.status_code == 302
    second_app = make_application(pot=pot, lead=actor_b, status=S.IN_REVIEW, requested=ASKED)
    second = _decide(second_app, steering, "approval", django_capture_on_commit_callbacks)
    text = _text(second.file.read())
    assert "Ring Kim på 026-00 00 00 om du undrar något." in text
    assert "Styrgruppen för stadsdelsnätverken beviljar ansökan" in text
    # The first letter is the one that was sent, byte for byte.
    first.refresh_from_db()
    assert first.file.read() == first_bytes
    assert first.sha256 == hashlib.sha256(first_bytes).hexdigest()
    assert "Ring Kim" not in _text(first_bytes)


@pytest.mark.django_db
def test_the_wording_is_one_row_nobody_adds_to_or_deletes(client, steering, coord_andersberg):
    wording = LetterWording.current()
    client.force_login(steering)
    assert client.get(reverse("admin:grants_letterwording_changelist")).status_code == 200
    assert client.get(reverse("admin:grants_letterwording_change", args=[wording.pk])).status_code == 200
    assert client.get(reverse("admin:grants_letterwording_add")).status_code == 403
    assert (
        client.post(reverse("admin:grants_letterwording_delete", args=[wording.pk]), {"post": "yes"}).status_code == 403
    )
    client.force_login(coord_andersberg)
    assert client.get(reverse("admin:grants_letterwording_change", args=[wording.pk])).status_code == 403


@pytest.mark.parametrize("url", ["http://example.se/logo.png", "https://example.se/a.css", "file:///etc/hostname"])
def test_rendering_fetches_nothing(url):
    html = f'<html lang="sv"><body><img src="{url}" alt=""></body></html>'
    with pytest.raises(FatalURLFetchingError):
        HTML(string=html, url_fetcher=_no_fetching()).write_pdf()


def test_the_template_names_no_outside_resource():
    from pathlib import Path

    from django.conf import settings

    source = (Path(settings.BASE_DIR) / "templates/grants/letter/decision.html").read_text()
    assert not re.search(r"(src|href)=|url\(|@import", source)


@pytest.mark.django_db
def test_each_decision_keeps_its_own_letter(client, in_review, steering, rep_a, django_capture_on_commit_callbacks):
    completion = _decide(in_review, steering, "completion", django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        application_transition(application=in_review, to_status=S.SUBMITTED, actor_user=rep_a)
        application_transition(application=in_review, to_status=S.IN_REVIEW, actor_user=steering)
        application_transition(
            application=in_review, to_status=S.APPROVED, actor_user=steering, amount=4_000, note="Ok."
        )
    approval = DecisionLetter.objects.exclude(pk=completion.pk).get()
    assert approval.sha256 != completion.sha256
    assert in_review.events.filter(kind="letter").count() == 2
    client.force_login(rep_a)
    body = client.get(in_review.get_absolute_url()).content.decode()
    # The latest decision's letter first, the request for completion under "Tidigare beslutsbrev".
    assert body.index(approval.get_absolute_url()) < body.index("Tidigare beslutsbrev")
    assert body.index("Tidigare beslutsbrev") < body.index(completion.get_absolute_url())
    assert "Komplettering begärd" in body
