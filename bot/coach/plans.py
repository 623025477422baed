"""The default upper-back workout and the edits a lifter may make to it.

A slot is a place in the workout (say "heavy row"). It owns its sets, rep range and
rest, so swapping the exercise in a slot keeps them.
"""

from dataclasses import dataclass, replace

from bot.coach.catalog import EXERCISES_BY_KEY, RepRange, RepRangeError, get_exercise
from bot.coach.errors import CoachError

MIN_SETS, MAX_SETS = 1, 10
MIN_REST, MAX_REST = 30, 600


class PlanError(CoachError, ValueError):
    """An edit the plan can't take; ``message`` says what would work."""


@dataclass(frozen=True, slots=True)
class Slot:
    """One place in the workout: an exercise, its swaps, and how it is trained."""

    key: str
    name: str
    exercise_key: str
    alternatives: tuple[str, ...]
    sets: int
    rep_range: RepRange
    rest_seconds: int

    def __post_init__(self) -> None:
        unknown = [k for k in self.options if k not in EXERCISES_BY_KEY]
        if unknown or len(set(self.options)) != len(self.options):
            raise PlanError(f"The {self.name} slot lists an exercise twice or one I don't know.")
        if not MIN_SETS <= self.sets <= MAX_SETS:
            raise PlanError(f"Pick {MIN_SETS} to {MAX_SETS} sets.")
        if not MIN_REST <= self.rest_seconds <= MAX_REST:
            raise PlanError(f"Pick a rest from {MIN_REST} to {MAX_REST} seconds.")

    @property
    def options(self) -> tuple[str, ...]:
        """Every exercise this slot may hold, the current one first."""
        return (self.exercise_key, *self.alternatives)

    def swapped(self, exercise_key: str) -> "Slot":
        """The slot with another of its options.

        The old exercise takes the new one's place among the alternatives, so swapping
        back gives the very same slot.
        """
        options = list(self.options)
        if exercise_key not in options:
            names = ", ".join(get_exercise(k).name for k in options)
            raise PlanError(f"For {self.name}, pick one of: {names}.")
        chosen = options.index(exercise_key)
        options[0], options[chosen] = options[chosen], options[0]
        return replace(self, exercise_key=options[0], alternatives=tuple(options[1:]))

    def with_sets(self, sets: int) -> "Slot":
        """The slot with another number of sets (1 to 10)."""
        return replace(self, sets=sets)

    def with_rep_range(self, lo: int, hi: int) -> "Slot":
        """The slot with another rep range (1 to 100, low first)."""
        try:
            rep_range = RepRange(lo, hi)
        except RepRangeError as error:
            raise PlanError(error.message) from None
        return replace(self, rep_range=rep_range)

    def with_rest(self, seconds: int) -> "Slot":
        """The slot with another rest between sets (30 to 600 seconds)."""
        return replace(self, rest_seconds=seconds)


DEFAULT_PLAN: tuple[Slot, ...] = (
    Slot(
        key="hinge",
        name="Hinge",
        exercise_key="deadlift",
        alternatives=("rack_pull", "romanian_deadlift"),
        sets=3,
        rep_range=RepRange(4, 6),
        rest_seconds=180,
    ),
    Slot(
        key="heavy_row",
        name="Heavy row",
        exercise_key="barbell_row",
        alternatives=("t_bar_row", "meadows_row", "single_arm_dumbbell_row"),
        sets=3,
        rep_range=RepRange(6, 8),
        rest_seconds=150,
    ),
    Slot(
        key="supported_row",
        name="Supported row",
        exercise_key="seal_row",
        alternatives=("chest_supported_row", "cable_row"),
        sets=3,
        rep_range=RepRange(8, 10),
        rest_seconds=120,
    ),
    Slot(
        key="rear_delts",
        name="Rear delts",
        exercise_key="face_pull",
        alternatives=("rear_lateral_raise",),
        sets=3,
        rep_range=RepRange(10, 12),
        rest_seconds=90,
    ),
    Slot(
        key="traps",
        name="Traps",
        exercise_key="upright_row",
        alternatives=("rear_lateral_raise",),
        sets=3,
        rep_range=RepRange(8, 10),
        rest_seconds=90,
    ),
)

_SLOTS_BY_KEY = {slot.key: slot for slot in DEFAULT_PLAN}


def default_slot(key: str) -> Slot:
    """The default version of a slot, e.g. to reset a lifter's edits."""
    try:
        return _SLOTS_BY_KEY[key]
    except KeyError:
        raise PlanError(f"There is no {key!r} slot in the workout.") from None
