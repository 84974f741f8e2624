"""The decision panel on an application's admin page and the decision pages behind its buttons."""

from __future__ import annotations

import datetime
import re
from html import unescape

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth.models import Group
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from core.roles import STEERING_GROUP
from grants.admin_decisions import DECISION_MOVES, MOVES_BY_SLUG, move_refusal
from grants.models import Application, ApplicationEvent, CoApplicant, Decision, Payment
from grants.workflow import MOVES, STEERING, TransitionError, application_take_up, application_transition
from members.models import Representation
from tests.conftest import _user
from tests.grants.conftest import TODAY, make_application

S = Application.Status
CHANGELIST = "admin:grants_application_changelist"
A_WEEK_AGO = timezone.now() - datetime.timedelta(days=7)


def make_steering_member(email: str):
    user = _user(email, is_staff=True)
    user.groups.add(Group.objects.get(name=STEERING_GROUP))
    return user


def change_url(app: Application) -> str:
    return reverse("admin:grants_application_change", args=[app.pk])


def decision_url(app: Application, move: str) -> str:
    return reverse("admin:grants_application_decision", args=[app.pk, move])


def buttons(body: str) -> set[str]:
    """The decision pages the change page links to."""
    return {move.slug for move in DECISION_MOVES if f"/beslut/{move.slug}/" in body}


def test_every_steering_move_but_the_review_has_a_page():
    steering_targets = {to for (_from, to), who in MOVES.items() if who == STEERING}
    # Taking an application into review has no page: opening a decision page does it.
    assert {move.to_status for move in DECISION_MOVES} == steering_targets - {S.IN_REVIEW}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("status", "expected"),
    [
        (S.SUBMITTED, {"bevilja", "avsla", "komplettering"}),
        (S.IN_REVIEW, {"bevilja", "avsla", "komplettering"}),
        (S.NEEDS_COMPLETION, set()),
        (S.APPROVED, {"utbetald"}),
        (S.PAID, set()),
        (S.REPORTED, {"avsluta"}),
        (S.CLOSED, set()),
        (S.REJECTED, set()),
    ],
)
def test_change_page_shows_only_the_moves_the_status_allows(client, steering, pot, actor_a, status, expected):
    app = make_application(pot=pot, lead=actor_a, status=status)
    client.force_login(steering)
    body = client.get(change_url(app)).content.decode()
    assert buttons(body) == expected
    if not expected:
        assert "Det finns inget beslut att fatta" in body


@pytest.mark.django_db
def test_panel_shows_pot_budget_and_coapplicants(client, steering, pot, actor_a, actor_b, actor_c):
    make_application(pot=pot, lead=actor_b, status=S.PAID, requested=12_000)
    app = make_application(pot=pot, lead=actor_a, co=[actor_c], status=S.IN_REVIEW, requested=18_000)
    make_application(pot=pot, lead=actor_b, co=[actor_a], status=S.SUBMITTED, confirmed=False)
    client.force_login(steering)
    body = client.get(change_url(app)).content.decode()
    panel = body[body.index("grants-decision-title") : body.index('id="content-main"')]
    for text in ("100\xa0000\xa0kr", "12\xa0000\xa0kr", "88\xa0000\xa0kr", "18\xa0000\xa0kr", "2\xa0000\xa0kr"):
        assert text in panel
    assert "Föreningen Gamma: Bekräftad" in panel
    assert "jävig" not in panel


@pytest.mark.django_db
def test_jav_warning_before_anything_is_clicked_and_no_buttons(client, steering, pot, actor_a, actor_c):
    Representation.objects.create(user=steering, actor=actor_c)
    app = make_application(pot=pot, lead=actor_a, co=[actor_c], status=S.IN_REVIEW)
    client.force_login(steering)
    body = client.get(change_url(app)).content.decode()
    assert "Du är jävig i den här ansökan." in body and "Föreningen Gamma" in body
    assert buttons(body) == set()
    # Every move is shown disabled, with the reason beside it.
    assert body.count("Du är jävig: du företräder Föreningen Gamma.") == 3
    assert body.count("disabled") >= 3
    # A typed URL of a decision page goes back with the reason; nothing is logged for looking.
    response = client.get(decision_url(app, "bevilja"), follow=True)
    assert response.redirect_chain == [(change_url(app), 302)]
    assert "”Bevilja” går inte just nu. Du är jävig" in response.content.decode()
    assert not ApplicationEvent.objects.filter(application=app).exists()


