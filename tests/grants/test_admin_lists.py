"""The grants admin reads like Swedish: amounts in kronor, sizes in kB, file types in words."""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from grants.formatting import file_kind, format_kr, format_size
from grants.models import Application, Attachment
from grants.workflow import application_transition
from tests.grants.conftest import TODAY, make_application

S = Application.Status
NB = "\xa0"


@pytest.mark.parametrize(
    ("size", "text"),
    [(0, f"0{NB}byte"), (999, f"999{NB}byte"), (9_216, f"9{NB}kB"), (999_499, f"999{NB}kB"), (2_400_000, f"2,4{NB}MB")],
)
def test_format_size(size, text):
    assert format_size(size) == text


def test_format_kr_isolated_in_right_to_left_languages():
    """An amount keeps its order in Arabic; a list of amounts may say the direction once (bidi)."""
    from django.utils import translation

    assert format_kr(12_500) == f"12{NB}500{NB}kr" == format_kr(12_500, bidi=False)
    assert format_kr(12_500, bidi=True) == f"\u206612{NB}500{NB}kr\u2069"
    with translation.override("ar"):
        assert format_kr(12_500) == format_kr(12_500, bidi=True)
    assert format_kr(None, bidi=True) == "–"


def test_file_kind():
    assert file_kind("application/pdf") == "PDF"
    assert file_kind("image/jpeg") == "JPEG-bild"
    assert file_kind("application/vnd.openxmlformats-officedocument.wordprocessingml.document") == "Word-dokument"
    assert file_kind("text/x-okand") == "text/x-okand"


@pytest.mark.django_db
def test_application_page_shows_kronor_sizes_and_file_types(client, steering, pot, actor_a, rep_a):
    app = make_application(pot=pot, lead=actor_a, status=S.IN_REVIEW, requested=18_000)
    Attachment.objects.create(
        application=app,
        file=ContentFile(b"%PDF-1.4", name="offert.pdf"),
        original_name="offert.pdf",
        content_type="application/pdf",
        size=9_216,
        uploaded_by=rep_a,
    )
    client.force_login(steering)
    body = client.get(reverse("admin:grants_application_change", args=[app.pk])).content.decode()
    main = body[body.index('id="content-main"') :]
    assert f"18{NB}000{NB}kr" in main and f"2{NB}000{NB}kr" in main
    assert f"9{NB}kB" in main and ">PDF<" in main
    assert "application/pdf" not in main and "9216" not in main and ">18000<" not in main


@pytest.mark.django_db
def test_application_list_labels_and_amounts(client, steering, pot, actor_a):
    make_application(pot=pot, lead=actor_a, status=S.APPROVED, requested=18_000, granted=15_000)
    client.force_login(steering)
    body = client.get(reverse("admin:grants_application_changelist")).content.decode()
    for label in ("Ansökan", "Status", "Sökande", "Sökt", "Beviljat", "Inskickad"):
        assert f">{label}</a>" in body
    assert f"18{NB}000{NB}kr" in body and f"15{NB}000{NB}kr" in body
    assert TODAY.isoformat() in body


@pytest.mark.django_db
def test_payment_list_shows_day_and_reference(client, steering, pot, actor_a):
    app = make_application(pot=pot, lead=actor_a, status=S.APPROVED, requested=9_000)
    application_transition(
        application=app, to_status=S.PAID, actor_user=steering, payment_date=TODAY, payment_reference="VER-55"
    )
    client.force_login(steering)
    body = client.get(reverse("admin:grants_payment_changelist") + "?q=VER-55").content.decode()
    assert "VER-55" in body and f"9{NB}000{NB}kr" in body


@pytest.mark.django_db
def test_applicant_sees_attachment_size_in_kb(client, pot, actor_a, rep_a):
    app = make_application(pot=pot, lead=actor_a)
    Attachment.objects.create(
        application=app,
        file=ContentFile(b"%PDF-1.4", name="offert.pdf"),
        original_name="offert.pdf",
        content_type="application/pdf",
        size=9_216,
        uploaded_by=rep_a,
    )
    client.force_login(rep_a)
    body = client.get(reverse("grants:step", args=[app.pk, 4])).content.decode()
    assert "offert.pdf" in body and f"(9{NB}kB)" in body


@pytest.mark.django_db
def test_application_list_rows_escape_and_show_the_case_columns(client, steering, pot, actor_a, networks):
    """What the list shows per row: the checkbox, the network, the start day, the days
    since submission; and what applicants wrote, escaped."""
    from members.models import Actor, Membership

    odd = Actor.objects.create(name='Fritids & "Kul" <förening>', slug="fritids-kul", kind=Actor.Kind.ASSOCIATION)
    Membership.objects.create(actor=odd, network=networks["brynas"], status=Membership.Status.ACTIVE)
    sent = make_application(pot=pot, lead=actor_a, status=S.SUBMITTED, requested=4_000)
    rejected = make_application(pot=pot, lead=odd, status=S.REJECTED, requested=2_500)
    Application.objects.filter(pk=rejected.pk).update(title="<script>alert('x')</script> & \"mer\"")
    client.force_login(steering)
    body = client.get(reverse("admin:grants_application_changelist")).content.decode()
    assert "<script>alert" not in body
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; &quot;mer&quot;" in body
    assert "Fritids &amp; &quot;Kul&quot; &lt;förening&gt;" in body
    for app in (sent, rejected):
        assert f'name="_selected_action" value="{app.pk}" class="action-select"' in body
        assert app.reference in body
    for column in ("network_short", "starts_short", "days_waiting"):
        assert f'class="field-{column}' in body
    assert '<td class="field-days_waiting">0 dagar</td>' in body
    assert '<span class="date-short">' in body
    # The networks' names in the networks' own order (read in one query for the whole list).
    sent.networks.set([networks["satra"], networks["brynas"], networks["andersberg"]])
    body = client.get(reverse("admin:grants_application_changelist")).content.decode()
    names = ", ".join(network.name for network in sent.networks.all())
    assert names.count(", ") == 2 and f'<td class="field-network_short">{names}</td>' in body


