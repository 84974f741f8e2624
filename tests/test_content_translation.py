"""Content in several languages (core/translation.py): columns, fallback to Swedish with
lang="sv", the .ics and feeds in the address's language, and the admin's language groups."""

from __future__ import annotations

import re
from datetime import timedelta
from html.parser import HTMLParser

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone, translation
from django.utils.html import escape

from borsen.models import Listing
from core.translation import content_languages, missing_translation_q
from meetings.models import Meeting
from networks.models import Network, Post, WorkingGroup
from tests.borsen.conftest import make_listing
from tests.meetings.conftest import make_meeting

pytestmark = pytest.mark.django_db

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
PAGE_LANGUAGES = ["en", "fi", "ar"]


class _LangFinder(HTMLParser):
    """The language (the innermost `lang`) of every text node that holds `needle`."""

    def __init__(self, needle: str) -> None:
        super().__init__(convert_charrefs=True)
        self.needle = needle
        self.stack: list[tuple[str, str | None]] = []
        self.found: list[str | None] = []

    def handle_starttag(self, tag, attrs):
        if tag not in VOID:
            self.stack.append((tag, dict(attrs).get("lang")))

    def handle_endtag(self, tag):
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index][0] == tag:
                del self.stack[index:]
                break

    def handle_data(self, data):
        if self.needle in data:
            self.found.append(next((lang for _tag, lang in reversed(self.stack) if lang), None))


def langs_of(html: str, needle: str) -> set[str | None]:
    """The languages (the page's, or of the innermost `lang` around it) in which `needle`
    appears in the page's <body>."""
    finder = _LangFinder(needle)
    head, body = html.split("<body", 1)
    finder.feed(head.split("<head", 1)[0] + "<body" + body)
    return set(finder.found)


def title_of(html: str) -> str:
    return re.search(r"<title>(.*?)</title>", html, re.S).group(1)


