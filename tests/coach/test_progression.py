from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.coach.catalog import EXERCISES, Exercise, LoadClass, RepRange
from bot.coach.progression import (
    Decision,
    LoadSteps,
    ProgressionError,
    Suggestion,
    next_set,
    round_load,
    starting_weight,
)
from bot.coach.units import Unit

LB, KG = Unit.LB, Unit.KG
BARBELL, DUMBBELL, CABLE = LoadClass.BARBELL, LoadClass.DUMBBELL, LoadClass.CABLE
INC, DEC, MORE, HOLD = Decision.INCREASE, Decision.DECREASE, Decision.MORE_REPS, Decision.HOLD


def suggest(
    weight: str,
    reps: int,
    rir: int | None,
    *,
    unit: Unit = LB,
    load_class: LoadClass = BARBELL,
    rep_range: tuple[int, int] = (4, 6),
    after_increase: bool = False,
) -> Suggestion:
    return next_set(
        rep_range=RepRange(*rep_range),
        load_class=load_class,
        weight=Decimal(weight),
        reps=reps,
        rir=rir,
        steps=LoadSteps.defaults(unit),
        after_increase=after_increase,
    )


@pytest.mark.parametrize(
    ("weight", "reps", "rir", "after", "new_weight", "target", "decision", "reason"),
    [
        # 1: top of the range -> add weight, back to the bottom.
        ("225", 6, None, False, "235", 4, INC, "6 reps hit the top of 4-6: +10 lb"),
        ("225", 7, 0, False, "235", 4, INC, "7 reps hit the top of 4-6: +10 lb"),
        ("225", 6, 0, True, "235", 4, INC, "6 reps hit the top of 4-6: +10 lb"),
        # 2: below the range after a jump or at failure -> take weight off.
        ("235", 3, None, True, "230", 4, DEC, "3 reps after a jump: take 5 lb off"),
        ("235", 2, 1, True, "230", 4, DEC, "2 reps after a jump: take 5 lb off"),
        ("225", 3, 0, False, "220", 4, DEC, "3 reps to failure: take 5 lb off"),
        ("225", 1, 0, False, "220", 4, DEC, "1 rep to failure: take 5 lb off"),
        ("0", 2, 0, False, "0", 4, HOLD, "Same weight, aim for 4 reps"),
        # 3: in range with more than 2 left -> too easy.
        ("225", 4, 3, False, "235", 4, INC, "3 reps left in the tank: +10 lb"),
        ("225", 5, 5, False, "235", 4, INC, "5 reps left in the tank: +10 lb"),
        # 4: otherwise keep the weight.
        ("225", 5, 1, False, "225", 6, MORE, "Same weight, aim for 6 reps"),
        ("225", 4, None, False, "225", 5, MORE, "Same weight, aim for 5 reps"),
        ("225", 4, 2, True, "225", 5, MORE, "Same weight, aim for 5 reps"),
        ("225", 3, 1, False, "225", 4, HOLD, "Same weight, aim for 4 reps"),
        ("225", 3, None, False, "225", 4, HOLD, "Same weight, aim for 4 reps"),
        ("225", 2, 5, False, "225", 4, HOLD, "Same weight, aim for 4 reps"),
        ("227.5", 5, 1, False, "227.5", 6, MORE, "Same weight, aim for 6 reps"),
    ],
)
def test_barbell_rules_in_pounds(
    weight: str,
    reps: int,
    rir: int | None,
    after: bool,
    new_weight: str,
    target: int,
    decision: Decision,
    reason: str,
) -> None:
    s = suggest(weight, reps, rir, after_increase=after)
    assert (s.weight, s.unit, s.target_reps, s.decision, s.reason) == (
        Decimal(new_weight),
        LB,
        target,
        decision,
        reason,
    )


