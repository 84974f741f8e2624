"""One place for each access rule: who has which role is decided in the roles module, which
rows a role may see or change in each app's access.py. Everywhere else the code asks those
predicates, and never reads the user's flags (is_superuser, is_staff), asks Django for a
permission (has_perm and friends), reads the user's groups or names a role's group.

The few uses that decide nothing (making demo accounts, clearing a deleted account's rights,
the user manager's defaults) are listed below, each by file and function with its reason.
An entry that no longer matches anything fails too, so that the list stays as short as it is.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# The role predicates.
ROLES_MODULE = "core/roles.py"
# Each app's row rules.
ACCESS_MODULE_NAME = "access.py"
NOT_PROJECT_CODE = {".venv", "tests", "migrations", "node_modules", "static", "locale"}

FLAGS = {"is_superuser", "is_staff"}
PERMISSION_CHECKS = {
    "has_perm",
    "has_perms",
    "has_module_perms",
    "get_all_permissions",
    "get_group_permissions",
    "get_user_permissions",
}
GROUP_ATTRIBUTES = {"groups", "user_permissions"}
GROUP_CONSTANTS = {"COORDINATORS_GROUP", "STEERING_GROUP"}
GROUP_NAMES = {"Samordnare", "Styrgrupp"}

# "file:qualified name of the function or class" -> why it is no access decision.
ALLOWED: dict[str, str] = {
    "members/models.py:UserManager.create_user": "the user manager's defaults for a new account",
    "members/models.py:UserManager.create_superuser": "the user manager's defaults for a superuser",
    "members/admin.py:UserAdmin": "the user admin's columns and fields, where a superuser grants the flags",
    "members/services.py:_user_anonymise": "a deleted account loses its groups, permissions and flags",
    "members/demo.py:_account": "demo accounts: coordinators and the steering group get staff access",
    "members/demo.py:create_demo": "demo accounts: the coordinators and the steering member get their groups",
    "grants/demo.py:_steering": "the grants demo's steering member gets staff access and the group",
    "bench/data.py:make_networks_members": "benchmark accounts: staff access and the role groups",
}


def _project_files() -> list[Path]:
    return sorted(
        path
        for path in ROOT.rglob("*.py")
        if not NOT_PROJECT_CODE.intersection(path.relative_to(ROOT).parts[:-1])
        and not path.relative_to(ROOT).parts[0].startswith(".")
    )


def _rules_module(relative: str) -> bool:
    return relative == ROLES_MODULE or Path(relative).name == ACCESS_MODULE_NAME


class _Finder(ast.NodeVisitor):
    """Uses of flags, permission checks, groups and group names, with the enclosing scope."""

    def __init__(self) -> None:
        self.scope: list[str] = []
        self.found: list[tuple[int, str, str]] = []  # (line, scope, what)
        self.method_calls: set[int] = set()

    def _note(self, node: ast.AST, what: str) -> None:
        self.found.append((node.lineno, ".".join(self.scope), what))

    def _scoped(self, node: ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef) -> None:
        self.scope.append(node.name)
        self.generic_visit(node)
        self.scope.pop()

    visit_FunctionDef = visit_AsyncFunctionDef = visit_ClassDef = _scoped

    def visit_Call(self, node: ast.Call) -> None:
        # match.groups() is a regular expression's, not the user's groups (user.groups.add()).
        if isinstance(node.func, ast.Attribute) and node.func.attr == "groups":
            self.method_calls.add(id(node.func))
        self.generic_visit(node)

    def visit_Attribute(self, node: ast.Attribute) -> None:
        watched = FLAGS | PERMISSION_CHECKS | GROUP_ATTRIBUTES | GROUP_CONSTANTS
        if node.attr in watched and id(node) not in self.method_calls:
            self._note(node, f".{node.attr}")
        self.generic_visit(node)

    def visit_keyword(self, node: ast.keyword) -> None:
        # create_user(is_staff=True), filter(groups__name=...)
        if node.arg and (node.arg in FLAGS or node.arg.split("__")[0] in GROUP_ATTRIBUTES):
            self._note(node.value, f"{node.arg}=")
        self.generic_visit(node)

    def visit_Name(self, node: ast.Name) -> None:
        if node.id in GROUP_CONSTANTS:
            self._note(node, node.id)

    def visit_Constant(self, node: ast.Constant) -> None:
        # getattr(user, "is_staff"), {"is_staff": True}, "groups__name", "Styrgrupp"; not "groups" alone.
        text = node.value
        if not isinstance(text, str):
            return
        lookup = "__" in text and text.partition("__")[0] in GROUP_ATTRIBUTES
        if text in FLAGS | GROUP_NAMES or lookup:
            self._note(node, repr(text))


def _uses() -> list[tuple[str, int, str, str]]:
    """(file, line, scope, what) for every use outside the rules modules."""
    uses = []
    for path in _project_files():
        relative = path.relative_to(ROOT).as_posix()
        if _rules_module(relative):
            continue
        finder = _Finder()
        finder.visit(ast.parse(path.read_text(encoding="utf-8"), filename=relative))
        uses += [(relative, line, scope, what) for line, scope, what in finder.found]
    return uses


def test_access_decisions_are_made_in_the_roles_module_and_access_py_only() -> None:
    wrong = [
        f"{relative}:{line} ({scope or 'module'}): {what}"
        for relative, line, scope, what in _uses()
        if f"{relative}:{scope}" not in ALLOWED
    ]
    assert not wrong, (
        f"Access decided outside {ROLES_MODULE} and */{ACCESS_MODULE_NAME}: ask a predicate there "
        "(or, for a use that decides nothing, add file:function to ALLOWED with the reason):\n" + "\n".join(wrong)
    )


def test_every_allowed_entry_is_still_needed() -> None:
    used = {f"{relative}:{scope}" for relative, _line, scope, _what in _uses()}
    assert not set(ALLOWED) - used, f"No longer needed in ALLOWED: {sorted(set(ALLOWED) - used)}"


def test_the_rules_modules_exist() -> None:
    assert (ROOT / ROLES_MODULE).is_file()
    assert len([path for path in _project_files() if path.name == ACCESS_MODULE_NAME]) >= 5


def test_the_finder_sees_each_kind_of_use() -> None:
    source = """
def view(request, user):
    if request.user.is_superuser or user.has_perm("x.y") or user.groups.filter(name=STEERING_GROUP):
        User.objects.filter(is_staff=True, groups__name="Styrgrupp")
    return getattr(user, "is_staff"), "groups", match.groups()
"""
    finder = _Finder()
    finder.visit(ast.parse(source))
    assert {what for _line, _scope, what in finder.found} == {
        ".is_superuser",
        ".has_perm",
        ".groups",
        "STEERING_GROUP",
        "is_staff=",
        "groups__name=",
        "'Styrgrupp'",
        "'is_staff'",
    }
    assert {scope for _line, scope, _what in finder.found} == {"view"}
