"""The floors of the code, as the README's "Layout" section lists them, hold: every
import of the project's own packages points to a lower floor, and no modules import each
other in a circle. Imports inside functions count too: a late import is still a
dependency."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FLOOR_LINE = re.compile(r"^(\d+)\. ((?:`\w+`(?:, )?)+)")


def floors_in_readme() -> dict[str, int]:
    """{package: floor number} from the numbered list in the README's "## Layout"."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("\n## Layout\n", 1)[1].split("\n## ", 1)[0]
    floors = {}
    for line in section.splitlines():
        match = FLOOR_LINE.match(line)
        if match:
            for package in re.findall(r"`(\w+)`", match.group(2)):
                floors[package] = int(match.group(1))
    return floors


def own_packages() -> list[str]:
    """The project's packages: folders at the top with an __init__.py, except the tests'
    and the bench's, which may import anything."""
    return sorted(
        path.parent.name
        for path in ROOT.glob("*/__init__.py")
        if path.parent.name not in {"tests", "bench"} and not path.parent.name.startswith(".")
    )


def module_files() -> dict[str, Path]:
    modules = {}
    for package in own_packages():
        for path in (ROOT / package).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            modules[".".join(parts)] = path
    return modules


def imported_names(module: str, path: Path) -> list[tuple[str, int]]:
    """(dotted name, line) of every import in the file, relative ones resolved."""
    names = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            names += [(alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                package = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
                package = package[: len(package) - (node.level - 1)]
                base = ".".join(package + ([node.module] if node.module else []))
            names.append((base, node.lineno))
            # `from pkg import module` imports the module pkg.module.
            names += [(f"{base}.{alias.name}", node.lineno) for alias in node.names]
    return names


def import_graph() -> dict[str, dict[str, int]]:
    """{module: {imported own module: line}}; an import of a name resolves to its module."""
    modules = module_files()
    graph: dict[str, dict[str, int]] = {}
    for module, path in modules.items():
        edges = graph.setdefault(module, {})
        for name, line in imported_names(module, path):
            while name and name not in modules:
                name = name.rpartition(".")[0]
            # A module's own package (its __init__) runs first anyway: not an edge.
            if name and name != module and not module.startswith(name + "."):
                edges.setdefault(name, line)
    return graph


def test_the_readme_names_every_package_on_a_floor():
    floors = floors_in_readme()
    assert len(set(floors.values())) >= 5, floors
    assert sorted(floors) == own_packages()


def test_no_import_runs_up_or_across_the_floors():
    floors = floors_in_readme()
    modules = module_files()
    wrong = []
    for module, edges in import_graph().items():
        here = floors[module.split(".")[0]]
        for target, line in edges.items():
            there = floors[target.split(".")[0]]
            if module.split(".")[0] != target.split(".")[0] and there >= here:
                wrong.append(f"{modules[module].relative_to(ROOT)}:{line} imports {target} (floor {there} ≥ {here})")
    assert not wrong, "\n".join(wrong)


def strongly_connected(graph: dict[str, dict[str, int]]) -> list[list[str]]:
    """Tarjan's algorithm, iterative: the groups of modules that reach each other."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    groups = []
    for start in graph:
        if start in index:
            continue
        work = [(start, iter(graph[start]))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, targets = work[-1]
            for target in targets:
                if target not in index:
                    index[target] = low[target] = len(index)
                    stack.append(target)
                    on_stack.add(target)
                    work.append((target, iter(graph.get(target, {}))))
                    break
                if target in on_stack:
                    low[node] = min(low[node], index[target])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    group = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        group.append(member)
                        if member == node:
                            break
                    if len(group) > 1:
                        groups.append(sorted(group))
    return groups


def test_no_modules_import_each_other():
    circles = strongly_connected(import_graph())
    assert not circles, "Modules that import each other: " + "; ".join(" ↔ ".join(c) for c in circles)


@pytest.mark.parametrize(
    ("graph", "expected"),
    [
        ({"a": {"b": 1}, "b": {"c": 1}, "c": {}}, []),
        ({"a": {"b": 1}, "b": {"c": 1}, "c": {"a": 1}}, [["a", "b", "c"]]),
        ({"a": {"b": 1}, "b": {"a": 1}, "c": {"c": 1}}, [["a", "b"]]),
    ],
)
def test_the_circle_finder_finds_circles(graph, expected):
    assert strongly_connected(graph) == expected
