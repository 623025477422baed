"""What importing a file would add, given the fingerprints already stored (pure).

A set is new when its fingerprint is unknown. Every stored set has one: imported sets
keep the file's, and the coach computes the same print when it logs a set, so
importing a file twice, or our own export back, adds nothing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Set
from dataclasses import dataclass
from typing import Final

from bot.coach.transfer.model import ImportBatch, ImportedSet, RowProblem

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


@dataclass(frozen=True, slots=True)
class ImportPlan:
    """What importing a file would do, for the preview and for the import itself."""

    workouts: tuple[FileWorkout, ...]
    matched: dict[str, int]  # exercise key -> sets in the file
    unmatched: dict[str, int]  # exercise name as written -> sets in the file
    new_sets: int
    known_sets: int
    warmups: int
    skipped_rows: int
    problems: tuple[RowProblem, ...]
    span: tuple[dt.datetime, dt.datetime] | None
    latest: dict[str, tuple[ImportedSet, ...]]  # exercise key -> latest working session

    @property
    def new_workouts(self) -> int:
        return sum(1 for w in self.workouts if w.new_sets)


def import_key(started_at: dt.datetime, name: str) -> str:
    """Names a file's workout, so importing the file again finds the same one."""
    text = f"{started_at.astimezone(dt.UTC).isoformat()}\x1f{name}"
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def group_workouts(batch: ImportBatch) -> list[list[ImportedSet]]:
    """The file's workouts, oldest first.

    Strong and Hevy stamp every set with its workout's start, so sets with the same start
    and workout name are one workout. Our own export stamps each set when it was lifted:
    a workout there is a run of sets with one name, no pause over `SESSION_GAP` and no
    set number of an exercise seen twice.
    """
    if batch.format != "coach":
        groups: dict[tuple[dt.datetime, str], list[ImportedSet]] = {}
        for item in batch.sets:
            groups.setdefault((item.performed_at, item.workout_name), []).append(item)
        return sorted(groups.values(), key=lambda sets: sets[0].performed_at)
    runs: list[list[ImportedSet]] = []
    seen: set[tuple[str, int]] = set()
    for item in sorted(batch.sets, key=lambda s: s.performed_at):
        ident = (item.exercise_key or item.exercise_name.casefold(), item.set_number)
        current = runs[-1] if runs else None
        if (
            current is None
            or item.workout_name != current[-1].workout_name
            or item.performed_at - current[-1].performed_at > SESSION_GAP
            or ident in seen
        ):
            runs.append([])
            seen = set()
        runs[-1].append(item)
        seen.add(ident)
    return runs


def plan_import(batch: ImportBatch, known: Set[str]) -> ImportPlan:
    """Which sets of `batch` are new, given the fingerprints already stored; unmatched
    exercises are counted but never imported."""
    matched: dict[str, int] = {}
    unmatched: dict[str, int] = {}
    workouts: list[FileWorkout] = []
    latest: dict[str, tuple[ImportedSet, ...]] = {}
    seen = set(known)
    new = known_count = warmups = 0
    for sets in group_workouts(batch):
        fresh = []
        by_exercise: dict[str, list[ImportedSet]] = {}
        for item in sets:
            if item.exercise_key is None:
                unmatched[item.exercise_name] = unmatched.get(item.exercise_name, 0) + 1
                continue
            matched[item.exercise_key] = matched.get(item.exercise_key, 0) + 1
            warmups += item.warmup
            if not item.warmup and item.reps > 0:
                by_exercise.setdefault(item.exercise_key, []).append(item)
            if item.fingerprint in seen:
                known_count += 1
                continue
            seen.add(item.fingerprint)
            fresh.append(item)
        latest.update({key: tuple(group) for key, group in by_exercise.items()})
        new += len(fresh)
        first = sets[0]
        workouts.append(
            FileWorkout(
                import_key=import_key(first.performed_at, first.workout_name),
                name=first.workout_name.strip()[:_MAX_NAME] or IMPORTED_WORKOUT_NAME,
                started_at=first.performed_at,
                finished_at=max(s.performed_at for s in sets),
                new_sets=tuple(fresh),
            )
        )
    times = [s.performed_at for s in batch.sets if s.exercise_key is not None]
    return ImportPlan(
        workouts=tuple(workouts),
        matched=matched,
        unmatched=unmatched,
        new_sets=new,
        known_sets=known_count,
        warmups=warmups,
        skipped_rows=batch.skipped_rows,
        problems=batch.problems,
        span=(min(times), max(times)) if times else None,
        latest=latest,
    )
