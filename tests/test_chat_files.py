"""`coach chat`: `!send` sends files, the directives are listed, exports are saved."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests import test_cli as cli

pytestmark = pytest.mark.slow

EXPORTS = Path(__file__).parent / "data" / "exports"


def test_help_lists_the_directives_and_where_files_land(tmp_path: Path) -> None:
    result = cli.coach("chat", "--help", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    out = " ".join(result.stdout.split())
    for directive in ("!wait 25h", "!send PATH", "!user ID", "!quit", "[Label]"):
        assert directive in out
    assert "CSV exports" in out and "default: coach-files" in out


def test_an_unknown_directive_lists_the_directives(tmp_path: Path) -> None:
    result = cli.coach("chat", cwd=tmp_path, stdin="!jump 3\n")
    assert "I don't know that directive" in result.stdout
    assert "!send PATH" in result.stdout


def test_send_a_strong_export_after_import_then_history_shows_it(tmp_path: Path) -> None:
    shutil.copy(EXPORTS / "strong_en_classic_lb.csv", tmp_path / "strong.csv")
    script = "/import\n!send strong.csv\n[Import]\n/history\n!send missing.csv\n"
    result = cli.coach("chat", "--db", str(tmp_path / "chat.db"), cwd=tmp_path, stdin=script)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "Here's what I found in strong.csv:" in out
    imported = out.split("Imported ", 1)[1]
    assert "T-bar row" in imported.split("/history", 1)[0] or "T-bar row" in imported
    assert "(there is no file at missing.csv)" in out


def test_send_a_picture_goes_as_a_photo(tmp_path: Path) -> None:
    picture = tmp_path / "me.png"
    picture.write_bytes(
        bytes.fromhex(
            "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
            "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
        )
    )
    result = cli.coach("chat", cwd=tmp_path, stdin="!send me.png\n")
    assert result.returncode == 0, result.stderr
    # The bot's answer to a picture, not the import's answer to a file.
    assert "I can only read text and buttons" in result.stdout
