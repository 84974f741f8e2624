"""No save after submit (issue 19): a late write from a second tab is refused, nothing changes.

Two clients logged in as the same representative stand for two browser tabs. The
`meanwhile` fixture puts the other tab's move between the view's own status check and
its save, the window only the row lock (grants.locking) closes; on PostgreSQL, threads
with their own connections race for real (the tests at the end).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connections
from django.test import Client

from grants import views
from grants.locking import NotEditable
from grants.models import Application, ApplicationEvent, Attachment, BudgetLine, CoApplicant, FollowUpReport
from grants.services import application_save_step, attachment_add, coapplicant_respond, report_submit
from grants.workflow import TransitionError, application_transition
from tests.grants.conftest import make_application, postgresql_only
from tests.grants.test_views import PDF, _activity, _budget, _contact, _parties, _payment, url

S = Application.Status
REFUSED = "Ansökan har skickats in och kan inte ändras längre. Det du skrev sparades inte."
ANSWER_REFUSED = "Svaret kunde inte sparas. Ansökan går inte längre att ändra."


def _step_post(step: int, networks, actor_a, actor_c) -> tuple[dict, str]:
    """What tab A sends for `step`, and a piece of it that the page must show again."""
    if step == 1:
        return _parties(networks, actor_a, co=[actor_c], title="Ny titel"), 'value="Ny titel"'
    if step == 2:
        return _activity(description="Ändrad beskrivning"), "Ändrad beskrivning"
    if step == 3:
        return _budget(amount="12 500", **{"rad-0-what": "Scen"}), 'value="Scen"'
    if step == 4:
        upload = SimpleUploadedFile("offert.pdf", PDF, content_type="application/pdf")
        return {**_contact(contact_name="Ny Kontakt", action="upload"), "attachment": upload}, 'value="Ny Kontakt"'
    return _payment(payment_method="plusgiro", giro_number="28 65 43-4"), 'value="28 65 43-4"'


def _snapshot(app: Application) -> dict:
    """Everything a step can change, as stored."""
    return {
        "row": Application.objects.filter(pk=app.pk).values().get(),
        "lines": list(BudgetLine.objects.filter(application=app).order_by("pk").values_list("what", "amount")),
        "files": list(Attachment.objects.filter(application=app).values_list("original_name", flat=True)),
        "co": list(CoApplicant.objects.filter(application=app).order_by("pk").values_list("actor_id", "status")),
        "networks": sorted(app.networks.values_list("pk", flat=True)),
    }


def _stored_files(settings) -> list[Path]:
    return [p for p in Path(settings.PRIVATE_MEDIA_ROOT).rglob("*") if p.is_file()]


def _tab(user) -> Client:
    tab = Client()
    tab.force_login(user)
    return tab


@pytest.fixture
def draft(pot, actor_a, rep_a) -> Application:
    return make_application(pot=pot, lead=actor_a, status=S.DRAFT)


@pytest.fixture
def meanwhile(monkeypatch) -> Callable[[str, Callable[[], object]], None]:
    """Run `move` once, right after the view named has read what it checks (another tab's move)."""

    def arrange(name: str, move: Callable[[], object]) -> None:
        original = getattr(views, name)
        done = []

        def wrapped(*args, **kwargs):
            result = original(*args, **kwargs)
            if not done:
                done.append(move())
            return result

        monkeypatch.setattr(views, name, wrapped)

    return arrange


def _submit(app: Application, user) -> Callable[[], Application]:
    return lambda: application_transition(application=app, to_status=S.SUBMITTED, actor_user=user)


# ---- The posts are good ones: on a draft they save ----


@pytest.mark.django_db
@pytest.mark.parametrize("step", [1, 2, 3, 4, 5])
def test_each_post_saves_while_a_draft(client, draft, actor_a, rep_a, networks, actor_c, settings, step):
    data, _kept = _step_post(step, networks, actor_a, actor_c)
    before = _snapshot(draft)
    client.force_login(rep_a)
    response = client.post(url("step", pk=draft.pk, step=step), data)
    assert response.status_code == 302
    assert _snapshot(draft) != before
    assert bool(_stored_files(settings)) is (step == 4)


# ---- Two tabs, one after the other ----


@pytest.mark.django_db
@pytest.mark.parametrize("step", [1, 2, 3, 4, 5])
def test_a_step_saved_in_a_tab_opened_before_the_submit_is_refused(
    draft, actor_a, rep_a, networks, actor_c, settings, step
):
    tab_a, tab_b = _tab(rep_a), _tab(rep_a)
    assert tab_a.get(url("step", pk=draft.pk, step=step)).status_code == 200
    assert tab_b.post(url("review", pk=draft.pk)).url == url("receipt", pk=draft.pk)
    before = _snapshot(draft)
    assert before["row"]["status"] == S.SUBMITTED

    data, kept = _step_post(step, networks, actor_a, actor_c)
    response = tab_a.post(url("step", pk=draft.pk, step=step), data)

    body = response.content.decode()
    assert response.status_code == 200
    assert REFUSED in body and "<title>Fel:" in body
    assert kept in body  # what was typed is still there to copy
    assert _snapshot(draft) == before
    assert _stored_files(settings) == []


@pytest.mark.django_db
def test_a_late_post_with_a_mistake_gets_both_messages(draft, rep_a):
    tab_a, tab_b = _tab(rep_a), _tab(rep_a)
    tab_b.post(url("review", pk=draft.pk))
    before = _snapshot(draft)
    response = tab_a.post(url("step", pk=draft.pk, step=3), _budget(amount="tolv"))
    body = response.content.decode()
    assert response.status_code == 200 and REFUSED in body and 'value="tolv"' in body
    assert response.context["form"].errors["amount_requested"]
    assert _snapshot(draft) == before


@pytest.mark.django_db
@pytest.mark.parametrize("step", [1, 2, 3, 4, 5])
def test_a_submit_between_the_check_and_the_save_is_caught_under_the_lock(
    client, draft, actor_a, rep_a, networks, actor_c, settings, meanwhile, step
):
    client.force_login(rep_a)
    meanwhile("get_application_for_user_rw", _submit(draft, rep_a))
    data, kept = _step_post(step, networks, actor_a, actor_c)

    response = client.post(url("step", pk=draft.pk, step=step), data)

    body = response.content.decode()
    assert response.status_code == 200 and REFUSED in body and kept in body
    draft.refresh_from_db()
    assert draft.status == S.SUBMITTED and draft.reference
    assert (draft.title, draft.description, draft.amount_requested) == (
        "Sommarfest hos Föreningen Alfa",
        "En fest för alla i området.",
        10_000,
    )
    assert (draft.contact_name, draft.payment_details) == ("Kim Kontakt", "Bankgiro 5050-1055")
    assert list(draft.budget_lines.values_list("what", "amount")) == [("Hyra av tält", 10_000)]
    assert not draft.coapplicant_links.exists() and not Attachment.objects.exists()
    assert _stored_files(settings) == []


@pytest.mark.django_db
def test_a_step_writes_only_its_own_fields_not_the_tabs_old_copy(client, draft, rep_a, meanwhile):
    """The page's copy was read before another tab saved step 2: saving step 5 keeps step 2."""
    client.force_login(rep_a)
    meanwhile(
        "get_application_for_user_rw",
        lambda: application_save_step(application=draft, user=rep_a, changes={"description": "Från andra fliken"}),
    )
    response = client.post(
        url("step", pk=draft.pk, step=5), _payment(payment_method="plusgiro", giro_number="28 65 43-4")
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.description == "Från andra fliken"
    assert draft.payment_details == "Plusgiro 28 65 43-4"


@pytest.mark.django_db
def test_deleting_a_file_after_the_submit_is_refused_and_the_file_kept(draft, rep_a, settings):
    item = attachment_add(application=draft, upload=SimpleUploadedFile("offert.pdf", PDF), user=rep_a)
    tab_a, tab_b = _tab(rep_a), _tab(rep_a)
    assert tab_a.get(url("step", pk=draft.pk, step=4)).status_code == 200
    tab_b.post(url("review", pk=draft.pk))

    response = tab_a.post(url("attachment-delete", pk=draft.pk, attachment_pk=item.pk), follow=True)

    assert response.redirect_chain[0][0] == url("detail", pk=draft.pk)
    assert "Filen togs inte bort: ansökan har skickats in och kan inte ändras längre." in response.content.decode()
    assert Attachment.objects.filter(pk=item.pk).exists() and len(_stored_files(settings)) == 1


@pytest.mark.django_db
def test_deleting_a_file_as_the_submit_lands_is_refused(client, draft, rep_a, settings, meanwhile):
    item = attachment_add(application=draft, upload=SimpleUploadedFile("offert.pdf", PDF), user=rep_a)
    client.force_login(rep_a)
    meanwhile("get_attachment_for_user_rw", _submit(draft, rep_a))
    response = client.post(url("attachment-delete", pk=draft.pk, attachment_pk=item.pk))
    assert response.url == url("detail", pk=draft.pk)
    assert Attachment.objects.filter(pk=item.pk).exists() and len(_stored_files(settings)) == 1


@pytest.mark.django_db
def test_the_services_refuse_a_sent_in_application(application, rep_a):
    before = _snapshot(application)
    with pytest.raises(NotEditable):
        application_save_step(application=application, user=rep_a, changes={"amount_requested": 1})
    with pytest.raises(NotEditable):
        attachment_add(application=application, upload=SimpleUploadedFile("offert.pdf", PDF), user=rep_a)
    assert _snapshot(application) == before


# ---- Co-applicants answer only while the application waits for them ----


def _withdraw(app: Application, user) -> Callable[[], Application]:
    return lambda: application_transition(application=app, to_status=S.WITHDRAWN, actor_user=user, note="")


def _reject(app: Application, user) -> Callable[[], Application]:
    return lambda: application_transition(application=app, to_status=S.REJECTED, actor_user=user, note="Utanför")


@pytest.mark.django_db
@pytest.mark.parametrize("move", ["withdrawn", "rejected"])
def test_an_answer_after_the_application_left_the_queue_is_refused(pot, actor_a, rep_a, actor_c, rep_c, steering, move):
    app = make_application(pot=pot, lead=actor_a, co=[actor_c], status=S.IN_REVIEW, confirmed=False)
    tab = _tab(rep_c)
    assert 'value="yes"' in tab.get(url("confirm", pk=app.pk)).content.decode()
    (_withdraw(app, rep_a) if move == "withdrawn" else _reject(app, steering))()

    response = tab.post(url("confirm", pk=app.pk), {"answer": "yes"}, follow=True)

    assert ANSWER_REFUSED in response.content.decode()
    link = CoApplicant.objects.get(application=app)
    assert (link.status, link.confirmed_by, link.confirmed_at) == (CoApplicant.Status.PENDING, None, None)


@pytest.mark.django_db
@pytest.mark.parametrize("move", ["withdrawn", "rejected"])
def test_a_move_between_the_page_and_the_answer_is_caught_under_the_lock(
    client, pot, actor_a, rep_a, actor_c, rep_c, steering, meanwhile, move
):
    app = make_application(pot=pot, lead=actor_a, co=[actor_c], status=S.IN_REVIEW, confirmed=False)
    client.force_login(rep_c)
    # The view reads the application (still in review) and then the other move lands.
    meanwhile("_application_with_parts", _withdraw(app, rep_a) if move == "withdrawn" else _reject(app, steering))

    response = client.post(url("confirm", pk=app.pk), {"answer": "yes"})

    assert response.url == url("confirm", pk=app.pk)
    assert ANSWER_REFUSED in client.get(response.url).content.decode()
    assert CoApplicant.objects.get(application=app).status == CoApplicant.Status.PENDING


@pytest.mark.django_db
def test_an_answer_for_a_removed_co_applicant_is_refused(pot, actor_a, actor_c, rep_c):
    app = make_application(pot=pot, lead=actor_a, co=[actor_c], status=S.NEEDS_COMPLETION, confirmed=False)
    link = CoApplicant.objects.select_related("application").get(application=app)
    CoApplicant.objects.filter(pk=link.pk).delete()  # the lead took them off in step 1 meanwhile
    with pytest.raises(NotEditable, match="Svaret kunde inte sparas"):
        coapplicant_respond(link=link, user=rep_c, confirm=True)
    assert not CoApplicant.objects.exists()


# ---- The follow-up report once ----


@pytest.mark.django_db
def test_a_second_report_from_another_tab_is_refused_with_the_text_kept(client, pot, actor_a, rep_a, meanwhile):
    app = make_application(pot=pot, lead=actor_a, status=S.PAID)
    client.force_login(rep_a)
    meanwhile(
        "get_application_for_user_rw",
        lambda: report_submit(application=app, user=rep_a, what_happened="Först", participants=1, actual_costs=1),
    )
    response = client.post(
        url("report", pk=app.pk), {"what_happened": "Andra fliken", "participants": "90", "actual_costs": "9 000"}
    )
    body = response.content.decode()
    assert response.status_code == 200 and "Återrapporten sparades inte" in body and "Andra fliken" in body
    assert list(FollowUpReport.objects.values_list("what_happened", flat=True)) == ["Först"]
    app.refresh_from_db()
    assert app.status == S.REPORTED


# ---- PostgreSQL: real races, threads with their own connections ----

ROUNDS = 10


def _race(*moves: Callable[[], object]) -> list[object]:
    """Run the moves at once (a barrier), each in its own thread and connection; what each gave."""
    barrier = threading.Barrier(len(moves))
    results: list[object] = [None] * len(moves)

    def run(index: int, move: Callable[[], object]) -> None:
        try:
            barrier.wait(timeout=30)
            results[index] = move()
        except Exception as error:  # noqa: BLE001 - the refusal is the result to check
            results[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, move)) for i, move in enumerate(moves)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


@pytest.mark.django_db(transaction=True)
def test_a_submit_and_a_step_save_racing_never_leave_a_save_after_the_submit(pot, actor_a, rep_a):
    postgresql_only()
    for _round in range(ROUNDS):
        app = make_application(pot=pot, lead=actor_a, status=S.DRAFT)
        # "Spara och fortsätt senare" with the place emptied: a submit that saw it is refused.
        submitted, saved = _race(
            lambda app=app: application_transition(application=app, to_status=S.SUBMITTED, actor_user=rep_a),
            lambda app=app: application_save_step(application=app, user=rep_a, changes={"place": ""}),
        )
        app.refresh_from_db()
        if isinstance(saved, NotEditable):
            # The submit came first: it holds the application as it was sent.
            assert isinstance(submitted, Application) and (app.status, app.place) == (S.SUBMITTED, "Torget")
        else:
            # The save came first, and the submit checked the saved step: no place, no submit.
            assert isinstance(saved, Application), saved
            assert isinstance(submitted, TransitionError) and "Plats saknas" in str(submitted)
            assert (app.status, app.place) == (S.DRAFT, "")


@pytest.mark.django_db(transaction=True)
def test_a_co_applicant_answer_racing_a_withdrawal_never_lands_after_it(pot, actor_a, rep_a, actor_c, rep_c):
    postgresql_only()
    for _round in range(ROUNDS):
        app = make_application(pot=pot, lead=actor_a, co=[actor_c], status=S.SUBMITTED, confirmed=False)
        link = CoApplicant.objects.select_related("application").get(application=app)
        withdrawn, answered = _race(
            _withdraw(app, rep_a),
            lambda link=link: coapplicant_respond(link=link, user=rep_c, confirm=True),
        )
        assert isinstance(withdrawn, Application), withdrawn
        link.refresh_from_db()
        event = ApplicationEvent.objects.get(application=app, to_status=S.WITHDRAWN)
        if isinstance(answered, NotEditable):
            assert link.status == CoApplicant.Status.PENDING and link.confirmed_at is None
        else:
            assert isinstance(answered, CoApplicant), answered
            assert link.status == CoApplicant.Status.CONFIRMED
            assert link.confirmed_at <= event.created_at  # answered before the withdrawal, not after


@pytest.mark.django_db(transaction=True)
def test_an_approval_racing_a_co_applicant_who_declines_never_approves_without_them(
    pot, actor_a, actor_c, rep_c, steering
):
    postgresql_only()
    for _round in range(ROUNDS):
        app = make_application(pot=pot, lead=actor_a, co=[actor_c], status=S.IN_REVIEW, confirmed=True)
        link = CoApplicant.objects.select_related("application").get(application=app)
        approved, declined = _race(
            lambda app=app: application_transition(application=app, to_status=S.APPROVED, actor_user=steering),
            lambda link=link: coapplicant_respond(link=link, user=rep_c, confirm=False),
        )
        app.refresh_from_db()
        link.refresh_from_db()
        if isinstance(declined, NotEditable):
            assert isinstance(approved, Application) and app.status == S.APPROVED
            assert link.status == CoApplicant.Status.CONFIRMED
        else:
            assert isinstance(declined, CoApplicant), declined
            assert isinstance(approved, TransitionError) and app.status == S.IN_REVIEW
            assert link.status == CoApplicant.Status.DECLINED
