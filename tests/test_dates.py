"""Dates mean one thing (issue 19): ISO and the Swedish day-first forms, never US month first.
Times are read as the site writes them, 18.00, and as 18:00 and 1800 (issue 22)."""

from __future__ import annotations

import datetime
import re
from zoneinfo import ZoneInfo

import pytest
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone, translation
from django.utils.formats import date_format

from core.dates import (
    DATE_HINT,
    INVALID_DATE,
    SwedishDateField,
    SwedishSplitDateTimeField,
    parse_date,
)
from core.templatetags.natverk_tags import local_day, local_time, local_when

DEC_7 = datetime.date(2026, 12, 7)
MESSAGE = "Skriv datumet som 2026-12-07 eller 7/12 2026."


@pytest.mark.parametrize(
    "text",
    [
        "2026-12-07",
        "2026-12-7",
        "20261207",
        "7/12 2026",
        "7/12/2026",
        "07/12/2026",
        "7.12.2026",
        "07.12.2026",
        "7-12-2026",
        "7 dec 2026",
        "7 Dec 2026",
        "7 DEC. 2026",
        "7 december 2026",
        "7. december 2026",
        "  7   december   2026 ",
        "7 December 2026",
        "٧/١٢ ٢٠٢٦",  # Arabic-Indic digits, as an Arabic keyboard types them.
    ],
)
def test_the_ways_people_type_7_december(text: str) -> None:
    assert parse_date(text) == DEC_7


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("1 jan 2027", datetime.date(2027, 1, 1)),
        ("3 mars 2027", datetime.date(2027, 3, 3)),
        ("3 march 2027", datetime.date(2027, 3, 3)),
        ("9 maj 2027", datetime.date(2027, 5, 9)),
        ("9 may 2027", datetime.date(2027, 5, 9)),
        ("4 okt 2027", datetime.date(2027, 10, 4)),
        ("4 oct 2027", datetime.date(2027, 10, 4)),
        ("30 sept. 2027", datetime.date(2027, 9, 30)),
        ("29/2 2028", datetime.date(2028, 2, 29)),
        ("1/2/2027", datetime.date(2027, 2, 1)),  # the first of February, not 2 January
    ],
)
def test_month_names_and_day_first(text: str, day: datetime.date) -> None:
    assert parse_date(text) == day


@pytest.mark.parametrize(
    "text",
    [
        "12/13/2026",  # US order: there is no thirteenth month
        "31/2 2026",  # no 31 February
        "29/2 2027",  # not a leap year
        "2026-13-01",
        "7/12 26",  # two-digit year
        "07/12/26",
        "7/12",  # no year
        "7 dec",
        "dec 7 2026",  # month first
        "December 7, 2026",
        "7 foo 2026",
        "7/12-2026",  # mixed separators
        "2026127",  # seven digits: 27 January or 7 December?
        "0/1/2026",
        "1/1/0000",
        "i morgon",
        "",
    ],
)
def test_ambiguous_or_impossible_dates_are_refused_with_the_format(text: str) -> None:
    with pytest.raises(ValidationError) as refused:
        parse_date(text)
    assert refused.value.messages == [MESSAGE]
    assert refused.value.code == "invalid"


def test_the_field_reads_swedish_and_shows_iso() -> None:
    class Form(forms.Form):
        day = SwedishDateField(label="Dag")

    form = Form({"day": "07/12/2026"})
    assert form.is_valid() and form.cleaned_data["day"] == DEC_7
    html = str(Form(initial={"day": DEC_7})["day"])
    assert 'type="text"' in html and 'value="2026-12-07"' in html
    assert 'autocomplete="off"' in html and 'class="input--date"' in html
    assert str(Form()["day"].help_text) == str(DATE_HINT) == "Till exempel 2026-12-07 eller 7/12 2026."


def test_the_field_refuses_and_keeps_what_was_typed() -> None:
    class Form(forms.Form):
        day = SwedishDateField(label="Dag", help_text="Egen hjälptext.")

    form = Form({"day": "12/13/2026"})
    assert not form.is_valid()
    assert form.errors["day"] == [MESSAGE] == [str(INVALID_DATE)]
    assert 'value="12/13/2026"' in str(form["day"])
    assert form["day"].help_text == "Egen hjälptext."


