"""The applicant's pages: happy path, bad input, access per role."""

from __future__ import annotations

import datetime
import io
import re

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from grants.models import Application, Attachment, BudgetLine, CoApplicant, FollowUpReport
from members.models import Actor, Membership, Representation
from tests.grants.conftest import TODAY, make_application

S = Application.Status
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def png_bytes() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (20, 20), "red").save(out, format="PNG")
    return out.getvalue()


def login_url() -> str:
    from django.conf import settings
    from django.shortcuts import resolve_url

    return resolve_url(settings.LOGIN_URL)


def url(name: str, **kwargs) -> str:
    return reverse(f"grants:{name}", kwargs=kwargs)


def _parties(networks, actor, co=(), title="Sommarfest"):
    return {
        "lead_actor": actor.pk,
        "title": title,
        "co_applicants": [a.pk for a in co],
        "networks": [networks["andersberg"].pk],
        "action": "next",
    }


def _activity(**over):
    data = {
        "description": "Grillning och lekar",
        "purpose": "Gemenskap",
        "target_group": "Alla i Andersberg",
        "starts_on": (TODAY + datetime.timedelta(days=30)).isoformat(),
        "ends_on": (TODAY + datetime.timedelta(days=30)).isoformat(),
        "place": "Andersbergs torg",
        "expected_participants": "120",
        "action": "next",
    }
    data.update(over)
    return data


def _budget(amount="12 500", **over):
    data = {
        "rad-TOTAL_FORMS": "2",
        "rad-INITIAL_FORMS": "0",
        "rad-MIN_NUM_FORMS": "0",
        "rad-MAX_NUM_FORMS": "30",
        "rad-0-what": "Tält",
        "rad-0-amount": "8 000",
        "rad-1-what": "Fika",
        "rad-1-amount": "4 500",
        "own_contribution": "1000",
        "other_funding": "0",
        "amount_requested": amount,
        "action": "next",
    }
    data.update(over)
    return data


def _payment(**over):
    data = {"payment_method": "bankgiro", "giro_number": "5050 1055", "action": "next"}
    data.update(over)
    return data


def _contact(**over):
    data = {"contact_name": "Alva Alfa", "contact_email": "alva@example.se", "contact_phone": "", "action": "next"}
    data.update(over)
    return data


# Start page and transparency


@pytest.mark.django_db
def test_start_page_shows_remaining_amount_and_sets_no_cookie(client, pot, actor_b):
    make_application(pot=pot, lead=actor_b, status=S.APPROVED, requested=12_500)
    response = client.get(url("start"))
    assert response.status_code == 200
    assert "87\xa0500\xa0kr" in response.content.decode()
    assert not response.cookies


@pytest.mark.django_db
def test_start_page_without_open_pot(client, db):
    response = client.get(url("start"))
    assert "ingen pott är öppen" in response.content.decode()


@pytest.mark.django_db
def test_granted_page_lists_only_granted_and_no_personal_data(
    client, pot, actor_a, actor_b, django_assert_max_num_queries
):
    for status in (S.APPROVED, S.PAID, S.CLOSED):
        make_application(pot=pot, lead=actor_a, status=status)
    hidden = make_application(pot=pot, lead=actor_b, status=S.IN_REVIEW)
    with django_assert_max_num_queries(8):
        response = client.get(url("granted"))
    body = response.content.decode()
    assert body.count("Sommarfest hos Föreningen Alfa") == 3
    assert hidden.title not in body
    assert "kim@example.se" not in body and "Kim Kontakt" not in body
    assert not response.cookies


# The form in steps


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("page", "queries"),
    [
        # The account, the pot, the actors the user may apply for (once: the check and the
        # choice), the networks.
        ("new", 4),
        # The account, the application with its lead check, the saved co-applicants and
        # networks by id, the co-applicants shown, the choice of actors, the networks.
        ("step 1", 7),
        ("step 2", 2),
        # The budget rows once: for the formset and for the warning about the amounts.
        ("step 3", 3),
        ("step 4", 3),
        ("step 5", 2),
        # The application once (the access check's read), its four parts, the membership.
        ("review", 7),
    ],
)
def test_the_steps_read_each_thing_once(
    client, pot, actor_a, rep_a, actor_c, page, queries, django_assert_max_num_queries
):
    draft = make_application(pot=pot, lead=actor_a, co=[actor_c], status=S.DRAFT)
    if page == "new":
        path = url("new")
    elif page == "review":
        path = url("review", pk=draft.pk)
    else:
        path = url("step", pk=draft.pk, step=int(page.split()[1]))
    client.force_login(rep_a)
    client.get(path)  # The session is read into the cache once.
    with django_assert_max_num_queries(queries):
        response = client.get(path)
    assert response.status_code == 200


