"""The values an import produces and an export consumes.

Why three shapes of a set and not the core's `LoggedSet` (bot/coach/records.py):

* `ImportedSet` is a set as a file states it: the exercise as written (it may match
  none of our lifts), the workout it came in, a fingerprint to recognise it again, and
  its line in the file for problems. A logged set has none of these.
* `ExportSet` is a stored set with its workout (id, name, start and end), which the
  exporters need to write Strong's per-workout columns; a logged set has no workout.
* `LoggedSet` is what records and progression reason about (exercise, load, reps,
  when). Both transfer shapes reduce to it, but it cannot carry what they add.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Final, Literal

from bot.coach.units import Unit

ImportFormat = Literal["strong", "hevy", "coach"]

COACH_COLUMNS: Final = (
    "date",
    "time",
    "timezone",
    "exercise",
    "exercise_key",
    "set",
    "weight",
    "unit",
    "reps",
    "rir",
    "rpe",
    "warmup",
    "workout_id",
    "workout",
    "notes",
)
STRONG_COLUMNS: Final = (
    "Date",
    "Workout Name",
    "Duration",
    "Exercise Name",
    "Set Order",
    "Weight",
    "Reps",
    "Distance",
    "Seconds",
    "Notes",
    "Workout Notes",
    "RPE",
)

MAX_REPS: Final = 500
"""History is looser than a set typed live (100): real logs hold 103-rep back extensions."""
MAX_WEIGHT: Final[Mapping[Unit, Decimal]] = {Unit.KG: Decimal(1000), Unit.LB: Decimal(2200)}


class ImportFormatError(ValueError):
    """A file that cannot be imported; ``message`` is fit to show the user."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


@dataclass(frozen=True, slots=True)
class RowProblem:
    """A row left out of an import, and why (a sentence naming its line)."""

    line: int
    message: str


@dataclass(frozen=True, slots=True)
class ImportedSet:
    """One set read from an imported file."""

    performed_at: datetime
    workout_name: str
    exercise_name: str
    exercise_key: str | None
    set_number: int
    weight: Decimal
    unit: Unit
    reps: int
    rir: int | None
    warmup: bool
    notes: str
    fingerprint: str


@dataclass(frozen=True, slots=True)
class ImportBatch:
    """Everything read from one file.

    ``skipped_rows`` are rows that are not sets (cardio, rest timers, empty
    placeholders); ``problems`` are rows that should be sets but could not be read.
    """

    format: ImportFormat
    sets: tuple[ImportedSet, ...]
    unmatched: tuple[str, ...]
    skipped_rows: int
    problems: tuple[RowProblem, ...] = ()


@dataclass(frozen=True, slots=True)
class ExportSet:
    """One stored set with its workout, as the exporters need it.

    ``exercise_key`` is empty for a set of an exercise that is none of our lifts (kept
    from an import); ``exercise_name`` then names it as the file did.
    """

    performed_at: datetime
    workout_id: int
    workout_name: str
    workout_started_at: datetime
    workout_finished_at: datetime | None
    exercise_key: str
    set_number: int
    weight: Decimal
    unit: Unit
    reps: int
    rir: int | None
    warmup: bool
    notes: str
    exercise_name: str = ""
