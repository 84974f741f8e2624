"""The steering group's case tools (issue 19, item 6): an internal note and a handler per
application, kept in the history, never shown to the applicants; the list's columns and
filters for a case handler."""

from __future__ import annotations

import datetime
import json
import re

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from core.roles import STEERING_GROUP
from grants.casework import application_handler_set, application_note_set, handler_choices
from grants.models import Application, ApplicationEvent
from members.models import Representation
from members.services import user_delete
from tests.conftest import _user
from tests.grants.conftest import make_application

pytestmark = pytest.mark.django_db

S = Application.Status
K = ApplicationEvent.Kind
CHANGELIST = "admin:grants_application_changelist"
NOTE = "Ringde Kim 3/12: tältet är bokat, offert kommer."


def change_url(app: Application) -> str:
    return reverse("admin:grants_application_change", args=[app.pk])


def casework_url(app: Application) -> str:
    return reverse("admin:grants_application_casework", args=[app.pk])


def steering_member(email: str, name: str):
    user = _user(email, is_staff=True)
    user.name = name
    user.save(update_fields=["name"])
    user.groups.add(Group.objects.get(name=STEERING_GROUP))
    return user


@pytest.fixture
def colleague(db):
    return steering_member("kollega@example.se", "Kim Kollega")


def _save(client, app: Application, *, note: str = "", handler=None):
    return client.post(casework_url(app), {"internal_note": note, "handler": handler.pk if handler else ""})


# ---- The note and the handler on the application's page ----


def test_steering_member_sets_note_and_handler_and_both_are_in_the_history(client, steering, colleague, application):
    client.force_login(steering)
    page = client.get(change_url(application)).content.decode()
    assert 'name="internal_note"' in page and f'<option value="{colleague.pk}">Kim Kollega</option>' in page
    assert f'action="{casework_url(application)}"' in page

    response = _save(client, application, note=NOTE, handler=colleague)
    assert response.status_code == 302 and response["Location"].startswith(change_url(application))
    application.refresh_from_db()
    assert application.internal_note == NOTE and application.handler == colleague
    events = list(application.events.filter(kind__in=[K.NOTE, K.HANDLER]).order_by("pk"))
    assert [(e.kind, e.note, e.actor_user, e.from_status, e.to_status) for e in events] == [
        (K.NOTE, NOTE, steering, S.SUBMITTED, S.SUBMITTED),
        (K.HANDLER, "Handläggare: Kim Kollega", steering, S.SUBMITTED, S.SUBMITTED),
    ]
    # The history on the application's page (the events inline) shows both rows.
    page = client.get(change_url(application)).content.decode()
    history = page[page.index("Händelser") :]
    assert "Intern anteckning" in history and "Handläggare: Kim Kollega" in history
    assert NOTE in history
    assert "Styrgruppens anteckning och handläggare är sparade" in page


def test_saving_nothing_new_writes_nothing_and_clearing_is_in_the_history(client, steering, colleague, application):
    client.force_login(steering)
    _save(client, application, note=NOTE, handler=colleague)
    _save(client, application, note=f"  {NOTE}\n", handler=colleague)
    assert application.events.filter(kind__in=[K.NOTE, K.HANDLER]).count() == 2
    assert "Inget ändrades." in client.get(change_url(application)).content.decode()

    _save(client, application, note="", handler=None)
    application.refresh_from_db()
    assert application.internal_note == "" and application.handler is None
    last_two = list(application.events.order_by("-pk").values_list("kind", "note")[:2])
    assert last_two == [(K.HANDLER, "Ingen handläggare"), (K.NOTE, "Anteckningen togs bort.")]


def test_a_note_that_is_too_long_is_refused_with_what_was_typed(client, steering, application):
    client.force_login(steering)
    typed = "Långt. " * 800
    response = _save(client, application, note=typed)
    body = response.content.decode()
    assert response.status_code == 200 and "Det gick inte att spara" in body
    assert "5000" in body and typed.strip() in body
    application.refresh_from_db()
    assert application.internal_note == "" and not application.events.filter(kind=K.NOTE).exists()


# ---- Never shown to the applicants ----


def test_applicants_see_neither_the_note_nor_the_internal_history(
    client, steering, colleague, application, rep_a, rep_c
):
    from grants.workflow import application_transition

    application_transition(application=application, to_status=S.IN_REVIEW, actor_user=steering)
    application_note_set(application=application, user=steering, text=NOTE)
    application_handler_set(application=application, user=steering, handler=colleague)
    for applicant in (rep_a, rep_c):
        client.force_login(applicant)
        for url in (application.get_absolute_url(), reverse("grants:receipt", args=[application.pk])):
            body = client.get(url).content.decode()
            assert NOTE not in body and "Kim Kollega" not in body and "Intern anteckning" not in body
            assert "Anteckningen" not in body and "Handläggare" not in body
        # The status change around them is still shown (the history is not simply gone).
        body = client.get(application.get_absolute_url()).content.decode()
        assert "Under granskning" in body[body.index("Händelser") :]


