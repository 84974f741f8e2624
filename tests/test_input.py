"""Bad input gets a clear message, never a server error: text, dates, images, CSV.

The fuzz test (tests/test_fuzz.py) throws nasty values at every form; these tests pin
down each mechanism and its message.
"""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from core.csvexport import csv_cell
from core.dates import validate_sensible_date
from core.images import open_image
from core.text import reject_control_characters, reject_line_breaks, strip_control_characters
from meetings.models import Meeting, Registration
from members.models import Actor, ActorMessage
from networks.models import Post
from tests.images import png_bomb, png_claiming, png_small
from tests.meetings.conftest import make_meeting

CONTROL = "Hej\x00 då\x01\x1b\x7f\x9f"


@pytest.fixture(autouse=True)
def _clear_cache():
    # The message form's rate limit lives in the cache.
    cache.clear()
    yield
    cache.clear()


def test_strip_keeps_tab_and_line_breaks() -> None:
    assert strip_control_characters(CONTROL) == "Hej då"
    assert strip_control_characters("a\tb\r\nc") == "a\tb\r\nc"


@pytest.mark.parametrize("value", ["a\x00b", "a\x07b", "a\x1bb", "a\x7fb", "a\x85b"])
def test_control_characters_are_refused(value: str) -> None:
    with pytest.raises(ValidationError, match="otillåtna tecken"):
        reject_control_characters(value)


def test_ordinary_text_passes() -> None:
    reject_control_characters("Åsa Öberg – ”Föreningen” 50 % \t\n")
    reject_line_breaks("Åsa Öberg – ”Föreningen”")


@pytest.mark.parametrize("value", ["a\nb", "a\rb", "a\u2028b"])
def test_line_breaks_are_refused_on_one_line(value: str) -> None:
    with pytest.raises(ValidationError, match="på en rad"):
        reject_line_breaks(value)


# ---- Searches and filters: control characters dropped, never a server error ----


@pytest.mark.django_db
def test_directory_search_with_nul_searches_without_it(client, actor_a) -> None:
    response = client.get("/aktorer/", {"q": "Alfa\x00"})
    assert response.status_code == 200
    assert "Föreningen Alfa" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query",
    [
        "?q=%00",
        "?q=a%00b",
        "?status=%00",
        "?status__exact=%00",
        "?%00=1",
        "?network__id__exact=%00",
        "?o=%00",
        "?starts_at__year=9999",
        "?starts_at__year=99999999999999999999",
    ],
)
def test_admin_search_and_filters_with_nul_answer(client, steering, actor_a, query: str) -> None:
    client.force_login(steering)
    for changelist in ("/admin/grants/application/", "/admin/members/actor/", "/admin/meetings/meeting/"):
        response = client.get(changelist + query)
        assert response.status_code in (200, 302), changelist + query


@pytest.mark.django_db
def test_an_address_with_a_control_character_is_404(client, rep_a) -> None:
    client.force_login(rep_a)
    assert client.get("/mina-sidor/inbjudan/abc%00def/").status_code == 404
    assert client.get("/aktorer/%01/").status_code == 404


# ---- Forms: a message in Swedish, nothing saved ----


@pytest.mark.django_db
def test_message_subject_with_a_line_break_is_refused(client, actor_a, rep_a, rep_b) -> None:
    client.force_login(rep_b)
    response = client.post(
        "/aktorer/foreningen-alfa/meddelande/", {"subject": "Hej\nBcc: alla@example.se", "body": "Text"}
    )
    assert response.status_code == 200
    assert "Skriv texten på en rad." in response.content.decode()
    assert not ActorMessage.objects.exists()


@pytest.mark.django_db
def test_message_body_with_control_characters_is_refused(client, actor_a, rep_a, rep_b) -> None:
    client.force_login(rep_b)
    response = client.post("/aktorer/foreningen-alfa/meddelande/", {"subject": "Hej", "body": CONTROL})
    assert response.status_code == 200
    assert "Texten innehåller otillåtna tecken." in response.content.decode()
    assert not ActorMessage.objects.exists()


@pytest.mark.django_db
def test_actor_name_with_a_line_break_is_refused(client, rep_a, actor_a) -> None:
    client.force_login(rep_a)
    response = client.post(
        f"/mina-sidor/aktorer/{actor_a.slug}/",
        {"name": "Alfa\nBeta", "kind": "association", "org_number": "802400-6911", "description": "Vi\nfinns"},
    )
    assert response.status_code == 200
    assert "Skriv texten på en rad." in response.content.decode()
    actor_a.refresh_from_db()
    assert actor_a.name == "Föreningen Alfa"


@pytest.mark.django_db
def test_admin_forms_refuse_control_characters(client, coord_andersberg, networks) -> None:
    """The admin runs the model fields' validators: the same rule without a form of ours."""
    client.force_login(coord_andersberg)
    start = timezone.localtime() + datetime.timedelta(days=7)
    data = {
        "network": networks["andersberg"].pk,
        "kind": "natverkstraff",
        "title": "Träff\x07",
        "starts_at_0": start.date().isoformat(),
        "starts_at_1": "18:00",
        "ends_at_0": start.date().isoformat(),
        "ends_at_1": "20:00",
        "place": "Träffpunkten\nBakom hörnet",
        "agenda": "Punkt ett\nPunkt två",
        "status": "planned",
        "registrations-TOTAL_FORMS": "0",
        "registrations-INITIAL_FORMS": "0",
    }
    response = client.post("/admin/meetings/meeting/add/", data)
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert errors["title"] == ["Texten innehåller otillåtna tecken."]
    assert errors["place"] == ["Skriv texten på en rad."]
    assert "agenda" not in errors  # Several lines are fine in a text area.
    assert not Meeting.objects.exists()


