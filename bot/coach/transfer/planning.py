"""What importing a file would add, given the fingerprints already stored (pure).

A set is new when its fingerprint is unknown. Every stored set has one: imported sets
keep the file's, and the coach computes the same print when it logs a set, so
importing a file twice, or our own export back, adds nothing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable, Iterator, Set
from dataclasses import dataclass
from typing import Final

from bot.coach.transfer.model import ImportBatch, ImportedSet, ImportFormat, RowProblem

SESSION_GAP: Final = dt.timedelta(hours=3)
"""In our own export every set has its own time: a longer pause starts a new workout."""
IMPORTED_WORKOUT_NAME: Final = "Imported workout"
_MAX_NAME: Final = 128


@dataclass(frozen=True, slots=True)
class FileWorkout:
    """One workout of an imported file, with the sets of it that are new here."""

    import_key: str
    name: str
    started_at: dt.datetime
    finished_at: dt.datetime
    new_sets: tuple[ImportedSet, ...]
    other_sets: tuple[ImportedSet, ...] = ()
    """New sets of exercises that are none of our lifts, kept as their own history."""


@dataclass(frozen=True, slots=True)
class ImportPlan:
    """What importing a file does, in counts: for the preview and the reply after."""

    workouts: int
    new_workouts: int
    matched: dict[str, int]  # exercise key -> sets in the file
    unmatched: dict[str, int]  # exercise name as written -> sets in the file
    new_sets: int
    new_others: int
    known_sets: int
    warmups: int
    skipped_rows: int
    problems: tuple[RowProblem, ...]
    span: tuple[dt.datetime, dt.datetime] | None
    latest: dict[str, tuple[ImportedSet, ...]]  # exercise key -> latest working session


def import_key(started_at: dt.datetime, name: str) -> str:
    """Names a file's workout, so importing the file again finds the same one."""
    text = f"{started_at.astimezone(dt.UTC).isoformat()}\x1f{name}"
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def workouts_of(sets: Iterable[ImportedSet], fmt: ImportFormat) -> Iterator[list[ImportedSet]]:
    """The file's workouts as runs of consecutive sets, in file order.

    Strong and Hevy stamp every set with its workout's start, so a run is the sets with
    one start and workout name. Our own export stamps each set when it was lifted: a run
    there has one workout name, no pause over `SESSION_GAP`, no step back in time and no
    set number of an exercise seen twice. A workout whose rows are not together in the
    file becomes two runs with the same `import_key`, which the import puts in one
    workout.
    """
    current: list[ImportedSet] = []
    seen: set[tuple[str, int]] = set()
    for item in sets:
        ident = (item.exercise_key or item.exercise_name.casefold(), item.set_number)
        if current and _starts_another(current[-1], item, fmt, ident in seen):
            yield current
            current, seen = [], set()
        current.append(item)
        seen.add(ident)
    if current:
        yield current


def _starts_another(last: ImportedSet, item: ImportedSet, fmt: ImportFormat, repeat: bool) -> bool:
    if fmt != "coach":
        return (item.performed_at, item.workout_name) != (last.performed_at, last.workout_name)
    gap = item.performed_at - last.performed_at
    return (
        item.workout_name != last.workout_name or not dt.timedelta() <= gap <= SESSION_GAP or repeat
    )


class Planner:
    """Counts a file's workouts as they stream past and says which of their sets are new,
    given the fingerprints already stored (sets of exercises that are none of our lifts
    too: they are kept as their own history). Holds counts, the new fingerprints and
    each lift's latest session, never the file."""

    def __init__(self, known: Set[str]) -> None:
        self._known = known
        self._fresh: set[str] = set()
        self.matched: dict[str, int] = {}
        self.unmatched: dict[str, int] = {}
        self.latest: dict[str, tuple[ImportedSet, ...]] = {}
        self.workouts = self.new_workouts = self.new_sets = self.new_others = 0
        self.known_sets = self.warmups = 0
        self._first: dt.datetime | None = None
        self._last: dt.datetime | None = None

    def add(self, sets: list[ImportedSet]) -> FileWorkout:
        """One workout of the file, with the sets of it that are new here."""
        fresh: list[ImportedSet] = []
        others: list[ImportedSet] = []
        by_exercise: dict[str, list[ImportedSet]] = {}
        for item in sets:
            if item.exercise_key is None:
                self.unmatched[item.exercise_name] = self.unmatched.get(item.exercise_name, 0) + 1
            else:
                self.matched[item.exercise_key] = self.matched.get(item.exercise_key, 0) + 1
                self.warmups += item.warmup
                self._span(item.performed_at)
                if not item.warmup and item.reps > 0:
                    by_exercise.setdefault(item.exercise_key, []).append(item)
            if item.fingerprint in self._known or item.fingerprint in self._fresh:
                self.known_sets += 1
                continue
            self._fresh.add(item.fingerprint)
            (fresh if item.exercise_key is not None else others).append(item)
        for key, group in by_exercise.items():
            current = self.latest.get(key)
            if current is None or current[0].performed_at <= group[0].performed_at:
                self.latest[key] = tuple(group)
        self.workouts += 1
        self.new_workouts += bool(fresh or others)
        self.new_sets += len(fresh)
        self.new_others += len(others)
        first = sets[0]
        return FileWorkout(
            import_key=import_key(first.performed_at, first.workout_name),
            name=first.workout_name.strip()[:_MAX_NAME] or IMPORTED_WORKOUT_NAME,
            started_at=first.performed_at,
            finished_at=max(s.performed_at for s in sets),
            new_sets=tuple(fresh),
            other_sets=tuple(others),
        )

    def _span(self, instant: dt.datetime) -> None:
        self._first = instant if self._first is None else min(self._first, instant)
        self._last = instant if self._last is None else max(self._last, instant)

    def plan(self, skipped_rows: int, problems: tuple[RowProblem, ...]) -> ImportPlan:
        span = None if self._first is None or self._last is None else (self._first, self._last)
        return ImportPlan(
            workouts=self.workouts,
            new_workouts=self.new_workouts,
            matched=self.matched,
            unmatched=self.unmatched,
            new_sets=self.new_sets,
            new_others=self.new_others,
            known_sets=self.known_sets,
            warmups=self.warmups,
            skipped_rows=skipped_rows,
            problems=problems,
            span=span,
            latest=self.latest,
        )


def plan_import(batch: ImportBatch, known: Set[str]) -> ImportPlan:
    """What importing a whole batch would do (the streaming `Planner` over its sets)."""
    planner = Planner(known)
    for sets in workouts_of(batch.sets, batch.format):
        planner.add(sets)
    return planner.plan(batch.skipped_rows, batch.problems)
