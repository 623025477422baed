from datetime import date
from decimal import Decimal

import pytest

from bot.coach.records import LoggedSet
from bot.coach.summary import hard_sets_per_muscle, summarize
from bot.coach.units import Unit

LB, KG = Unit.LB, Unit.KG
DAY = date(2025, 1, 6)


def logged(
    key: str,
    weight: str,
    reps: int,
    rir: int | None = None,
    *,
    unit: Unit = LB,
    warmup: bool = False,
) -> LoggedSet:
    return LoggedSet(key, Decimal(weight), unit, reps, rir, DAY, warmup)


def test_summarize_a_workout() -> None:
    sets = [
        logged("deadlift", "135", 5, warmup=True),
        logged("deadlift", "225", 6, 2),
        logged("deadlift", "235", 5, 1),
        logged("face_pull", "50", 12),
        logged("deadlift", "235", 4, 0),
    ]
    summary = summarize(sets, LB)
    assert (summary.sets, summary.reps, summary.volume, summary.unit) == (4, 27, Decimal(4065), LB)
    deadlift, face_pull = summary.exercises
    assert (deadlift.exercise_key, deadlift.sets, deadlift.reps) == ("deadlift", 3, 15)
    assert deadlift.volume == Decimal(225 * 6 + 235 * 5 + 235 * 4)
    assert deadlift.best == sets[1]
    assert (face_pull.exercise_key, face_pull.volume, face_pull.best) == (
        "face_pull",
        Decimal(600),
        sets[3],
    )


def test_mixed_units_are_summed_in_the_requested_unit() -> None:
    sets = [logged("deadlift", "100", 5, unit=KG), logged("deadlift", "225", 5, unit=LB)]
    summary = summarize(sets, KG)
    assert summary.volume == Decimal(500) + Decimal("102.05828325") * 5
    assert summary.exercises[0].best == sets[1]


@pytest.mark.parametrize(
    "sets", [[], [logged("deadlift", "135", 5, warmup=True)]], ids=["empty", "warm-ups only"]
)
def test_an_empty_workout_sums_to_zero(sets: list[LoggedSet]) -> None:
    summary = summarize(sets, KG)
    assert (summary.sets, summary.reps, summary.volume, summary.exercises) == (0, 0, 0, ())


@pytest.mark.parametrize(
    ("sets", "expected"),
    [
        ([], {}),
        (
            [logged("deadlift", "225", 5, 2)],
            {"erector_spinae": 1, "trapezius": 1},
        ),
        (
            [logged("face_pull", "50", 12, None), logged("face_pull", "50", 12, 3)],
            {"rear_deltoids": 2, "infraspinatus": 2},
        ),
        ([logged("face_pull", "50", 12, 4)], {}),
        ([logged("barbell_row", "95", 8, 1, warmup=True)], {}),
        (
            [logged("rear_lateral_raise", "20", 12, 1), logged("upright_row", "65", 10, 2)],
            {"rear_deltoids": 2, "trapezius": 1},
        ),
    ],
)
def test_hard_sets_per_muscle(sets: list[LoggedSet], expected: dict[str, int]) -> None:
    counts = hard_sets_per_muscle(sets)
    assert list(counts) == [
        "trapezius",
        "rhomboids",
        "erector_spinae",
        "teres",
        "rear_deltoids",
        "infraspinatus",
        "serratus_posterior",
    ]
    assert {muscle: n for muscle, n in counts.items() if n} == expected
