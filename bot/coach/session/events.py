"""What can happen to a workout: the lifter's reports, answers and commands."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from bot.coach.reading import ReadSet
from bot.coach.session.messages import ReadAs
from bot.coach.session.state import Load
from bot.coach.units import Unit


@dataclass(frozen=True, slots=True)
class At:
    """Which question a button answers; a press whose question has passed changes nothing."""

    exercise_id: int
    set_number: int | None = None


# One set as read from the lifter is the reader's `ReadSet`, whether typed or pressed:
# reps, and whatever else they said (no weight: the target load; no unit: the workout's).
ReportedSet = ReadSet


@dataclass(frozen=True, slots=True)
class SetReported:
    """One or more sets, in the order lifted.

    Only the last set is asked about reps left when none was given, and only when
    `ask_rir` (an "as planned" button says it is common enough to log without asking).
    """

    sets: tuple[ReportedSet, ...]
    at: At | None = None
    ask_rir: bool = True
    read_as: ReadAs | None = None
    """How typed text was read ("225 lb x 6, RPE 8 = 2 left"), said back when logged."""


@dataclass(frozen=True, slots=True)
class RirAnswered:
    """The answer to "how many more reps could you have done?"."""

    rir: int
    at: At | None = None


@dataclass(frozen=True, slots=True)
class StartWeightGiven:
    """A first load for an exercise new to the lifter; `confirmed` skips the sanity check."""

    weight: Decimal
    unit: Unit | None = None
    at: At | None = None
    confirmed: bool = False


@dataclass(frozen=True, slots=True)
class Skip:
    at: At | None = None


@dataclass(frozen=True, slots=True)
class SwapAsked:
    """Show the exercises the current one can be swapped for."""

    at: At | None = None


@dataclass(frozen=True, slots=True)
class Swap:
    """Swap the current exercise for `exercise_key`, with its stored next-time load."""

    exercise_key: str
    slot_key: str
    stored: Load | None = None
    stored_reps: int | None = None
    stored_after_jump: bool = False
    at: At | None = None


@dataclass(frozen=True, slots=True)
class Undo:
    """Take back the last thing logged: a pending reps answer, else the last set."""


@dataclass(frozen=True, slots=True)
class Finish:
    """End now with a summary."""


@dataclass(frozen=True, slots=True)
class Cancel:
    """End now keeping the sets, without a summary."""


@dataclass(frozen=True, slots=True)
class RestOver:
    """The rest timer ran out."""


@dataclass(frozen=True, slots=True)
class Show:
    """Say where the lifter is (/workout while one is going)."""


@dataclass(frozen=True, slots=True)
class WarmupsDone:
    """The lifter ticked off the warm-up ramp shown for the exercise: log it as warm-ups."""

    at: At


@dataclass(frozen=True, slots=True)
class WarmupsSkipped:
    """The lifter skipped the warm-up ramp: just ask for the first working set."""

    at: At


Event = (
    SetReported
    | RirAnswered
    | StartWeightGiven
    | Skip
    | SwapAsked
    | Swap
    | Undo
    | Finish
    | Cancel
    | RestOver
    | Show
    | WarmupsDone
    | WarmupsSkipped
)
