import pytest

from bot.coach.anatomy import MUSCLES, MUSCLES_BY_KEY, Muscle
from bot.coach.catalog import EXERCISES, EXERCISES_BY_KEY


def test_seven_muscle_groups() -> None:
    assert [m.key for m in MUSCLES] == [
        "trapezius",
        "rhomboids",
        "erector_spinae",
        "teres",
        "rear_deltoids",
        "infraspinatus",
        "serratus_posterior",
    ]


@pytest.mark.parametrize("muscle", MUSCLES, ids=lambda m: m.key)
def test_every_muscle_is_described_and_trained(muscle: Muscle) -> None:
    assert muscle.name.strip() and muscle.job.strip()
    assert muscle.exercises
    assert all(key in EXERCISES_BY_KEY for key in muscle.exercises)


@pytest.mark.parametrize(
    ("muscle", "trained_by"),
    [
        ("rear_deltoids", {"face_pull", "rear_lateral_raise", "upright_row"}),
        ("trapezius", {"upright_row", "rear_lateral_raise", "deadlift"}),
        ("erector_spinae", {"deadlift", "romanian_deadlift", "rack_pull"}),
        ("infraspinatus", {"face_pull"}),
        ("serratus_posterior", {"deadlift"}),
    ],
)
def test_muscle_lists_the_exercises_that_name_it(muscle: str, trained_by: set[str]) -> None:
    assert trained_by <= set(MUSCLES_BY_KEY[muscle].exercises)


def test_links_agree_with_the_catalog_both_ways() -> None:
    for exercise in EXERCISES:
        for muscle_key in exercise.primary_muscles + exercise.secondary_muscles:
            assert exercise.key in MUSCLES_BY_KEY[muscle_key].exercises
    for muscle in MUSCLES:
        for key in muscle.exercises:
            trained = EXERCISES_BY_KEY[key]
            assert muscle.key in trained.primary_muscles + trained.secondary_muscles
