"""A short warm-up ramp to today's working load, on loads the lifter can build.

A barbell lift ramps from the empty bar: bar x 10, about 50 % x 5, 70 % x 3, 85 % x 1.
Other lifts (the first exercise of the day) get two lighter sets: about 50 % x 10 and
75 % x 5. Each step is rounded to a load the lifter can set up; a step that lands on the
previous one or on the working load is dropped, so a light working load gets a short ramp.

Warm-ups never count: ``LoggedSet.warmup`` keeps them out of progression (``next_set``,
``next_time``), volume and hard sets (``summary``) and records (``records``).
"""

from dataclasses import dataclass
from decimal import Decimal

from bot.coach.catalog import LoadClass
from bot.coach.equipment import Equipment, Loading, loading_of


@dataclass(frozen=True, slots=True)
class WarmupSet:
    """One warm-up set: a load in the equipment's unit and the reps to do with it."""

    weight: Decimal
    reps: int


_BAR_RAMP: tuple[tuple[Decimal, int], ...] = (
    (Decimal(0), 10),  # the empty bar (the lightest load there is)
    (Decimal("0.5"), 5),
    (Decimal("0.7"), 3),
    (Decimal("0.85"), 1),
)
_LIGHT_RAMP: tuple[tuple[Decimal, int], ...] = ((Decimal("0.5"), 10), (Decimal("0.75"), 5))


def warmup_ramp(
    working: Decimal,
    load_class: LoadClass,
    equipment: Equipment,
    exercise_key: str | None = None,
) -> tuple[WarmupSet, ...]:
    """The warm-up sets before ``working`` (in ``equipment.unit``), lightest first."""
    loading = loading_of(load_class, exercise_key)
    ramp = _BAR_RAMP if loading is Loading.BAR else _LIGHT_RAMP
    found: list[WarmupSet] = []
    for share, reps in ramp:
        weight = equipment.nearest(working * share, loading)
        previous = found[-1].weight if found else Decimal(-1)
        if previous < weight < working:
            found.append(WarmupSet(weight, reps))
    return tuple(found)
