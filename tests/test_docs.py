"""README.md and docs/*.md: every relative link and anchor works, and the README stays short.

A link `[text](path)` or `[text](path#anchor)` (outside code) must name a file in the
repository; `#anchor` must be a heading of that file (or of this one), slugged as GitHub
does: lower case, punctuation dropped except hyphens and underscores, letters such as å,
ä and ö kept, each space a hyphen, and a repeated heading gets -1, -2, ...
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
README_MAX_LINES = 200

FENCE = re.compile(r"^\s*(```|~~~)")
HEADING = re.compile(r"^ {0,3}(#{1,6})\s+(.*?)\s*#*\s*$")
INLINE_CODE = re.compile(r"`+[^`]*?`+")
LINK = re.compile(r"!?\[(?:[^\[\]]|\[[^\[\]]*\])*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
REFERENCE = re.compile(r"^ {0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s+\"[^\"]*\")?\s*$", re.M)
EXTERNAL = re.compile(r"^(?:[a-z][a-z0-9+.-]*:|//)", re.I)


def documents() -> list[Path]:
    return [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]


def _without_fences(text: str) -> list[str]:
    """The lines of `text`, those inside fenced code blocks made empty."""
    lines, fenced = [], False
    for line in text.splitlines():
        if FENCE.match(line):
            fenced = not fenced
            lines.append("")
        else:
            lines.append("" if fenced else line)
    return lines


def slug(heading: str) -> str:
    """GitHub's anchor for a heading's text (before duplicates are numbered)."""
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", heading)  # A link counts by its text.
    text = re.sub(r"<[^>]+>", "", text).lower()
    return "".join(c for c in text if c.isalnum() or c in " -_").replace(" ", "-")


def anchors(path: Path) -> set[str]:
    found: set[str] = set()
    seen: Counter[str] = Counter()
    for line in _without_fences(path.read_text(encoding="utf-8")):
        match = HEADING.match(line)
        if not match:
            continue
        base = slug(match.group(2))
        found.add(f"{base}-{seen[base]}" if seen[base] else base)
        seen[base] += 1
    return found


def links(path: Path) -> list[str]:
    """Every link target of `path` outside code: inline links, images and references."""
    text = "\n".join(INLINE_CODE.sub("", line) for line in _without_fences(path.read_text(encoding="utf-8")))
    return LINK.findall(text) + REFERENCE.findall(text)


def broken_links(path: Path, repo: Path = REPO) -> list[str]:
    """What is wrong with the relative links of `path`, one line each (empty: all work)."""
    problems, repo = [], repo.resolve()
    for target in links(path):
        if EXTERNAL.match(target):
            continue
        file_part, _, anchor = target.partition("#")
        resolved = (path.parent / file_part).resolve() if file_part else path.resolve()
        if not resolved.is_relative_to(repo):
            problems.append(f"{target}: points outside the repository")
        elif not resolved.exists():
            problems.append(f"{target}: no such file")
        elif anchor and resolved.suffix == ".md" and anchor not in anchors(resolved):
            problems.append(f"{target}: no heading #{anchor} in {resolved.relative_to(repo)}")
        elif anchor and resolved.suffix != ".md":
            problems.append(f"{target}: an anchor into a file that is not Markdown")
    return problems


@pytest.mark.parametrize("path", documents(), ids=lambda p: str(p.relative_to(REPO)))
def test_every_relative_link_and_anchor_works(path: Path) -> None:
    assert broken_links(path) == []


@pytest.mark.parametrize("path", documents(), ids=lambda p: str(p.relative_to(REPO)))
def test_no_document_points_to_the_shared_folder(path: Path) -> None:
    assert "../shared" not in path.read_text(encoding="utf-8")


def test_the_readme_is_short_and_starts_with_the_two_commands() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert len(readme.splitlines()) <= README_MAX_LINES
    first_section = readme.split("\n## ")[1]
    assert first_section.startswith("Two commands\n")
    assert re.search(r"^make run ", first_section, re.M) and re.search(r"^make test ", first_section, re.M)


def test_operations_links_the_reload_notes() -> None:
    assert "](operations-reload.md)" in (REPO / "docs" / "operations.md").read_text(encoding="utf-8")


def test_slugs_follow_github() -> None:
    assert slug("Speed: `make bench`") == "speed-make-bench"
    assert slug("Decision letters (beslutsbrev)") == "decision-letters-beslutsbrev"
    assert slug("The admin's list of applications (issue 14, 2026-11-30)") == (
        "the-admins-list-of-applications-issue-14-2026-11-30"
    )
    assert slug("Samverkansbörsen och Sätra") == "samverkansbörsen-och-sätra"
    assert slug("A [linked](x.md) heading") == "a-linked-heading"
    assert slug("One -- two") == "one----two"


def test_a_broken_link_or_anchor_is_found(tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    other = tmp_path / "docs" / "other.md"
    other.write_text("# Other\n\n## Bad input\n\n## Bad input\n\n## Å och ö\n", encoding="utf-8")
    doc = tmp_path / "README.md"
    doc.write_text(
        "# Top\n\n"
        "[fine](docs/other.md#bad-input-1) [fine](docs/other.md#å-och-ö) [fine](#top) "
        "[web](https://example.se/#x) `[code](missing.md)`\n\n"
        "[gone](docs/missing.md) [no anchor](docs/other.md#bad-input-2)\n"
        "[here](#nowhere) [out](../elsewhere.md)\n\n"
        "```sh\n[in a block](missing.md)\n# not a heading\n```\n",
        encoding="utf-8",
    )
    assert anchors(other) == {"other", "bad-input", "bad-input-1", "å-och-ö"}
    assert broken_links(doc, repo=tmp_path) == [
        "docs/missing.md: no such file",
        "docs/other.md#bad-input-2: no heading #bad-input-2 in docs/other.md",
        "#nowhere: no heading #nowhere in README.md",
        "../elsewhere.md: points outside the repository",
    ]
