"""Double progression made exact: what to lift on the next set, and why, in one line.

Rules, with rep range [lo, hi], weight W, reps r and reps left q (unknown counts as 2):

1. r >= hi: add weight, aim for lo (article: 6 reps on 4-6 -> +10 lb).
2. r < lo after a jump, or at failure (q == 0): take weight off, aim for lo
   (article: 3 reps or fewer after +10 lb -> -5 lb). Never below zero.
3. lo <= r < hi with more than 2 reps left: if r + q passes hi add weight and aim for lo,
   else keep W and aim for r + q.
4. Otherwise keep W: aim for r + 1, or for lo when r was below the range.

Jumps: barbell +10 lb / +5 kg and -5 lb / -2.5 kg, on the plate step (5 lb / 2.5 kg);
dumbbells one dumbbell (5 lb / 2 kg per hand) both ways, on that same grid, because
fixed dumbbells come in those steps; cables one stack step both ways.
A kept weight is returned untouched, even if it is off the grid.
"""

from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_DOWN, Decimal
from enum import StrEnum

from bot.coach.catalog import Exercise, LoadClass, RepRange
from bot.coach.errors import CoachError
from bot.coach.units import Unit, format_weight

_ASSUMED_RIR = 2
_TOO_EASY_RIR = 2

_DEFAULT_STEPS: dict[Unit, tuple[Decimal, Decimal]] = {
    Unit.LB: (Decimal(5), Decimal(10)),
    Unit.KG: (Decimal("2.5"), Decimal(5)),
}
_BARBELL_JUMPS: dict[Unit, tuple[Decimal, Decimal]] = {
    Unit.LB: (Decimal(10), Decimal(5)),
    Unit.KG: (Decimal(5), Decimal("2.5")),
}
_DUMBBELL_STEP: dict[Unit, Decimal] = {Unit.LB: Decimal(5), Unit.KG: Decimal(2)}

_START_BY_CLASS: dict[LoadClass, dict[Unit, Decimal]] = {
    LoadClass.BARBELL: {Unit.LB: Decimal(95), Unit.KG: Decimal(40)},
    LoadClass.DUMBBELL: {Unit.LB: Decimal(25), Unit.KG: Decimal(10)},
    LoadClass.CABLE: {Unit.LB: Decimal(50), Unit.KG: Decimal(20)},
}
_START_BY_EXERCISE: dict[str, dict[Unit, Decimal]] = {
    "deadlift": {Unit.LB: Decimal(135), Unit.KG: Decimal(60)},
    "rack_pull": {Unit.LB: Decimal(135), Unit.KG: Decimal(60)},
    "t_bar_row": {Unit.LB: Decimal(45), Unit.KG: Decimal(20)},
    "meadows_row": {Unit.LB: Decimal(25), Unit.KG: Decimal(10)},
    "upright_row": {Unit.LB: Decimal(45), Unit.KG: Decimal(20)},
    "face_pull": {Unit.LB: Decimal(30), Unit.KG: Decimal(10)},
    "rear_lateral_raise": {Unit.LB: Decimal(10), Unit.KG: Decimal(4)},
}


class ProgressionError(CoachError, ValueError):
    """Inputs no set can have (negative reps or weight, a zero load step)."""


@dataclass(frozen=True, slots=True)
class LoadSteps:
    """The smallest changes a lifter can make: total plate change on a bar, one stack pin."""

    unit: Unit
    plate_step: Decimal
    cable_step: Decimal

    def __post_init__(self) -> None:
        if self.plate_step <= 0 or self.cable_step <= 0:
            raise ProgressionError("Load steps must be above zero, like 5 lb or 2.5 kg.")

    @classmethod
    def defaults(cls, unit: Unit) -> "LoadSteps":
        """Common gym steps: 5 lb / 2.5 kg on a bar, 10 lb / 5 kg on a cable stack."""
        plate, cable = _DEFAULT_STEPS[unit]
        return cls(unit=unit, plate_step=plate, cable_step=cable)


class Decision(StrEnum):
    """What the next set changes."""

    INCREASE = "increase"
    DECREASE = "decrease"
    MORE_REPS = "more_reps"
    HOLD = "hold"


@dataclass(frozen=True, slots=True)
class Suggestion:
    """The next set: load, reps to aim for, and a short reason the bot can show."""

    weight: Decimal
    unit: Unit
    target_reps: int
    decision: Decision
    reason: str