@pytest.mark.django_db
def test_feed_survives_a_stored_control_character(client, networks) -> None:
    """A row from before the validators: the feed drops the character instead of failing."""
    Post.objects.create(title="Vår\x0bfest", slug="varfest", summary="Kom\x01 hit", body="Text")
    response = client.get("/nyheter/feed/")
    assert response.status_code == 200
    assert "<title>Vårfest</title>" in response.content.decode()


# ---- Dates: ten years either way in forms, fixed bounds in the database ----


@pytest.mark.parametrize("years", [-11, 11, 7973])
def test_far_dates_are_refused(years: int) -> None:
    today = timezone.localdate()
    with pytest.raises(ValidationError, match="Kontrollera årtalet"):
        validate_sensible_date(today.replace(year=today.year + years))


def test_near_dates_pass() -> None:
    today = timezone.localdate()
    validate_sensible_date(today.replace(year=today.year - 9))
    validate_sensible_date(timezone.now() + datetime.timedelta(days=365 * 9))


@pytest.mark.django_db
def test_admin_meeting_in_year_9999_is_refused(client, coord_andersberg, networks) -> None:
    client.force_login(coord_andersberg)
    data = {
        "network": networks["andersberg"].pk,
        "kind": "natverkstraff",
        "title": "Träff",
        "starts_at_0": "9999-12-30",
        "starts_at_1": "18:00",
        "ends_at_0": "9999-12-31",
        "ends_at_1": "20:00",
        "place": "Träffpunkten",
        "status": "planned",
        "registrations-TOTAL_FORMS": "0",
        "registrations-INITIAL_FORMS": "0",
    }
    response = client.post("/admin/meetings/meeting/add/", data)
    assert response.status_code == 200
    assert "Kontrollera årtalet" in str(response.context["adminform"].form.errors["starts_at"])
    assert not Meeting.objects.exists()


@pytest.mark.django_db
def test_database_refuses_far_dates(networks) -> None:
    far = datetime.datetime(9999, 12, 31, tzinfo=datetime.UTC)
    with pytest.raises(IntegrityError), transaction.atomic():
        make_meeting(networks["andersberg"], starts_at=far - datetime.timedelta(days=1))
    with pytest.raises(IntegrityError), transaction.atomic():
        Post.objects.create(title="Gammal", slug="gammal", summary="x", body="x", published_at=far.replace(year=1900))


# ---- Images: the pixel count is read from the header, bombs are refused ----


@pytest.mark.parametrize("data", [png_claiming(), png_bomb()], ids=["header-claims", "real-bomb"])
def test_open_image_refuses_too_many_pixels(data: bytes) -> None:
    with pytest.raises(ValidationError, match="för stor"), open_image(io.BytesIO(data)) as image:
        image.load()


def test_open_image_opens_an_ordinary_image() -> None:
    with open_image(io.BytesIO(png_small())) as image:
        image.load()
        assert image.size == (20, 20)


@pytest.mark.django_db
@pytest.mark.parametrize("data", [png_claiming(), png_bomb()], ids=["header-claims", "real-bomb"])
def test_logo_bomb_is_refused(client, rep_a, actor_a, data: bytes) -> None:
    client.force_login(rep_a)
    response = client.post(
        f"/mina-sidor/aktorer/{actor_a.slug}/",
        {
            "name": actor_a.name,
            "kind": "association",
            "org_number": "802400-6911",
            "logo": SimpleUploadedFile("logo.png", data, content_type="image/png"),
        },
    )
    assert response.status_code == 200
    assert "Bilden är för stor" in response.content.decode()
    assert not Actor.objects.get(pk=actor_a.pk).logo


# ---- CSV: formulas defused ----


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('=HYPERLINK("http://x.se","Klicka")', '\'=HYPERLINK("http://x.se","Klicka")'),
        ("+46 26 17 80 00", "'+46 26 17 80 00"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("  =1+1", "'  =1+1"),
        ("Föreningen Alfa", "Föreningen Alfa"),
        ("a=b", "a=b"),
        (None, ""),
        (4000, 4000),
    ],
)
def test_csv_cell(value: object, expected: object) -> None:
    assert csv_cell(value) == expected


@pytest.mark.django_db
def test_meeting_registrations_csv_defuses_formulas(client, networks, coord_andersberg, resident) -> None:
    meeting = make_meeting(networks["andersberg"], registration_enabled=True, capacity=5)
    resident.name = '=HYPERLINK("http://evil.example","Hej")'
    resident.save()
    Registration.objects.create(meeting=meeting, user=resident)
    client.force_login(coord_andersberg)
    response = client.get(f"/admin/meetings/meeting/{meeting.pk}/anmalningar.csv")
    text = response.content.decode("utf-8-sig")
    assert response.content.startswith(b"\xef\xbb\xbf")
    assert "Namn;E-post;Aktör;Status;Anmäld" in text
    assert '"\'=HYPERLINK(""http://evil.example"",""Hej"")";boende@example.se' in text
