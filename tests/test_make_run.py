"""`make run`: the demo builds its links from HOST and PORT, and its mail goes to .demo-mail/.

Read with `make -n` (print the commands, run none).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
FILE_BACKEND = "EMAIL_BACKEND=django.core.mail.backends.filebased.EmailBackend EMAIL_FILE_PATH=.demo-mail"

MAKE = shutil.which("make")

pytestmark = pytest.mark.skipif(MAKE is None, reason="needs make")


def _make_n(*args: str, **env: str) -> list[str]:
    # Without what a calling make (`make test`) or the shell would hand down.
    clean = {k: v for k, v in os.environ.items() if k not in {"SITE_URL", "HOST", "PORT", "MAKEFLAGS", "MAKELEVEL"}}
    result = subprocess.run(  # noqa: S603 -- make from PATH, fixed arguments.
        [MAKE, "-n", "--no-print-directory", *args],
        cwd=REPO,
        env={**clean, **env},
        capture_output=True,
        text=True,
        check=True,
        timeout=30,
    )
    return result.stdout.splitlines()


def _line(lines: list[str], command: str) -> str:
    [line] = [line for line in lines if f"manage.py {command}" in line]
    return line


def test_make_run_builds_links_from_its_port_and_writes_mail_to_the_folder() -> None:
    lines = _make_n("run", "PORT=8123")

    for command in ("seed_demo", "runserver 127.0.0.1:8123"):
        assert f"SITE_URL=http://127.0.0.1:8123 {FILE_BACKEND} " in _line(lines, command)
    assert not any("8000" in line for line in lines)
    banner = [line for line in lines if line.startswith("echo ")]
    assert 'echo "The portal runs at http://127.0.0.1:8123/ (stop it with Ctrl+C)."' in banner
    assert sum(".demo-mail/" in line for line in banner) == 1
    # Demo staff logins exist (seed_demo lists them); createsuperuser only for a real administrator.
    assert sum("createsuperuser" in line for line in lines) == 1


def test_a_site_url_of_ones_own_is_kept() -> None:
    from_env = _make_n("demo", SITE_URL="https://natverk.example.se")
    on_the_line = _make_n("run", "PORT=8123", "SITE_URL=http://localhost:9999")

    assert "SITE_URL=https://natverk.example.se " in _line(from_env, "seed_demo")
    assert "SITE_URL=http://localhost:9999 " in _line(on_the_line, "runserver 127.0.0.1:8123")


def test_the_mail_folder_is_not_committed() -> None:
    assert "/.demo-mail/" in (REPO / ".gitignore").read_text(encoding="utf-8").splitlines()
