import pytest

from bot.coach.catalog import EXERCISES_BY_KEY, RepRange
from bot.coach.plans import DEFAULT_PLAN, PlanError, Slot, default_slot

HEAVY_ROW = default_slot("heavy_row")


@pytest.mark.parametrize(
    ("index", "key", "exercise", "alternatives", "sets", "reps", "rest"),
    [
        (0, "hinge", "deadlift", ("rack_pull", "romanian_deadlift"), 3, (4, 6), 180),
        (
            1,
            "heavy_row",
            "barbell_row",
            ("t_bar_row", "meadows_row", "single_arm_dumbbell_row"),
            3,
            (6, 8),
            150,
        ),
        (2, "supported_row", "seal_row", ("chest_supported_row", "cable_row"), 3, (8, 10), 120),
        (3, "rear_delts", "face_pull", ("rear_lateral_raise",), 3, (10, 12), 90),
        (4, "traps", "upright_row", ("rear_lateral_raise",), 3, (8, 10), 90),
    ],
)
def test_default_plan(
    index: int,
    key: str,
    exercise: str,
    alternatives: tuple[str, ...],
    sets: int,
    reps: tuple[int, int],
    rest: int,
) -> None:
    slot = DEFAULT_PLAN[index]
    assert (slot.key, slot.exercise_key, slot.alternatives) == (key, exercise, alternatives)
    assert (slot.sets, slot.rep_range, slot.rest_seconds) == (sets, RepRange(*reps), rest)
    assert slot.name and default_slot(key) is slot


@pytest.mark.parametrize("slot", DEFAULT_PLAN, ids=lambda s: s.key)
def test_each_slots_exercise_defaults_to_the_slots_rep_range(slot: Slot) -> None:
    assert EXERCISES_BY_KEY[slot.exercise_key].rep_range == slot.rep_range


def test_options_lead_with_the_current_exercise() -> None:
    assert HEAVY_ROW.options == (
        "barbell_row",
        "t_bar_row",
        "meadows_row",
        "single_arm_dumbbell_row",
    )


@pytest.mark.parametrize("choice", HEAVY_ROW.options)
def test_swap_keeps_the_slots_training_and_all_options(choice: str) -> None:
    swapped = HEAVY_ROW.swapped(choice)
    assert swapped.exercise_key == choice
    assert set(swapped.options) == set(HEAVY_ROW.options)
    assert (swapped.sets, swapped.rep_range, swapped.rest_seconds) == (3, RepRange(6, 8), 150)
    assert swapped.swapped("barbell_row") == HEAVY_ROW


@pytest.mark.parametrize("choice", ["deadlift", "face_pull", "bench_press", ""])
def test_swap_to_an_exercise_outside_the_slot_is_refused(choice: str) -> None:
    with pytest.raises(PlanError) as caught:
        HEAVY_ROW.swapped(choice)
    assert "Barbell row" in caught.value.message and "T-bar row" in caught.value.message


@pytest.mark.parametrize("sets", [1, 4, 10])
def test_with_sets(sets: int) -> None:
    assert HEAVY_ROW.with_sets(sets).sets == sets


@pytest.mark.parametrize("sets", [0, 11, -3])
def test_with_sets_refuses_out_of_range(sets: int) -> None:
    with pytest.raises(PlanError):
        HEAVY_ROW.with_sets(sets)


@pytest.mark.parametrize(("lo", "hi"), [(5, 5), (8, 12), (1, 100)])
def test_with_rep_range(lo: int, hi: int) -> None:
    assert HEAVY_ROW.with_rep_range(lo, hi).rep_range == RepRange(lo, hi)


@pytest.mark.parametrize(("lo", "hi"), [(0, 5), (8, 6), (5, 101)])
def test_with_rep_range_refuses_bad_ranges(lo: int, hi: int) -> None:
    with pytest.raises(PlanError) as caught:
        HEAVY_ROW.with_rep_range(lo, hi)
    assert "6-8" in caught.value.message


@pytest.mark.parametrize("seconds", [30, 120, 600])
def test_with_rest(seconds: int) -> None:
    assert HEAVY_ROW.with_rest(seconds).rest_seconds == seconds


@pytest.mark.parametrize("seconds", [0, 29, 601])
def test_with_rest_refuses_out_of_range(seconds: int) -> None:
    with pytest.raises(PlanError):
        HEAVY_ROW.with_rest(seconds)


def test_edits_leave_the_default_untouched() -> None:
    HEAVY_ROW.with_sets(5).with_rest(60).swapped("t_bar_row")
    assert default_slot("heavy_row") == HEAVY_ROW and HEAVY_ROW.sets == 3


@pytest.mark.parametrize(
    "alternatives", [("bench_press",), ("barbell_row",), ("t_bar_row", "t_bar_row")]
)
def test_slot_refuses_unknown_or_repeated_exercises(alternatives: tuple[str, ...]) -> None:
    with pytest.raises(PlanError):
        Slot("x", "X", "barbell_row", alternatives, 3, RepRange(6, 8), 90)


def test_unknown_slot_key() -> None:
    with pytest.raises(PlanError):
        default_slot("legs")
