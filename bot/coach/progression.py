"""Double progression made exact: what to lift on the next set, and why, in one line.

The article's rule is the common case: work in a rep range [lo, hi]; reach hi and add
weight (+10 lb / +5 kg on a bar, one dumbbell or one stack step otherwise); fall below lo
after a jump or at failure and take a little off (-5 lb / -2.5 kg). Around it:

1. Never past failure. Reps + reps left is the failure point the lifter just reported
   (unknown reps left count as 2). At the same or a heavier load a target never reaches
   it: at 0 left hold the reps and stop 1-2 short; at 1 left hold the reps; at 2 aim one
   more. In range with more than 2 left, aim for reps + left - 2, or go heavier when
   that passes hi.
2. Jumps sized by the set. The load for lo reps with 1-2 left (1.5, ``_TARGET_RIR``)
   comes from an estimated one-rep max by Epley's relation, 1RM = W x (1 + (reps +
   left) / 30). Epley is what the records use, so the coach and the records agree, and
   within 1-12 reps it stays within a few percent of RPE tables. The estimate is
   rounded to a load the lifter can build; when it lands within one step of the
   article's jump, the article's jump stands; a change is capped at +10 % and -15 %,
   and is always at least one step.
3. A short set with reps left is one more try at the same load and reps; the second
   short set at that load today goes lighter.
4. No rep at all: about 10 % off. Nothing goes below the empty bar, the lightest
   dumbbell or the first stack plate (see ``bot.coach.equipment``).

A kept weight is returned untouched, even if it is off the lifter's grid: they lifted it.
"""

from collections.abc import Sequence
from dataclasses import dataclass, replace
from decimal import ROUND_HALF_DOWN, Decimal
from enum import StrEnum

from bot.coach.catalog import Exercise, LoadClass, RepRange
from bot.coach.equipment import Equipment, Loading, loading_of
from bot.coach.errors import CoachError
from bot.coach.records import LoggedSet, epley
from bot.coach.units import Unit, convert, format_weight

_ASSUMED_RIR = 2
_TOO_EASY_RIR = 2
_TARGET_RIR = Decimal("1.5")
_EPLEY = 30
_MAX_UP = Decimal("1.10")
_MAX_DOWN = Decimal("0.85")
_MISSED = Decimal("0.10")

_DEFAULT_STEPS: dict[Unit, tuple[Decimal, Decimal]] = {
    Unit.LB: (Decimal(5), Decimal(10)),
    Unit.KG: (Decimal("2.5"), Decimal(5)),
}
_ARTICLE_JUMPS: dict[Unit, tuple[Decimal, Decimal]] = {
    Unit.LB: (Decimal(10), Decimal(5)),
    Unit.KG: (Decimal(5), Decimal("2.5")),
}

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


@dataclass(frozen=True, slots=True)
class _Set:
    """The set just done, with everything a decision needs."""

    rep_range: RepRange
    weight: Decimal
    reps: int
    left: int
    sizing_left: int
    kit: Equipment
    loading: Loading

    @property
    def most_reps(self) -> int:
        """The most a same-or-heavier target may ask: short of the reported failure point."""
        return max(self.reps, self.reps + self.left - 1)

    def load(self, weight: Decimal | None = None) -> str:
        return format_weight(self.weight if weight is None else weight, self.kit.unit)

    def sized(self, target: int) -> Decimal:
        """The load for ``target`` reps with 1-2 left, by Epley (see the module docstring)."""
        one_rm = epley(self.weight, self.reps, self.sizing_left)
        return one_rm * _EPLEY / (_EPLEY + target + _TARGET_RIR)

    def article(self, up: bool) -> Decimal | None:
        """Where the article's fixed jump lands: +10 / -5 lb on a bar, one step otherwise."""
        if self.loading in (Loading.DUMBBELL, Loading.STACK):
            return None
        plus, minus = _ARTICLE_JUMPS[self.kit.unit]
        return self.kit.nearest(self.weight + plus if up else self.weight - minus, self.loading)


def _reps(count: int) -> str:
    return f"{count} rep" if count == 1 else f"{count} reps"


def _suggest(s: _Set, weight: Decimal, target: int, decision: Decision, reason: str) -> Suggestion:
    return Suggestion(weight, s.kit.unit, target, decision, reason)


def _keep(s: _Set, target: int, reason: str) -> Suggestion:
    decision = Decision.MORE_REPS if target > s.reps else Decision.HOLD
    return _suggest(s, s.weight, target, decision, reason)


def _snap(s: _Set, guess: Decimal, article: Decimal | None) -> Decimal:
    """The article's jump stands when the estimate lands within one step of it."""
    if article is not None and abs(guess - article) <= s.kit.step_at(s.weight, s.loading):
        return article
    return guess


def _heavier(s: _Set, target: int, why: str) -> Suggestion:
    """A load sized for ``target`` reps, within +10 % but at least one step up."""
    up = s.kit.above(s.weight, s.loading)
    if up is None:
        aim = min(s.most_reps, s.rep_range.hi)
        return _keep(s, aim, f"{s.load()} is the heaviest you have: same weight, aim for {aim}")
    new = _snap(s, s.kit.nearest(s.sized(target), s.loading), s.article(up=True))
    new = max(min(new, s.kit.floor(s.weight * _MAX_UP, s.loading)), up)
    added = format_weight(new - s.weight, s.kit.unit)
    return _suggest(s, new, target, Decision.INCREASE, f"{why}: +{added}")


