from datetime import date
from decimal import Decimal

import pytest

from bot.coach.records import LoggedSet
from bot.coach.summary import hard_set_weeks, hard_sets_per_muscle, summarize
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
            {"erector_spinae": 1, "trapezius": 1, "rhomboids": Decimal("0.5")},
        ),
        (
            [logged("face_pull", "50", 12, None), logged("face_pull", "50", 12, 3)],
            {"rear_deltoids": 2, "infraspinatus": 2, "teres": 1, "trapezius": 1, "rhomboids": 1},
        ),
        ([logged("face_pull", "50", 12, 4)], {}),
        ([logged("barbell_row", "95", 8, 1, warmup=True)], {}),
        (
            [logged("rear_lateral_raise", "20", 12, 1), logged("upright_row", "65", 10, 2)],
            {
                "rear_deltoids": Decimal("1.5"),
                "trapezius": Decimal("1.5"),
                "rhomboids": Decimal("0.5"),
            },
        ),
    ],
)
def test_hard_sets_per_muscle(sets: list[LoggedSet], expected: dict[str, Decimal]) -> None:
    counts = hard_sets_per_muscle(sets)
    assert list(counts) == [
        "trapezius",
        "rhomboids",
        "erector_spinae",
        "teres",
        "rear_deltoids",
        "infraspinatus",
    ]  # no lift trains the serratus posterior, so it is not counted
    assert {muscle: n for muscle, n in counts.items() if n} == expected


def on(day: date, key: str, rir: int | None = 1, warmup: bool = False) -> LoggedSet:
    return LoggedSet(key, Decimal(100), LB, 8, rir, day, warmup)


def test_this_week_so_far_and_last_week() -> None:
    wednesday = date(2025, 1, 8)
    sets = [
        on(date(2024, 12, 29), "barbell_row"),  # the Sunday before last week: left out
        on(date(2024, 12, 30), "barbell_row"),  # last Monday
        on(date(2025, 1, 5), "barbell_row"),  # last Sunday
        on(date(2025, 1, 5), "barbell_row", warmup=True),
        on(date(2025, 1, 6), "face_pull"),  # this Monday
        on(date(2025, 1, 8), "face_pull", rir=5),  # not hard
        on(date(2025, 1, 9), "face_pull"),  # after today: not yet
    ]
    weeks = hard_set_weeks(sets, wednesday)
    assert (weeks.this_week.first, weeks.this_week.last) == (date(2025, 1, 6), wednesday)
    assert (weeks.last_week.first, weeks.last_week.last) == (date(2024, 12, 30), date(2025, 1, 5))
    last = dict(weeks.last_week.hard_sets)
    assert (last["rhomboids"], last["rear_deltoids"], last["erector_spinae"]) == (2, 1, 1)
    this = dict(weeks.this_week.hard_sets)
    assert (this["rear_deltoids"], this["rhomboids"], this["erector_spinae"]) == (
        1,
        Decimal("0.5"),
        0,
    )