@pytest.mark.django_db
def test_jav_on_post_is_refused_logged_and_keeps_typed_values(client, steering, pot, actor_a):
    app = make_application(pot=pot, lead=actor_a, status=S.IN_REVIEW, requested=10_000)
    Representation.objects.create(user=steering, actor=actor_a)
    client.force_login(steering)
    response = client.post(decision_url(app, "bevilja"), {"amount": "8 000", "motivation": "Tältet räcker."})
    body = response.content.decode()
    assert response.status_code == 200
    assert "jävig" in body and "Be en annan ledamot" in body
    assert "Tältet räcker." in body
    assert 'class="errornote grants-error-summary" role="alert"' in body
    assert "<h2>Beslutet gick inte igenom</h2>" in body
    app.refresh_from_db()
    assert app.status == S.IN_REVIEW
    assert ApplicationEvent.objects.get(application=app).kind == ApplicationEvent.Kind.RECUSAL


def disabled(body: str) -> dict[str, str]:
    """Disabled buttons on the panel: their text → the reason beside them."""
    found = {}
    for match in re.finditer(
        r'<button type="button" class="button grants-decision__disabled" disabled '
        r'aria-describedby="([^"]+)">([^<]+)</button>',
        body,
    ):
        reason = re.search(rf'id="{match.group(1)}">(.*?)</p>', body, re.S).group(1)
        found[match.group(2)] = unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", reason))).strip()
    return found


@pytest.mark.django_db
@pytest.mark.parametrize("status", [S.SUBMITTED, S.IN_REVIEW])
def test_approve_is_disabled_until_every_coapplicant_confirms(client, steering, pot, actor_a, actor_b, actor_c, status):
    app = make_application(pot=pot, lead=actor_a, co=[actor_b, actor_c], status=status, confirmed=False)
    app.coapplicant_links.filter(actor=actor_b).update(status=CoApplicant.Status.CONFIRMED)
    client.force_login(steering)
    body = client.get(change_url(app)).content.decode()
    assert disabled(body) == {
        "Bevilja": "Går inte nu: Alla medsökande har inte bekräftat ännu: Föreningen Gamma. "
        "Vänta på deras svar, eller begär komplettering."
    }
    assert buttons(body) == {"avsla", "komplettering"}  # still links
    # The page itself refuses too, with the same reason, and takes nothing into review.
    response = client.get(decision_url(app, "bevilja"), follow=True)
    assert response.redirect_chain == [(change_url(app), 302)]
    assert "”Bevilja” går inte just nu. Alla medsökande har inte bekräftat ännu: Föreningen Gamma." in (
        response.content.decode()
    )
    app.refresh_from_db()
    assert app.status == status and not app.events.exists()

    app.coapplicant_links.update(status=CoApplicant.Status.CONFIRMED)
    body = client.get(change_url(app)).content.decode()
    assert disabled(body) == {}
    assert buttons(body) == {"bevilja", "avsla", "komplettering"}


@pytest.mark.django_db
def test_a_declined_coapplicant_keeps_approve_disabled(client, steering, pot, actor_a, actor_c):
    app = make_application(pot=pot, lead=actor_a, co=[actor_c], status=S.IN_REVIEW)
    app.coapplicant_links.update(status=CoApplicant.Status.DECLINED)
    client.force_login(steering)
    assert "Föreningen Gamma" in disabled(client.get(change_url(app)).content.decode())["Bevilja"]


@pytest.mark.django_db
def test_pot_too_small_for_the_whole_amount_leaves_approve_enabled_with_a_note(client, steering, pot, actor_a, actor_b):
    for _ in range(5):
        make_application(pot=pot, lead=actor_b, status=S.APPROVED, requested=19_000)
    app = make_application(pot=pot, lead=actor_a, status=S.IN_REVIEW, requested=6_000)
    client.force_login(steering)
    body = client.get(change_url(app)).content.decode()
    assert disabled(body) == {}
    assert "bevilja" in buttons(body)
    assert (
        "Potten räcker inte till hela beloppet: 5\xa0000\xa0kr återstår, 6\xa0000\xa0kr söks. Ni kan bevilja en del."
    ) in body
    assert 'aria-describedby="grants-move-bevilja-why"' in body


