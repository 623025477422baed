"""The exercise lookup against names from open exercise databases and app exports.

tests/corpus/exercise_names.tsv gives each name the lift it must find: a catalog key,
``none`` (a lift we do not coach), or ``none:<key>`` (not coached, and the closest lift
we do coach is <key>). Accuracy is printed; the test fails below 98 % and on any name
mapped to a coached lift other than the expected one (the import would log it wrongly).
"""

import pytest

from bot.coach.lookup import LookupResult, find_exercise
from tests.coach.corpus import read_tsv, source_keys


def _rows() -> list[dict[str, str]]:
    return read_tsv("exercise_names.tsv")


def describe(result: LookupResult) -> str:
    """The corpus notation of a lookup: the key, or none / none:<closest key>."""
    if result.exercise is not None:
        return result.exercise.key
    closest = result.closest
    return "none" if closest is None else f"none:{closest.key}"


def _right(expected: str, result: LookupResult) -> bool:
    if expected == "none":
        return result.exercise is None
    return describe(result) == expected


def test_the_names_corpus_is_big_and_every_name_has_a_known_source() -> None:
    rows = _rows()
    assert len(rows) >= 150
    assert {row["source"] for row in rows} <= source_keys()


def test_app_and_database_names_find_the_right_lift(capsys: pytest.CaptureFixture[str]) -> None:
    rows = _rows()
    misses: list[str] = []
    wrong_lift: list[str] = []
    for row in rows:
        result = find_exercise(row["name"])
        if _right(row["expected"], result):
            continue
        line = f"{row['name']!r}: expected {row['expected']}, got {describe(result)}"
        misses.append(line)
        if result.exercise is not None:
            wrong_lift.append(line)
    accuracy = 1 - len(misses) / len(rows)
    with capsys.disabled():
        right = len(rows) - len(misses)
        print(f"\nexercise names: {right}/{len(rows)} found right ({accuracy:.1%})")
        for line in misses:
            print("  miss:", line)
    assert not wrong_lift, "names mapped to the wrong lift:\n" + "\n".join(wrong_lift)
    assert accuracy >= 0.98
