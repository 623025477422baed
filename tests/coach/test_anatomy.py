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
    assert bool(muscle.exercises) is (muscle.key != "serratus_posterior")
    assert all(key in EXERCISES_BY_KEY for key in muscle.exercises)


@pytest.mark.parametrize(
    ("muscle", "trained_by"),
    [
        ("rear_deltoids", {"face_pull", "rear_lateral_raise", "upright_row"}),
        ("trapezius", {"upright_row", "rear_lateral_raise", "deadlift"}),
        ("erector_spinae", {"deadlift", "romanian_deadlift", "rack_pull"}),
        ("infraspinatus", {"face_pull"}),
    ],
)
def test_muscle_lists_the_exercises_that_name_it(muscle: str, trained_by: set[str]) -> None:
    assert trained_by <= set(MUSCLES_BY_KEY[muscle].exercises)


@pytest.mark.parametrize(
    ("muscle", "not_trained_by"),
    [
        ("serratus_posterior", {"deadlift", "rack_pull"}),  # a breathing helper, not a puller
        ("infraspinatus", {"upright_row"}),  # the upright row is side delts and upper traps
    ],
)
def test_muscle_is_not_claimed_by_lifts_that_do_not_train_it(
    muscle: str, not_trained_by: set[str]
) -> None:
    assert not not_trained_by & set(MUSCLES_BY_KEY[muscle].exercises)


def test_the_upright_row_is_mainly_traps_with_rear_delts_helping() -> None:
    upright = EXERCISES_BY_KEY["upright_row"]
    assert (upright.primary_muscles, upright.secondary_muscles) == (
        ("trapezius",),
        ("rear_deltoids",),
    )
    assert "side delts" in upright.why


def test_links_agree_with_the_catalog_both_ways() -> None:
    for exercise in EXERCISES:
        for muscle_key in exercise.primary_muscles + exercise.secondary_muscles:
            assert exercise.key in MUSCLES_BY_KEY[muscle_key].exercises
    for muscle in MUSCLES:
        for key in muscle.exercises:
            trained = EXERCISES_BY_KEY[key]
            assert muscle.key in trained.primary_muscles + trained.secondary_muscles
