"""The lines that say how a message was read stay short and say what is missing."""

from decimal import Decimal

import pytest

from bot.coach.catalog import RepRange
from bot.coach.reading import Missing, Question, ReadContext, SetsRead, Unreadable, read_message
from bot.coach.units import Unit
from bot.texts import reading as texts

ROW = ReadContext("barbell_row", Decimal(225), Unit.LB, RepRange(6, 8), Unit.LB)


def test_a_logged_set_is_echoed() -> None:
    read = read_message("225x6 @8", ROW)
    assert isinstance(read, SetsRead)
    assert texts.logged(read) == "Logged 225 lb x 6, RPE 8 = 2 left."


def test_questions_name_what_they_ask() -> None:
    several = read_message("3x5 @ 225", ROW)
    assert isinstance(several, Question)
    assert texts.question(several) == "Log 3 sets of 225 lb x 5?"
    other = read_message("seal row 135x8", ROW)
    assert isinstance(other, Question)
    assert "Log it as Barbell row?" in texts.question(other, "Seal row", "Barbell row")


@pytest.mark.parametrize("missing", list(Missing))
def test_every_missing_part_has_one_short_line(missing: Missing) -> None:
    line = texts.unreadable(Unreadable(missing, "225 lb"))
    assert line.count("\n") == 0 and len(line) < 90


def test_a_weight_without_reps_says_what_was_understood() -> None:
    read = read_message("225", ROW)
    assert isinstance(read, Unreadable)
    assert texts.unreadable(read) == "Got 225 lb. How many reps? Send it like 225x6, 2 left."