def test_the_applicants_gdpr_export_has_no_note_and_the_writer_sees_only_that_they_wrote(
    client, steering, colleague, application, rep_a
):
    application_note_set(application=application, user=steering, text=NOTE)
    application_handler_set(application=application, user=steering, handler=colleague)

    client.force_login(rep_a)
    data = json.loads(client.get("/mina-sidor/mina-uppgifter/export/").content)
    text = json.dumps(data, ensure_ascii=False)
    assert [a["reference"] for a in data["grant_applications"]] == [application.reference]
    assert NOTE not in text and "Kim Kollega" not in text and "Intern anteckning" not in text
    assert "internal_note" not in text and "handler" not in text

    # The steering member's own export: that they wrote a note and chose a handler, on
    # which application and when; the note's text stays with the case.
    client.force_login(steering)
    data = json.loads(client.get("/mina-sidor/mina-uppgifter/export/").content)
    rows = [(e["application"], e["kind"], e["note"]) for e in data["grant_application_events"]]
    assert rows == [(str(application), "Intern anteckning", ""), (str(application), "Handläggare", "")]
    assert NOTE not in json.dumps(data, ensure_ascii=False)


def test_deleting_the_applicants_account_keeps_the_note(steering, colleague, application, rep_a):
    application_note_set(application=application, user=steering, text=NOTE)
    application_handler_set(application=application, user=steering, handler=colleague)
    user_delete(user=rep_a)
    application.refresh_from_db()
    assert application.internal_note == NOTE and application.handler == colleague
    assert application.events.filter(kind__in=[K.NOTE, K.HANDLER]).count() == 2


# ---- Who may ----


def test_coordinators_and_representatives_cannot_reach_or_set_them(
    client, coord_andersberg, rep_a, steering, application
):
    application_note_set(application=application, user=steering, text=NOTE)
    # A coordinator may not read applications at all (404, as on the site). The lead's
    # representative, given admin access, reads the application but may not write (403).
    rep_a.is_staff = True
    rep_a.save()
    for user, status in ((coord_andersberg, 404), (rep_a, 403)):
        client.force_login(user)
        assert client.get(casework_url(application)).status_code == status
        assert client.post(casework_url(application), {"internal_note": "Hej", "handler": ""}).status_code == status
        response = client.get(change_url(application))
        assert response.status_code == 403 and NOTE not in response.content.decode()
    application.refresh_from_db()
    assert application.internal_note == NOTE
    assert application.events.filter(kind=K.NOTE).count() == 1


def test_a_superuser_reads_the_note_but_does_not_write_it(client, superuser, steering, colleague, application):
    application_note_set(application=application, user=steering, text=NOTE)
    application_handler_set(application=application, user=steering, handler=colleague)
    client.force_login(superuser)
    page = client.get(change_url(application)).content.decode()
    assert NOTE in page and "Kim Kollega" in page and 'name="internal_note"' not in page
    assert "Bara styrgruppen skriver anteckningar" in page
    assert _save(client, application, note="Annat").status_code == 403
    with pytest.raises(ValidationError, match="Bara styrgruppen"):
        application_note_set(application=application, user=superuser, text="Annat")


def test_no_note_on_a_draft(steering, pot, actor_a, client):
    draft = make_application(pot=pot, lead=actor_a, status=S.DRAFT)
    client.force_login(steering)
    assert client.get(casework_url(draft)).status_code == 404
    with pytest.raises(ValidationError, match="utkast"):
        application_note_set(application=draft, user=steering, text=NOTE)


def test_the_handler_must_be_an_active_steering_member_and_no_party(
    client, steering, colleague, coord_andersberg, actor_c, application
):
    client.force_login(steering)
    response = _save(client, application, note=NOTE, handler=coord_andersberg)
    body = response.content.decode()
    assert response.status_code == 200
    assert "Handläggaren måste vara med i styrgruppen" in body and NOTE in body
    application.refresh_from_db()
    assert application.internal_note == "" and application.handler is None

    with pytest.raises(ValidationError, match="inte med i styrgruppen"):
        application_handler_set(application=application, user=steering, handler=coord_andersberg)
    colleague.is_active = False
    colleague.save()
    with pytest.raises(ValidationError, match="inte med i styrgruppen"):
        application_handler_set(application=application, user=steering, handler=colleague)
    party = steering_member("part@example.se", "Pia Part")
    Representation.objects.create(user=party, actor=actor_c)
    with pytest.raises(ValidationError, match="jäv"):
        application_handler_set(application=application, user=steering, handler=party)
    assert set(handler_choices(application=application)) == {steering}
    assert not application.events.filter(kind=K.HANDLER).exists()


def test_a_handler_who_left_the_group_stays_when_only_the_note_changes(client, steering, colleague, application):
    application_handler_set(application=application, user=steering, handler=colleague)
    colleague.groups.clear()
    client.force_login(steering)
    assert colleague in handler_choices(application=application)
    _save(client, application, note=NOTE, handler=colleague)
    application.refresh_from_db()
    assert application.handler == colleague and application.internal_note == NOTE


