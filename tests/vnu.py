"""The W3C HTML validator (vnu, the Nu Html Checker) over pages the browser tests saved.

`vnu.jar` comes from npm's `vnu-jar` (pinned in `.ci/run`, installed into `.vnu/`) and
runs on Debian's `default-jre-headless`. The browser tests save the HTML the server sent
for every page they visit (tests/browser/conftest.py); after the session, every saved
file goes to vnu in a few batches, and any error fails the run. vnu does not check the
order of headings, so the same step also reports a skipped heading level (h2 to h4), and
a form whose Enter key would press a secondary button.

By hand: `.venv/bin/python -m tests.vnu DIR` validates every .html file in DIR.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_JAR = ROOT / ".vnu" / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
# One java start costs a few seconds; a batch this size stays far below the argument limit.
BATCH = 200


def vnu_command() -> list[str] | None:
    """`java -jar vnu.jar`, or None when java or the jar is missing (VNU_JAR overrides the jar's path)."""
    jar = Path(os.environ.get("VNU_JAR", DEFAULT_JAR))
    java = shutil.which("java")
    if java is None or not jar.is_file():
        return None
    return [java, "-Xss4m", "-jar", str(jar)]


def missing_message() -> str:
    return (
        "The HTML validator is missing: it needs java (apt: default-jre-headless) and "
        f"{DEFAULT_JAR.relative_to(ROOT)} (npm install --prefix .vnu --ignore-scripts vnu-jar); .ci/run installs both."
    )


def vnu_errors(files: list[Path]) -> list[str]:
    """Every error vnu finds in `files`, as `name:line: message (extract)`."""
    command = vnu_command()
    if command is None:
        raise FileNotFoundError(missing_message())
    problems: list[str] = []
    for start in range(0, len(files), BATCH):
        batch = files[start : start + BATCH]
        result = subprocess.run(  # noqa: S603 - our own java and jar, our own files
            [*command, "--errors-only", "--format", "json", *map(str, batch)],
            capture_output=True,
            text=True,
            check=False,
        )
        # vnu writes its JSON report to stderr; exit status 1 only means "errors found".
        try:
            report = json.loads(result.stderr)
        except json.JSONDecodeError:
            raise RuntimeError(f"vnu failed (exit {result.returncode}): {result.stderr[:2000]}") from None
        for message in report.get("messages", []):
            if message.get("type") not in {"error", "non-document-error"}:
                continue
            name = Path(message.get("url", "?").removeprefix("file:")).name
            extract = message.get("extract", "").replace("\n", " ")
            problems.append(f"{name}:{message.get('lastLine', '?')}: {message['message']} ({extract.strip()})")
    return problems


class _Headings(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.levels: list[int] = []

    def handle_starttag(self, tag: str, attrs) -> None:
        if len(tag) == 2 and tag[0] == "h" and tag[1] in "123456":
            self.levels.append(int(tag[1]))


def heading_errors(files: list[Path]) -> list[str]:
    """A heading more than one level below the one before it (h2 followed by h4), per file.

    As axe-core's heading-order rule, the first heading may have any level: an error
    summary's h2 stands above the page's h1, as in the GOV.UK pattern.
    """
    problems = []
    for path in files:
        parser = _Headings()
        parser.feed(path.read_text(encoding="utf-8", errors="replace"))
        previous = parser.levels[0] if parser.levels else 0
        for level in parser.levels:
            if level > previous + 1:
                problems.append(f"{path.name}: <h{level}> follows <h{previous}> (a heading level is skipped)")
            previous = level
    return problems


class SubmitButtons(HTMLParser):
    """Per form: its submit buttons in document order, each as (attributes, text)."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[list[tuple[dict, list[str]]]] = []
        self._in_form = False
        self._text: list[str] | None = None

    def handle_starttag(self, tag: str, attrs) -> None:
        attributes = dict(attrs)
        if tag == "form":
            self._in_form = True
            self.forms.append([])
        elif self._in_form and tag == "button" and (attributes.get("type") or "submit") == "submit":
            self._text = []
            self.forms[-1].append((attributes, self._text))
        elif self._in_form and tag == "input" and attributes.get("type") == "submit":
            self.forms[-1].append((attributes, [attributes.get("value") or ""]))

    def handle_data(self, data: str) -> None:
        if self._text is not None:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "button":
            self._text = None
        elif tag == "form":
            self._in_form = False


def default_button_errors(files: list[Path]) -> list[str]:
    """A form with several buttons whose first is a secondary one: Enter in any of its boxes
    presses the first button, so it must be the main action (issue 22). A form whose
    secondary button comes first puts a hidden copy of the main one before it
    (templates/grants/step.html)."""
    problems = []
    for path in files:
        parser = SubmitButtons()
        parser.feed(path.read_text(encoding="utf-8", errors="replace"))
        for buttons in parser.forms:
            attributes, text_parts = buttons[0] if buttons else ({}, [])
            if len(buttons) > 1 and "button--secondary" in (attributes.get("class") or "").split():
                text = " ".join("".join(text_parts).split())
                problems.append(f"{path.name}: Enter presses the secondary button ”{text}” of a form")
    return problems


def page_errors(folder: Path) -> list[str]:
    files = sorted(folder.glob("*.html"))
    if not files:
        return []
    return vnu_errors(files) + heading_errors(files) + default_button_errors(files)


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python -m tests.vnu DIR", file=sys.stderr)
        return 2
    try:
        problems = page_errors(Path(argv[0]))
    except FileNotFoundError as missing:
        print(missing, file=sys.stderr)
        return 2
    for problem in problems:
        print(problem)
    print(f"{len(problems)} HTML errors in {argv[0]}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
