"""What other apps add to a meeting's agenda, without meetings importing them.

The same pattern as members.overview: an app above (dialog: residents' questions taken to
a meeting) registers a function in its AppConfig.ready(). Each function gets the ids of the
meetings a page or a calendar shows and returns, per meeting id, one AgendaSection; the
meeting's page shows each section with its items (in its agenda), and its calendar file
adds them to the event's DESCRIPTION after the agenda.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field


@dataclass(frozen=True)
class AgendaItem:
    """One line of a section: its text, the page it links to, and the text's language (for `lang`)."""

    text: str
    url: str
    language: str = ""
    note: str = ""


@dataclass(frozen=True)
class AgendaSection:
    heading: str
    items: list[AgendaItem] = field(default_factory=list)


AgendaSource = Callable[[Sequence[int]], dict[int, AgendaSection]]
AGENDA_SOURCES: list[AgendaSource] = []


def agenda_register(source: AgendaSource) -> None:
    """Register an app's part of the agendas; safe to call twice."""
    if source not in AGENDA_SOURCES:
        AGENDA_SOURCES.append(source)


def agenda_sections(meeting_ids: Sequence[int]) -> dict[int, list[AgendaSection]]:
    """Every registered section with items, per meeting id (one query or so per source)."""
    found: dict[int, list[AgendaSection]] = {}
    if not meeting_ids:
        return found
    for source in AGENDA_SOURCES:
        for meeting_id, section in source(meeting_ids).items():
            if section.items:
                found.setdefault(meeting_id, []).append(section)
    return found


def agenda_text(sections: Sequence[AgendaSection]) -> str:
    """The sections as plain text, for a calendar's DESCRIPTION."""
    return "\n\n".join(
        "\n".join([section.heading, *(f"- {item.text}" for item in section.items)]) for section in sections
    )