def _lighter(s: _Set, target: int, why: str, guess: Decimal | None = None) -> Suggestion:
    """A load sized for ``target`` reps (or ``guess``), within -15 % but at least one step."""
    down = s.kit.below(s.weight, s.loading)
    if down is None:
        aim = max(1, min(s.most_reps, s.rep_range.hi))
        return _keep(
            s, aim, f"{s.load()} is as light as it goes: aim for {aim} and stop 1-2 reps short"
        )
    if guess is None:
        guess = _snap(s, s.kit.nearest(s.sized(target), s.loading), s.article(up=False))
    new = min(max(guess, s.kit.ceil(s.weight * _MAX_DOWN, s.loading)), down)
    taken = format_weight(s.weight - new, s.kit.unit)
    return _suggest(s, new, target, Decision.DECREASE, f"{why}: take {taken} off")


def _short_before(s: _Set, history: Sequence[LoggedSet]) -> bool:
    """Whether an earlier working set today, at this load or heavier, also fell short."""
    return any(
        not done.warmup
        and done.reps < s.rep_range.lo
        and convert(done.weight, done.unit, s.kit.unit) >= s.weight
        for done in history
    )


def _raised_before(s: _Set, history: Sequence[LoggedSet]) -> bool:
    """Whether the last working set today was lighter: this load is a fresh jump."""
    working = [done for done in history if not done.warmup]
    return bool(working) and convert(working[-1].weight, working[-1].unit, s.kit.unit) < s.weight


def _decide(s: _Set, after_increase: bool, history: Sequence[LoggedSet]) -> Suggestion:
    lo, hi = s.rep_range.lo, s.rep_range.hi
    if s.reps == 0:
        guess = s.kit.ceil(s.weight * (1 - _MISSED), s.loading)
        return _lighter(s, lo, f"No rep at {s.load()}", guess)
    if s.reps >= hi:
        return _heavier(s, lo, f"{_reps(s.reps)} hit the top of {s.rep_range}")
    if s.reps < lo:
        if after_increase or _raised_before(s, history):
            return _lighter(s, lo, f"{_reps(s.reps)} after a jump")
        if s.left == 0:
            return _lighter(s, lo, f"{_reps(s.reps)} to failure")
        if _short_before(s, history):
            return _lighter(s, lo, f"Short of {lo} twice at {s.load()}")
        aim = min(lo, s.most_reps)
        if aim == lo:
            return _keep(s, aim, f"Same weight, aim for {_reps(aim)}")
        return _keep(
            s,
            aim,
            f"Short of {lo}: same weight, aim for {aim} again; short twice and we go lighter",
        )
    if s.left == 0:
        return _keep(
            s, s.reps, f"That was failure: same weight, aim for {s.reps} and stop 1-2 reps short"
        )
    if s.sizing_left > _TOO_EASY_RIR:
        why = f"{_reps(s.sizing_left)} left in the tank"
        aim = min(s.reps + s.sizing_left - _TOO_EASY_RIR, s.most_reps)
        if s.reps + s.sizing_left - _TOO_EASY_RIR > hi or aim <= s.reps:
            return _heavier(s, lo, why)
        return _keep(s, aim, f"{why}: aim for {aim}")
    aim = min(s.reps + 1, s.most_reps)
    if aim == s.reps:
        return _keep(s, aim, f"1 rep left: same weight, aim for {aim} again")
    return _keep(s, aim, f"Same weight, aim for {_reps(aim)}")


def equipment_for(steps: LoadSteps) -> Equipment:
    """The default equipment of the unit with the lifter's own plate and stack steps."""
    return replace(
        Equipment.defaults(steps.unit), plate_pair=steps.plate_step, stack_step=steps.cable_step
    )


def next_set(
    *,
    rep_range: RepRange,
    load_class: LoadClass,
    weight: Decimal,
    reps: int,
    rir: int | None,
    steps: LoadSteps,
    after_increase: bool = False,
    equipment: Equipment | None = None,
    exercise_key: str | None = None,
    history: Sequence[LoggedSet] = (),
    rir_bias: int = 0,
) -> Suggestion:
    """Decide the next set from the last one (weight in ``steps.unit``).

    ``equipment`` (in the same unit) says which loads exist; without it the unit's
    defaults with ``steps`` are used. ``exercise_key`` tells a landmine lift from a bar
    lift. ``history`` is this exercise's earlier sets today, warm-ups included (they are
    ignored). ``rir_bias`` is the lifter's calibrated correction in reps (see
    ``bot.coach.calibration``): it sizes loads but never raises a target past the
    failure point the lifter reported.
    """
    if weight < 0 or reps < 0 or (rir is not None and rir < 0):
        raise ProgressionError("Weight, reps and reps left can't be negative.")
    kit = equipment_for(steps) if equipment is None else equipment
    if kit.unit is not steps.unit:
        raise ProgressionError("Equipment and load steps must be in the same unit.")
    left = _ASSUMED_RIR if rir is None else rir
    done = _Set(
        rep_range=rep_range,
        weight=weight,
        reps=reps,
        left=left,
        sizing_left=max(0, left + rir_bias),
        kit=kit,
        loading=loading_of(load_class, exercise_key),
    )
    return _decide(done, after_increase, history)


def starting_weight(exercise: Exercise, unit: Unit, equipment: Equipment | None = None) -> Decimal:
    """A light first load for someone new to the exercise, loadable with ``equipment``."""
    by_unit = _START_BY_EXERCISE.get(exercise.key, _START_BY_CLASS[exercise.load_class])
    kit = Equipment.defaults(unit) if equipment is None else equipment
    return kit.nearest(by_unit[unit], loading_of(exercise.load_class, exercise.key))
