"""Bank details only where needed (issue 19, item 5): who sees the payee's account, pages
that keep no copy in the browser, and attachments named for their checked type."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from grants.access import may_see_payment_details
from grants.admin_decisions import DECISION_MOVES
from grants.models import Application, Attachment
from members.models import Representation
from tests.grants.conftest import make_application
from tests.grants.test_views import PDF, _contact, png_bytes, url

S = Application.Status
GIRO = "5050-1055"  # make_application's bankgiro
MY_DATA = "/mina-sidor/mina-uppgifter/"
MY_DATA_EXPORT = "/mina-sidor/mina-uppgifter/export/"


def _no_store(response) -> None:
    parts = {part.strip() for part in response["Cache-Control"].split(",")}
    assert {"private", "no-store"} <= parts, response["Cache-Control"]


# ---- The one rule: grants.access.may_see_payment_details ----


@pytest.mark.django_db
def test_who_may_see_payment_details(application, rep_a, rep_b, rep_c, steering, resident, coord_andersberg):
    assert may_see_payment_details(rep_a, application)
    assert may_see_payment_details(steering, application)
    for outsider in (rep_c, rep_b, resident, coord_andersberg, AnonymousUser()):
        assert not may_see_payment_details(outsider, application)
    # A former representative of the lead: the account is the actor's, no longer theirs to see.
    Representation.objects.filter(user=rep_a).delete()
    assert not may_see_payment_details(rep_a, application)


@pytest.mark.django_db
def test_steering_sees_no_draft_payment_details_nor_any_without_two_factor(settings, pot, actor_a, rep_a, steering):
    draft = make_application(pot=pot, lead=actor_a, status=S.DRAFT)
    submitted = make_application(pot=pot, lead=actor_a, status=S.SUBMITTED)
    assert not may_see_payment_details(steering, draft)
    assert may_see_payment_details(steering, submitted)
    settings.REQUIRE_STAFF_MFA = True
    assert not may_see_payment_details(steering, submitted)


# ---- Pages ----


@pytest.mark.django_db
@pytest.mark.parametrize(("role", "sees"), [("rep_a", True), ("rep_c", False), ("steering", True)])
@pytest.mark.parametrize("page", ["detail", "receipt"])
def test_payment_details_on_the_application_pages(request, client, application, role, sees, page):
    client.force_login(request.getfixturevalue(role))
    response = client.get(url(page, pk=application.pk))
    assert response.status_code == 200
    assert (GIRO in response.content.decode()) is sees
    assert ("Betalas till" in response.content.decode()) is sees
    _no_store(response)


@pytest.mark.django_db
def test_co_applicant_confirm_page_has_no_payment_details(client, pot, actor_a, rep_a, actor_c, rep_c):
    app = make_application(pot=pot, lead=actor_a, co=[actor_c], status=S.SUBMITTED, confirmed=False)
    client.force_login(rep_c)
    response = client.get(url("confirm", pk=app.pk))
    assert response.status_code == 200
    assert GIRO not in response.content.decode()


@pytest.mark.django_db
def test_lead_sees_payment_details_on_step_five_and_the_review_and_neither_is_stored(client, pot, actor_a, rep_a):
    app = make_application(pot=pot, lead=actor_a, status=S.DRAFT)
    client.force_login(rep_a)
    for target in (url("step", pk=app.pk, step=5), url("review", pk=app.pk)):
        response = client.get(target)
        assert response.status_code == 200
        assert "5050" in response.content.decode()
        _no_store(response)
    # Every step shares the view: the others are not stored either.
    _no_store(client.get(url("step", pk=app.pk, step=2)))


@pytest.mark.django_db
def test_former_representative_gets_404_and_no_payment_details(client, application, rep_a):
    Representation.objects.filter(user=rep_a).delete()
    client.force_login(rep_a)
    for page in ("detail", "receipt"):
        assert client.get(url(page, pk=application.pk)).status_code == 404


@pytest.mark.django_db
def test_admin_pages_with_payment_details_are_not_stored(client, pot, actor_a, rep_a, steering):
    app = make_application(pot=pot, lead=actor_a, status=S.APPROVED)
    pay = next(move.slug for move in DECISION_MOVES if move.to_status == S.PAID)
    client.force_login(steering)
    change = client.get(reverse("admin:grants_application_change", args=[app.pk]))
    assert GIRO in change.content.decode()
    for response in (
        change,
        client.get(reverse("admin:grants_application_changelist")),
        client.get(reverse("admin:grants_application_decision", args=[app.pk, pay])),
    ):
        assert response.status_code == 200
        _no_store(response)


# ---- Attachments named for their checked type ----


@pytest.mark.django_db
def test_html_named_pdf_is_stored_and_served_as_pdf(client, pot, actor_a, rep_a, actor_c, rep_c):
    app = make_application(pot=pot, lead=actor_a, co=[actor_c], status=S.DRAFT)
    client.force_login(rep_a)
    upload = SimpleUploadedFile("offert.html", PDF, content_type="text/html")
    response = client.post(url("step", pk=app.pk, step=4), {**_contact(action="upload"), "attachment": upload})
    assert response.status_code == 302
    item = Attachment.objects.get()
    assert item.file.name.endswith(".pdf")
    assert "offert" not in item.file.name  # the name given is text, never a path
    assert item.original_name == "offert.html"

    for user in (rep_a, rep_c):
        client.force_login(user)
        download = client.get(item.get_absolute_url())
        assert download.status_code == 200
        assert b"".join(download.streaming_content) == PDF
        assert download["Content-Type"] == "application/pdf"
        assert download["Content-Disposition"] == 'attachment; filename="offert.pdf"'
        assert download["X-Content-Type-Options"] == "nosniff"
        _no_store(download)

    # The pages link the name it is served with and show the name it was given beside it.
    client.force_login(rep_a)
    for target in (url("step", pk=app.pk, step=4), url("detail", pk=app.pk)):
        html = client.get(target).content.decode()
        assert ">offert.pdf</a>" in html
        assert "uppladdad som ”offert.html”" in html


@pytest.mark.django_db
def test_image_keeps_a_right_name_and_gets_its_type_otherwise(client, pot, actor_a, rep_a):
    app = make_application(pot=pot, lead=actor_a, status=S.DRAFT)
    client.force_login(rep_a)
    for name in ("karta.gif", "Karta.PNG"):
        upload = SimpleUploadedFile(name, png_bytes())
        client.post(url("step", pk=app.pk, step=4), {**_contact(action="upload"), "attachment": upload})
    gif, png = Attachment.objects.order_by("pk")
    assert gif.file.name.endswith(".png") and png.file.name.endswith(".png")
    assert client.get(gif.get_absolute_url())["Content-Disposition"] == 'attachment; filename="karta.png"'
    assert client.get(png.get_absolute_url())["Content-Disposition"] == 'attachment; filename="Karta.PNG"'
    assert client.get(gif.get_absolute_url())["Content-Type"] == "image/png"


@pytest.mark.django_db
def test_an_attachment_stored_before_keeps_working_under_its_checked_type(client, pot, actor_a, rep_a):
    """An old row whose stored file has the given name's extension: nothing is renamed in the store."""
    app = make_application(pot=pot, lead=actor_a, status=S.SUBMITTED)
    old = Attachment.objects.create(
        application=app,
        file=ContentFile(PDF, name="gammal.html"),
        original_name="offert.html",
        content_type="application/pdf",
        size=len(PDF),
        uploaded_by=rep_a,
    )
    stored = old.file.name
    client.force_login(rep_a)
    download = client.get(old.get_absolute_url())
    assert b"".join(download.streaming_content) == PDF
    assert download["Content-Disposition"] == 'attachment; filename="offert.pdf"'
    assert download["Content-Type"] == "application/pdf"
    old.refresh_from_db()
    assert old.file.name == stored


@pytest.mark.parametrize(
    ("given", "content_type", "served"),
    [
        ("offert.html", "application/pdf", "offert.pdf"),
        ("offert", "application/pdf", "offert.pdf"),
        ("Offert.PDF", "application/pdf", "Offert.PDF"),
        ("kvitto.jpeg", "image/jpeg", "kvitto.jpeg"),
        ("kvitto.png", "image/jpeg", "kvitto.jpg"),
        ("års.möte.svg", "image/png", "års.möte.png"),
        (".pdf", "application/pdf", "bilaga.pdf"),
        ("...", "image/png", "bilaga.png"),
    ],
)
def test_download_name(given, content_type, served):
    from grants.files import download_name

    assert download_name(given, content_type) == served
