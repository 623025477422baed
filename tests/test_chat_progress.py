"""`coach chat`: after a few workouts on different days, /progress draws a real chart."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests import test_cli as cli

pytestmark = pytest.mark.slow

WORKOUTS = (
    ("225x6 @2", "235x5 @2"),
    ("235x6 @1", "245x4 @1"),
    ("245x5 @2", "245x6 @2"),
    ("255x5 @1",),
)


def test_progress_after_a_few_workouts_prints_a_png_photo(tmp_path: Path) -> None:
    lines = ["/start"]
    for sets in WORKOUTS:
        lines += ["/workout", *sets, "/done", "!wait 1d"]
    lines += ["/progress deadlift"]
    result = cli.coach(
        "chat",
        "--db",
        str(tmp_path / "chat.db"),
        "--files",
        str(tmp_path / "files"),
        cwd=tmp_path,
        stdin="\n".join(lines) + "\n",
    )
    assert result.returncode == 0, result.stderr
    found = re.search(r"^\[photo: (.+)\]$", result.stdout, re.MULTILINE)
    assert found is not None, result.stdout[-2000:]
    chart = Path(found[1]).read_bytes()  # under --files, an absolute path
    assert chart.startswith(b"\x89PNG\r\n\x1a\n")
    assert int.from_bytes(chart[16:20], "big") >= 800  # width in pixels: readable on a phone
    # 235 x (1 + 7/30) = 290 on the first day, 255 x (1 + 6/30) = 306 on the last.
    assert "Deadlift: estimated max 290 -> 306 lb over 4 workouts" in result.stdout