@pytest.mark.django_db
def test_full_application_in_steps(
    client, pot, networks, actor_a, rep_a, actor_c, rep_c, django_capture_on_commit_callbacks
):
    client.force_login(rep_a)
    response = client.get(url("new"))
    body = response.content.decode()
    assert 'aria-current="step"' in body
    assert "Steg 1 av 6" in body and body.count('class="steps__item') == 6
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("new"), _parties(networks, actor_a, co=[actor_c]))
    app = Application.objects.get()
    assert response.url == url("step", pk=app.pk, step=2)
    assert app.status == S.DRAFT and app.created_by == rep_a
    # The co-applicant is asked when the application is submitted, not while it is empty.
    assert not [m for m in mail.outbox if rep_c.email in m.to]

    assert client.post(url("step", pk=app.pk, step=2), _activity()).url == url("step", pk=app.pk, step=3)
    assert client.post(url("step", pk=app.pk, step=3), _budget()).url == url("step", pk=app.pk, step=4)
    upload = SimpleUploadedFile("offert.pdf", PDF, content_type="application/pdf")
    assert client.post(url("step", pk=app.pk, step=4), {**_contact(), "attachment": upload}).url == url(
        "step", pk=app.pk, step=5
    )
    review = client.get(url("review", pk=app.pk)).content.decode()
    assert "Uppgifter om vart pengarna ska betalas saknas" in review
    assert client.post(url("step", pk=app.pk, step=5), _payment()).url == url("review", pk=app.pk)
    app.refresh_from_db()
    assert app.amount_requested == 12_500 and app.budget_total == 12_500
    assert app.payment_details == "Bankgiro 5050-1055"
    assert Attachment.objects.get().original_name == "offert.pdf"

    review = client.get(url("review", pk=app.pk)).content.decode()
    assert "Steg 6 av 6" in review
    assert "Alla medsökande har inte bekräftat" not in review
    assert "Bankgiro 5050-1055" in review

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("review", pk=app.pk))
    assert response.url == url("receipt", pk=app.pk)
    app.refresh_from_db()
    assert app.status == S.SUBMITTED and app.reference.startswith(f"SN-{TODAY.year}-")
    receipt = client.get(response.url).content.decode()
    assert app.reference in receipt and "Bankgiro 5050-1055" in receipt
    assert any(app.reference in m.subject and rep_a.email in m.to for m in mail.outbox)

    # The co-applicant confirms after submission.
    client.force_login(rep_c)
    assert "Föreningen Alfa" in client.get(url("my-applications")).content.decode()
    confirm = client.get(url("confirm", pk=app.pk)).content.decode()
    assert 'value="yes"' in confirm
    assert "5050-1055" not in confirm  # the lead's payment details are not the co-applicant's business
    client.post(url("confirm", pk=app.pk), {"answer": "yes"})
    assert CoApplicant.objects.get().status == CoApplicant.Status.CONFIRMED

    # A double click: the second post changes nothing and lands on the receipt.
    client.force_login(rep_a)
    again = client.post(url("review", pk=app.pk))
    assert again.url == url("receipt", pk=app.pk)
    assert Application.objects.exclude(reference="").count() == 1
    assert app.events.filter(to_status=S.SUBMITTED).count() == 1


@pytest.mark.django_db
def test_save_and_continue_later_keeps_a_partial_draft(client, pot, networks, actor_a, rep_a):
    client.force_login(rep_a)
    client.post(url("new"), _parties(networks, actor_a))
    app = Application.objects.get()
    response = client.post(url("step", pk=app.pk, step=2), {"description": "Bara början", "action": "later"})
    assert response.url == url("my-applications")
    app.refresh_from_db()
    assert app.description == "Bara början" and app.starts_on is None


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("amount", "message"),
    [
        ("0", "större än 0"),
        ("-100", "negativt"),
        ("12,50", "hela kronor"),
        ("99999999999", "orimligt"),
        ("tusen", "siffror"),
        ("25 000", "högst 20\xa0000\xa0kr"),
    ],
)
def test_bad_amounts_are_refused(client, pot, actor_a, rep_a, amount, message):
    app = make_application(pot=pot, lead=actor_a, status=S.DRAFT, requested=1_000)
    client.force_login(rep_a)
    response = client.post(url("step", pk=app.pk, step=3), _budget(amount=amount))
    assert response.status_code == 200
    body = response.content.decode()
    assert message in body
    assert "<title>Fel:" in body
    app.refresh_from_db()
    assert app.amount_requested == 1_000
    assert BudgetLine.objects.filter(application=app).count() == 1


