from datetime import date
from decimal import Decimal

import pytest

from bot.coach.records import (
    LoggedSet,
    Record,
    RecordKind,
    epley,
    new_records,
    personal_records,
)
from bot.coach.units import Unit

LB, KG = Unit.LB, Unit.KG
DAY1, DAY2, DAY3 = date(2025, 1, 6), date(2025, 1, 8), date(2025, 1, 10)


def logged(
    weight: str,
    reps: int,
    rir: int | None = None,
    *,
    on: date = DAY1,
    key: str = "deadlift",
    unit: Unit = LB,
    warmup: bool = False,
) -> LoggedSet:
    return LoggedSet(key, Decimal(weight), unit, reps, rir, on, warmup)


@pytest.mark.parametrize(
    ("weight", "reps", "rir", "e1rm"),
    [
        ("225", 5, None, "262.5"),
        ("225", 5, 0, "262.5"),
        ("225", 5, 2, "277.5"),
        ("300", 1, None, "310"),
        ("100", 10, None, "133.3333333333333333333333333"),
        ("225", 0, None, "0"),
        ("225", 0, 3, "0"),
        ("0", 8, None, "0"),
    ],
)
def test_epley_counts_reps_left_as_reps(weight: str, reps: int, rir: int | None, e1rm: str) -> None:
    assert epley(Decimal(weight), reps, rir) == Decimal(e1rm)


def test_epley_refuses_negative_reps() -> None:
    with pytest.raises(ValueError):
        epley(Decimal(100), -1, None)


def test_personal_records_per_exercise_and_rep_count() -> None:
    sets = [
        logged("225", 5, on=DAY1),
        logged("235", 5, on=DAY2),
        logged("245", 3, on=DAY2),
        logged("405", 1, on=DAY3, warmup=True),
        logged("95", 8, key="barbell_row"),
    ]
    records = personal_records(sets, LB)
    dl = records["deadlift"]
    assert [(r.reps, r.weight, r.performed_on) for r in dl.heaviest] == [
        (3, Decimal(245), DAY2),
        (5, Decimal(235), DAY2),
    ]
    assert dl.best_e1rm.kind == RecordKind.BEST_E1RM
    assert (dl.best_e1rm.weight, dl.best_e1rm.reps, dl.best_e1rm.value) == (
        Decimal(235),
        5,
        Decimal("274.1666666666666666666666667"),
    )
    assert set(records) == {"deadlift", "barbell_row"}


def test_warmups_and_zero_rep_sets_hold_no_records() -> None:
    assert personal_records([logged("405", 1, warmup=True), logged("500", 0)], LB) == {}


def test_ties_keep_the_earlier_set() -> None:
    records = personal_records([logged("225", 5, on=DAY2), logged("225", 5, on=DAY1)], LB)
    assert records["deadlift"].heaviest[0].performed_on == DAY1
    assert records["deadlift"].best_e1rm.performed_on == DAY1


def test_sets_logged_in_both_units_compare_in_the_requested_unit() -> None:
    sets = [logged("225", 5, unit=LB), logged("105", 5, unit=KG, on=DAY2)]
    in_kg = personal_records(sets, KG)["deadlift"].heaviest[0]
    in_lb = personal_records(sets, LB)["deadlift"].heaviest[0]
    assert (in_kg.weight, in_kg.unit, in_kg.performed_on) == (Decimal(105), KG, DAY2)
    assert in_lb.unit is LB and in_lb.performed_on == DAY2
    assert abs(in_lb.weight - Decimal("231.485")) < Decimal("0.001")


def kinds(records: tuple[Record, ...]) -> list[tuple[str, int | None, Decimal]]:
    return [(r.kind, r.reps, r.weight) for r in records]


E1RM, REPS = RecordKind.BEST_E1RM, RecordKind.HEAVIEST_FOR_REPS


@pytest.mark.parametrize(
    ("history", "today", "expected"),
    [
        # A first session is a baseline, not a record.
        ([], [logged("225", 5, on=DAY2)], []),
        ([logged("135", 5, warmup=True)], [logged("225", 5, on=DAY2)], []),
        # Heavier for the same reps: both records.
        (
            [logged("225", 5)],
            [logged("235", 5, on=DAY2)],
            [(E1RM, 5, Decimal(235)), (REPS, 5, Decimal(235))],
        ),
        # Equal is not a record.
        ([logged("225", 5)], [logged("225", 5, on=DAY2)], []),
        # Same weight, more reps: a better 1RM and the first 6-rep set.
        (
            [logged("225", 5)],
            [logged("225", 6, on=DAY2)],
            [(E1RM, 6, Decimal(225)), (REPS, 6, Decimal(225))],
        ),
        # Lighter for fewer reps than before is no rep record.
        ([logged("225", 8)], [logged("215", 5, on=DAY2)], []),
        # Heavier for fewer reps, not a better 1RM: a rep record only.
        ([logged("225", 8)], [logged("235", 3, on=DAY2)], [(REPS, 3, Decimal(235))]),
        # Today's 6-rep set outdoes today's lighter 4-rep set, which stays quiet.
        (
            [logged("200", 3)],
            [logged("205", 4, on=DAY2), logged("210", 6, on=DAY2)],
            [(E1RM, 6, Decimal(210)), (REPS, 6, Decimal(210))],
        ),
        # Warm-ups today never count.
        ([logged("225", 5)], [logged("315", 5, on=DAY2, warmup=True)], []),
        # Another exercise's history doesn't make a first session a record.
        ([logged("95", 8, key="barbell_row")], [logged("225", 5, on=DAY2)], []),
    ],
)
def test_new_records(
    history: list[LoggedSet],
    today: list[LoggedSet],
    expected: list[tuple[str, int | None, Decimal]],
) -> None:
    assert kinds(new_records(history, today, LB)) == expected


def test_new_records_carry_the_day_and_unit() -> None:
    (record, _) = new_records([logged("100", 5, unit=KG)], [logged("235", 5, on=DAY2)], KG)
    assert record.performed_on == DAY2 and record.unit is KG and record.exercise_key == "deadlift"
    assert record.weight == Decimal("106.59420695")
