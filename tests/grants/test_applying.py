"""The applicant's journey, issue 11: search for co-applicants, budget rows in place, hints, receipt."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from grants.models import Application, Attachment, BudgetLine, CoApplicant
from grants.services import application_set_parties
from members.models import Actor, Membership, Representation
from tests.grants.conftest import make_application
from tests.grants.test_views import PDF, _budget, _parties

S = Application.Status
pytestmark = pytest.mark.django_db


def url(name: str, **kwargs) -> str:
    return reverse(f"grants:{name}", kwargs=kwargs)


@pytest.fixture
def cafe(networks) -> Actor:
    actor = Actor.objects.create(name="Kafé Läxhjälpen", slug="kafe", kind=Actor.Kind.COMPANY)
    Membership.objects.create(actor=actor, network=networks["andersberg"], status=Membership.Status.ACTIVE)
    return actor


# ---- Co-applicants by search ----


def test_search_finds_actors_of_the_same_network_ignoring_accents(
    client, pot, networks, rep_a, actor_a, actor_b, actor_c, cafe
):
    client.force_login(rep_a)
    data = {**_parties(networks, actor_a), "title": "Läxhjälp", "action": "search", "co_search": "laxhjalp"}
    response = client.post(url("new"), data)
    assert response.status_code == 200
    assert [a.name for a in response.context["co_results"]] == ["Kafé Läxhjälpen"]
    body = response.content.decode()
    assert f'name="add_coapplicant" value="{cafe.pk}"' in body
    # What was typed is kept, nothing is saved, and no error is shown for a search.
    assert response.context["form"]["title"].value() == "Läxhjälp"
    assert "<title>Fel:" not in body
    assert not Application.objects.exists()


def test_search_never_offers_own_actors_or_other_networks(client, pot, networks, rep_a, actor_a, actor_b, actor_c):
    Representation.objects.create(user=rep_a, actor=actor_c)  # rep_a now represents A and C
    client.force_login(rep_a)
    response = client.post(url("new"), {**_parties(networks, actor_a), "action": "search", "co_search": "förening"})
    names = [a.name for a in response.context["co_results"]]
    assert "Föreningen Alfa" not in names and "Föreningen Gamma" not in names  # own
    assert "Föreningen Beta" not in names  # Sätra only: not a network of rep_a's actors
    # Nor can they be posted by hand.
    response = client.post(url("new"), _parties(networks, actor_a, co=[actor_c]))
    assert "co_applicants" in response.context["form"].errors
    response = client.post(url("new"), _parties(networks, actor_a, co=[actor_b]))
    assert "co_applicants" in response.context["form"].errors
    assert not Application.objects.exists()


def test_add_button_adds_a_chosen_co_applicant_and_saving_keeps_it(client, pot, networks, rep_a, actor_a, cafe):
    client.force_login(rep_a)
    data = {**_parties(networks, actor_a), "co_search": "kafe", "add_coapplicant": str(cafe.pk)}
    response = client.post(url("new"), data)
    body = response.content.decode()
    assert f'name="co_applicants" value="{cafe.pk}"' in body and "checked" in body
    assert not Application.objects.exists()
    response = client.post(url("new"), {**_parties(networks, actor_a), "co_applicants": [cafe.pk]})
    app = Application.objects.get()
    assert response.url == url("step", pk=app.pk, step=2)
    assert list(app.co_applicants.all()) == [cafe]
    # Back on step 1 the chosen one is listed, ticked, and can be taken away.
    body = client.get(url("step", pk=app.pk, step=1)).content.decode()
    assert f'id="id_co_applicants_{cafe.pk}" checked' in body
    client.post(url("step", pk=app.pk, step=1), _parties(networks, actor_a))
    assert not app.co_applicants.exists()


def test_step_one_has_no_list_of_every_actor(client, pot, networks, rep_a, actor_a, actor_c, cafe):
    client.force_login(rep_a)
    body = client.get(url("new")).content.decode()
    assert "Kafé Läxhjälpen" not in body and "Föreningen Gamma" not in body
    assert 'type="search"' in body


def test_saving_step_one_sends_no_mail(pot, actor_a, actor_c, rep_c, networks, django_capture_on_commit_callbacks):
    app = make_application(pot=pot, lead=actor_a, status=S.DRAFT)
    with django_capture_on_commit_callbacks(execute=True):
        application_set_parties(
            application=app, lead_actor=actor_a, co_applicants=[actor_c], networks=[networks["andersberg"]]
        )
    assert CoApplicant.objects.filter(application=app, actor=actor_c).exists()
    assert mail.outbox == []


# ---- Confirming after submission ----


@pytest.mark.parametrize(("status", "allowed"), [(S.SUBMITTED, True), (S.IN_REVIEW, True), (S.APPROVED, False)])
def test_co_applicant_answers_until_the_decision(client, pot, actor_a, actor_c, rep_c, status, allowed):
    app = make_application(pot=pot, lead=actor_a, co=[actor_c], status=status, confirmed=False)
    client.force_login(rep_c)
    assert ('value="yes"' in client.get(url("confirm", pk=app.pk)).content.decode()) is allowed
    client.post(url("confirm", pk=app.pk), {"answer": "yes"})
    expected = CoApplicant.Status.CONFIRMED if allowed else CoApplicant.Status.PENDING
    assert CoApplicant.objects.get(application=app).status == expected


# ---- Budget ----


def _draft(pot, actor_a) -> Application:
    return make_application(pot=pot, lead=actor_a, status=S.DRAFT, requested=1_000)


def test_add_row_without_javascript_returns_one_more_row_with_values_kept(client, pot, actor_a, rep_a):
    app = _draft(pot, actor_a)
    client.force_login(rep_a)
    data = _budget(action="add_row", **{"rad-1-amount": "fyra"})  # a bad value is not an error yet
    response = client.post(url("step", pk=app.pk, step=3), data)
    assert response.status_code == 200
    formset = response.context["formset"]
    assert formset.total_form_count() == 3
    body = response.content.decode()
    assert 'value="Tält"' in body and 'value="fyra"' in body and 'name="rad-2-what"' in body
    assert "<title>Fel:" not in body and "Fel i budgetraderna" not in body
    assert BudgetLine.objects.filter(application=app).count() == 1  # nothing saved


def test_add_row_stops_at_the_limit(client, pot, actor_a, rep_a):
    app = _draft(pot, actor_a)
    client.force_login(rep_a)
    response = client.post(url("step", pk=app.pk, step=3), _budget(action="add_row", **{"rad-TOTAL_FORMS": "30"}))
    assert response.context["formset"].total_form_count() == 30


def test_budget_step_has_template_row_and_script_for_adding_in_place(client, pot, actor_a, rep_a):
    app = _draft(pot, actor_a)
    client.force_login(rep_a)
    body = client.get(url("step", pk=app.pk, step=3)).content.decode()
    assert "<template data-budget-template>" in body and 'name="rad-__prefix__-what"' in body
    assert "js/budget.js" in body and 'value="add_row"' in body
    assert "spara, så kommer två nya" not in body
    # One existing row plus one empty one.
    assert 'name="rad-TOTAL_FORMS" value="2"' in body


def test_hints_do_not_say_optional_and_write_zero_at_once(client, pot, actor_a, rep_a):
    app = _draft(pot, actor_a)
    client.force_login(rep_a)
    body = client.get(url("step", pk=app.pk, step=3)).content.decode()
    assert "Skriv 0" not in body
    assert "Lämna tomt om ni inte har någon" in body


def test_warning_when_the_amount_asked_differs_from_the_budget(client, pot, actor_a, rep_a):
    app = _draft(pot, actor_a)  # costs 1 000, own contribution 2 000, asks 1 000
    client.force_login(rep_a)
    review = client.get(url("review", pk=app.pk)).content.decode()
    assert "Kontrollera beloppen" in review and "Ni söker 2\xa0000\xa0kr mer än budgeten behöver" in review
    Application.objects.filter(pk=app.pk).update(own_contribution=0)
    review = client.get(url("review", pk=app.pk)).content.decode()
    assert "Kontrollera beloppen" not in review
    assert "1\xa0000\xa0kr" in review  # the server-computed total
    BudgetLine.objects.create(application=app, what="Fika", amount=500)
    step = client.get(url("step", pk=app.pk, step=3)).content.decode()
    assert "Ni söker 500\xa0kr mindre än budgeten behöver" in step


# ---- Contact and attachments ----


def test_contact_person_is_prefilled_from_the_account(client, pot, actor_a, rep_a):
    rep_a.name = "Alva Alfasson"
    rep_a.save()
    app = _draft(pot, actor_a)
    Application.objects.filter(pk=app.pk).update(contact_name="", contact_email="")
    client.force_login(rep_a)
    form = client.get(url("step", pk=app.pk, step=4)).context["form"]
    assert form["contact_name"].value() == "Alva Alfasson"
    assert form["contact_email"].value() == rep_a.email
    # What the applicant wrote wins over the account.
    Application.objects.filter(pk=app.pk).update(contact_name="Kim Kontakt")
    assert client.get(url("step", pk=app.pk, step=4)).context["form"]["contact_name"].value() == "Kim Kontakt"


def test_attachments_listed_with_size_above_the_buttons(client, pot, actor_a, rep_a, settings, tmp_path):
    app = _draft(pot, actor_a)
    client.force_login(rep_a)
    upload = SimpleUploadedFile("offert.pdf", PDF, content_type="application/pdf")
    data = {"contact_name": "A", "contact_email": "a@example.se", "attachment": upload, "action": "upload"}
    client.post(url("step", pk=app.pk, step=4), data)
    item = Attachment.objects.get()
    body = client.get(url("step", pk=app.pk, step=4)).content.decode()
    assert body.index("offert.pdf") < body.index('value="next"')
    assert f'offert.pdf</a> <span class="meta">({len(PDF)}\xa0byte)' in body
    delete = url("attachment-delete", pk=app.pk, attachment_pk=item.pk)
    assert f'formaction="{delete}"' in body
    assert client.post(delete).status_code == 302
    assert not Attachment.objects.exists()


# ---- Receipt ----


def test_receipt_has_a_print_button_and_print_stylesheet(client, application, rep_a):
    client.force_login(rep_a)
    body = client.get(url("receipt", pk=application.pk)).content.decode()
    assert "data-print" in body and "js/print.js" in body and "css/grants.css" in body
    # The button needs JavaScript, so it starts hidden.
    assert '<p class="print-action" hidden>' in body
    assert "Det här skickade ni in" in body and "Hyra av tält" in body


def test_print_stylesheet_hides_navigation_and_buttons():
    from django.contrib.staticfiles import finders

    css = Path(finders.find("css/grants.css")).read_text(encoding="utf-8")
    block = css.split("@media print")[1]
    for selector in (".site-header", ".site-footer", ".print-action", ".steps"):
        assert selector in block
