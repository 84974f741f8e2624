"""House words in the admin's templates: one breadcrumb root and Swedish quotation marks."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = ROOT / "templates"
# templates/admin/grants/ is being rewritten on the grants branch (issue 10); its two
# breadcrumbs still say "Start". At the merge they take {% translate 'Home' %} and this
# exclusion goes.


def _admin_index_links(text: str) -> list[str]:
    """The words of every breadcrumb link to the admin index."""
    return re.findall(r"<a href=\"\{% url 'admin:index' %\}\">(.*?)</a>", text)


def test_breadcrumb_root_is_the_admins_own_word_everywhere() -> None:
    # Django's admin says {% translate 'Home' %} ("Hem"); our own pages say the same.
    found = {}
    for path in (TEMPLATES / "admin").rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        if 'class="breadcrumbs"' in text:
            found[path.relative_to(ROOT).as_posix()] = _admin_index_links(text)
    assert found, "no admin template with breadcrumbs was found"
    assert {path: links for path, links in found.items() if links != ["{% translate 'Home' %}"]} == {}


def test_no_german_or_english_quotation_marks_in_templates_or_code() -> None:
    # Swedish writes ”så här”; „…“ and “…” crept into the series preview once.
    wrong = [
        path.relative_to(ROOT).as_posix()
        for folder in ("templates", "natverk", "members", "networks", "meetings", "grants")
        for path in (ROOT / folder).rglob("*")
        if path.suffix in {".html", ".txt", ".py"} and {"„", "“"} & set(path.read_text(encoding="utf-8"))
    ]
    assert wrong == []
