"""What the workout says, as data; `bot.texts.workout.render` words it."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from bot.coach.catalog import RepRange
from bot.coach.progression import Suggestion
from bot.coach.session.state import Awaiting, DoneSet, ExerciseState, Load
from bot.coach.units import Unit
from bot.coach.warmups import WarmupSet


@dataclass(frozen=True, slots=True)
class Started:
    count: int


@dataclass(frozen=True, slots=True)
class Resumed:
    pass


@dataclass(frozen=True, slots=True)
class Question:
    """What the bot waits for now, with the exercise's card first when `intro`."""

    exercise: ExerciseState
    position: int
    total: int
    awaiting: Awaiting
    set_number: int
    working_number: int
    unit: Unit
    intro: bool = False
    suggested_start: Decimal | None = None
    resting: bool = False
    warmups: tuple[WarmupSet, ...] = ()
    amrap: bool = False
    """This set is the reps-in-reserve check: as many good reps as possible."""
    typed: Load | None = None
    """The load as typed, in the other unit, of the set whose reps left are asked."""


@dataclass(frozen=True, slots=True)
class CheckStartWeight:
    """A start weight that looks wrong for the exercise: confirm it or take the usual."""

    exercise: ExerciseState
    given: Load
    usual: Load


@dataclass(frozen=True, slots=True)
class StartWeightSet:
    exercise_key: str
    load: Load


@dataclass(frozen=True, slots=True)
class Logged:
    """A set stored: what, the decision for the next one, and whether it's for next time.

    `typed` is the load as the lifter typed it when it was in the other unit.
    """

    set: DoneSet
    working_number: int
    suggestion: Suggestion | None
    typed: Load | None = None
    last_of_exercise: bool = False


@dataclass(frozen=True, slots=True)
class ExerciseDone:
    """An exercise's closing line: its sets, best set, and next time's load."""

    exercise_key: str
    sets: tuple[DoneSet, ...]
    next_load: Load | None
    next_reps: int | None


@dataclass(frozen=True, slots=True)
class Skipped:
    exercise_key: str


@dataclass(frozen=True, slots=True)
class SwapMenu:
    exercise: ExerciseState
    options: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class SwapRefused:
    """Sets of the exercise are logged already: skip it instead."""

    exercise_key: str


@dataclass(frozen=True, slots=True)
class Swapped:
    exercise_key: str
    slot_key: str


@dataclass(frozen=True, slots=True)
class SetUndone:
    set: DoneSet


@dataclass(frozen=True, slots=True)
class AnswerUndone:
    """The pending reps were taken back; the set before stays."""

    reps: int


@dataclass(frozen=True, slots=True)
class NothingToUndo:
    pass


@dataclass(frozen=True, slots=True)
class AlreadyLogged:
    pass


@dataclass(frozen=True, slots=True)
class RestIsOver:
    pass


@dataclass(frozen=True, slots=True)
class Cancelled:
    sets: int


@dataclass(frozen=True, slots=True)
class NextLoad:
    """The load an exercise starts at next workout."""

    exercise_key: str
    load: Load
    target_reps: int
    after_jump: bool
    rep_range: RepRange
    reason: str = ""


@dataclass(frozen=True, slots=True)
class Summary:
    """The end of a workout; an empty `sets` means nothing was logged."""

    sets: tuple[DoneSet, ...]
    next_loads: tuple[NextLoad, ...]
    unit: Unit


@dataclass(frozen=True, slots=True)
class WarmupsLogged:
    """The ramp ticked off: `count` warm-up sets stored, none of them counting."""

    count: int


@dataclass(frozen=True, slots=True)
class RampSkipped:
    """The warm-up ramp skipped: on to the first working set."""


@dataclass(frozen=True, slots=True)
class Eased:
    """An exercise starting lighter today after a layoff, and why (said at the start)."""

    exercise_key: str
    load: Load
    reason: str


@dataclass(frozen=True, slots=True)
class ReadAs:
    """How typed sets were read, so a misreading shows at once: said before the reps-left
    question or a batch; folded into the "Logged" line of a lone set (`effort`, when the
    lifter gave RPE: "RPE 8 = 2 left")."""

    echo: str
    effort: str = ""
    sets: int = 1


Message = (
    Started
    | Resumed
    | Eased
    | WarmupsLogged
    | RampSkipped
    | Question
    | CheckStartWeight
    | StartWeightSet
    | Logged
    | ExerciseDone
    | Skipped
    | SwapMenu
    | SwapRefused
    | Swapped
    | SetUndone
    | AnswerUndone
    | NothingToUndo
    | AlreadyLogged
    | RestIsOver
    | Cancelled
    | Summary
    | ReadAs
)
