"""The English translation is complete: no untranslated and no fuzzy entries.

The catalogue is made after the apps are merged; until then only the parser is tested.
"""

from __future__ import annotations

import ast
from pathlib import Path

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
