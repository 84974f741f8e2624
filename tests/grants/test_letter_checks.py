"""`check --deploy` names a server that cannot make the same decision letter twice."""

from __future__ import annotations

import weasyprint.text.ffi

from grants.checks import letter_libraries


def test_quiet_where_harfbuzz_subsets_the_font():
    assert letter_libraries() == []


def test_warns_without_harfbuzz_subset(monkeypatch):
    monkeypatch.setattr(weasyprint.text.ffi, "harfbuzz_subset", None)
    (warning,) = letter_libraries()
    assert warning.id == "grants.W001"
    assert "make pango" in warning.hint