@pytest.mark.django_db
@pytest.mark.parametrize("query", ["", "?o=-3.1", "?status__exact=submitted&o=9", "?o=2.6"])
def test_application_list_rows_are_djangos_own(client, steering, pot, actor_a, actor_b, query, monkeypatch):
    """The list's rows, read narrowly (core.adminlist.RowsChangeList) with what they share
    looked up once (grants.admin.ListFacts) and the status column drawn from its labels
    (grants.admin.status), are the HTML Django's own change list and template draw with the
    status field itself."""
    from django.contrib import admin
    from django.contrib.admin.templatetags.admin_list import result_list
    from django.contrib.admin.views.main import ChangeList
    from django.template.loader import render_to_string
    from django.test import RequestFactory
    from django.urls import resolve

    from grants.admin import status

    make_application(pot=pot, lead=actor_a, status=S.SUBMITTED, requested=4_000)
    make_application(pot=pot, lead=actor_b, status=S.APPROVED, requested=18_000, granted=15_000)
    url = reverse("admin:grants_application_changelist") + query
    client.force_login(steering)
    body = client.get(url).content.decode()
    assert 'class="field-status">Inskickad</td>' in body
    assert ('class="field-status">Beviljad</td>' in body) == ("status__exact" not in query)

    request = RequestFactory().get(url)
    request.user = steering
    request.resolver_match = resolve(
        reverse("admin:grants_application_changelist")
    )  # The rows' links keep the filters.
    model_admin = admin.site._registry[Application]
    monkeypatch.setattr(model_admin, "get_changelist", lambda request, **kwargs: ChangeList)
    monkeypatch.setattr(
        model_admin, "list_display", ["status" if column is status else column for column in model_admin.list_display]
    )
    changelist = model_admin.get_changelist_instance(request)
    changelist.formset = None
    expected = render_to_string("admin/change_list_results.html", result_list(changelist))
    start = expected.index('<div class="results">')
    table = expected[start : expected.index("</table>", start)]
    assert table.count("<tr>") == 1 + changelist.result_count and "/change/" in table
    assert ("_changelist_filters" in table) == bool(query)
    assert table in body


@pytest.mark.django_db
def test_application_list_pot_and_network_filters_offer_djangos_own_choices(steering, pot, networks):
    """The pot and network filters (grants.admin_filters.NameOnlyRelatedFilter) read only the
    columns of the names, in one query each, and offer what Django's own filter offers."""
    from django.contrib import admin
    from django.contrib.admin.filters import RelatedFieldListFilter
    from django.db import connection
    from django.test import RequestFactory
    from django.test.utils import CaptureQueriesContext

    from grants.admin_filters import NetworkFilter, PotFilter
    from grants.models import Pot

    Pot.objects.create(
        year=TODAY.year - 1, name="Pott & <fjolår>", opens_on=TODAY, closes_on=TODAY, max_amount_per_application=1
    )
    networks["brynas"].network_name = "BRYN"
    networks["brynas"].save()
    request = RequestFactory().get(reverse("admin:grants_application_changelist"))
    request.user = steering
    model_admin = admin.site._registry[Application]
    for name, narrow in (("pot", PotFilter), ("networks", NetworkFilter)):
        field = Application._meta.get_field(name)
        djangos = RelatedFieldListFilter(field, request, {}, Application, model_admin, field_path=name)
        with CaptureQueriesContext(connection) as queries:
            ours = narrow(field, request, {}, Application, model_admin, field_path=name)
        assert len(queries) == 1
        assert ours.lookup_choices == djangos.lookup_choices and len(ours.lookup_choices) >= 2
    assert (networks["brynas"].pk, "BRYN (Brynäs)") in ours.lookup_choices


@pytest.mark.django_db
def test_application_list_counts_the_applications_alone(client, steering, pot, actor_a):
    """The paginator's count of every application joins no other table: what a page's rows
    read (core.adminlist.RowsChangeList.list_rows) stays out of it. A join to the lead actors
    made the count thirteen times slower in PostgreSQL at 50,000 applications."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    make_application(pot=pot, lead=actor_a, status=S.SUBMITTED, requested=4_000)
    client.force_login(steering)
    for query in ("", "?o=3", "?status__exact=submitted"):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("admin:grants_application_changelist") + query).status_code == 200
        counts = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("SELECT COUNT(*)")]
        assert len(counts) == 1 and "JOIN" not in counts[0]
