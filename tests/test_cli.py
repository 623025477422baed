"""The `coach` command line as a newcomer meets it, in real subprocesses."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow


def coach(*args: str, cwd: Path, stdin: str = "", env: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
    environment = {k: v for k, v in os.environ.items() if k not in {"BOT_TOKEN", "DATABASE_URL"}}
    environment.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=cwd,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        env=environment,
    )


def test_run_without_token_exits_2_with_one_clear_line(tmp_path: Path) -> None:
    result = coach("run", cwd=tmp_path)
    assert result.returncode == 2
    assert "BOT_TOKEN" in result.stderr and "coach chat" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_chat_script_welcomes_then_recognises_the_lifter(tmp_path: Path) -> None:
    first = coach("chat", cwd=tmp_path, stdin="/start\n/help\n")
    assert first.returncode == 0, first.stderr
    assert "I'm your upper-back coach" in first.stdout
    assert "/workout - Start or resume" in first.stdout
    second = coach("chat", cwd=tmp_path, stdin="/start\n")
    assert "Welcome back" in second.stdout
    assert (tmp_path / "coach.db").exists()


def test_chat_shows_buttons_presses_them_and_waits(tmp_path: Path) -> None:
    script = "/workout\n[135 lb]\n6\n[2]\n!wait 3m\n"
    result = coach("chat", "--db", str(tmp_path / "x.db"), cwd=tmp_path, stdin=script)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "[How to]" in out and "[135 lb]" in out
    assert "Logged set 1: 135 lb x 6 (2 left)" in out
    assert out.index("Rest is over.") > out.index("Logged set 1")


def test_db_upgrade(tmp_path: Path) -> None:
    result = coach("db", "upgrade", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "coach.db").exists()