@pytest.mark.django_db
def test_bad_budget_line_is_refused_and_nothing_saved(client, pot, actor_a, rep_a):
    app = make_application(pot=pot, lead=actor_a, status=S.DRAFT, requested=1_000)
    client.force_login(rep_a)
    response = client.post(url("step", pk=app.pk, step=3), _budget(**{"rad-1-amount": "-5"}))
    assert "Budgetrad 2" in response.content.decode()
    app.refresh_from_db()
    assert app.amount_requested == 1_000


@pytest.mark.django_db
def test_activity_that_already_started_is_refused(client, pot, actor_a, rep_a):
    app = make_application(pot=pot, lead=actor_a, status=S.DRAFT)
    client.force_login(rep_a)
    yesterday = (TODAY - datetime.timedelta(days=1)).isoformat()
    response = client.post(url("step", pk=app.pk, step=2), _activity(starts_on=yesterday))
    assert "redan börjat" in response.content.decode()
    app.refresh_from_db()
    assert app.starts_on > TODAY


@pytest.mark.django_db
def test_closed_pot_refuses_new_applications(client, pot, networks, actor_a, rep_a):
    pot.is_open = False
    pot.save()
    client.force_login(rep_a)
    response = client.post(url("new"), _parties(networks, actor_a))
    assert response.url == url("start")
    assert not Application.objects.exists()


@pytest.mark.django_db
def test_closed_pot_refuses_submission(pot, actor_a, rep_a, client):
    app = make_application(pot=pot, lead=actor_a, status=S.DRAFT)
    pot.is_open = False
    pot.save()
    client.force_login(rep_a)
    client.post(url("review", pk=app.pk))
    app.refresh_from_db()
    assert app.status == S.DRAFT


@pytest.mark.django_db
def test_who_may_apply_is_checked_before_step_one(client, pot, networks, actor_a, rep_a):
    Membership.objects.filter(actor=actor_a).update(status=Membership.Status.PENDING)
    client.force_login(rep_a)
    for response in (client.get(url("new")), client.post(url("new"), _parties(networks, actor_a))):
        body = response.content.decode()
        assert "Du kan inte söka bidrag ännu" in body
        assert "väntar på samordnarens beslut" in body
        assert 'name="title"' not in body
    assert not Application.objects.exists()
    start = client.get(url("start")).content.decode()
    assert "Du kan inte söka bidrag ännu" in start and url("new") not in start


@pytest.mark.django_db
def test_actor_without_membership_gets_the_way_to_join(client, pot, networks, resident):
    actor = Actor.objects.create(name="Nya föreningen", slug="nya", kind=Actor.Kind.ASSOCIATION)
    Representation.objects.create(user=resident, actor=actor, role=Representation.Role.SIGNATORY)
    client.force_login(resident)
    body = client.get(url("new")).content.decode()
    assert reverse("members:actor-join", kwargs={"slug": "nya"}) in body
    assert reverse("members:actor-create") in body


@pytest.mark.django_db
def test_only_member_actors_can_lead(client, pot, networks, actor_a, actor_b, rep_a):
    # rep_a also represents actor B, whose membership is pending: A may apply, B may not.
    Membership.objects.filter(actor=actor_b).update(status=Membership.Status.PENDING)
    Representation.objects.create(user=rep_a, actor=actor_b)
    client.force_login(rep_a)
    form = client.get(url("new")).context["form"]
    assert list(form.fields["lead_actor"].queryset) == [actor_a]
    response = client.post(url("new"), _parties(networks, actor_b))
    assert "lead_actor" in response.context["form"].errors
    assert not Application.objects.exists()


@pytest.mark.django_db
def test_private_person_may_not_apply_by_default(client, pot, networks, resident):
    person = Actor.objects.create(name="Pia Privat", slug="pia", kind=Actor.Kind.PRIVATE_PERSON)
    Membership.objects.create(actor=person, network=networks["andersberg"], status=Membership.Status.ACTIVE)
    Representation.objects.create(user=resident, actor=person)
    client.force_login(resident)
    response = client.post(url("new"), _parties(networks, person))
    assert "Privatperson" in response.content.decode()
    assert not Application.objects.exists()


@pytest.mark.django_db
def test_user_without_actor_is_told_what_to_do(client, pot, resident):
    client.force_login(resident)
    body = client.get(url("new")).content.decode()
    assert "du företräder ingen aktör ännu" in body
    assert reverse("members:actor-create") in body
    assert "Du kan inte söka bidrag ännu" in client.get(url("start")).content.decode()