def test_a_missing_date_is_asked_for_in_our_words_unless_the_form_has_its_own() -> None:
    class Form(forms.Form):
        day = SwedishDateField(label="Dag")
        last = SwedishDateField(label="Sista dag", error_messages={"required": "Skriv sista dag."})

    form = Form({"day": "", "last": ""})
    assert not form.is_valid()
    assert form.errors["day"] == ["Skriv ett datum, till exempel 2026-12-07 eller 7/12 2026."]
    assert form.errors["last"] == ["Skriv sista dag."]


def test_the_field_takes_dates_and_nothing() -> None:
    field = SwedishDateField(required=False)
    assert field.clean("") is None
    assert field.to_python(DEC_7) == DEC_7
    assert field.to_python(datetime.datetime(2026, 12, 7, 10, 0)) == DEC_7


@pytest.mark.parametrize("language", [code for code, _name in settings.LANGUAGES] + [None])
def test_djangos_own_date_fields_are_day_first_in_every_language(language: str | None) -> None:
    """The fields we did not replace (an app's admin, a library) read 07/12/2026 as 7 December."""
    with translation.override(language):
        assert forms.DateField().clean("07/12/2026") == DEC_7
        assert forms.DateField().clean("2026-12-07") == DEC_7
        with pytest.raises(ValidationError):
            forms.DateField().clean("12/13/2026")
        moment = timezone.localtime(forms.DateTimeField().clean("07/12/2026 18:30"))
        assert (moment.date(), moment.hour, moment.minute) == (DEC_7, 18, 30)
        # The widgets show a value in the first format: ISO, as the admin's calendar writes it.
        assert forms.DateInput().format_value(DEC_7) == "2026-12-07"


def test_the_admins_date_and_time_pair_reads_swedish() -> None:
    field = SwedishSplitDateTimeField()
    value = field.clean(["7 dec 2026", "18:30"])
    assert value.date() == DEC_7 and (value.hour, value.minute) == (18, 30)
    with pytest.raises(ValidationError) as refused:
        field.clean(["12/13/2026", "18:30"])
    assert MESSAGE in refused.value.messages


OUR_APPS = {"networks", "members", "meetings", "grants", "borsen", "voices", "dialog", "sok", "digest", "natverk"}


@pytest.mark.django_db
def test_every_admin_form_reads_its_dates_day_first(rf, superuser) -> None:
    """Every date the admin lets someone type (the voice's consent day, a pot's dates, a meeting's
    start) is read by parse_date, also in admins added later: 07/12/2026 is 7 December."""
    from django.contrib import admin
    from django.db import models

    request = rf.get("/admin/")
    request.user = superuser
    checked = []
    for model, model_admin in admin.site._registry.items():
        dated = [
            field.name
            for field in model._meta.get_fields()
            if isinstance(field, models.DateField) and field.editable and not field.auto_created
        ]
        if not dated:
            continue
        form_fields = model_admin.get_form(request)().fields
        for name in dated:
            field = form_fields.get(name)
            if field is None:  # read-only or not on the form: nobody types it
                continue
            # The month's name only parse_date reads; a library's admin (allauth's authenticators)
            # has Django's own fields, day first through natverk/formats.
            ours = model._meta.app_label in OUR_APPS
            for typed in ("07/12/2026", "7 dec 2026") if ours else ("07/12/2026",):
                if isinstance(field, forms.SplitDateTimeField):
                    value = timezone.localtime(field.clean([typed, "18:30"])).date()
                else:
                    value = field.clean(typed)
                assert value == DEC_7, f"{model.__name__}.{name}: {typed}"
            with pytest.raises(ValidationError):
                field.clean(["12/13/2026", "18:30"] if isinstance(field, forms.SplitDateTimeField) else "12/13/2026")
            checked.append(f"{model.__name__}.{name}")
    assert {"Pot.opens_on", "Voice.consent_given_at", "Meeting.starts_at"} <= set(checked), checked


