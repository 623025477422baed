"""Loads a lifter can actually set up with their own bar, plates, dumbbells and cable stack.

The coach never shows a load nobody can build: 14 kg on a rack that goes 12.5, 15;
50 lb on a stack that moves in 15 lb steps; 40 lb on a 45 lb bar. Every suggested load
goes through ``Equipment`` first.

How an exercise is loaded (its ``Loading``) decides its ladder of possible loads:

- ``BAR``: an empty bar plus pairs of plates, so bar, bar + pair, bar + 2 pairs, ...
- ``LANDMINE``: plates on one end of an anchored bar (Meadows row, T-bar row), logged as
  the plates alone, as lifters write them: one pair's worth per step, from one step up.
- ``DUMBBELL``: the dumbbells owned (an explicit list), or a rack in even steps.
- ``STACK``: a cable stack, first plate to top plate in even steps.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from enum import StrEnum

from bot.coach.catalog import LoadClass
from bot.coach.errors import CoachError
from bot.coach.units import Unit

LANDMINE_EXERCISES = frozenset({"meadows_row", "t_bar_row"})
"""Barbell exercises loaded on one end of an anchored bar and logged as the plates."""


class EquipmentError(CoachError, ValueError):
    """Equipment settings nobody can own (a zero step, a bar lighter than nothing)."""


class Loading(StrEnum):
    """How the weight of one exercise is built."""

    BAR = "bar"
    LANDMINE = "landmine"
    DUMBBELL = "dumbbell"
    STACK = "stack"


def loading_of(load_class: LoadClass, exercise_key: str | None = None) -> Loading:
    """The way an exercise is loaded; a landmine lift is a barbell lift logged as plates.

    A barbell lift whose key is not given gets the plates-only ladder: it never invents
    a jump up to the empty bar for a lift that might be logged as plates (a 25 lb
    Meadows row must not become 45 lb). Pass the key to get the empty-bar floor.
    """
    if load_class is LoadClass.DUMBBELL:
        return Loading.DUMBBELL
    if load_class is LoadClass.CABLE:
        return Loading.STACK
    if exercise_key is None or exercise_key in LANDMINE_EXERCISES:
        return Loading.LANDMINE
    return Loading.BAR


_DEFAULTS: dict[Unit, tuple[Decimal, Decimal, Decimal, Decimal]] = {
    # bar, smallest plate pair, dumbbell step, cable stack step
    Unit.LB: (Decimal(45), Decimal(5), Decimal(5), Decimal(10)),
    Unit.KG: (Decimal(20), Decimal("2.5"), Decimal("2.5"), Decimal(5)),
}


@dataclass(frozen=True, slots=True)
class _Ladder:
    """Loads ``base + k * step`` for k >= 0, up to ``top``; or an explicit sorted list."""

    base: Decimal
    step: Decimal
    top: Decimal | None
    listed: tuple[Decimal, ...]

    def floor(self, weight: Decimal) -> Decimal | None:
        """The heaviest load at or below ``weight``; None when even the lightest is above."""
        if self.listed:
            return max((w for w in self.listed if w <= weight), default=None)
        if weight < self.base:
            return None
        if self.top is not None and weight >= self.top:
            weight = self.top
        count = ((weight - self.base) / self.step).to_integral_value(rounding=ROUND_FLOOR)
        return self.base + count * self.step

    def ceil(self, weight: Decimal) -> Decimal | None:
        """The lightest load at or above ``weight``; None when even the heaviest is below."""
        if self.listed:
            return min((w for w in self.listed if w >= weight), default=None)
        if weight <= self.base:
            return self.base
        count = ((weight - self.base) / self.step).to_integral_value(rounding=ROUND_CEILING)
        found = self.base + count * self.step
        return None if self.top is not None and found > self.top else found

    def above(self, weight: Decimal) -> Decimal | None:
        """The lightest load strictly above ``weight``."""
        if self.listed:
            return min((w for w in self.listed if w > weight), default=None)
        found = self.ceil(weight)
        return self.ceil(weight + self.step) if found == weight else found

    def below(self, weight: Decimal) -> Decimal | None:
        """The heaviest load strictly below ``weight``."""
        if self.listed:
            return max((w for w in self.listed if w < weight), default=None)
        found = self.floor(weight)
        return self.floor(weight - self.step) if found == weight else found


@dataclass(frozen=True, slots=True)
class Equipment:
    """What one lifter loads with, in their unit.

    ``plate_pair`` is the smallest change on a bar (two of the smallest plates: 5 lb,
    2.5 kg, or 1 kg / 2.5 lb with microplates). ``dumbbells`` lists the dumbbells owned;
    empty means a rack from ``dumbbell_step`` up in steps of ``dumbbell_step``.
    The stack starts at its first plate, ``stack_step``, and stops at ``stack_top``.
    """

    unit: Unit
    bar: Decimal
    plate_pair: Decimal
    dumbbell_step: Decimal
    stack_step: Decimal
    stack_top: Decimal | None = None
    dumbbells: tuple[Decimal, ...] = ()

    def __post_init__(self) -> None:
        steps = (self.plate_pair, self.dumbbell_step, self.stack_step)
        if min(steps) <= 0 or self.bar < 0 or any(w <= 0 for w in self.dumbbells):
            raise EquipmentError("Plate, dumbbell and stack steps must be above zero.")
        if self.stack_top is not None and self.stack_top < self.stack_step:
            raise EquipmentError("The top of the stack can't be below its first plate.")
        if tuple(sorted(set(self.dumbbells))) != self.dumbbells:
            raise EquipmentError("List each dumbbell once, lightest first.")

    @classmethod
    def defaults(cls, unit: Unit) -> "Equipment":
        """A common gym: 45 lb / 20 kg bar, 2.5 lb / 1.25 kg plates, 5 lb / 2.5 kg
        dumbbell steps, a 10 lb / 5 kg cable stack."""
        bar, pair, dumbbell, stack = _DEFAULTS[unit]
        return cls(unit, bar, pair, dumbbell, stack)

    def _ladder(self, loading: Loading) -> _Ladder:
        if loading is Loading.BAR:
            return _Ladder(self.bar, self.plate_pair, None, ())
        if loading is Loading.LANDMINE:
            return _Ladder(self.plate_pair, self.plate_pair, None, ())
        if loading is Loading.DUMBBELL:
            return _Ladder(self.dumbbell_step, self.dumbbell_step, None, self.dumbbells)
        return _Ladder(self.stack_step, self.stack_step, self.stack_top, ())

    def minimum(self, loading: Loading) -> Decimal:
        """The lightest load there is: the empty bar, the lightest dumbbell, the first plate."""
        lightest = self._ladder(loading).ceil(Decimal(0))
        assert lightest is not None  # every ladder has a first rung
        return lightest

    def loadable(self, weight: Decimal, loading: Loading) -> bool:
        """Whether this exact load can be set up."""
        return self._ladder(loading).floor(weight) == weight

    def floor(self, weight: Decimal, loading: Loading) -> Decimal:
        """The heaviest load at or below ``weight``, never below the minimum."""
        return self._ladder(loading).floor(weight) or self.minimum(loading)

    def ceil(self, weight: Decimal, loading: Loading) -> Decimal:
        """The lightest load at or above ``weight``, never above the heaviest there is."""
        found = self._ladder(loading).ceil(weight)
        return self.floor(weight, loading) if found is None else found

    def nearest(self, weight: Decimal, loading: Loading) -> Decimal:
        """The closest load; a tie goes to the lighter one, the safer mistake."""
        low, high = self.floor(weight, loading), self.ceil(weight, loading)
        return high if high - weight < weight - low else low

    def above(self, weight: Decimal, loading: Loading) -> Decimal | None:
        """The next load up from ``weight``; None at the top of the rack or stack."""
        return self._ladder(loading).above(weight)

    def below(self, weight: Decimal, loading: Loading) -> Decimal | None:
        """The next load down from ``weight``; None at or below the minimum."""
        return self._ladder(loading).below(weight)

    def step_at(self, weight: Decimal, loading: Loading) -> Decimal:
        """The smallest change the lifter can make around ``weight`` (the gap it sits in)."""
        ladder = self._ladder(loading)
        low, high = ladder.floor(weight), ladder.above(weight)
        if low is not None and high is not None:
            return high - low
        low, high = ladder.below(weight), ladder.floor(weight)
        if low is not None and high is not None:
            return high - low
        return ladder.step


def custom_equipment(
    unit: Unit,
    *,
    bar: Decimal | None = None,
    plate_pair: Decimal | None = None,
    dumbbell_step: Decimal | None = None,
    dumbbells: Sequence[Decimal] = (),
    stack_step: Decimal | None = None,
    stack_top: Decimal | None = None,
) -> Equipment:
    """The unit's common gym with whatever the lifter has set (None keeps the default)."""
    kit = Equipment.defaults(unit)
    return Equipment(
        unit=unit,
        bar=kit.bar if bar is None else bar,
        plate_pair=kit.plate_pair if plate_pair is None else plate_pair,
        dumbbell_step=kit.dumbbell_step if dumbbell_step is None else dumbbell_step,
        stack_step=kit.stack_step if stack_step is None else stack_step,
        stack_top=stack_top,
        dumbbells=owned_dumbbells(dumbbells),
    )


def owned_dumbbells(weights: Sequence[Decimal]) -> tuple[Decimal, ...]:
    """A lifter's dumbbells as ``Equipment`` wants them: each once, lightest first."""
    return tuple(sorted(set(weights)))
