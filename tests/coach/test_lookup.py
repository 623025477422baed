import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.coach.catalog import EXERCISES
from bot.coach.lookup import LookupResult, find_exercise

ROWS = {
    "barbell_row",
    "single_arm_dumbbell_row",
    "cable_row",
    "chest_supported_row",
    "seal_row",
    "meadows_row",
    "t_bar_row",
    "upright_row",
}


@pytest.mark.parametrize(
    ("query", "key"),
    [
        ("Seal rows", "seal_row"),
        ("seal-row", "seal_row"),
        ("row seal", "seal_row"),
        ("rdl", "romanian_deadlift"),
        ("RDL", "romanian_deadlift"),
        ("RDLs", "romanian_deadlift"),
        ("t bar row", "t_bar_row"),
        ("tbar", "t_bar_row"),
        ("T-Bar Row (Machine)", "t_bar_row"),
        ("face pulls", "face_pull"),
        ("rear delt fly", "rear_lateral_raise"),
        ("rear delt flyes", "rear_lateral_raise"),
        ("reverse flies", "rear_lateral_raise"),
        ("romanian dl", "romanian_deadlift"),
        ("single arm db row", "single_arm_dumbbell_row"),
        ("single-arm DB rows", "single_arm_dumbbell_row"),
        ("dumbell row", "single_arm_dumbbell_row"),
        ("meadow row", "meadows_row"),
        ("deadlfit", "deadlift"),
        ("deadlifts", "deadlift"),
        ("deadlift", "deadlift"),
        ("barbel row", "barbell_row"),
        ("BB row", "barbell_row"),
        ("chest supported dumbbell row", "chest_supported_row"),
        # Names as the Strong and Hevy apps export them (CSV import uses this lookup).
        ("Bent Over Row (Barbell)", "barbell_row"),
        ("Seated Cable Row", "cable_row"),
        ("Seated Cable Row - V Grip (Cable)", "cable_row"),
        ("Seated Row (Cable)", "cable_row"),
        ("Face Pull (Cable)", "face_pull"),
        ("Deadlift (Barbell)", "deadlift"),
        ("Romanian Deadlift (Barbell)", "romanian_deadlift"),
        ("Upright Row (Barbell)", "upright_row"),
        ("Chest Supported Row (Dumbbell)", "chest_supported_row"),
        ("Chest Supported Incline Row (Dumbbell)", "chest_supported_row"),
        ("T Bar Row", "t_bar_row"),
        ("Rear Delt Reverse Fly (Dumbbell)", "rear_lateral_raise"),
        ("Reverse Fly (Dumbbell)", "rear_lateral_raise"),
        ("Bent Over One Arm Row (Dumbbell)", "single_arm_dumbbell_row"),
        ("Dumbbell Row", "single_arm_dumbbell_row"),
        ("Meadows Rows (Barbell)", "meadows_row"),
        ("Rack Pull", "rack_pull"),
    ],
)
def test_resolves(query: str, key: str) -> None:
    result = find_exercise(query)
    assert result.is_match
    assert result.exercise is not None and result.exercise.key == key


@pytest.mark.parametrize(("query", "expected"), [("row", ROWS), ("rows", ROWS)])
def test_a_bare_word_shared_by_many_is_ambiguous(query: str, expected: set[str]) -> None:
    result = find_exercise(query)
    assert result.is_ambiguous and not result.is_match
    assert {c.key for c in result.candidates} == expected


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("pull", {"face_pull", "rack_pull"}),
        ("cable", {"cable_row", "face_pull"}),
    ],
)
def test_ambiguous_queries_offer_each_fitting_exercise(query: str, expected: set[str]) -> None:
    result = find_exercise(query)
    assert result.is_ambiguous
    assert {c.key for c in result.candidates} == expected


@pytest.mark.parametrize(
    ("query", "key"),
    [("seal", "seal_row"), ("meadows", "meadows_row"), ("face", "face_pull")],
)
def test_a_partial_name_only_one_lift_fits_is_that_lift(query: str, key: str) -> None:
    result = find_exercise(query)
    assert result.exercise is not None and result.exercise.key == key


@pytest.mark.parametrize(
    ("query", "suggestion"),
    [("upright", "upright_row"), ("rear delt", "rear_lateral_raise")],
)
def test_a_partial_name_several_lifts_share_is_a_suggestion(query: str, suggestion: str) -> None:
    result = find_exercise(query)
    assert result.is_unknown
    assert [c.key for c in result.candidates] == [suggestion]


@pytest.mark.parametrize(
    ("query", "other", "closest"),
    [
        ("bench press", "Bench press", None),
        ("pull up", "Pull-up", None),
        ("sumo deadlift", "Sumo deadlift", "deadlift"),
        ("Sumo Deadlift (Barbell)", "Sumo deadlift", "deadlift"),
        ("Renegade Row (Dumbbell)", "Renegade row", "single_arm_dumbbell_row"),
        ("Bent Over Row (Dumbbell)", "Two-dumbbell bent-over row", "single_arm_dumbbell_row"),
        ("Dumbbell Bent Over Row", "Two-dumbbell bent-over row", "single_arm_dumbbell_row"),
        (
            "Chest Supported Reverse Fly (Dumbbell)",
            "Chest-supported reverse fly",
            "rear_lateral_raise",
        ),
        ("lateral raise", "Lateral raise", "rear_lateral_raise"),
        ("Seated Row (Machine)", "Machine row", "cable_row"),
        ("pendlay row", "Pendlay row", "barbell_row"),
    ],
)
def test_lifts_we_do_not_coach_are_named_with_the_closest(
    query: str, other: str, closest: str | None
) -> None:
    result = find_exercise(query)
    assert not result.is_match and result.other is not None
    assert result.other.name == other
    assert (result.closest.key if result.closest else None) == closest
    assert result.describe().startswith("none (closest: ")


@pytest.mark.parametrize(
    "query",
    [
        "bench press",
        "squat",
        "xyz",
        "pull up",
        "lat pulldown",
        "barbell shrug",
        "pendlay row",
        "stiff leg deadlift",
        "",
        "   ",
        "\n\t",
        "🏋️💪",
        "🏋️ row",
        "x" * 4096,
        "row " * 1024,
        "?!.,;",
        "Тяга штанги",
    ],
)
def test_other_exercises_and_garbage_never_match(query: str) -> None:
    result = find_exercise(query)
    assert not result.is_match
    assert result.is_unknown or result.is_ambiguous


def test_result_flags() -> None:
    deadlift, rdl = EXERCISES[0], EXERCISES[1]
    assert LookupResult(deadlift).is_match
    assert LookupResult(None, (deadlift, rdl)).is_ambiguous
    assert LookupResult(None, (deadlift,)).is_unknown
    assert LookupResult(None).is_unknown


@given(st.text(max_size=300))
def test_any_text_gets_exactly_one_kind_of_answer(query: str) -> None:
    result = find_exercise(query)
    assert [result.is_match, result.is_ambiguous, result.is_unknown].count(True) == 1
    if result.is_match:
        assert result.candidates == ()