def get(client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, path
    return response.content.decode()


# ---- the columns ----


def test_every_translated_field_has_a_column_per_language_cloned_from_the_swedish_one():
    expected = {
        Network: ["summary", "description", "how_to_join", "meeting_rhythm"],
        WorkingGroup: ["name", "description"],
        Post: ["title", "summary", "body", "image_alt"],
        Meeting: ["title", "agenda", "accessibility", "cancel_reason", "minutes"],
        Listing: ["title", "text"],
    }
    assert content_languages() == ["en", "fi", "ar"]
    for model, names in expected.items():
        assert list(model.translated_field_names) == names
        for name in names:
            source = model._meta.get_field(name)
            for code, language in (("en", "engelska"), ("fi", "finska"), ("ar", "arabiska")):
                field = model._meta.get_field(f"{name}_{code}")
                assert type(field) is type(source)
                assert field.max_length == source.max_length
                assert field.blank and not field.null
                assert str(field.verbose_name) == f"{source.verbose_name} ({language})"


def test_the_control_character_guard_covers_the_new_columns(networks):
    meeting = make_meeting(networks["andersberg"])
    meeting.title_ar = "اجتماع\x00"
    with pytest.raises(ValidationError) as error:
        meeting.full_clean()
    assert "title_ar" in error.value.message_dict
    meeting.title_ar = ""
    meeting.title_fi = "Kaksi\nriviä"
    with pytest.raises(ValidationError) as error:
        meeting.full_clean()
    assert error.value.message_dict["title_fi"] == ["Skriv texten på en rad."]
    meeting.title_fi = "x" * 201
    with pytest.raises(ValidationError) as error:
        meeting.full_clean()
    assert "title_fi" in error.value.message_dict


def test_tr_falls_back_to_swedish_and_says_so(networks):
    meeting = make_meeting(networks["andersberg"], title="Vårträff", title_en="Spring meeting", title_ar="   ")
    cases = {
        "sv": ("Vårträff", False, "sv"),
        "en": ("Spring meeting", False, "en"),
        "fi": ("Vårträff", True, "sv"),
        # Only blanks count as no translation.
        "ar": ("Vårträff", True, "sv"),
    }
    for code, (text, fallback, language) in cases.items():
        with translation.override(code):
            assert meeting.tr("title") == text
            assert meeting.is_shown_in_swedish("title") is fallback
            assert meeting.shown_language("title") == language


def test_missing_translations_count_only_filled_in_swedish_texts(networks):
    meeting = make_meeting(networks["andersberg"], title="Träff", title_en="Meeting", title_ar="اجتماع")
    # No agenda, no minutes: nothing more to translate.
    assert meeting.missing_translations() == {"fi": ["title"]}
    assert meeting.translated_languages() == ["en", "ar"]
    meeting.agenda = "1. Välkommen"
    meeting.agenda_en = "1. Welcome"
    meeting.save()
    assert meeting.missing_translations() == {"fi": ["title", "agenda"], "ar": ["agenda"]}
    assert list(Meeting.objects.filter(missing_translation_q(Meeting, "ar"))) == [meeting]
    assert not Meeting.objects.filter(missing_translation_q(Meeting, "en")).exists()


# ---- pages ----


@pytest.mark.parametrize("code", PAGE_LANGUAGES)
def test_network_page_shows_the_translation_or_swedish_marked_sv(client, networks, code):
    network = networks["andersberg"]
    Network.objects.filter(pk=network.pk).update(
        summary="Svensk ingress om Andersberg.",
        summary_en="English summary of Andersberg.",
        summary_fi="",
        summary_ar="ملخص عن أندرسبرغ.",
        description="Svensk beskrivning.",
        description_en="",
        description_fi="",
        description_ar="",
    )
    html = get(client, f"/{code}/natverk/andersberg/")
    translated = {"en": "English summary of Andersberg.", "ar": "ملخص عن أندرسبرغ."}
    if code in translated:
        assert langs_of(html, translated[code]) == {code}
        assert "Svensk ingress om Andersberg." not in html
    else:
        assert langs_of(html, "Svensk ingress om Andersberg.") == {"sv"}
    assert langs_of(html, "Svensk beskrivning.") == {"sv"}
    assert '<div lang="sv" dir="auto"><p>Svensk beskrivning.</p></div>' in html
    # The Swedish page says the same (its dir="auto" turns a text written in Arabic right to left).
    assert '<div lang="sv" dir="auto"><p>Svensk beskrivning.</p></div>' in get(client, "/natverk/andersberg/")


@pytest.mark.parametrize("code", PAGE_LANGUAGES)
def test_news_and_working_group_pages_fall_back_marked_sv(client, networks, code):
    network = networks["satra"]
    post = Post.objects.create(
        network=network,
        title="Städdag på torget",
        title_fi="Siivouspäivä torilla",
        slug="staddag",
        summary="Alla är välkomna.",
        body="Vi ses klockan tio.",
        body_ar="نراكم في الساعة العاشرة.",
    )
    group = WorkingGroup.objects.create(network=network, name="Trygghetsgruppen", name_en="Safety group")
    html = get(client, f"/{code}/nyheter/{post.slug}/")
    if code == "fi":
        assert langs_of(html, "Siivouspäivä torilla") == {"fi"}
        assert "Siivouspäivä torilla" in title_of(html)
    else:
        assert langs_of(html, "Städdag på torget") == {"sv"}
        assert "Städdag på torget" in title_of(html)
    assert langs_of(html, "Alla är välkomna.") == {"sv"}
    if code == "ar":
        assert langs_of(html, "نراكم في الساعة العاشرة.") == {"ar"}
    else:
        assert langs_of(html, "Vi ses klockan tio.") == {"sv"}
    news = get(client, f"/{code}/nyheter/")
    assert langs_of(news, "Siivouspäivä torilla" if code == "fi" else "Städdag på torget") == {
        "fi" if code == "fi" else "sv"
    }
    html = get(client, f"/{code}/natverk/satra/arbetsgrupper/{group.pk}/")
    if code == "en":
        assert langs_of(html, "Safety group") == {"en"}
    else:
        assert langs_of(html, "Trygghetsgruppen") == {"sv"}


@pytest.mark.parametrize("code", PAGE_LANGUAGES)
def test_meeting_page_list_and_cards_fall_back_marked_sv(client, networks, code):
    past = timezone.now() - timedelta(days=3)
    held = make_meeting(
        networks["andersberg"],
        starts_at=past,
        title="Höstträff",
        title_en="Autumn meeting",
        title_ar="لقاء الخريف",
        agenda="1. Välkommen",
        agenda_fi="1. Tervetuloa",
        accessibility="Ramp vid entrén.",
        minutes="Vi bestämde att städa.",
        minutes_published_at=past + timedelta(days=1),
        minutes_en="We decided to clean up.",
    )
    coming = make_meeting(
        networks["andersberg"],
        title="Vinterträff",
        title_en="Winter meeting",
        status=Meeting.Status.CANCELLED,
        cancel_reason="Lokalen är stängd.",
        cancel_reason_ar="القاعة مغلقة.",
    )
    title = {"en": "Autumn meeting", "ar": "لقاء الخريف", "fi": "Höstträff"}[code]
    html = get(client, f"/{code}/moten/{held.pk}/")
    assert langs_of(html, title) == {"sv" if code == "fi" else code}
    assert title in title_of(html)
    assert langs_of(html, "1. Tervetuloa" if code == "fi" else "1. Välkommen") == {code if code == "fi" else "sv"}
    assert langs_of(html, "Ramp vid entrén.") == {"sv"}
    assert langs_of(html, "We decided to clean up." if code == "en" else "Vi bestämde att städa.") == {
        "en" if code == "en" else "sv"
    }
    html = get(client, f"/{code}/moten/{coming.pk}/")
    assert langs_of(html, "Winter meeting" if code == "en" else "Vinterträff") == {"en" if code == "en" else "sv"}
    assert langs_of(html, "القاعة مغلقة." if code == "ar" else "Lokalen är stängd.") == {"ar" if code == "ar" else "sv"}
    # The list, the archive, the network's meetings and the next meetings on the network page.
    winter = "Winter meeting" if code == "en" else "Vinterträff"
    for path in ("/moten/", "/natverk/andersberg/moten/", "/natverk/andersberg/", "/"):
        page = get(client, f"/{code}{path}")
        assert langs_of(page, winter) == {"en" if code == "en" else "sv"}, path
    archive = get(client, f"/{code}/moten/arkiv/")
    assert langs_of(archive, title) == {"sv" if code == "fi" else code}


@pytest.mark.parametrize("code", PAGE_LANGUAGES)
def test_borsen_list_detail_and_network_section_fall_back_marked_sv(client, networks, actor_a, rep_a, code):
    listing = make_listing(
        actor_a,
        [networks["andersberg"]],
        title="Lokal sökes",
        title_en="Venue wanted",
        text="Vi söker en lokal.",
        text_ar="نبحث عن قاعة.",
    )
    html = get(client, f"/{code}/borsen/{listing.pk}/")
    assert langs_of(html, "Venue wanted" if code == "en" else "Lokal sökes") == {"en" if code == "en" else "sv"}
    assert langs_of(html, "نبحث عن قاعة." if code == "ar" else "Vi söker en lokal.") == {"ar" if code == "ar" else "sv"}
    assert ("Venue wanted" if code == "en" else "Lokal sökes") in title_of(html)
    for path in ("/borsen/", "/natverk/andersberg/"):
        page = get(client, f"/{code}{path}")
        assert langs_of(page, "Venue wanted" if code == "en" else "Lokal sökes") == {"en" if code == "en" else "sv"}


def test_my_pages_show_translated_titles(client, networks, rep_a, actor_a):
    from meetings.services import registration_create

    meeting = make_meeting(
        networks["andersberg"], title="Vårträff", title_ar="لقاء الربيع", registration_enabled=True, capacity=5
    )
    registration_create(meeting=meeting, user=rep_a)
    make_listing(actor_a, [networks["andersberg"]], title="Lokal sökes", title_ar="مطلوب قاعة")
    client.force_login(rep_a)
    html = get(client, "/ar/mina-sidor/")
    assert langs_of(html, "لقاء الربيع") == {"ar"}
    assert langs_of(html, "مطلوب قاعة") == {"ar"}
    html = get(client, "/en/mina-sidor/")
    assert langs_of(html, "Vårträff") == {"sv"}
    assert langs_of(html, "Lokal sökes") == {"sv"}


# ---- every text someone wrote says its language, with dir="auto" (issue 22) ----


class _LangDirFinder(_LangFinder):
    """(lang, dir) of the innermost element with a `lang` around each text node that holds `needle`."""

    def handle_starttag(self, tag, attrs):
        if tag not in VOID:
            attrs = dict(attrs)
            self.stack.append((tag, (attrs["lang"], attrs.get("dir")) if "lang" in attrs else None))


def lang_dirs_of(html: str, needle: str) -> set[tuple[str, str | None]]:
    """As `langs_of`: in the page's <body>."""
    finder = _LangDirFinder(needle)
    head, body = html.split("<body", 1)
    finder.feed(head.split("<head", 1)[0] + "<body" + body)
    assert finder.found, f"{needle!r} is not on the page"
    return set(finder.found)


@pytest.mark.parametrize("code", ["en", "ar", "sv"])
def test_user_written_text_carries_its_language_and_dir_auto(client, networks, actor_a, rep_a, code):
    """On an Arabic page a Swedish sentence keeps its full stop at its end: lang="sv" (site.css
    isolates it left to right) and dir="auto"; a translation says its own language."""
    from grants.models import Application, Pot
    from tests.grants.conftest import make_application
    from tests.voices.conftest import make_voice

    network = networks["andersberg"]
    Network.objects.filter(pk=network.pk).update(
        summary="Svensk ingress.",
        summary_en="",
        summary_ar="ملخص عن أندرسبرغ.",
        description="Vi träffas maj till september.",
        description_en="",
        description_ar="",
    )
    meeting = make_meeting(network, title="Nätverksträff i maj.", agenda="Fika och prat.")
    actor_a.description = "Vi ordnar läxhjälp."
    actor_a.save()
    listing = make_listing(actor_a, [network])
    post = Post.objects.create(title="Sommarfesten.", slug="sommarfesten", summary="Kom!", body="Ta med fika.")
    make_voice(network)
    today = timezone.localdate()
    pot = Pot.objects.create(
        year=today.year,
        name="Potten",
        opens_on=today - timedelta(days=30),
        closes_on=today + timedelta(days=30),
        max_amount_per_application=20_000,
    )
    make_application(pot=pot, lead=actor_a, status=Application.Status.APPROVED)
    prefix = "" if code == "sv" else f"/{code}"
    swedish = ("sv", "auto")
    pages = {
        "/natverk/andersberg/": {
            "ملخص عن أندرسبرغ." if code == "ar" else "Svensk ingress.": ("ar" if code == "ar" else "sv", "auto"),
            "Vi träffas maj till september.": swedish,
            "Nätverket gav oss en lokal": swedish,  # a voice
            "ordförande": swedish,
            "Föreningen Alfa": swedish,
        },
        meeting.get_absolute_url(): {
            "Nätverksträff i maj.": swedish,
            "Fika och prat.": swedish,
            "Träffpunkten": swedish,
        },
        "/moten/": {"Nätverksträff i maj.": swedish, "Träffpunkten": swedish},
        actor_a.get_absolute_url(): {"Föreningen Alfa": swedish, "Vi ordnar läxhjälp.": swedish},
        "/aktorer/": {"Föreningen Alfa": swedish, "Vi ordnar läxhjälp.": swedish},
        listing.get_absolute_url(): {listing.title: swedish, listing.text: swedish, "Föreningen Alfa": swedish},
        post.get_absolute_url(): {"Sommarfesten.": swedish, "Ta med fika.": swedish},
        "/bidrag/beviljade/": {"Sommarfest hos Föreningen Alfa": swedish},
        "/sok/?q=laxhjalp": {"Föreningen Alfa": swedish, "Vi ordnar ": swedish},
    }
    for path, texts in pages.items():
        html = get(client, prefix + path.removeprefix(f"/{code}"))
        for text, expected in texts.items():
            assert lang_dirs_of(html, text) == {expected}, (path, text)


# ---- .ics and feeds ----


def _unfold(ics: str) -> str:
    return ics.replace("\r\n ", "")


def test_ics_is_in_the_address_language_with_fallback(client, networks):
    meeting = make_meeting(
        networks["andersberg"], title="Vårträff", title_en="Spring meeting", agenda="1. Välkommen", agenda_ar="١. أهلا"
    )
    english = _unfold(client.get(f"/en/moten/{meeting.pk}/kalender.ics").content.decode())
    assert "SUMMARY;LANGUAGE=en:Spring meeting (Andersberg)" in english
    assert "DESCRIPTION;LANGUAGE=sv:1. Välkommen" in english
    assert f"/en/moten/{meeting.pk}/" in english
    arabic = _unfold(client.get(f"/ar/moten/{meeting.pk}/kalender.ics").content.decode())
    assert "SUMMARY;LANGUAGE=sv:Vårträff (Andersberg)" in arabic
    assert "DESCRIPTION;LANGUAGE=ar:١. أهلا" in arabic
    swedish = _unfold(client.get(f"/moten/{meeting.pk}/kalender.ics").content.decode())
    assert "SUMMARY;LANGUAGE=sv:Vårträff (Andersberg)" in swedish
    for path in ("/en/moten/kalender.ics", "/en/natverk/andersberg/kalender.ics"):
        assert "SUMMARY;LANGUAGE=en:Spring meeting (Andersberg)" in _unfold(client.get(path).content.decode())


def test_cancelled_meeting_ics_gives_the_translated_reason(client, networks):
    meeting = make_meeting(
        networks["andersberg"],
        title="Vårträff",
        status=Meeting.Status.CANCELLED,
        cancel_reason="Sjukdom.",
        cancel_reason_en="Illness.",
    )
    english = _unfold(client.get(f"/en/moten/{meeting.pk}/kalender.ics").content.decode())
    assert "Illness." in english
    assert "DESCRIPTION;LANGUAGE=en:" in english


def test_feeds_mark_swedish_fallback_entries(client, networks, actor_a):
    Post.objects.create(title="Svensk nyhet", slug="svensk", summary="Bara svenska.", body="Text.")
    Post.objects.create(
        title="Översatt nyhet", title_en="Translated news", slug="oversatt", summary="Ingress.", summary_en="Summary."
    )
    feed = client.get("/en/nyheter/feed/").content.decode()
    assert 'xml:lang="en"' in feed
    assert '<title xml:lang="sv">Svensk nyhet</title>' in feed
    assert '<summary type="html" xml:lang="sv">Bara svenska.</summary>' in feed
    assert "<title>Translated news</title>" in feed
    assert '<summary type="html">Summary.</summary>' in feed
    assert 'xml:lang="sv"' not in client.get("/nyheter/feed/").content.decode().split("<entry", 1)[1]
    make_listing(actor_a, [networks["andersberg"]], title="Lokal sökes", title_fi="Tila haetaan")
    borsen = client.get("/fi/borsen/natverk/andersberg/flode/").content.decode()
    assert "Tila haetaan" in borsen
    assert "<title>" in borsen.split("<entry", 1)[1]
    assert '<summary type="html" xml:lang="sv">' in borsen


# ---- the admin ----

CHANGELIST = "/admin/meetings/meeting/"


def _meeting_form(meeting: Meeting, **extra) -> dict:
    local_start = timezone.localtime(meeting.starts_at)
    local_end = timezone.localtime(meeting.ends_at)
    data = {
        "network": meeting.network_id,
        "kind": meeting.kind,
        "title": meeting.title,
        "starts_at_0": local_start.strftime("%Y-%m-%d"),
        "starts_at_1": local_start.strftime("%H:%M"),
        "ends_at_0": local_end.strftime("%Y-%m-%d"),
        "ends_at_1": local_end.strftime("%H:%M"),
        "place": meeting.place,
        "status": meeting.status,
        "registrations-TOTAL_FORMS": "0",
        "registrations-INITIAL_FORMS": "0",
    }
    data.update(extra)
    return data


def test_admin_groups_the_languages_and_marks_the_inputs(client, networks, coord_andersberg):
    meeting = make_meeting(networks["andersberg"], title="Vårträff", title_en="Spring meeting")
    client.force_login(coord_andersberg)
    html = get(client, f"{CHANGELIST}{meeting.pk}/change/")
    for code, name in (("en", "English"), ("fi", "Suomi"), ("ar", "العربية")):
        dir_ = "rtl" if code == "ar" else "ltr"
        assert f'<span lang="{code}" dir="{dir_}">{name}</span>' in html
        assert re.search(rf'<input[^>]*name="title_{code}"[^>]*>', html)
        tag = re.search(rf'<input[^>]*name="title_{code}"[^>]*>', html).group(0)
        assert f'lang="{code}"' in tag and f'dir="{dir_}"' in tag
    # The Swedish title is required and comes before the languages.
    swedish = re.search(r'<input[^>]*name="title"[^>]*>', html).group(0)
    assert "required" in swedish and 'lang="sv"' in swedish
    assert html.index('name="title"') < html.index('name="title_en"') < html.index('name="title_ar"')
    assert html.index('name="agenda_en"') < html.index('name="agenda_fi"')
    # Collapsed per language; the note says what is missing.
    assert html.count('class="module aligned collapse"') >= 3
    note = html.split("field-translation_status", 1)[1][:600]
    assert "Suomi" in note and "العربية" in note and "English" not in note


def test_admin_list_column_and_filter_show_missing_translations(client, networks, coord_andersberg):
    make_meeting(networks["andersberg"], title="Helt översatt", title_en="E", title_fi="F", title_ar="ع")
    make_meeting(networks["andersberg"], title="Delvis översatt", title_en="Partly", title_ar="جزئيا")
    make_meeting(networks["andersberg"], title="Bara svenska")
    client.force_login(coord_andersberg)
    html = get(client, CHANGELIST)
    assert "översatt till" in html.lower()
    rows = {
        re.search(r">(Helt översatt|Delvis översatt|Bara svenska)<", row).group(1): row
        for row in re.findall(r"<tr.*?</tr>", html, re.S)
        if re.search(r">(Helt|Delvis|Bara)", row)
    }
    assert ">en, fi, ar<" in rows["Helt översatt"]
    assert ">en, ar<" in rows["Delvis översatt"]
    assert ">–<" in rows["Bara svenska"].split("field-translated_to", 1)[1][:40]
    assert "saknar översättning till" in html
    missing_fi = get(client, f"{CHANGELIST}?saknar_oversattning=fi")
    assert "Delvis översatt" in missing_fi and "Bara svenska" in missing_fi and "Helt översatt" not in missing_fi
    missing_en = get(client, f"{CHANGELIST}?saknar_oversattning=en")
    assert "Bara svenska" in missing_en and "Delvis översatt" not in missing_en


@pytest.mark.parametrize(
    "path",
    ["/admin/networks/network/", "/admin/networks/post/", "/admin/networks/workinggroup/", "/admin/borsen/listing/"],
)
def test_every_translated_model_admin_has_the_column_and_filter(client, networks, actor_a, superuser, path):
    Post.objects.create(title="Nyhet", slug="nyhet", summary="S", body="B")
    WorkingGroup.objects.create(network=networks["satra"], name="Grupp")
    make_listing(actor_a, [networks["andersberg"]])
    client.force_login(superuser)
    html = get(client, path)
    assert "översatt till" in html.lower()
    assert "saknar_oversattning=ar" in html


def test_admin_network_page_has_language_groups_and_keeps_english(client, networks, superuser):
    client.force_login(superuser)
    network = networks["andersberg"]
    html = get(client, f"/admin/networks/network/{network.pk}/change/")
    assert escape(network.summary_en) in html
    assert 'name="summary_ar"' in html and 'name="meeting_rhythm_fi"' in html
    # The working groups' inline has every language.
    assert 'name="working_groups-__prefix__-name_ar"' in html


def test_listing_admin_keeps_translations_read_only(client, networks, actor_a, coord_andersberg):
    listing = make_listing(actor_a, [networks["andersberg"]], title="Lokal sökes", title_en="Venue wanted")
    client.force_login(coord_andersberg)
    html = get(client, f"/admin/borsen/listing/{listing.pk}/change/")
    assert "Venue wanted" in html
    assert 'name="title_en"' not in html


def test_coordinator_adds_english_and_arabic_titles_in_the_admin(client, networks, coord_andersberg):
    meeting = make_meeting(networks["andersberg"], title="Vårträff", agenda="1. Välkommen")
    client.force_login(coord_andersberg)
    response = client.post(
        f"{CHANGELIST}{meeting.pk}/change/",
        _meeting_form(meeting, agenda="1. Välkommen", title_en="Spring meeting", title_ar="لقاء الربيع"),
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    meeting.refresh_from_db()
    assert (meeting.title_en, meeting.title_ar, meeting.title_fi) == ("Spring meeting", "لقاء الربيع", "")
    assert meeting.sequence == 1  # calendars pick up the change
    client.logout()
    for code, title in (("en", "Spring meeting"), ("ar", "لقاء الربيع")):
        page = get(client, f"/{code}/moten/{meeting.pk}/")
        assert langs_of(page, title) == {code}
        assert langs_of(page, "1. Välkommen") == {"sv"}
        assert langs_of(get(client, f"/{code}/moten/"), title) == {code}
        ics = _unfold(client.get(f"/{code}/moten/{meeting.pk}/kalender.ics").content.decode())
        assert f"SUMMARY;LANGUAGE={code}:{title} (Andersberg)" in ics
    assert langs_of(get(client, f"/fi/moten/{meeting.pk}/"), "Vårträff") == {"sv"}
    assert "SUMMARY;LANGUAGE=sv:Vårträff" in _unfold(
        client.get(f"/fi/moten/{meeting.pk}/kalender.ics").content.decode()
    )


def test_admin_refuses_control_characters_in_a_translation(client, networks, coord_andersberg):
    meeting = make_meeting(networks["andersberg"], title="Vårträff")
    client.force_login(coord_andersberg)
    response = client.post(f"{CHANGELIST}{meeting.pk}/change/", _meeting_form(meeting, title_ar="لقاء\x01"))
    assert response.status_code == 200
    assert "Texten innehåller otillåtna tecken." in response.content.decode()
    # Nothing typed is lost.
    assert "لقاء" in response.content.decode()


# ---- the poster's own translations in the börs ----


def test_poster_writes_an_english_title_on_the_site(client, networks, actor_a, rep_a):
    client.force_login(rep_a)
    form = get(client, "/borsen/nytt/")
    assert re.search(r'<textarea[^>]*name="text_ar"[^>]*dir="rtl"', form) or re.search(
        r'<textarea[^>]*dir="rtl"[^>]*name="text_ar"', form
    )
    assert '<legend lang="ar" dir="rtl">العربية</legend>' in form
    response = client.post(
        "/borsen/nytt/",
        {
            "actor": actor_a.pk,
            "direction": "soker",
            "kind": "lokal",
            "title": "Lokal sökes",
            "text": "Vi söker en lokal.",
            "networks": [networks["andersberg"].pk],
            "last_date": (timezone.localdate() + timedelta(days=10)).isoformat(),
            "title_en": "Venue wanted",
            "text_en": "",
        },
    )
    assert response.status_code == 302
    listing = Listing.objects.get(title="Lokal sökes")
    assert listing.title_en == "Venue wanted"
    assert langs_of(get(client, f"/en/borsen/{listing.pk}/"), "Venue wanted") == {"en"}


# ---- existing English data ----


@pytest.mark.django_db(transaction=True)
def test_migration_keeps_the_english_columns_and_adds_the_others():
    executor = MigrationExecutor(connection)
    before = [("networks", "0002_dates_in_sensible_range")]
    after = [("networks", "0003_content_translations")]
    executor.migrate(before)
    old_apps = executor.loader.project_state(before).apps
    OldPost = old_apps.get_model("networks", "Post")
    assert "title_ar" not in {field.name for field in OldPost._meta.get_fields()}
    OldPost.objects.create(title="Nyhet", title_en="News", slug="nyhet", summary="S", summary_en="Summary", body="B")
    executor = MigrationExecutor(connection)
    executor.migrate(after)
    # The post as the tables stand after 0003 (later migrations add other columns).
    post = executor.loader.project_state(after).apps.get_model("networks", "Post").objects.get(slug="nyhet")
    assert (post.title_en, post.summary_en, post.title_ar, post.title_fi) == ("News", "Summary", "", "")
    # Only new columns: the English ones are neither renamed nor altered.
    migration = executor.loader.get_migration("networks", "0003_content_translations")
    assert all(type(op).__name__ == "AddField" and not op.name.endswith("_en") for op in migration.operations)
    # Back to the latest tables, for the tests that follow in this process.
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    assert Post.objects.get(slug="nyhet").title_en == "News"
