"""The bench's verdicts: which share of the ceiling a page is held to."""

from __future__ import annotations

from bench.run import PAGES, Result, verdict


def test_the_residents_questions_are_held_to_eighty_percent_of_the_ceiling() -> None:
    """Issue 23: /fragor/ (anonymous, cached) at 80 % of the ceiling; other public pages at 50 %."""
    questions = next(page for page in PAGES if page.path == "/fragor/")
    home = next(page for page in PAGES if page.path == "/")

    def result(page, rps: float) -> Result:
        return Result(page, rps, p50=2.0, p99=10.0, non2xx=0, errors=0, status=200, queries="0", cache="HIT")

    assert verdict(result(questions, 810), ceiling_rps=1000) == "met"
    assert verdict(result(questions, 700), ceiling_rps=1000) == "MISSED: < 80 %"
    assert verdict(result(home, 700), ceiling_rps=1000) == "met"
