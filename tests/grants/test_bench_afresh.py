"""bench/afresh.py: every logged-in request of `make bench` answers as in a browser (the
saves are valid steps, answered with a redirect), and the targets scale with the ceiling."""

from __future__ import annotations

import pytest
from django.test import Client

from bench import afresh
from grants.models import Application, BudgetLine
from grants.services import application_create_draft
from grants.views import current_pot

pytestmark = pytest.mark.django_db


def _session(user) -> str:
    client = Client()
    client.force_login(user)
    return client.cookies["sessionid"].value


def test_every_request_answers_and_the_saves_fill_in_the_draft(pot, actor_a, rep_a, steering, networks):
    draft = application_create_draft(
        user=rep_a,
        pot=current_pot(),
        lead_actor=actor_a,
        co_applicants=[],
        networks=[networks["andersberg"]],
        title="Läxhjälp",
    )
    cookies = {"representative": _session(rep_a), "steering": _session(steering)}
    rows = afresh.cpu_rows(cookies, draft.pk, "testserver", runs=2, warmup=1)
    assert [row.request.label for row in rows][:3] == ["Mina sidor", "Apply: step 1, new application", "Apply: step 1"]
    assert all(row.status in (200, 302) and row.queries > 0 and row.cpu_ms > 0 for row in rows)
    assert {row.request.target_ms for row in rows} == {afresh.PAGE_CPU_MS, afresh.ADMIN_LIST_CPU_MS}
    draft.refresh_from_db()
    assert draft.place == "Biblioteket" and draft.amount_requested == 2_500 and draft.giro_number
    # The saves keep the budget's one row rather than adding one each time.
    assert list(BudgetLine.objects.filter(application=draft).values_list("what", flat=True)) == ["Fika och material"]
    assert draft.status == Application.Status.DRAFT

    report = "\n".join(afresh.cpu_report(rows, ceiling_rps=1_250))
    assert "= 2.00" in report and f"≤ {2 * afresh.PAGE_CPU_MS:.1f}" in report


def test_share_verdicts():
    assert afresh.share_verdict(6.5, afresh.MY_PAGES_SHARE, 0) == "met"
    assert afresh.share_verdict(2.0, afresh.MY_PAGES_SHARE, 0) == "MISSED: < 6 %"
    assert afresh.share_verdict(50.0, afresh.STEP_SHARE, 3) == "MISSED: non-2xx"
    assert afresh.scaled(10.0, 2_500) == 10.0 and afresh.scaled(25.0, 5_000) == 12.5
