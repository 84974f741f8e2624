"""core.adminrows draws the rows of the applications' list exactly as Django's admin
would, and leaves to Django every list it does not know how to draw."""

from __future__ import annotations

import datetime

import pytest
from django.contrib import admin
from django.contrib.admin.templatetags import admin_list
from django.test import RequestFactory
from django.urls import reverse

import core.adminrows
from core.adminrows import fast_results
from grants.admin import ApplicationAdmin
from grants.models import Application
from members.models import Actor, Membership
from tests.grants.conftest import make_application

S = Application.Status
CHANGELIST = "admin:grants_application_changelist"

pytestmark = pytest.mark.django_db


@pytest.fixture
def applications(pot, actor_a, actor_b, networks):
    odd = Actor.objects.create(name='Fritids & "Kul" <förening>', slug="fritids-kul", kind=Actor.Kind.ASSOCIATION)
    Membership.objects.create(actor=odd, network=networks["brynas"], status=Membership.Status.ACTIVE)
    apps = [
        make_application(pot=pot, lead=actor_a, status=S.SUBMITTED, requested=4_000),
        make_application(pot=pot, lead=actor_b, status=S.APPROVED, requested=18_000, granted=15_000),
        make_application(pot=pot, lead=odd, status=S.REJECTED, requested=2_500),
        make_application(pot=pot, lead=actor_a, status=S.CLOSED, requested=9_000),
    ]
    # A title with every character that must be escaped, and one that is only blanks.
    Application.objects.filter(pk=apps[2].pk).update(title="<script>alert('x')</script> & \"mer\"")
    Application.objects.filter(pk=apps[3].pk).update(submitted_at=None)
    return apps


def _changelist(user, query: str = "", model_admin=None):
    request = RequestFactory().get(reverse(CHANGELIST) + query)
    request.user = user
    model_admin = model_admin or admin.site._registry[Application]
    changelist = model_admin.get_changelist_instance(request)
    changelist.formset = None  # As changelist_view sets it when nothing is editable.
    return changelist


def _django_rows(changelist) -> list[str]:
    return ["".join(row) for row in admin_list.results(changelist)]


def _fast_rows(changelist) -> list[str]:
    rows = fast_results(changelist)
    assert rows is not None
    return ["".join(row) for row in rows]


@pytest.mark.parametrize(
    "query",
    [
        "",
        "?status__exact=approved",
        "?o=-3.1&q=Sommarfest",
        "?pot__id__exact=1&p=1",
        "?handlaggare=mina&o=9.5",
        "?handlaggare=ingen&networks__id__exact=1",
    ],
)
def test_the_applications_rows_are_the_html_django_draws(steering, applications, query):
    changelist = _changelist(steering, query)
    assert changelist.result_count >= 1 or query
    assert _fast_rows(changelist) == _django_rows(changelist)


def test_the_case_handlers_columns_are_drawn_here(steering, applications):
    """Network, start and days since submission are display methods: drawn by adminrows, the
    same as Django (above), and not left to Django's per-cell code."""
    Application.objects.filter(pk=applications[0].pk).update(handler=steering)
    changelist = _changelist(steering, "?handlaggare=mina")
    rows = _fast_rows(changelist)
    assert len(rows) == 1 and rows == _django_rows(changelist)
    for column in ("network_short", "starts_short", "days_waiting"):
        assert f'class="field-{column}"' in rows[0]
    assert '<td class="field-days_waiting">0 dagar</td>' in rows[0]


def test_the_rows_escape_what_applicants_wrote(steering, applications):
    html = "".join(_fast_rows(_changelist(steering)))
    assert "<script>" not in html and "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; &quot;mer&quot;" in html
    assert "Fritids &amp; &quot;Kul&quot; &lt;förening&gt;" in html


class ProbeAdmin(admin.ModelAdmin):
    """Every kind of column the fast rows know: fields (with choices, a date, a number,
    a text), methods (returning a date, nothing, a blank text, a number), two links."""

    list_display = [
        "action_checkbox",
        "reference",
        "status",
        "submitted_at",
        "amount_granted",
        "starts",
        "nothing",
        "blank",
        "count",
        "place",
    ]
    list_display_links = ["reference", "status"]

    @admin.display(description="Börjar")
    def starts(self, obj) -> datetime.date:
        return obj.starts_on

    @admin.display(description="Inget", empty_value="(inget)")
    def nothing(self, obj) -> None:
        return None

    @admin.display(description="Tomt")
    def blank(self, obj) -> str:
        return "   "

    @admin.display(description="Antal")
    def count(self, obj) -> int:
        return 12_345


def test_every_kind_of_column_is_drawn_as_django_draws_it(superuser, applications):
    changelist = _changelist(superuser, "?o=2", ProbeAdmin(Application, admin.site))
    rows = _fast_rows(changelist)
    assert rows == _django_rows(changelist)
    assert 'class="field-starts nowrap"' in rows[0] and "(inget)" in rows[0]
    assert rows[0].count("<th") == 1 and rows[0].count("<a href") == 2


@pytest.mark.parametrize(
    "change",
    [
        {"list_display": ["reference", "lead_actor"]},  # A relation.
        {"list_display": ["reference", "amount_granted"], "list_editable": ["amount_granted"]},
        {"list_display": ["reference", lambda obj: obj.title]},  # A callable of its own.
        {"list_display": ["reference", "is_granted"]},  # A boolean column.
    ],
)
def test_lists_it_does_not_know_are_left_to_django(superuser, applications, change):
    probe = type(
        "Probe",
        (admin.ModelAdmin,),
        {
            "is_granted": admin.display(boolean=True, description="Beviljad")(lambda self, obj: True),
            **change,
        },
    )
    changelist = _changelist(superuser, "", probe(Application, admin.site))
    if "list_editable" in change:
        changelist.formset = object()  # What changelist_view sets for an editable list.
    assert fast_results(changelist) is None


def test_the_applications_page_draws_its_rows_without_djangos_per_cell_code(
    client, steering, applications, monkeypatch
):
    def refuse(changelist):
        raise AssertionError("Django's per-cell code was used")

    monkeypatch.setattr(core.adminrows, "results", refuse)
    client.force_login(steering)
    body = client.get(reverse(CHANGELIST)).content.decode()
    for app in applications[:2]:
        assert f'value="{app.pk}"' in body and app.reference in body
    assert ApplicationAdmin.list_per_page == 50