# Attachments


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("faktura.pdf", b"MZ\x90\x00" + b"\x00" * 200, "inte en PDF"),
        ("bild.png", b"\x89PNG\r\n\x1a\n" + b"junk" * 10, "går inte att läsa"),
    ],
)
def test_bad_files_are_refused(client, pot, actor_a, rep_a, name, content, message):
    app = make_application(pot=pot, lead=actor_a, status=S.DRAFT)
    client.force_login(rep_a)
    upload = SimpleUploadedFile(name, content)
    response = client.post(url("step", pk=app.pk, step=4), {**_contact(), "attachment": upload})
    assert message in response.content.decode()
    assert not Attachment.objects.exists()


@pytest.mark.django_db
def test_eleven_megabyte_file_is_refused(client, pot, actor_a, rep_a):
    app = make_application(pot=pot, lead=actor_a, status=S.DRAFT)
    client.force_login(rep_a)
    upload = SimpleUploadedFile("stor.pdf", PDF + b"0" * (11 * 1024 * 1024))
    response = client.post(url("step", pk=app.pk, step=4), {**_contact(), "attachment": upload})
    assert "för stor" in response.content.decode()
    assert not Attachment.objects.exists()


@pytest.mark.django_db
def test_png_upload_is_accepted(client, pot, actor_a, rep_a):
    app = make_application(pot=pot, lead=actor_a, status=S.DRAFT)
    client.force_login(rep_a)
    upload = SimpleUploadedFile("karta.png", png_bytes())
    response = client.post(url("step", pk=app.pk, step=4), {**_contact(action="upload"), "attachment": upload})
    assert response.url == url("step", pk=app.pk, step=4)
    assert Attachment.objects.get().content_type == "image/png"


@pytest.fixture
def attachment(client, pot, actor_a, rep_a) -> Attachment:
    app = make_application(pot=pot, lead=actor_a, status=S.DRAFT)
    from grants.services import attachment_add

    item = attachment_add(application=app, upload=SimpleUploadedFile("offert.pdf", PDF), user=rep_a)
    # Files are added while it is a draft; sent in (setup, not the workflow) for the steering group.
    Application.objects.filter(pk=app.pk).update(status=S.SUBMITTED)
    return item


@pytest.mark.django_db
def test_attachment_served_to_the_applicant_and_steering(client, attachment, rep_a, steering):
    target = attachment.get_absolute_url()
    for user in (rep_a, steering):
        client.force_login(user)
        response = client.get(target)
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == PDF
        assert "attachment" in response["Content-Disposition"]


@pytest.mark.django_db
def test_attachment_is_404_for_another_user_and_login_for_anonymous(client, attachment, rep_b, coord_andersberg):
    target = attachment.get_absolute_url()
    response = client.get(target)
    assert response.status_code == 302 and response.url.startswith(login_url())
    for user in (rep_b, coord_andersberg):
        client.force_login(user)
        assert client.get(target).status_code == 404


@pytest.mark.django_db
def test_attachment_of_another_application_in_the_url_is_404(client, attachment, pot, actor_a, rep_a):
    other = make_application(pot=pot, lead=actor_a, status=S.SUBMITTED)
    client.force_login(rep_a)
    assert client.get(url("attachment", pk=other.pk, attachment_pk=attachment.pk)).status_code == 404


# Access


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["detail", "review", "receipt", "withdraw", "confirm", "report"])
def test_another_actors_application_is_404(client, application, rep_b, name):
    client.force_login(rep_b)
    assert client.get(url(name, pk=application.pk)).status_code == 404


@pytest.mark.django_db
def test_another_actors_application_step_is_404(client, pot, actor_a, rep_b):
    app = make_application(pot=pot, lead=actor_a, status=S.DRAFT)
    client.force_login(rep_b)
    assert client.post(url("step", pk=app.pk, step=2), _activity()).status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["detail", "my-applications"])
def test_anonymous_is_sent_to_log_in(client, application, name):
    target = url(name, pk=application.pk) if name == "detail" else url(name)
    response = client.get(target)
    assert response.status_code == 302 and response.url.startswith(login_url())


@pytest.mark.django_db
def test_co_applicant_may_read_but_not_edit(client, pot, actor_a, actor_c, rep_c):
    app = make_application(pot=pot, lead=actor_a, co=[actor_c], status=S.DRAFT, confirmed=False)
    client.force_login(rep_c)
    assert client.get(url("detail", pk=app.pk)).status_code == 200
    assert client.get(url("step", pk=app.pk, step=2)).status_code == 403
    assert client.post(url("withdraw", pk=app.pk)).status_code == 403


