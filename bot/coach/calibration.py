"""How well a lifter judges their reps in reserve, and a bounded correction for it.

The check: on the set before the last of one exercise the lifter predicts their reps
left; the last set, same load, goes to as many good reps as possible (AMRAP). The AMRAP
reps minus the predicted set's reps is what was really left (a floor: the AMRAP comes a
set later, a little more tired). The error is actual minus predicted: +2 means "you leave
about 2 more reps than you think".

The estimate is the mean error shrunk toward 0 by one imaginary perfect check, so one
check moves it only halfway and a steady bias is learned in a few months. The
correction used in decisions is that estimate rounded, within +-2 reps, and 0 until two
checks agree enough to trust (``MIN_CHECKS``).
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_EVEN, Decimal

from bot.coach.errors import CoachError

CALIBRATE_EVERY = timedelta(weeks=4)
MIN_CHECKS = 2
MAX_CORRECTION = 2
_PRIOR_WEIGHT = 1

HINGES = frozenset({"deadlift", "rack_pull", "romanian_deadlift"})
"""Lifts never taken to failure for a check: a hinge to failure risks the lower back."""
_SAFEST_FIRST = ("chest_supported_row", "seal_row", "cable_row", "face_pull")


class CalibrationError(CoachError, ValueError):
    """A check no set can have (negative reps, an AMRAP with fewer reps than the set before)."""


@dataclass(frozen=True, slots=True)
class Check:
    """One calibration: the predicted set (reps, predicted left) and the AMRAP reps after it."""

    reps: int
    predicted_rir: int
    amrap_reps: int

    def __post_init__(self) -> None:
        if min(self.reps, self.predicted_rir, self.amrap_reps) < 0:
            raise CalibrationError("Reps and reps left can't be negative.")

    @property
    def actual_rir(self) -> int:
        """Reps that were really left on the predicted set (never below 0)."""
        return max(0, self.amrap_reps - self.reps)

    @property
    def error(self) -> int:
        """Actual minus predicted reps left: positive means the lifter sandbags."""
        return self.actual_rir - self.predicted_rir


@dataclass(frozen=True, slots=True)
class Bias:
    """The lifter's estimated bias in reps and the whole-rep correction decisions use."""

    estimate: Decimal
    checks: int

    @property
    def correction(self) -> int:
        """Reps to add to a reported reps-left before sizing loads, within +-2."""
        if self.checks < MIN_CHECKS:
            return 0
        whole = int(self.estimate.to_integral_value(rounding=ROUND_HALF_EVEN))
        return max(-MAX_CORRECTION, min(MAX_CORRECTION, whole))


def estimate_bias(checks: Sequence[Check]) -> Bias:
    """The lifter's bias from all their checks, shrunk toward 0 while there are few."""
    total = sum(check.error for check in checks)
    return Bias(Decimal(total) / (len(checks) + _PRIOR_WEIGHT), len(checks))


def calibration_due(last_check: date | None, today: date, first_workout: date | None) -> bool:
    """Due every four weeks, and first four weeks after the first workout."""
    since = last_check if last_check is not None else first_workout
    return since is not None and today - since >= CALIBRATE_EVERY


def calibration_exercise(exercise_keys: Sequence[str]) -> str | None:
    """Which of today's exercises takes the check: a supported or cable lift if there is one,
    never a hinge."""
    for key in _SAFEST_FIRST:
        if key in exercise_keys:
            return key
    return next((key for key in exercise_keys if key not in HINGES), None)
