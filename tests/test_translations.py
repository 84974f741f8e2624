"""The interface catalogues are complete and sound: English, Finnish and Arabic.

Every msgid of the Swedish interface has a translation (no empty entries), none is fuzzy (a
guess by msgmerge that nobody checked), each translation keeps the placeholders of its msgid
(`%(name)s` missing from the translation raises or loses words at run time), and gettext's
own `msgfmt --check` accepts the file (plural forms, format strings, header).

Finnish and Arabic fail until the translators' work is in the catalogues: `make messages`
creates them with empty entries.
"""

from __future__ import annotations

import ast
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.po import catalogue_path, placeholders, read_catalogue

PO_FILE = Path(__file__).resolve().parent.parent / "locale" / "en" / "LC_MESSAGES" / "django.po"


def po_problems(text: str) -> list[str]:
    """Untranslated and fuzzy entries of a .po file (the header and obsolete entries are skipped)."""
    problems: list[str] = []
    for block in text.split("\n\n"):
        lines = [line for line in block.strip().splitlines() if not line.startswith("#~")]
        if not lines:
            continue
        fuzzy = any(line.startswith("#,") and "fuzzy" in line for line in lines)
        strings: dict[str, str] = {}
        key = None
        for line in lines:
            if line.startswith("#"):
                continue
            if line.startswith('"') and key is not None:
                strings[key] += ast.literal_eval(line)
                continue
            name, _, value = line.partition(" ")
            key = name
            strings[key] = ast.literal_eval(value)
        msgid = strings.get("msgid")
        if msgid is None or msgid == "":
            continue
        translations = [value for name, value in strings.items() if name.startswith("msgstr")]
        if fuzzy:
            problems.append(f"fuzzy: {msgid!r}")
        elif not translations or not all(translations):
            problems.append(f"untranslated: {msgid!r}")
    return problems


def test_po_parser_finds_untranslated_and_fuzzy_entries() -> None:
    sample = (
        'msgid ""\nmsgstr ""\n"Language: en\\n"\n\n'
        'msgid "Nätverken"\nmsgstr "The networks"\n\n'
        'msgid "Möten"\nmsgstr ""\n\n'
        '#, fuzzy, python-format\nmsgid "Sida %(n)s"\nmsgstr "Page %(n)s"\n\n'
        'msgid ""\n"Lång "\n"text"\nmsgstr ""\n"Long "\n"text"\n\n'
        'msgid "en aktör"\nmsgid_plural "%(n)s aktörer"\nmsgstr[0] "one actor"\nmsgstr[1] ""\n\n'
        '#~ msgid "Gammal"\n#~ msgstr ""\n'
    )

    assert po_problems(sample) == ["untranslated: 'Möten'", "fuzzy: 'Sida %(n)s'", "untranslated: 'en aktör'"]


def test_english_catalogue_is_complete() -> None:
    assert po_problems(PO_FILE.read_text(encoding="utf-8")) == []


def test_one_word_for_email_in_every_swedish_text() -> None:
    """The site says "e-post", never "mejl", "mail" or "epost" (the catalogue holds every msgid)."""
    import re

    msgids, current = [], None
    for line in PO_FILE.read_text(encoding="utf-8").splitlines():
        if line.startswith(("msgid ", "msgid_plural ")):
            current = ast.literal_eval(line.split(" ", 1)[1])
            msgids.append(current)
        elif line.startswith('"') and current is not None:
            msgids[-1] += ast.literal_eval(line)
        else:
            current = None
    assert len(msgids) > 500
    wrong = [m for m in msgids if re.search(r"\bmejl|\bepost|\bmail(et|en|s)?\b", m, flags=re.IGNORECASE)]
    assert wrong == []


def test_allauths_swedish_says_e_post_too() -> None:
    """allauth's own Swedish says "epost-adress" and "Verifierings-mail"; locale/sv overrides them."""
    import re

    import allauth
    from django.utils import translation

    allauth_po = Path(allauth.__file__).parent / "locale" / "sv" / "LC_MESSAGES" / "django.po"
    msgids, current = [], None
    for line in allauth_po.read_text(encoding="utf-8").splitlines():
        if line.startswith("msgid "):
            current = ast.literal_eval(line.split(" ", 1)[1])
            msgids.append(current)
        elif line.startswith('"') and current is not None:
            msgids[-1] += ast.literal_eval(line)
        else:
            current = None
    with translation.override("sv"):
        shown = [translation.gettext(m) for m in msgids if m]
    assert len(shown) > 300
    assert [text for text in shown if re.search(r"\bepost|Verifierings-mail", text, flags=re.IGNORECASE)] == []


