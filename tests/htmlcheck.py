"""A small HTML checker for tests: unique ids, a label for every field, one h1, tags that nest."""

from __future__ import annotations

from collections import Counter
from html.parser import HTMLParser

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
# SVG children written as <circle/> are self-closing; html.parser reports them through startendtag.
UNLABELLED_INPUT_TYPES = {"hidden", "submit", "button", "image", "reset"}


class _Checker(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: Counter[str] = Counter()
        self.label_for: set[str] = set()
        self.fields: list[dict[str, str | None]] = []
        self.h1_count = 0
        self.stack: list[str] = []
        self.errors: list[str] = []
        self.label_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._open(tag, dict(attrs))
        if tag not in VOID:
            self.stack.append(tag)
            if tag == "label":
                self.label_depth += 1

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._open(tag, dict(attrs))

    def _open(self, tag: str, attrs: dict[str, str | None]) -> None:
        if attrs.get("id"):
            self.ids[attrs["id"]] += 1
        if tag == "label" and attrs.get("for"):
            self.label_for.add(attrs["for"])
        if tag == "h1":
            self.h1_count += 1
        is_field = tag in {"select", "textarea"} or (
            tag == "input" and (attrs.get("type") or "text") not in UNLABELLED_INPUT_TYPES
        )
        if is_field:
            self.fields.append({**attrs, "_tag": tag, "_in_label": "yes" if self.label_depth else None})

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID:
            return
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes <{self.stack[-1] if self.stack else 'nothing'}>")
            if tag in self.stack:
                while self.stack and self.stack.pop() != tag:
                    pass
            return
        self.stack.pop()
        if tag == "label":
            self.label_depth -= 1


def html_problems(html: str) -> list[str]:
    """Everything wrong with `html` as a list of readable messages (empty when it is fine)."""
    checker = _Checker()
    checker.feed(html)
    checker.close()
    problems = list(checker.errors)
    problems += [f"duplicate id {name!r} ({count} times)" for name, count in checker.ids.items() if count > 1]
    if checker.h1_count != 1:
        problems.append(f"{checker.h1_count} <h1> elements, expected exactly one")
    for field in checker.fields:
        labelled = (
            (field.get("id") and field["id"] in checker.label_for)
            or field.get("aria-label")
            or field.get("aria-labelledby")
            or field.get("_in_label")
        )
        if not labelled:
            problems.append(f"<{field['_tag']} name={field.get('name')!r}> has no label")
    if checker.stack and checker.stack != ["html"]:
        problems.append(f"unclosed tags at the end: {checker.stack}")
    return problems
