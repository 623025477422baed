import random
from datetime import date, timedelta
from decimal import Decimal

import pytest

from bot.coach.calibration import (
    Bias,
    CalibrationError,
    Check,
    calibration_due,
    calibration_exercise,
    estimate_bias,
)

DAY = date(2025, 3, 3)


def simulated_checks(bias: int, count: int, seed: int, noise: bool = True) -> list[Check]:
    """A lifter who really has ``bias`` more reps left than they say, give or take one."""
    rng = random.Random(seed)
    checks = []
    for _ in range(count):
        predicted = rng.randint(0, 3)
        reps = rng.randint(5, 10)
        actual = max(0, predicted + bias + (rng.choice((-1, 0, 0, 1)) if noise else 0))
        checks.append(Check(reps=reps, predicted_rir=predicted, amrap_reps=reps + actual))
    return checks


@pytest.mark.parametrize("bias", [-1, 0, 1, 2, 3])
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_simulated_lifter_with_a_known_bias_is_learned(bias: int, seed: int) -> None:
    checks = simulated_checks(bias, 24, seed)  # two years of four-weekly checks
    found = estimate_bias(checks)
    assert abs(found.estimate - bias) < Decimal("0.6")
    assert found.correction == max(-2, min(2, bias))


def test_the_estimate_converges_as_checks_add_up() -> None:
    checks = simulated_checks(2, 40, seed=7, noise=False)
    errors = [abs(estimate_bias(checks[:n]).estimate - 2) for n in (1, 5, 40)]
    assert errors[0] > errors[1] > errors[2]


def test_one_check_moves_the_estimate_halfway_and_does_not_correct_yet() -> None:
    found = estimate_bias([Check(reps=8, predicted_rir=1, amrap_reps=12)])
    assert found == Bias(Decimal(3) / 2, 1) and found.correction == 0


def test_the_correction_is_bounded() -> None:
    checks = [Check(reps=5, predicted_rir=0, amrap_reps=15)] * 6
    assert estimate_bias(checks).correction == 2
    assert estimate_bias([]).correction == 0


def test_an_amrap_short_of_the_set_before_counts_as_zero_left() -> None:
    assert Check(reps=8, predicted_rir=2, amrap_reps=6).error == -2


def test_negative_checks_are_refused() -> None:
    with pytest.raises(CalibrationError):
        Check(reps=-1, predicted_rir=0, amrap_reps=5)


@pytest.mark.parametrize(
    ("last", "first", "days", "due"),
    [
        (None, None, 100, False),  # never trained
        (None, DAY, 27, False),
        (None, DAY, 28, True),
        (DAY, DAY, 27, False),
        (DAY, DAY - timedelta(days=300), 28, True),
    ],
)
def test_a_check_is_due_every_four_weeks(
    last: date | None, first: date | None, days: int, due: bool
) -> None:
    assert calibration_due(last, DAY + timedelta(days=days), first) is due


@pytest.mark.parametrize(
    ("keys", "chosen"),
    [
        (("deadlift", "barbell_row", "seal_row", "face_pull", "upright_row"), "seal_row"),
        (("deadlift", "barbell_row", "upright_row"), "barbell_row"),
        (("rack_pull", "romanian_deadlift"), None),
    ],
)
def test_the_check_never_takes_a_hinge_to_failure(
    keys: tuple[str, ...], chosen: str | None
) -> None:
    assert calibration_exercise(keys) == chosen