@pytest.mark.django_db
def test_wrong_method_is_405(client, application, rep_a):
    client.force_login(rep_a)
    assert client.get(url("attachment-delete", pk=application.pk, attachment_pk=1)).status_code == 405
    assert client.put(url("review", pk=application.pk)).status_code == 405


# Withdraw, follow-up, my applications


@pytest.mark.django_db
def test_withdraw_before_decision(client, application, rep_a):
    client.force_login(rep_a)
    assert client.get(url("withdraw", pk=application.pk)).status_code == 200
    client.post(url("withdraw", pk=application.pk), {"note": "Vi hinner inte"})
    application.refresh_from_db()
    assert application.status == S.WITHDRAWN


@pytest.mark.django_db
def test_withdraw_after_decision_is_refused(client, pot, actor_a, rep_a):
    app = make_application(pot=pot, lead=actor_a, status=S.APPROVED)
    client.force_login(rep_a)
    client.post(url("withdraw", pk=app.pk))
    app.refresh_from_db()
    assert app.status == S.APPROVED


@pytest.mark.django_db
def test_follow_up_report_with_photo(client, pot, actor_a, rep_a):
    app = make_application(pot=pot, lead=actor_a, status=S.PAID)
    client.force_login(rep_a)
    photo = SimpleUploadedFile("fest.png", png_bytes())
    response = client.post(
        url("report", pk=app.pk),
        {"what_happened": "Det kom 100", "participants": "100", "actual_costs": "9 800", "photos": [photo]},
    )
    assert response.url == url("detail", pk=app.pk)
    app.refresh_from_db()
    report = FollowUpReport.objects.get()
    assert (app.status, report.actual_costs, report.photos.count()) == (S.REPORTED, 9_800, 1)
    assert report.photos.get().image.name.endswith(".jpg")


@pytest.mark.django_db
def test_follow_up_report_invalid_is_reshown(client, pot, actor_a, rep_a):
    app = make_application(pot=pot, lead=actor_a, status=S.PAID)
    client.force_login(rep_a)
    response = client.post(url("report", pk=app.pk), {"what_happened": "", "participants": "-1", "actual_costs": "x"})
    assert response.status_code == 200 and "<title>Fel:" in response.content.decode()
    app.refresh_from_db()
    assert app.status == S.PAID and not FollowUpReport.objects.exists()


@pytest.mark.django_db
def test_my_applications_lists_only_my_actors(client, pot, actor_a, actor_b, rep_a, django_assert_max_num_queries):
    for _ in range(15):
        make_application(pot=pot, lead=actor_a, status=S.SUBMITTED)
    other = make_application(pot=pot, lead=actor_b, status=S.SUBMITTED)
    client.force_login(rep_a)
    with django_assert_max_num_queries(10):
        body = client.get(url("my-applications")).content.decode()
    assert body.count("Sommarfest hos Föreningen Alfa") == 15
    assert other.title not in body


@pytest.mark.django_db
def test_my_applications_table_stacks_with_a_label_on_every_cell(client, pot, actor_a, rep_a) -> None:
    # At 320 px the rows become blocks and each cell shows its data-label, so status and amounts stay visible.
    make_application(pot=pot, lead=actor_a, status=S.SUBMITTED)
    client.force_login(rep_a)
    body = client.get(url("my-applications")).content.decode()
    assert '<table class="table-stack">' in body
    cells = re.findall(r"<td\b[^>]*>", body)
    assert len(cells) == 6
    assert all("data-label=" in cell for cell in cells), cells
    assert 'data-label="Status"' in body and 'data-label="Sökt"' in body and 'data-label="Beviljat"' in body


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("anonymous", 302),
        ("resident", 404),
        ("rep_a", 200),
        ("rep_c", 200),
        ("rep_b", 404),
        ("coord_satra", 404),
        ("coord_andersberg", 404),
        ("steering", 200),
    ],
)
def test_detail_page_per_role(request, client, application, role, expected):
    if role != "anonymous":
        client.force_login(request.getfixturevalue(role))
    assert client.get(url("detail", pk=application.pk)).status_code == expected


@pytest.mark.django_db
def test_pot_rejects_unknown_actor_kinds(pot):
    from django.core.exceptions import ValidationError

    pot.allowed_kinds = "forening,hemligt"
    with pytest.raises(ValidationError, match="hemligt"):
        pot.full_clean()
