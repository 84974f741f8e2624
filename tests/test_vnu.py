"""The validator step itself: it finds what the issue named, and passes a clean page."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests import vnu

GOOD = """<!DOCTYPE html><html lang="sv"><head><meta charset="utf-8"><title>Bra</title></head>
<body><main><h1>Rubrik</h1><h2>Del</h2><form method="get"><label for="q">Sök</label>
<input id="q" name="q"></form><time datetime="2027-03-09T18:00:00+01:00">9 mars</time></main></body></html>"""
BAD = GOOD.replace('<form method="get">', '<form method="get" action="">').replace(
    "18:00:00+01:00", "18:00:00.123456+01:00"
)


@pytest.fixture
def need_vnu() -> None:
    if vnu.vnu_command() is None:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(vnu.missing_message())
        pytest.skip(vnu.missing_message())


def test_vnu_finds_an_empty_action_and_microseconds_and_passes_a_clean_page(tmp_path: Path, need_vnu) -> None:
    (tmp_path / "good.html").write_text(GOOD, encoding="utf-8")
    (tmp_path / "bad.html").write_text(BAD, encoding="utf-8")
    problems = vnu.vnu_errors([tmp_path / "good.html", tmp_path / "bad.html"])
    assert all(problem.startswith("bad.html:") for problem in problems), problems
    assert any("action" in problem for problem in problems)
    assert any("datetime" in problem for problem in problems)


def test_skipped_heading_levels_are_reported(tmp_path: Path) -> None:
    (tmp_path / "good.html").write_text(GOOD, encoding="utf-8")
    (tmp_path / "skips.html").write_text(GOOD.replace("<h2>Del</h2>", "<h3>Del</h3>"), encoding="utf-8")
    (tmp_path / "summary.html").write_text(GOOD.replace("<main>", "<main><h2>Fel</h2>"), encoding="utf-8")
    assert vnu.heading_errors([tmp_path / "good.html", tmp_path / "summary.html"]) == []
    assert vnu.heading_errors([tmp_path / "skips.html"]) == [
        "skips.html: <h3> follows <h1> (a heading level is skipped)"
    ]


def test_a_form_whose_enter_presses_a_secondary_button_is_reported(tmp_path: Path) -> None:
    search_first = GOOD.replace(
        '<input id="q" name="q"></form>',
        '<input id="q" name="q"><button class="button button--secondary" name="a" value="s">Sök</button>'
        '<button class="button" name="a" value="n">Spara</button></form>',
    )
    hidden_default = search_first.replace(
        '<input id="q" name="q">',
        '<input id="q" name="q"><button class="visually-hidden" tabindex="-1" name="a" value="n">Spara</button>',
    )
    (tmp_path / "search-first.html").write_text(search_first, encoding="utf-8")
    (tmp_path / "hidden-default.html").write_text(hidden_default, encoding="utf-8")
    (tmp_path / "good.html").write_text(GOOD, encoding="utf-8")
    files = sorted(tmp_path.glob("*.html"))
    assert vnu.default_button_errors(files) == ["search-first.html: Enter presses the secondary button ”Sök” of a form"]