def round_load(weight: Decimal, step: Decimal) -> Decimal:
    """Nearest multiple of ``step``; a tie goes to the lighter load, the safer mistake."""
    if step <= 0:
        raise ProgressionError("Load steps must be above zero, like 5 lb or 2.5 kg.")
    return (weight / step).to_integral_value(rounding=ROUND_HALF_DOWN) * step


def _jumps(load_class: LoadClass, steps: LoadSteps) -> tuple[Decimal, Decimal, Decimal]:
    """(increase, decrease, grid) for one load class in the lifter's unit."""
    if load_class is LoadClass.BARBELL:
        up, down = _BARBELL_JUMPS[steps.unit]
        return up, down, steps.plate_step
    step = _DUMBBELL_STEP[steps.unit] if load_class is LoadClass.DUMBBELL else steps.cable_step
    return step, step, step


def _reps(count: int) -> str:
    return f"{count} rep" if count == 1 else f"{count} reps"


def _same_weight(weight: Decimal, unit: Unit, target: int, decision: Decision) -> Suggestion:
    return Suggestion(weight, unit, target, decision, f"Same weight, aim for {_reps(target)}")


def _heavier(
    weight: Decimal, load_class: LoadClass, steps: LoadSteps, target: int, why: str
) -> Suggestion:
    """Add one jump, landing on the grid and always above the current weight."""
    up, _, grid = _jumps(load_class, steps)
    above = ((weight / grid).to_integral_value(rounding=ROUND_FLOOR) + 1) * grid
    new = max(round_load(weight + up, grid), above)
    added = format_weight(new - weight, steps.unit)
    return Suggestion(new, steps.unit, target, Decision.INCREASE, f"{why}: +{added}")


def _lighter(
    weight: Decimal, load_class: LoadClass, steps: LoadSteps, target: int, why: str
) -> Suggestion:
    """Take one jump off, landing on the grid, below the current weight and not below 0."""
    _, down, grid = _jumps(load_class, steps)
    below = ((weight / grid).to_integral_value(rounding=ROUND_CEILING) - 1) * grid
    new = max(min(round_load(weight - down, grid), below), Decimal(0))
    if new >= weight:
        return _same_weight(weight, steps.unit, target, Decision.HOLD)
    taken = format_weight(weight - new, steps.unit)
    return Suggestion(new, steps.unit, target, Decision.DECREASE, f"{why}: take {taken} off")


def next_set(
    *,
    rep_range: RepRange,
    load_class: LoadClass,
    weight: Decimal,
    reps: int,
    rir: int | None,
    steps: LoadSteps,
    after_increase: bool = False,
) -> Suggestion:
    """Decide the next set from the last one (weight in ``steps.unit``)."""
    if weight < 0 or reps < 0 or (rir is not None and rir < 0):
        raise ProgressionError("Weight, reps and reps left can't be negative.")
    lo, hi = rep_range.lo, rep_range.hi
    left = _ASSUMED_RIR if rir is None else rir
    if reps >= hi:
        why = f"{_reps(reps)} hit the top of {rep_range}"
        return _heavier(weight, load_class, steps, lo, why)
    if reps < lo and (after_increase or left == 0):
        why = f"{_reps(reps)} after a jump" if after_increase else f"{_reps(reps)} to failure"
        return _lighter(weight, load_class, steps, lo, why)
    if reps < lo:
        return _same_weight(weight, steps.unit, lo, Decision.HOLD)
    if left > _TOO_EASY_RIR:
        why = f"{_reps(left)} left in the tank"
        if reps + left > hi:
            return _heavier(weight, load_class, steps, lo, why)
        return Suggestion(
            weight, steps.unit, reps + left, Decision.MORE_REPS, f"{why}: aim for {reps + left}"
        )
    return _same_weight(weight, steps.unit, reps + 1, Decision.MORE_REPS)


def starting_weight(exercise: Exercise, unit: Unit) -> Decimal:
    """A light first load for someone new to the exercise, on the unit's default grid."""
    by_unit = _START_BY_EXERCISE.get(exercise.key, _START_BY_CLASS[exercise.load_class])
    _, _, grid = _jumps(exercise.load_class, LoadSteps.defaults(unit))
    return round_load(by_unit[unit], grid)