@pytest.mark.django_db
def test_empty_pot_disables_approve(client, steering, pot, actor_a, actor_b):
    for _ in range(5):
        make_application(pot=pot, lead=actor_b, status=S.APPROVED, requested=20_000)
    app = make_application(pot=pot, lead=actor_a, status=S.SUBMITTED, requested=6_000)
    client.force_login(steering)
    body = client.get(change_url(app)).content.decode()
    assert disabled(body) == {"Bevilja": f"Går inte nu: Potten är tom: inget återstår att bevilja i {pot.name}."}
    assert buttons(body) == {"avsla", "komplettering"}
    response = client.get(decision_url(app, "bevilja"), follow=True)
    assert response.redirect_chain == [(change_url(app), 302)]
    assert "Potten är tom" in response.content.decode()
    app.refresh_from_db()
    assert app.status == S.SUBMITTED and not app.events.exists()


@pytest.mark.django_db
def test_the_panel_reasons_are_the_workflows_refusals(steering, pot, actor_a, actor_c):
    """What the panel says beforehand is what the workflow says when it refuses."""
    app = make_application(pot=pot, lead=actor_a, co=[actor_c], status=S.IN_REVIEW, confirmed=False)
    with pytest.raises(TransitionError) as refusal:
        application_transition(application=app, to_status=S.APPROVED, actor_user=steering)
    reason, _note = move_refusal(application=app, move=MOVES_BY_SLUG["bevilja"], conflicts=[], pot=app.pot)
    assert reason == str(refusal.value)


# ---- opening a decision page takes a submitted application into review ----


@pytest.mark.django_db
@pytest.mark.parametrize("move", ["bevilja", "komplettering", "avsla"])
def test_opening_a_decision_page_takes_it_into_review_once(
    client, steering, application, move, django_capture_on_commit_callbacks
):
    client.force_login(steering)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        page = client.get(decision_url(application, move))
    assert page.status_code == 200
    application.refresh_from_db()
    assert application.status == S.IN_REVIEW
    event = application.events.get()
    assert (event.from_status, event.to_status, event.actor_user) == (S.SUBMITTED, S.IN_REVIEW, steering)
    # One mail to each applicant ("granskas nu"), and none for opening it again.
    assert len(mail.outbox) == 2 and all("granskas nu" in m.subject for m in mail.outbox)
    with django_capture_on_commit_callbacks(execute=True):
        assert client.get(decision_url(application, move)).status_code == 200
        assert client.get(decision_url(application, "avsla")).status_code == 200
    assert application.events.count() == 1 and len(mail.outbox) == 2
    # Deciding then writes the decision's row after it.
    client.post(decision_url(application, "avsla"), {"note": "Utanför syftet."})
    assert list(application.events.filter(kind="transition").order_by("pk").values_list("to_status", flat=True)) == [
        S.IN_REVIEW,
        S.REJECTED,
    ]


@pytest.mark.django_db
def test_the_change_page_and_a_refused_opening_take_nothing_into_review(
    client, steering, superuser, pot, actor_a, actor_c
):
    app = make_application(pot=pot, lead=actor_a, co=[actor_c], status=S.SUBMITTED)
    client.force_login(steering)
    assert client.get(change_url(app)).status_code == 200  # looking at the application
    # A superuser without the steering role reads but does not decide: 403, nothing moves.
    client.force_login(superuser)
    assert client.get(decision_url(app, "bevilja")).status_code == 403
    # A steering member with jäv is sent back; no review and no recusal row for looking.
    Representation.objects.create(user=steering, actor=actor_c)
    client.force_login(steering)
    assert client.get(decision_url(app, "bevilja")).status_code == 302
    app.refresh_from_db()
    assert app.status == S.SUBMITTED and not app.events.exists()


@pytest.mark.django_db
def test_two_members_opening_at_once_write_one_row(steering, application):
    other = make_steering_member("ledamot2@example.se")
    stale = Application.objects.get(pk=application.pk)  # the second one read it as submitted
    assert application_take_up(application=application, actor_user=steering) is True
    assert application_take_up(application=stale, actor_user=other) is False
    assert application.events.count() == 1


@pytest.mark.django_db
def test_approve_page_shows_pot_remaining_and_budget_and_prefills_the_amount(client, steering, pot, actor_a, actor_b):
    make_application(pot=pot, lead=actor_b, status=S.APPROVED, requested=15_000)
    app = make_application(pot=pot, lead=actor_a, status=S.IN_REVIEW, requested=18_000)
    client.force_login(steering)
    body = client.get(decision_url(app, "bevilja")).content.decode()
    assert "85\xa0000\xa0kr" in body  # left in the pot
    assert "Budget totalt" in body and "18\xa0000\xa0kr" in body
    assert 'name="amount" value="18000"' in body