@pytest.mark.parametrize(
    ("unit", "load_class", "weight", "reps", "rir", "after", "new_weight", "reason"),
    [
        (KG, BARBELL, "100", 6, 1, False, "105", "6 reps hit the top of 4-6: +5 kg"),
        (KG, BARBELL, "105", 3, None, True, "102.5", "3 reps after a jump: take 2.5 kg off"),
        (KG, BARBELL, "101", 6, 1, False, "105", "6 reps hit the top of 4-6: +4 kg"),
        (LB, DUMBBELL, "50", 6, 1, False, "55", "6 reps hit the top of 4-6: +5 lb"),
        (LB, DUMBBELL, "55", 3, None, True, "50", "3 reps after a jump: take 5 lb off"),
        (KG, DUMBBELL, "20", 6, 1, False, "22", "6 reps hit the top of 4-6: +2 kg"),
        (KG, DUMBBELL, "22", 3, 0, False, "20", "3 reps to failure: take 2 kg off"),
        (KG, DUMBBELL, "12.5", 6, 1, False, "14", "6 reps hit the top of 4-6: +1.5 kg"),
        (KG, DUMBBELL, "12.5", 3, 0, False, "10", "3 reps to failure: take 2.5 kg off"),
        (LB, CABLE, "100", 6, 1, False, "110", "6 reps hit the top of 4-6: +10 lb"),
        (LB, CABLE, "110", 3, None, True, "100", "3 reps after a jump: take 10 lb off"),
        (KG, CABLE, "40", 6, 1, False, "45", "6 reps hit the top of 4-6: +5 kg"),
        (KG, CABLE, "5", 3, 0, False, "0", "3 reps to failure: take 5 kg off"),
        (KG, CABLE, "42", 6, 1, False, "45", "6 reps hit the top of 4-6: +3 kg"),
    ],
)
def test_jumps_by_load_class_and_unit(
    unit: Unit,
    load_class: LoadClass,
    weight: str,
    reps: int,
    rir: int | None,
    after: bool,
    new_weight: str,
    reason: str,
) -> None:
    s = suggest(weight, reps, rir, unit=unit, load_class=load_class, after_increase=after)
    assert (s.weight, s.unit, s.reason) == (Decimal(new_weight), unit, reason)


def test_reps_left_that_fit_in_the_range_become_reps() -> None:
    s = suggest("225", 8, 3, rep_range=(8, 12))
    assert (s.weight, s.target_reps, s.decision) == (Decimal(225), 11, MORE)
    assert s.reason == "3 reps left in the tank: aim for 11"


def test_articles_worked_example_as_a_sequence() -> None:
    first = suggest("225", 6, None)
    assert (first.weight, first.target_reps, first.decision) == (Decimal(235), 4, INC)
    second = suggest(str(first.weight), 3, None, after_increase=True)
    assert (second.weight, second.target_reps, second.decision) == (Decimal(230), 4, DEC)
    third = suggest(str(second.weight), 5, 2)
    assert (third.weight, third.target_reps, third.decision) == (Decimal(230), 6, MORE)


def test_custom_steps_are_used() -> None:
    micro = LoadSteps(unit=KG, plate_step=Decimal("1.25"), cable_step=Decimal("2.5"))
    bar = next_set(
        rep_range=RepRange(4, 6),
        load_class=BARBELL,
        weight=Decimal("101.25"),
        reps=6,
        rir=1,
        steps=micro,
    )
    cable = next_set(
        rep_range=RepRange(4, 6), load_class=CABLE, weight=Decimal(40), reps=6, rir=1, steps=micro
    )
    assert bar.weight == Decimal("106.25")
    assert cable.weight == Decimal("42.5")


@pytest.mark.parametrize(
    ("unit", "plate", "cable"), [(LB, Decimal(5), Decimal(10)), (KG, Decimal("2.5"), Decimal(5))]
)
def test_default_steps(unit: Unit, plate: Decimal, cable: Decimal) -> None:
    assert LoadSteps.defaults(unit) == LoadSteps(unit=unit, plate_step=plate, cable_step=cable)


@pytest.mark.parametrize(
    ("weight", "step", "rounded"),
    [
        ("233", "5", "235"),
        ("232", "5", "230"),
        ("232.5", "5", "230"),
        ("101.3", "2.5", "102.5"),
        ("101.25", "2.5", "100"),
        ("13", "2", "12"),
        ("0", "5", "0"),
        ("1", "5", "0"),
        ("225", "5", "225"),
    ],
)
def test_round_load_goes_to_the_nearest_step_ties_lighter(
    weight: str, step: str, rounded: str
) -> None:
    assert round_load(Decimal(weight), Decimal(step)) == Decimal(rounded)


