"""`coach chat`: `!wait` lets time pass, so a reminder set for tomorrow arrives."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from bot.coach.timing import WEEKDAYS
from tests import test_cli as cli

pytestmark = pytest.mark.slow
SAMPLE = Path(__file__).parent / "coach" / "data" / "strong_comma.csv"


def test_wait_a_day_brings_tomorrows_reminder_and_its_button_starts_the_workout(
    tmp_path: Path,
) -> None:
    now = dt.datetime.now(dt.UTC)
    tomorrow = WEEKDAYS[(now.weekday() + 1) % 7][:3].lower()
    # Tomorrow at this hour: a day's wait passes it by less than an hour.
    script = f"/schedule {tomorrow} {now.hour:02d}:00 UTC\n!wait 1d\n[Start workout]\n"
    result = cli.coach("chat", "--db", str(tmp_path / "chat.db"), cwd=tmp_path, stdin=script)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "Reminders set:" in out
    assert "Upper back today\nDeadlift 3 x 4-6: pick a starting weight" in out
    assert out.index("Today's workout: 5 exercises") > out.index("Upper back today")
    assert out.count("Upper back today") == 1


def test_a_long_wait_steps_through_time_so_the_daily_reminder_arrives_on_time(
    tmp_path: Path,
) -> None:
    # Jumping 25 hours at once left the 07:00 reminder hours late and dropped; stepping
    # through the wait fires it at 07:00, as the running bot would.
    script = "/schedule daily 07:00 UTC\n!wait 25h\n"
    result = cli.coach("chat", "--db", str(tmp_path / "chat.db"), cwd=tmp_path, stdin=script)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "Reminders set:" in out
    assert "Upper back today\nDeadlift 3 x 4-6: pick a starting weight" in out
    assert "[Start workout]" in out


def test_a_second_run_on_the_same_database_answers_every_message(tmp_path: Path) -> None:
    db = str(tmp_path / "chat.db")
    first = cli.coach("chat", "--db", db, cwd=tmp_path, stdin="/start\n/help\n")
    assert first.returncode == 0, first.stderr
    second = cli.coach("chat", "--db", db, cwd=tmp_path, stdin="/start\n/help\n/history\n")
    assert second.returncode == 0, second.stderr
    out = second.stdout
    assert "Welcome back, Lifter." in out
    assert "/workout - Start or resume" in out
    assert "No workouts yet." in out


def test_waiting_through_time_brings_loads_rest_timers_and_a_week_in_order(
    tmp_path: Path,
) -> None:
    shutil.copy(SAMPLE, tmp_path / "strong.csv")
    script = (
        "/import\n!send strong.csv\n[Import]\n"
        "/schedule daily 07:00 UTC\n[Weekly summary on]\n!wait 25h\n"
        "/workout\n[Skip]\n135x8 @2\n!wait 5m\n"
        "/done\n!wait 8d\n"
    )
    result = cli.coach("chat", "--db", str(tmp_path / "chat.db"), cwd=tmp_path, stdin=script)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    # The reminder that came due during the first wait carries the imported loads, 10 %
    # lighter: the export's last session is years old (145 lb barbell row).
    first = out.index("Upper back today")
    assert first < out.index("Today's workout: 5 exercises")
    eased = out.index("Barbell row 3 x 6-8 @ 130 lb (")
    assert eased == out.index("Barbell row 3 x 6-8", first)
    assert out.index("start 10% lighter, build back up)", eased) < out.index("Seal row", eased)
    # The rest timer fires at its own instant inside a wait.
    assert out.index("Rest is over.") > out.index("Logged set 1: 135 lb x 8")
    # Eight days of daily reminders, one each, and the weekly summary (offered, taken).
    assert out.count("Upper back today") == 1 + 8
    assert out.count("Your week") == 1