@pytest.mark.django_db
def test_approve_full_amount(client, steering, pot, actor_a):
    app = make_application(pot=pot, lead=actor_a, status=S.IN_REVIEW, requested=18_000)
    client.force_login(steering)
    response = client.post(decision_url(app, "bevilja"), {"amount": "18 000", "motivation": ""})
    assert response.status_code == 302 and response["Location"] == change_url(app)
    app.refresh_from_db()
    assert (app.status, app.amount_granted) == (S.APPROVED, 18_000)


@pytest.mark.django_db
def test_partial_approval_requires_a_reason(client, steering, pot, actor_a):
    app = make_application(pot=pot, lead=actor_a, status=S.IN_REVIEW, requested=18_000)
    client.force_login(steering)
    response = client.post(decision_url(app, "bevilja"), {"amount": "15 000", "motivation": "  "})
    body = response.content.decode()
    assert response.status_code == 200
    assert "<title>Fel:" in body
    assert "Skriv varför ni beviljar 15\xa0000\xa0kr av de sökta 18\xa0000\xa0kr." in body
    assert 'value="15 000"' in body
    assert not Decision.objects.filter(application=app).exists()
    response = client.post(decision_url(app, "bevilja"), {"amount": "15 000", "motivation": "Utan scen."})
    assert response.status_code == 302
    app.refresh_from_db()
    assert (app.status, app.amount_granted) == (S.APPROVED, 15_000)
    assert Decision.objects.get(application=app).motivation == "Utan scen."


@pytest.mark.django_db
def test_overspend_keeps_typed_values_and_says_what_to_do(client, steering, pot, actor_a, actor_b):
    for _ in range(5):
        make_application(pot=pot, lead=actor_b, status=S.APPROVED, requested=19_000)
    app = make_application(pot=pot, lead=actor_a, status=S.IN_REVIEW, requested=6_000)
    client.force_login(steering)
    response = client.post(decision_url(app, "bevilja"), {"amount": "6 000", "motivation": "Viktig fest."})
    body = response.content.decode()
    assert response.status_code == 200
    assert "5\xa0000\xa0kr återstår" in body and "Sänk beloppet" in body
    assert 'value="6 000"' in body and "Viktig fest." in body
    app.refresh_from_db()
    assert app.status == S.IN_REVIEW


@pytest.mark.django_db
def test_wrong_status_on_post_keeps_typed_values(client, steering, pot, actor_a):
    """Someone else decided between opening the page and pressing the button."""
    app = make_application(pot=pot, lead=actor_a, status=S.REJECTED)
    client.force_login(steering)
    response = client.post(decision_url(app, "komplettering"), {"note": "Bifoga en offert."})
    body = response.content.decode()
    assert response.status_code == 200
    assert "Ansökan har status ”Avslagen” nu" in body and "Bifoga en offert." in body


@pytest.mark.django_db
def test_stale_button_on_get_goes_back_to_the_application(client, steering, pot, actor_a):
    app = make_application(pot=pot, lead=actor_a, status=S.APPROVED)
    client.force_login(steering)
    response = client.get(decision_url(app, "bevilja"), follow=True)
    assert response.redirect_chain[-1][0] == change_url(app)
    assert "så ”Bevilja” går inte" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(("move", "to_status"), [("avsla", S.REJECTED), ("komplettering", S.NEEDS_COMPLETION)])
def test_reject_and_completion_require_a_reason(client, steering, pot, actor_a, move, to_status):
    app = make_application(pot=pot, lead=actor_a, status=S.IN_REVIEW)
    client.force_login(steering)
    response = client.post(decision_url(app, move), {"note": ""})
    assert response.status_code == 200 and "errornote" in response.content.decode()
    app.refresh_from_db()
    assert app.status == S.IN_REVIEW
    assert client.post(decision_url(app, move), {"note": "Budgeten saknar hyran."}).status_code == 302
    app.refresh_from_db()
    assert app.status == to_status
    assert app.events.get(kind=ApplicationEvent.Kind.TRANSITION).note == "Budgeten saknar hyran."


