"""Who reads and changes grant applications, and the pot's funding against what it has granted."""

from __future__ import annotations

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.urls import reverse

from grants.models import Application, Attachment, Funding, Pot
from grants.workflow import Overspend, application_transition
from tests.grants.conftest import make_application

pytestmark = pytest.mark.django_db
S = Application.Status


def _attach(app: Application, user) -> Attachment:
    return Attachment.objects.create(
        application=app,
        file=ContentFile(b"%PDF-1.4 hemligt", name="bilaga.pdf"),
        original_name="bilaga.pdf",
        content_type="application/pdf",
        size=16,
        uploaded_by=user,
    )


def _pages(app: Application, attachment: Attachment) -> list[str]:
    return [
        reverse("grants:detail", args=[app.pk]),
        reverse("grants:attachment", args=[app.pk, attachment.pk]),
    ]


# ---- The steering group reads applications sent in, never drafts, and only with two-factor ----


def test_steering_never_sees_a_draft_or_its_attachments(client, steering, pot, actor_a, rep_a) -> None:
    draft = make_application(pot=pot, lead=actor_a)
    attachment = _attach(draft, rep_a)
    client.force_login(steering)
    for url in _pages(draft, attachment):
        assert client.get(url).status_code == 404


def test_steering_reads_a_submitted_application(client, steering, pot, actor_a, rep_a) -> None:
    app = make_application(pot=pot, lead=actor_a, status=S.SUBMITTED)
    attachment = _attach(app, rep_a)
    client.force_login(steering)
    for url in _pages(app, attachment):
        assert client.get(url).status_code == 200
    # Reading is all: changing is the applicant's.
    assert client.get(reverse("grants:withdraw", args=[app.pk])).status_code == 403


def test_steering_without_two_factor_is_an_outsider_when_it_is_required(
    client, steering, pot, actor_a, rep_a, settings
) -> None:
    settings.REQUIRE_STAFF_MFA = True
    app = make_application(pot=pot, lead=actor_a, status=S.SUBMITTED)
    attachment = _attach(app, rep_a)
    client.force_login(steering)
    for url in _pages(app, attachment):
        assert client.get(url).status_code == 404
    TOTP.activate(steering, generate_totp_secret())
    for url in _pages(app, attachment):
        assert client.get(url).status_code == 200


# ---- Applicants: the lead's representatives write, co-applicants read ----


def test_co_applicant_reads_but_does_not_change(client, application, rep_c) -> None:
    attachment = _attach(application, rep_c)
    client.force_login(rep_c)
    for url in _pages(application, attachment):
        assert client.get(url).status_code == 200
    for name in ("grants:withdraw", "grants:report"):
        assert client.get(reverse(name, args=[application.pk])).status_code == 403
    response = client.post(reverse("grants:withdraw", args=[application.pk]), {"note": "Nej"})
    assert response.status_code == 403
    application.refresh_from_db()
    assert application.status == S.SUBMITTED


def test_representative_of_another_actor_gets_404(client, application, rep_b) -> None:
    attachment = _attach(application, rep_b)
    client.force_login(rep_b)
    for url in [*_pages(application, attachment), reverse("grants:withdraw", args=[application.pk])]:
        assert client.get(url).status_code == 404


# ---- Custom admin views answer 403, not 500 ----


@pytest.mark.parametrize("name", ["admin:grants_pot_chart", "admin:grants_application_export"])
def test_coordinators_get_403_on_the_chart_and_the_export(client, coord_andersberg, pot, name) -> None:
    client.force_login(coord_andersberg)
    args = [pot.pk] if name == "admin:grants_pot_chart" else []
    assert client.get(reverse(name, args=args)).status_code == 403


# ---- A pot's funding never goes below what it has granted ----


def _pot_form(pot: Pot, amounts: list[int]) -> dict:
    fundings = list(pot.fundings.order_by("pk"))
    data = {
        "name": pot.name,
        "year": pot.year,
        "opens_on": pot.opens_on.isoformat(),
        "closes_on": pot.closes_on.isoformat(),
        "is_open": "on",
        "max_amount_per_application": pot.max_amount_per_application,
        "allowed_kinds": pot.allowed_kinds,
        "must_apply_before_start": "on",
        "fundings-TOTAL_FORMS": len(fundings) + 1,
        "fundings-INITIAL_FORMS": len(fundings),
        "fundings-MIN_NUM_FORMS": 0,
        "fundings-MAX_NUM_FORMS": 1000,
    }
    for i, (funding, amount) in enumerate(zip(fundings, amounts, strict=True)):
        data |= {
            f"fundings-{i}-id": funding.pk,
            f"fundings-{i}-pot": pot.pk,
            f"fundings-{i}-funder": funding.funder,
            f"fundings-{i}-amount": amount,
        }
    return data


def _approve(app: Application, steering, amount: int) -> None:
    app.status = S.IN_REVIEW
    app.save(update_fields=["status"])
    application_transition(application=app, to_status=S.APPROVED, actor_user=steering, amount=amount)


def test_funding_cannot_be_lowered_below_what_is_granted(client, steering, pot, actor_a) -> None:
    _approve(make_application(pot=pot, lead=actor_a, requested=20_000), steering, 20_000)
    client.force_login(steering)
    url = reverse("admin:grants_pot_change", args=[pot.pk])
    # 60 000 + 40 000 in the pot; 20 000 granted. Down to 15 000 in all is refused ...
    response = client.post(url, _pot_form(pot, [10_000, 5_000]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Potten har redan beviljat 20\xa0000\xa0kr" in html
    assert "15\xa0000\xa0kr" in html
    assert sorted(pot.fundings.values_list("amount", flat=True)) == [40_000, 60_000]
    # ... down to exactly what is granted is fine, and the totals follow.
    response = client.post(url, _pot_form(pot, [10_000, 10_000]))
    assert response.status_code == 302
    pot.refresh_from_db()
    assert (pot.funded_total, pot.granted_total) == (20_000, 20_000)


def test_approvals_write_the_pot_totals(steering, pot, actor_a, actor_b) -> None:
    _approve(make_application(pot=pot, lead=actor_a, requested=20_000), steering, 15_000)
    pot.refresh_from_db()
    assert (pot.funded_total, pot.granted_total) == (100_000, 15_000)
    Funding.objects.filter(pot=pot).update(amount=10_000)
    with pytest.raises(Overspend):
        _approve(make_application(pot=pot, lead=actor_b, requested=10_000), steering, 10_000)


def test_the_database_refuses_a_pot_that_granted_more_than_it_holds(pot) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        Pot.objects.filter(pk=pot.pk).update(funded_total=10_000, granted_total=10_001)
