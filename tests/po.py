"""A small reader of the project's .po catalogues, for the translation tests (no extra package)."""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings

LOCALE = Path(settings.BASE_DIR) / "locale"
# Python's %-placeholders (`%(name)s`, `%s`, `%d`) and str.format's (`{name}`); `%%` is a percent sign.
PLACEHOLDER = re.compile(r"%(?:\([A-Za-z_][A-Za-z0-9_]*\))?[-#0 +]*\d*(?:\.\d+)?[sdifr]|\{[A-Za-z_][A-Za-z0-9_]*\}")


@dataclass
class Entry:
    msgid: str
    msgid_plural: str = ""
    msgctxt: str = ""
    # One string, or one per plural form (msgstr[0], msgstr[1], …).
    msgstr: list[str] = field(default_factory=list)
    flags: set[str] = field(default_factory=set)
    line: int = 0

    def where(self) -> str:
        context = f" (context {self.msgctxt!r})" if self.msgctxt else ""
        return f"line {self.line}: {self.msgid[:70]!r}{context}"


def catalogue_path(language: str) -> Path:
    return LOCALE / language / "LC_MESSAGES" / "django.po"


def read_catalogue(language: str) -> list[Entry]:
    """Every entry of locale/<language>/LC_MESSAGES/django.po except the header."""
    entries: list[Entry] = []
    entry: Entry | None = None
    key = ""
    flags: set[str] = set()

    def finish() -> None:
        if entry is not None and entry.msgid:
            entries.append(entry)

    for number, raw in enumerate(catalogue_path(language).read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if line.startswith("#,"):
            flags |= {flag.strip() for flag in line[2:].split(",")}
            continue
        if not line or line.startswith("#"):
            continue
        if line.startswith('"'):
            text = ast.literal_eval(line)
            assert entry is not None, f"line {number}: a string outside an entry"
            if key == "msgid":
                entry.msgid += text
            elif key == "msgid_plural":
                entry.msgid_plural += text
            elif key == "msgctxt":
                entry.msgctxt += text
            else:
                entry.msgstr[-1] += text
            continue
        keyword, _space, rest = line.partition(" ")
        text = ast.literal_eval(rest)
        if keyword in {"msgctxt", "msgid"} and (entry is None or entry.msgstr):
            finish()
            entry = Entry(msgid="", flags=flags, line=number)
            flags = set()
        assert entry is not None
        if keyword == "msgctxt":
            entry.msgctxt, key = text, "msgctxt"
        elif keyword == "msgid":
            entry.msgid, key = text, "msgid"
        elif keyword == "msgid_plural":
            entry.msgid_plural, key = text, "msgid_plural"
        elif keyword.startswith("msgstr"):
            entry.msgstr.append(text)
            key = "msgstr"
        else:
            raise AssertionError(f"line {number}: unknown keyword {keyword!r}")
    finish()
    return entries


def placeholders(text: str) -> list[str]:
    return sorted(PLACEHOLDER.findall(text.replace("%%", "")))