@pytest.mark.django_db
def test_payment_stores_day_and_reference(client, steering, pot, actor_a):
    app = make_application(pot=pot, lead=actor_a, status=S.APPROVED, requested=9_000, approved_at=A_WEEK_AGO)
    client.force_login(steering)
    page = client.get(decision_url(app, "utbetald")).content.decode()
    assert f'value="{TODAY.isoformat()}"' in page  # today by default
    day = TODAY - datetime.timedelta(days=3)
    response = client.post(decision_url(app, "utbetald"), {"paid_on": day.isoformat(), "reference": "VER-2027-118"})
    assert response.status_code == 302
    payment = Payment.objects.get(application=app)
    assert (payment.paid_on, payment.reference, payment.amount) == (day, "VER-2027-118", 9_000)
    # The applicants' mail and the history say when and with which reference.
    assert "VER-2027-118" in app.events.latest("pk").note


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("day", "reference", "message"),
    [
        (TODAY + datetime.timedelta(days=1), "VER-1", "kan inte ligga i framtiden"),
        (TODAY.replace(year=TODAY.year - 30), "VER-1", "Kontrollera årtalet"),
        (TODAY, "", "Betalningsreferens"),
    ],
)
def test_payment_refuses_a_bad_day_or_no_reference(client, steering, pot, actor_a, day, reference, message):
    app = make_application(pot=pot, lead=actor_a, status=S.APPROVED)
    client.force_login(steering)
    response = client.post(decision_url(app, "utbetald"), {"paid_on": day.isoformat(), "reference": reference})
    body = response.content.decode()
    assert response.status_code == 200 and message in body
    assert f'value="{day.isoformat()}"' in body
    assert not Payment.objects.filter(application=app).exists()


@pytest.mark.django_db
def test_close_after_report(client, steering, pot, actor_a):
    app = make_application(pot=pot, lead=actor_a, status=S.REPORTED)
    client.force_login(steering)
    page = client.get(decision_url(app, "avsluta")).content.decode()
    assert "Ja, godkänn och avsluta" in page and "Har ni läst återrapporten och vill godkänna den?" in page
    assert "Vill du göra" not in page
    assert client.post(decision_url(app, "avsluta")).status_code == 302
    app.refresh_from_db()
    assert app.status == S.CLOSED


@pytest.mark.django_db
def test_outsiders(client, steering, superuser, coord_andersberg, resident, rep_a, application):
    url = decision_url(application, "avsla")
    # A coordinator is staff but may not read applications: 404, as on the site.
    client.force_login(coord_andersberg)
    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404
    # Not staff: the admin sends them to its login page.
    for user in (resident, rep_a):
        client.force_login(user)
        assert client.post(url).status_code == 302
    # A superuser reads the application but is not the steering group: 403, and no buttons.
    client.force_login(superuser)
    assert client.get(url).status_code == 403
    assert client.post(url).status_code == 403
    assert buttons(client.get(change_url(application)).content.decode()) == set()
    application.refresh_from_db()
    assert application.status == S.SUBMITTED


@pytest.mark.django_db
def test_drafts_and_unknown_moves_are_404(client, steering, pot, actor_a, application):
    draft = make_application(pot=pot, lead=actor_a)
    client.force_login(steering)
    assert client.get(decision_url(draft, "avsla")).status_code == 404
    assert client.get(decision_url(application, "granska")).status_code == 404  # no such step any more
    assert client.get(decision_url(application, "radera")).status_code == 404


@pytest.mark.django_db
def test_wrong_method_is_405(client, steering, application):
    client.force_login(steering)
    assert client.put(decision_url(application, "avsla")).status_code == 405
    assert client.delete(decision_url(application, "avsla")).status_code == 405
    application.refresh_from_db()
    assert application.status == S.SUBMITTED


def test_moves_by_slug_are_unique():
    assert len(MOVES_BY_SLUG) == len(DECISION_MOVES)


# ---- the list's actions: a confirm step, per-row errors, typed values kept ----


def _action(client, action: str, apps, **data):
    payload = {"action": action, ACTION_CHECKBOX_NAME: [a.pk for a in apps], **data}
    return client.post(reverse(CHANGELIST), payload, follow=True)


@pytest.mark.django_db
@pytest.mark.parametrize("action", ["reject", "mark_paid", "approve_report"])
def test_bulk_actions_ask_first(client, steering, pot, actor_a, action):
    status = {"reject": S.SUBMITTED, "mark_paid": S.APPROVED, "approve_report": S.REPORTED}[action]
    app = make_application(pot=pot, lead=actor_a, status=status)
    client.force_login(steering)
    body = _action(client, action, [app]).content.decode()
    assert "Bekräfta" in body and str(app) in body
    app.refresh_from_db()
    assert app.status == status


