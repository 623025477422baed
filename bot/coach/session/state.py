"""Where a workout stands: its exercises, the position, the sets so far."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from bot.coach.catalog import RepRange
from bot.coach.equipment import Equipment
from bot.coach.progression import LoadSteps, equipment_for
from bot.coach.records import LoggedSet
from bot.coach.units import Unit


@dataclass(frozen=True, slots=True)
class Load:
    """A weight and its unit."""

    weight: Decimal
    unit: Unit


class Awaiting(StrEnum):
    """What the bot waits for from the lifter (stored as `workouts.awaiting`)."""

    START_WEIGHT = "start_weight"
    REPS = "reps"
    RIR = "rir"


class ExerciseStatus(StrEnum):
    """Where one exercise of the workout stands."""

    PENDING = "pending"
    ACTIVE = "active"
    DONE = "done"
    SKIPPED = "skipped"


class WorkoutStatus(StrEnum):
    """Active until finished (with a summary) or cancelled (sets kept, no summary)."""

    ACTIVE = "active"
    FINISHED = "finished"
    CANCELLED = "cancelled"


@dataclass(frozen=True, slots=True)
class ExerciseState:
    """One exercise of the workout: its plan, its status and the load it aims at next.

    `after_jump` says the current target came from adding weight, so a set short of
    the range right after it takes weight off (progression rule 2).
    """

    id: int
    exercise_key: str
    slot_key: str
    sets: int
    rep_range: RepRange
    rest_seconds: int
    status: ExerciseStatus = ExerciseStatus.PENDING
    target: Load | None = None
    target_reps: int | None = None
    after_jump: bool = False


@dataclass(frozen=True, slots=True)
class DoneSet:
    """A set logged in this workout, in the workout's unit.

    Why not `records.LoggedSet`: that one is dated on the lifter's calendar for history
    and records; this one knows its place in the workout (exercise id, set number), which
    undo and the position need. `bot.db.workouts.as_logged` turns a stored set into the
    former; the database row (`WorkoutSet`) holds both plus idempotency keys.
    """

    exercise_id: int
    exercise_key: str
    number: int
    weight: Decimal
    unit: Unit
    reps: int
    rir: int | None = None
    warmup: bool = False


@dataclass(frozen=True, slots=True)
class WorkoutState:
    """An active workout: its exercises, where the lifter is, and the sets so far.

    `index` points at the ACTIVE exercise; the set being asked for is the number after
    the sets already logged for it (`set_number`), so the position can't drift from the
    sets. `pending_reps` is set exactly when awaiting RIR. `resting` says a rest timer runs.
    `equipment` is what the lifter loads with (their settings); None means the unit's
    common gym with `steps`, so every suggested load is one they can build.
    `past` holds the earlier sessions' sets of this workout's exercises and `today` the
    lifter's local day: next time is decided from the whole story (stalls), not one set.
    `warmups_on` shows a warm-up ramp before a barbell lift and the day's first exercise.
    `calibrate` names today's reps-in-reserve check exercise (its last set goes to as many
    good reps as possible) until the check is taken; `rir_bias` is the lifter's
    calibrated correction in reps, applied to every load decision.
    """

    exercises: tuple[ExerciseState, ...]
    unit: Unit
    steps: LoadSteps
    equipment: Equipment | None = None
    past: tuple[LoggedSet, ...] = ()
    today: dt.date | None = None
    warmups_on: bool = False
    calibrate: str | None = None
    rir_bias: int = 0
    index: int = 0
    awaiting: Awaiting = Awaiting.REPS
    pending_reps: int | None = None
    sets: tuple[DoneSet, ...] = ()
    resting: bool = False
    status: WorkoutStatus = WorkoutStatus.ACTIVE

    @property
    def current(self) -> ExerciseState:
        return self.exercises[self.index]

    def sets_of(self, exercise_id: int) -> tuple[DoneSet, ...]:
        return tuple(s for s in self.sets if s.exercise_id == exercise_id)

    @property
    def set_number(self) -> int:
        """The number the next set of the current exercise is stored under."""
        return len(self.sets_of(self.current.id)) + 1

    @property
    def working_number(self) -> int:
        """The working set asked for next (warm-ups don't count): "Set 2 of 3"."""
        return sum(1 for s in self.sets_of(self.current.id) if not s.warmup) + 1

    @property
    def kit(self) -> Equipment:
        """The lifter's equipment, or the unit's common gym with their steps."""
        return equipment_for(self.steps) if self.equipment is None else self.equipment
