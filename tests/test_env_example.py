"""Every environment variable the code reads is listed in .env.example (and in docs/operations.md)."""

from __future__ import annotations

import re
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
# env.str("NAME", ...), env.int(...) in the settings (natverk/env.py); os.environ.get in gunicorn.conf.py.
READS = re.compile(r"""(?:\benv(?:\.\w+)?|os\.environ\.get|getenv)\(\s*["']([A-Z][A-Z0-9_]+)["']""")


def _variables_read() -> set[str]:
    names: set[str] = set()
    for path in [BASE_DIR / "natverk" / "settings.py", BASE_DIR / "gunicorn.conf.py"]:
        names |= set(READS.findall(path.read_text(encoding="utf-8")))
    return names


def _listed(path: Path) -> set[str]:
    return set(re.findall(r"^#?\s*([A-Z][A-Z0-9_]+)=", path.read_text(encoding="utf-8"), re.M))


def test_env_example_lists_every_variable() -> None:
    read = _variables_read()

    assert {"DEBUG", "SECRET_KEY", "DATABASE_URL", "REDIS_URL", "WEB_CONCURRENCY"} <= read
    assert read - _listed(BASE_DIR / ".env.example") == set()


def test_operations_doc_mentions_every_variable() -> None:
    operations = (BASE_DIR / "docs" / "operations.md").read_text(encoding="utf-8")

    assert {name for name in _variables_read() if f"`{name}`" not in operations} == set()