@pytest.mark.parametrize("language", [code for code, _name in settings.LANGUAGES] + [None])
@pytest.mark.parametrize("typed", ["18.00", "18:00", "1800", "18.00.00", "18:00:00"])
def test_a_time_is_read_as_the_site_writes_it(language: str | None, typed: str) -> None:
    with translation.override(language):
        assert forms.TimeField().clean(typed) == datetime.time(18, 0)
        assert forms.SplitDateTimeField().clean(["2026-12-07", typed]).time() == datetime.time(18, 0)
        assert forms.TimeField().clean("9.30") == datetime.time(9, 30)
        with pytest.raises(ValidationError):
            forms.TimeField().clean("25.99")


@pytest.mark.parametrize(("language", "shown"), [("sv", "18:00:00"), ("fi", "18.00.00")])
def test_a_time_widget_still_shows_the_languages_own_format(language: str, shown: str) -> None:
    with translation.override(language):
        assert forms.TimeInput().format_value(datetime.time(18, 0)) == shown


@pytest.mark.django_db
def test_the_admin_reads_a_meetings_time_as_18_00(rf, superuser) -> None:
    """The admin refused "18.00", the way the site itself writes a time ("kl. 18.00")."""
    from django.contrib import admin

    from meetings.models import Meeting

    request = rf.get("/admin/")
    request.user = superuser
    field = admin.site._registry[Meeting].get_form(request)().fields["starts_at"]
    moment = timezone.localtime(field.clean(["7/12 2026", "18.00"]))
    assert (moment.date(), moment.hour, moment.minute) == (DEC_7, 18, 0)


# ---- one style per language (issue 22) ----

# Tuesday 9 March 2027, 18.00 in Gävle.
EVENING = datetime.datetime(2027, 3, 9, 18, 0, tzinfo=ZoneInfo("Europe/Stockholm"))
ARABIC_INDIC_DIGITS = re.compile("[\u0660-\u0669\u06f0-\u06f9]")


@pytest.mark.parametrize(
    ("language", "day", "when"),
    [
        ("sv", "9 mars 2027", "tisdag 9 mars 2027 kl. 18.00"),
        ("en", "9 March 2027", "Tuesday 9 March 2027 at 18:00"),
        ("fi", "9. maaliskuuta 2027", "tiistai 9. maaliskuuta 2027 klo 18.00"),
        ("ar", "9 مارس 2027", "الثلاثاء 9 مارس 2027 الساعة 18:00"),
    ],
)
def test_one_date_style_per_language(language: str, day: str, when: str) -> None:
    """A date reads the same in `date:"DATE_FORMAT"`, the meeting pages' weekday form and
    DATETIME_FORMAT (core/formats/), in Latin digits in every language."""
    with translation.override(language):
        assert date_format(EVENING.date(), "DATE_FORMAT") == day
        assert local_when(EVENING) == when
        assert local_day(EVENING) == f"{date_format(EVENING, 'l')} {day}"
        assert date_format(EVENING, "DATETIME_FORMAT") == when.split(" ", 1)[1]
        assert local_time(EVENING) == date_format(EVENING, "TIME_FORMAT") and local_time(EVENING) in when
        assert not ARABIC_INDIC_DIGITS.search(when + date_format(EVENING, "SHORT_DATE_FORMAT"))


@pytest.mark.django_db
def test_an_arabic_page_writes_its_dates_in_one_style(client, networks) -> None:
    """The news' dates (DATE_FORMAT) and the meetings' (weekday form) on one Arabic page: no
    Arabic comma after the month where the other has none, no month before the day."""
    from networks.models import Post
    from tests.meetings.conftest import make_meeting

    network = networks["andersberg"]
    published = timezone.now() - datetime.timedelta(days=3)
    Post.objects.create(
        network=network, title="Nytt", slug="nytt", summary="Kort.", body="Text.", published_at=published
    )
    meeting = make_meeting(network)

    html = client.get("/ar/natverk/andersberg/").content.decode()

    with translation.override("ar"):
        news_day = date_format(timezone.localtime(published).date(), "DATE_FORMAT")
        meeting_day = local_day(meeting.starts_at)
        months = "|".join(date_format(datetime.date(2027, month, 1), "F") for month in range(1, 13))
    assert news_day in html and meeting_day in html
    assert not re.search(f"({months})،", html), "a date with the Arabic comma of Django's ar DATE_FORMAT"
    assert not re.search(f"({months}) \\d{{1,2}},", html), "the US order: month, day, comma"
    assert not ARABIC_INDIC_DIGITS.search(html)