def test_a_member_with_jav_sees_the_note_but_cannot_change_it(client, steering, colleague, actor_c, application):
    application_note_set(application=application, user=colleague, text=NOTE)
    Representation.objects.create(user=steering, actor=actor_c)
    client.force_login(steering)
    page = client.get(change_url(application)).content.decode()
    assert NOTE in page and 'name="internal_note"' not in page
    assert "Du är jävig i den här ansökan och kan inte skriva anteckningar" in page
    response = _save(client, application, note="Min egen åsikt")
    body = response.content.decode()
    assert response.status_code == 200 and "Föreningen Gamma" in body and "(jäv)" in body
    application.refresh_from_db()
    assert application.internal_note == NOTE


# ---- The list: columns, "Mina ärenden", no "Utkast" ----


def _rows(body: str) -> list[str]:
    return re.findall(r'<tr>\s*<td class="action-checkbox">.*?</tr>', body, flags=re.S)


def test_mina_arenden_shows_exactly_my_cases(client, steering, colleague, pot, actor_a, actor_b):
    mine = [make_application(pot=pot, lead=actor_a, status=S.SUBMITTED) for _ in range(2)]
    theirs = make_application(pot=pot, lead=actor_b, status=S.IN_REVIEW)
    nobodys = make_application(pot=pot, lead=actor_b, status=S.APPROVED)
    for app in mine:
        application_handler_set(application=app, user=steering, handler=steering)
    application_handler_set(application=theirs, user=steering, handler=colleague)
    client.force_login(steering)

    def listed(query: str) -> set[str]:
        body = client.get(reverse(CHANGELIST) + query).content.decode()
        return {app.reference for app in [*mine, theirs, nobodys] if app.reference in body}

    page = client.get(reverse(CHANGELIST)).content.decode()
    assert "Mina ärenden" in page and "Utan handläggare" in page
    assert listed("?handlaggare=mina") == {app.reference for app in mine}
    assert listed("?handlaggare=ingen") == {nobodys.reference}
    client.force_login(colleague)
    assert listed("?handlaggare=mina") == {theirs.reference}


def test_the_status_filter_offers_no_draft(client, steering, application):
    client.force_login(steering)
    body = client.get(reverse(CHANGELIST)).content.decode()
    status_filter = body[body.index("status__exact=") - 400 :]
    assert "status__exact=draft" not in body and ">Utkast<" not in body
    for label in ("Inskickad", "Under granskning", "Beviljad", "Avslagen"):
        assert f">{label}</a>" in status_filter
    assert client.get(reverse(CHANGELIST) + "?status__exact=submitted").status_code == 200


def test_the_new_columns_render(client, steering, pot, actor_a, networks):
    app = make_application(pot=pot, lead=actor_a, status=S.SUBMITTED)
    app.networks.add(networks["satra"])
    Application.objects.filter(pk=app.pk).update(
        submitted_at=timezone.now() - datetime.timedelta(days=3),
        starts_on=datetime.date(2030, 12, 7),
        ends_on=datetime.date(2030, 12, 8),
    )
    single = make_application(pot=pot, lead=actor_a, status=S.IN_REVIEW)
    Application.objects.filter(pk=single.pk).update(submitted_at=timezone.now() - datetime.timedelta(days=1))
    client.force_login(steering)
    body = client.get(reverse(CHANGELIST)).content.decode()
    for header in ("Nätverk", "Start", "Sedan inskick"):
        assert f">{header}</" in body
    row = next(r for r in _rows(body) if app.reference in r)
    assert '<td class="field-network_short">Andersberg, Sätra</td>' in row
    assert '<span class="date-short">2030-12-07</span>' in row
    assert '<td class="field-days_waiting">3 dagar</td>' in row
    assert '<td class="field-days_waiting">1 dag</td>' in next(r for r in _rows(body) if single.reference in r)


def test_the_list_reads_a_bounded_number_of_queries(
    client, steering, colleague, pot, actor_a, actor_b, actor_c, networks, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(steering)

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse(CHANGELIST) + "?handlaggare=mina").status_code == 200
        return len(ctx.captured_queries)

    def add(n: int) -> None:
        for i in range(n):
            app = make_application(pot=pot, lead=actor_b if i % 2 else actor_a, co=[actor_c], status=S.IN_REVIEW)
            app.networks.add(networks["satra"], networks["brynas"])
            Application.objects.filter(pk=app.pk).update(handler=steering if i % 3 else colleague)

    add(3)
    few = count()
    add(57)
    with django_assert_max_num_queries(few):
        body = client.get(reverse(CHANGELIST) + "?handlaggare=mina").content.decode()
    assert len(_rows(body)) == 40 and body.count('"field-network_short">Andersberg, Brynäs, Sätra</td>') == 40