LANGUAGES = ["en", "fi", "ar"]
PLURAL_FORMS = {
    "en": "nplurals=2; plural=(n != 1);",
    "fi": "nplurals=2; plural=(n != 1);",
    "ar": ("nplurals=6; plural=n==0 ? 0 : n==1 ? 1 : n==2 ? 2 : n%100>=3 && n%100<=10 ? 3 : n%100>=11 ? 4 : 5;"),
}
NPLURALS = {"en": 2, "fi": 2, "ar": 6}
# Placeholders that a plural form may leave out: "one message" instead of "1 message".
COUNTS = {"%(count)s", "%(count)d", "%(counter)s", "%(counter)d", "%(n)s", "%(n)d", "%d", "%s"}


def test_every_site_language_has_a_catalogue(settings) -> None:
    for code, _name in settings.LANGUAGES:
        if code != settings.LANGUAGE_CODE:
            assert code in LANGUAGES
            assert catalogue_path(code).exists(), f"run `make messages`: no catalogue for {code}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_catalogue_header_has_the_language_and_its_plural_forms(language: str) -> None:
    text = catalogue_path(language).read_text(encoding="utf-8")
    block = text[: text.index("\n\n")]
    assert "#, fuzzy" not in block, "a fuzzy header makes gettext ignore the plural forms"
    # The header's msgstr, its lines joined (msgmerge wraps long ones).
    header = "".join(ast.literal_eval(line) for line in block.splitlines() if line.startswith('"'))
    fields = dict(line.split(": ", 1) for line in header.splitlines() if ": " in line)
    assert fields["Language"] == language
    assert fields["Plural-Forms"] == PLURAL_FORMS[language]


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_entry_is_empty(language: str) -> None:
    entries = read_catalogue(language)
    assert len(entries) > 500, "the catalogue holds far fewer entries than the site has texts"
    empty = [entry.where() for entry in entries if not all(entry.msgstr) or not entry.msgstr]
    assert not empty, f"{len(empty)} untranslated entries in {language}, the first: " + "; ".join(empty[:10])


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_entry_is_fuzzy(language: str) -> None:
    fuzzy = [entry.where() for entry in read_catalogue(language) if "fuzzy" in entry.flags]
    assert not fuzzy, f"{len(fuzzy)} fuzzy entries in {language}, the first: " + "; ".join(fuzzy[:10])


@pytest.mark.parametrize("language", LANGUAGES)
def test_translations_keep_the_placeholders(language: str) -> None:
    wrong = []
    for entry in read_catalogue(language):
        if entry.msgid_plural:
            assert len(entry.msgstr) == NPLURALS[language], entry.where()
            allowed = set(placeholders(entry.msgid)) | set(placeholders(entry.msgid_plural))
            needed = set(placeholders(entry.msgid_plural)) - COUNTS
            for form in filter(None, entry.msgstr):
                found = set(placeholders(form))
                if not found <= allowed or not needed <= found:
                    wrong.append(f"{entry.where()} -> {form[:70]!r}")
        else:
            translation = entry.msgstr[0]
            if translation and placeholders(translation) != placeholders(entry.msgid):
                wrong.append(f"{entry.where()} -> {translation[:70]!r}")
    assert not wrong, f"placeholders differ in {language}: " + "; ".join(wrong[:10])


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="gettext's msgfmt is not installed")
@pytest.mark.parametrize("language", LANGUAGES)
def test_msgfmt_check_passes(language: str, tmp_path) -> None:
    result = subprocess.run(  # noqa: S603 - a fixed command on the project's own file
        ["msgfmt", "--check", "-o", str(tmp_path / "django.mo"), str(catalogue_path(language))],  # noqa: S607
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr


def test_placeholders_are_found() -> None:
    """The check above cannot pass by finding nothing."""
    assert placeholders("Hej %(name)s, %s och {who} – 100 %% klart, %(count)d st") == [
        "%(count)d",
        "%(name)s",
        "%s",
        "{who}",
    ]