@pytest.mark.parametrize("step", ["0", "-5"])
def test_round_load_needs_a_positive_step(step: str) -> None:
    with pytest.raises(ProgressionError):
        round_load(Decimal(100), Decimal(step))


@pytest.mark.parametrize(
    ("weight", "reps", "rir"), [("-5", 5, None), ("100", -1, None), ("100", 5, -1)]
)
def test_negative_inputs_are_refused(weight: str, reps: int, rir: int | None) -> None:
    with pytest.raises(ProgressionError):
        suggest(weight, reps, rir)


def test_steps_must_be_positive() -> None:
    with pytest.raises(ProgressionError):
        LoadSteps(unit=LB, plate_step=Decimal(0), cable_step=Decimal(10))


@pytest.mark.parametrize(
    ("key", "lb", "kg"),
    [
        ("deadlift", 135, 60),
        ("rack_pull", 135, 60),
        ("romanian_deadlift", 95, 40),
        ("barbell_row", 95, 40),
        ("seal_row", 95, 40),
        ("single_arm_dumbbell_row", 25, 10),
        ("chest_supported_row", 25, 10),
        ("cable_row", 50, 20),
        ("face_pull", 30, 10),
        ("rear_lateral_raise", 10, 4),
    ],
)
def test_starting_weights(key: str, lb: int, kg: int) -> None:
    exercise = next(e for e in EXERCISES if e.key == key)
    assert starting_weight(exercise, LB) == lb
    assert starting_weight(exercise, KG) == kg


GRID = {
    (BARBELL, LB): Decimal(5),
    (BARBELL, KG): Decimal("2.5"),
    (DUMBBELL, LB): Decimal(5),
    (DUMBBELL, KG): Decimal(2),
    (CABLE, LB): Decimal(10),
    (CABLE, KG): Decimal(5),
}
JUMP_UP = {
    (BARBELL, LB): Decimal(10),
    (BARBELL, KG): Decimal(5),
    (DUMBBELL, LB): Decimal(5),
    (DUMBBELL, KG): Decimal(2),
    (CABLE, LB): Decimal(10),
    (CABLE, KG): Decimal(5),
}


@pytest.mark.parametrize("unit", list(Unit))
@pytest.mark.parametrize("exercise", EXERCISES, ids=lambda e: e.key)
def test_every_exercise_starts_light_on_its_grid_and_jumps_by_its_class(
    exercise: Exercise, unit: Unit
) -> None:
    start = starting_weight(exercise, unit)
    grid = GRID[exercise.load_class, unit]
    assert start > 0 and start % grid == 0
    s = suggest(
        str(start),
        exercise.rep_range.hi,
        1,
        unit=unit,
        load_class=exercise.load_class,
        rep_range=(exercise.rep_range.lo, exercise.rep_range.hi),
    )
    assert s.weight - start == JUMP_UP[exercise.load_class, unit]


@given(
    lo=st.integers(1, 30),
    span=st.integers(0, 10),
    reps=st.integers(0, 50),
    rir=st.none() | st.integers(0, 10),
    weight=st.decimals(min_value=0, max_value=1000, places=2),
    load_class=st.sampled_from(LoadClass),
    unit=st.sampled_from(Unit),
    after=st.booleans(),
)
def test_any_set_gets_a_sane_suggestion(
    lo: int,
    span: int,
    reps: int,
    rir: int | None,
    weight: Decimal,
    load_class: LoadClass,
    unit: Unit,
    after: bool,
) -> None:
    s = suggest(
        str(weight),
        reps,
        rir,
        unit=unit,
        load_class=load_class,
        rep_range=(lo, lo + span),
        after_increase=after,
    )
    assert lo <= s.target_reps <= lo + span
    assert s.reason and s.unit is unit
    if s.decision is INC:
        assert s.weight > weight and s.weight % GRID[load_class, unit] == 0
    elif s.decision is DEC:
        assert 0 <= s.weight < weight and s.weight % GRID[load_class, unit] == 0
    else:
        assert s.weight == weight