@pytest.mark.django_db
def test_bulk_approve_takes_a_submitted_application_into_review_first(client, steering, pot, actor_a, actor_b):
    submitted = make_application(pot=pot, lead=actor_a, status=S.SUBMITTED)
    in_review = make_application(pot=pot, lead=actor_b, status=S.IN_REVIEW)
    rejected = make_application(pot=pot, lead=actor_b, status=S.REJECTED)
    client.force_login(steering)
    body = _action(client, "approve", [submitted, in_review, rejected]).content.decode()
    assert f'name="a{in_review.pk}-amount"' in body and f'name="a{submitted.pk}-amount"' in body
    assert f'name="a{rejected.pk}-amount"' not in body
    assert "1 vald ansökan kan inte få status ”Beviljad” nu" in body
    assert "take_in_review" not in body  # no separate step among the actions
    _action(client, "approve", [submitted], apply="1", **{f"a{submitted.pk}-amount": "10 000"})
    submitted.refresh_from_db()
    assert submitted.status == S.APPROVED
    assert list(submitted.events.filter(kind="transition").order_by("pk").values_list("from_status", "to_status")) == [
        (S.SUBMITTED, S.IN_REVIEW),
        (S.IN_REVIEW, S.APPROVED),
    ]


@pytest.mark.django_db
def test_bulk_approve_keeps_typed_values_of_the_refused_row(client, steering, pot, actor_a, actor_b):
    for _ in range(4):
        make_application(pot=pot, lead=actor_b, status=S.APPROVED, requested=20_000)
    fits = make_application(pot=pot, lead=actor_a, status=S.IN_REVIEW, requested=12_000)
    # More than the 20 000 kr left whichever is decided first.
    too_big = make_application(pot=pot, lead=actor_b, status=S.IN_REVIEW, requested=22_000)
    client.force_login(steering)
    response = _action(
        client,
        "approve",
        [fits, too_big],
        apply="1",
        **{
            f"a{fits.pk}-amount": "12 000",
            f"a{too_big.pk}-amount": "21 000",
            f"a{too_big.pk}-motivation": "Vi stryker ljudet.",
        },
    )
    body = response.content.decode()
    assert "1 ansökan fick status ”Beviljad”." in body
    assert "Potten räcker inte" in body and "21\xa0000\xa0kr skulle beviljas" in body
    assert 'value="21 000"' in body and "Vi stryker ljudet." in body
    assert f'name="a{fits.pk}-amount"' not in body  # done, no longer on the page
    fits.refresh_from_db()
    too_big.refresh_from_db()
    assert (fits.status, too_big.status) == (S.APPROVED, S.IN_REVIEW)


@pytest.mark.django_db
def test_bulk_mark_paid_asks_for_day_and_reference(client, steering, pot, actor_a, actor_b):
    one = make_application(pot=pot, lead=actor_a, status=S.APPROVED, approved_at=A_WEEK_AGO)
    two = make_application(pot=pot, lead=actor_b, status=S.APPROVED, approved_at=A_WEEK_AGO)
    client.force_login(steering)
    day = TODAY - datetime.timedelta(days=1)
    body = _action(
        client,
        "mark_paid",
        [one, two],
        apply="1",
        **{"paid_on": day.isoformat(), f"a{one.pk}-reference": "VER-1", f"a{two.pk}-reference": ""},
    ).content.decode()
    assert "Betalningsreferens" in body and 'value="VER-1"' in body
    assert not Payment.objects.exists()  # one missing reference: nothing happens yet
    body = _action(
        client,
        "mark_paid",
        [one, two],
        apply="1",
        **{"paid_on": day.isoformat(), f"a{one.pk}-reference": "VER-1", f"a{two.pk}-reference": "VER-2"},
    ).content.decode()
    assert "2 ansökningar fick status ”Utbetald”." in body
    assert sorted(Payment.objects.values_list("reference", "paid_on")) == [("VER-1", day), ("VER-2", day)]


@pytest.mark.django_db
def test_the_steering_group_sees_where_to_pay(client, steering, pot, actor_a):
    app = make_application(pot=pot, lead=actor_a, status=S.APPROVED)
    Application.objects.filter(pk=app.pk).update(payment_method="bankgiro", giro_number="5050-1055")
    client.force_login(steering)
    body = client.get(change_url(app)).content.decode()
    assert "Utbetalning till" in body and "Bankgiro 5050-1055" in body
