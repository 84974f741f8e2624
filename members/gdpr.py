"""The GDPR hooks other apps register: what "Mina uppgifter" exports and what deleting an account removes.

Each app registers its own functions in its AppConfig.ready(), so that members never
imports the apps that build on it and nobody keeps a list of dotted paths in sync.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from core.templatetags.natverk_tags import local_when
from members.models import User

UserExport = Callable[..., dict[str, Any]]
UserDelete = Callable[..., None]

# Functions `f(*, user) -> dict`; their results are added to the JSON download. Keys are
# stable English names (documented on the page "Mina uppgifter"); values are what a person
# reads: display labels instead of internal codes, and datetimes as `datetime` objects, which
# the download writes in local time with the offset and the page as "tisdag 9 mars 2027 kl. 18.00".
USER_EXPORT_SECTIONS: list[UserExport] = []
# Functions `f(*, user)` that remove or anonymise the app's own rows of a user who deletes
# the account; they run inside the deletion's transaction, before the user row goes.
USER_DELETE_CLEANUPS: list[UserDelete] = []


# What each key of the download means, by key (the same key means the same in every section).
EXPORT_LABELS: dict[str, str] = {}


def gdpr_register(*, export: UserExport, delete: UserDelete, labels: Mapping[str, str] | None = None) -> None:
    """Register an app's export section, the meaning of its keys and its deletion clean-up; safe to call twice."""
    EXPORT_LABELS.update(labels or {})
    if export not in USER_EXPORT_SECTIONS:
        USER_EXPORT_SECTIONS.append(export)
    if delete not in USER_DELETE_CLEANUPS:
        USER_DELETE_CLEANUPS.append(delete)


def gdpr_export(*, user: User) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for section in USER_EXPORT_SECTIONS:
        data.update(section(user=user))
    return data


def gdpr_delete(*, user: User) -> None:
    for cleanup in USER_DELETE_CLEANUPS:
        cleanup(user=user)


class ExportEncoder(json.JSONEncoder):
    """Datetimes in the site's time zone with their offset, whole seconds; dates as YYYY-MM-DD."""

    def default(self, o: Any) -> Any:
        if isinstance(o, datetime.datetime):
            local = timezone.localtime(o) if timezone.is_aware(o) else o
            return local.replace(microsecond=0).isoformat()
        if isinstance(o, datetime.date):
            return o.isoformat()
        return super().default(o)


def export_json(data: dict[str, Any]) -> str:
    return json.dumps(data, cls=ExportEncoder, ensure_ascii=False, indent=2)


@dataclass
class ReadableSection:
    """One part of the export as "Mina uppgifter" shows it: entries of (label, value) pairs."""

    key: str
    label: str
    entries: list[list[tuple[str, str]]] = field(default_factory=list)


def export_for_reading(data: dict[str, Any], labels: Mapping[str, str]) -> list[ReadableSection]:
    """The export in words: labels for keys, Swedish dates and times, "Ja"/"Nej", "–" for nothing."""

    def label(key: str) -> str:
        # A key nobody documented still shows; tests/members/test_my_data.py keeps them all documented.
        return str(labels.get(key, key))

    def text(value: Any) -> str:
        if value is None or value == "":
            return "–"
        if isinstance(value, bool):
            return _("Ja") if value else _("Nej")
        if isinstance(value, datetime.datetime):
            return local_when(value)
        if isinstance(value, datetime.date):
            return date_format(value, "DATE_FORMAT")
        if isinstance(value, int):
            return f"{value:,}".replace(",", "\u00a0")
        if isinstance(value, list | tuple):
            return ", ".join(text(item) for item in value) or "–"
        return str(value)

    def pairs(row: dict[str, Any]) -> list[tuple[str, str]]:
        out: list[tuple[str, str]] = []
        for key, value in row.items():
            if isinstance(value, dict):
                out.extend(pairs(value))
            else:
                out.append((label(key), text(value)))
        return out

    sections = []
    for key, value in data.items():
        section = ReadableSection(key=key, label=label(key))
        if isinstance(value, dict):
            section.entries.append(pairs(value))
        elif isinstance(value, list):
            section.entries.extend(pairs(row) if isinstance(row, dict) else [(label(key), text(row))] for row in value)
        else:
            section.entries.append([(label(key), text(value))])
        sections.append(section)
    return sections
