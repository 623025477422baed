"""/export and /import: the lifter's sets out as CSV, and history in from Strong or Hevy.

An import is two steps. A file sent is read and previewed (what matched, what didn't,
how many sets are new); its bytes wait in `pending_imports`, so the preview can be
confirmed after a restart or on another worker. On [Import] the file is read again and
everything is written in one transaction: one workout per workout in the file, its new
sets, and next-time loads seeded from the latest working sets.

A set is new when its fingerprint is unknown. Every stored set has one: imported sets
keep the file's, and the coach computes the same print when it logs a set. Importing a
file twice, or our own export back, therefore adds nothing.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.coach.catalog import RepRange, get_exercise
from bot.coach.progression import LoadSteps, next_set
from bot.coach.timing import local_day, zone_name
from bot.coach.transfer import (
    ExportSet,
    ImportBatch,
    ImportedSet,
    ImportFormatError,
    export_csv,
    export_strong_csv,
    parse_import,
)
from bot.coach.units import Unit, convert, format_weight
from bot.db import history as queries
from bot.db import workouts as repo
from bot.db.engine import Database
from bot.db.models import ExerciseLoad, PendingImport, UserSettings, Workout, WorkoutSet
from bot.db.users import ensure_user, get_settings
from bot.replies import Button, Outcome, Reply, row
from bot.services.history import day_text, exercise_name, rep_range_for
from bot.services.preferences import unit_of, zone_of
from bot.services.workout import steps_for
from bot.texts import common as common_texts
from bot.texts import data as texts

PREFIX = "im"  # callback data: im:<user id>:ok:<file digest> or im:<user id>:no
MAX_FILE_BYTES = 5 * 1024 * 1024
SESSION_GAP = dt.timedelta(hours=3)
"""In our own export every set has its own time: a longer pause starts a new workout."""
IMPORTED_WORKOUT_NAME = "Imported workout"
_LISTED_NAMES = 15
_FILENAME_CHARS = 40
_CSV_TYPES = frozenset(
    {"text/csv", "text/plain", "text/comma-separated-values", "text/x-csv", "application/csv"}
)


def too_big(size: int | None) -> bool:
    """Whether a file of `size` bytes (None: not known yet) is over the import limit."""
    return size is not None and size > MAX_FILE_BYTES


def decode(content: bytes) -> str:
    """The file's text: UTF-8 (with or without a byte order mark), else Latin-1."""
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        return content.decode("latin-1")


def digest(content: bytes) -> str:
    """A short name for a file's content, carried by its [Import] button."""
    return hashlib.sha256(content).hexdigest()[:16]


def _sets(count: int) -> str:
    return texts.plural(count, "set")


def _workouts(count: int) -> str:
    return texts.plural(count, "workout")


def _looks_like_csv(filename: str, mime_type: str) -> bool:
    return mime_type.casefold() in _CSV_TYPES or filename.casefold().endswith((".csv", ".txt"))


def export_sets(rows: Iterable[tuple[WorkoutSet, Workout]]) -> list[ExportSet]:
    """Stored sets as the exporters take them."""
    return [
        ExportSet(
            performed_at=s.performed_at,
            workout_id=w.id,
            workout_name=w.name,
            workout_started_at=w.started_at,
            workout_finished_at=w.finished_at,
            exercise_key=s.exercise_key,
            set_number=s.set_number,
            weight=s.weight,
            unit=Unit(s.unit),
            reps=s.reps,
            rir=s.rir,
            warmup=s.warmup,
            notes=s.notes,
        )
        for s, w in rows
    ]


# -- deciding what an import adds (pure) ------------------------------------------------


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


def plan_import(batch: ImportBatch, known: set[str]) -> ImportPlan:
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
                name=first.workout_name.strip()[:128] or IMPORTED_WORKOUT_NAME,
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
        span=(min(times), max(times)) if times else None,
        latest=latest,
    )


def seed_load(
    user_id: int,
    session_sets: Sequence[ImportedSet],
    settings: UserSettings,
    rep_range: RepRange,
    lifted_at: dt.datetime,
) -> ExerciseLoad:
    """The next-time load after a session, decided from its top set as the coach would.

    The top set is the last one at the heaviest weight, so back-off and drop sets don't
    pull the load down.
    """
    heaviest = max(convert(s.weight, s.unit, Unit.KG) for s in session_sets)
    top = [s for s in session_sets if convert(s.weight, s.unit, Unit.KG) == heaviest][-1]
    assert top.exercise_key is not None
    exercise = get_exercise(top.exercise_key)
    suggestion = next_set(
        rep_range=rep_range,
        load_class=exercise.load_class,
        weight=top.weight,
        reps=top.reps,
        rir=top.rir,
        steps=steps_for(settings)
        if top.unit == unit_of(settings)
        else LoadSteps.defaults(top.unit),
    )
    return ExerciseLoad(
        user_id=user_id,
        exercise_key=exercise.key,
        weight=suggestion.weight,
        unit=suggestion.unit.value,
        target_reps=suggestion.target_reps,
        after_increase=False,
        updated_at=lifted_at,
    )


# -- the use cases -------------------------------------------------------------------


class TransferService:
    """Export every set as CSV; preview, confirm or cancel an import."""

    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock

    async def export(self, user_id: int, layout: str) -> Outcome:
        """`/export` (our lossless CSV) or `/export strong` (Strong's layout, user's unit)."""
        layout = layout.strip().casefold()
        if layout not in {"", "strong"}:
            return Outcome().say(texts.EXPORT_USAGE)
        async with self.db.transaction() as session:
            settings = await get_settings(session, user_id)
            rows = await queries.sets_with_workouts(session, user_id)
        if not rows:
            return Outcome().say(texts.EXPORT_EMPTY)
        sets = await asyncio.to_thread(export_sets, rows)
        zone, unit = zone_of(settings), unit_of(settings)
        today = local_day(self.clock.now(), zone).isoformat()
        if layout == "strong":
            text = await asyncio.to_thread(export_strong_csv, sets, zone, unit=unit)
            filename = f"upper-back-coach-strong-{today}.csv"
            caption = texts.EXPORTED_STRONG.format(sets=_sets(len(sets)), unit=unit.value)
        else:
            text = await asyncio.to_thread(export_csv, sets, zone)
            filename = f"upper-back-coach-{today}.csv"
            caption = texts.EXPORTED.format(
                sets=_sets(len(sets)),
                workouts=_workouts(len({w.id for _, w in rows})),
                zone=zone_name(zone),
            )
        return Outcome(replies=[Reply(caption, document=text.encode(), filename=filename)])

    async def _read(self, user_id: int, content: bytes, settings: UserSettings) -> ImportPlan:
        """Parse a file and compare it with what is stored (CPU work in worker threads).

        Raises ImportFormatError for a file that cannot be read.
        """
        batch = await asyncio.to_thread(
            parse_import, decode(content), default_unit=unit_of(settings), zone=zone_of(settings)
        )
        async with self.db.transaction() as session:
            stored = await queries.stored_fingerprints(session, user_id)
        return plan_import(batch, stored)

    async def preview(
        self, user_id: int, first_name: str, filename: str, mime_type: str, content: bytes
    ) -> Outcome:
        """A file arrived: say what importing it would do, and keep it until answered."""
        if too_big(len(content)):
            return Outcome().say(texts.FILE_TOO_BIG)
        async with self.db.transaction() as session:
            _, settings, _ = await ensure_user(session, user_id, first_name, self.clock.now())
        try:
            plan = await self._read(user_id, content, settings)
        except ImportFormatError as error:
            if not _looks_like_csv(filename, mime_type):
                return Outcome().say(texts.NOT_CSV)
            return Outcome().say(texts.BAD_FILE.format(problem=error.message))
        if not plan.matched:
            return Outcome().say(self._describe_unmatched(plan, texts.NOTHING_MATCHED))
        if not plan.new_sets:
            return Outcome().say(texts.ALL_KNOWN.format(sets=_sets(plan.known_sets)))
        async with self.db.transaction() as session:
            await queries.save_pending_import(session, user_id, filename, content, self.clock.now())
        buttons = row(
            Button(texts.BUTTON_IMPORT, f"{PREFIX}:{user_id}:ok:{digest(content)}"),
            Button(texts.BUTTON_CANCEL_IMPORT, f"{PREFIX}:{user_id}:no"),
        )
        text = self._preview_text(plan, filename, settings)
        return Outcome().say(text, buttons)

    def _preview_text(self, plan: ImportPlan, filename: str, settings: UserSettings) -> str:
        zone = zone_of(settings)
        name = " ".join(filename.split())[:_FILENAME_CHARS] or "your file"
        lines = [texts.PREVIEW_TITLE.format(filename=name)]
        if plan.span is not None:
            lines.append(
                texts.PREVIEW_SPAN.format(
                    workouts=_workouts(len(plan.workouts)),
                    first=day_text(local_day(plan.span[0], zone)),
                    last=day_text(local_day(plan.span[1], zone)),
                )
            )
        lines += ["", texts.PREVIEW_MATCHED]
        lines += [
            texts.PREVIEW_EXERCISE.format(name=exercise_name(key), sets=_sets(n))
            for key, n in sorted(plan.matched.items(), key=lambda item: -item[1])
        ]
        text = "\n".join(lines)
        if plan.unmatched:
            text = self._describe_unmatched(plan, text)
        notes = [
            texts.PREVIEW_COUNTS.format(new=_sets(plan.new_sets), known=_sets(plan.known_sets))
        ]
        if plan.warmups:
            notes.append(texts.PREVIEW_WARMUPS)
        if plan.skipped_rows:
            notes.append(texts.PREVIEW_SKIPPED.format(rows=texts.plural(plan.skipped_rows, "row")))
        notes.append(texts.PREVIEW_UNIT.format(unit=unit_of(settings).value))
        return f"{text}\n\n" + "\n".join(notes) + f"\n\n{texts.PREVIEW_ASK}"

    @staticmethod
    def _describe_unmatched(plan: ImportPlan, text: str) -> str:
        names = sorted(plan.unmatched.items(), key=lambda item: -item[1])
        lines = [texts.PREVIEW_UNMATCHED]
        lines += [
            texts.PREVIEW_EXERCISE.format(name=" ".join(n.split())[:60], sets=_sets(c))
            for n, c in names[:_LISTED_NAMES]
        ]
        if len(names) > _LISTED_NAMES:
            lines.append(texts.PREVIEW_MORE.format(count=len(names) - _LISTED_NAMES))
        return f"{text}\n\n" + "\n".join(lines)

    async def answer(self, user_id: int, args: str) -> Outcome:
        """[Import] (`ok:<digest>`) or [Cancel] (`no`) under a preview."""
        action, _, expected = args.partition(":")
        if action == "no":
            async with self.db.transaction() as session:
                await queries.drop_pending_import(session, user_id)
            return Outcome().say(texts.IMPORT_CANCELLED)
        if action != "ok" or not expected:
            return Outcome().say(common_texts.STALE_BUTTON)
        return await self.confirm(user_id, expected)

    async def confirm(self, user_id: int, expected: str) -> Outcome:
        """Import the pending file if it is still the one previewed; all or nothing."""
        async with self.db.transaction() as session:
            pending = await queries.pending_import(session, user_id)
            settings = await get_settings(session, user_id)
        if pending is None or settings is None or digest(pending.content) != expected:
            return Outcome().say(texts.IMPORT_STALE)
        problem = ""
        try:
            plan: ImportPlan | None = await self._read(user_id, pending.content, settings)
        except ImportFormatError as error:  # read fine for the preview, so hardly ever
            plan, problem = None, error.message
        async with self.db.transaction() as session:
            claimed = await session.get(PendingImport, user_id, with_for_update=True)
            if claimed is None or digest(claimed.content) != expected:
                return Outcome().say(texts.IMPORT_STALE)
            await session.delete(claimed)
            if plan is None:
                return Outcome().say(texts.BAD_FILE.format(problem=problem))
            if not plan.new_sets:
                return Outcome().say(texts.ALL_KNOWN.format(sets=_sets(plan.known_sets)))
            await self._write(session, user_id, plan)
            seeded = await self._seed_loads(session, user_id, plan, settings)
        lines = [
            texts.IMPORTED_DONE.format(
                sets=_sets(plan.new_sets), workouts=_workouts(plan.new_workouts)
            )
        ]
        if seeded:
            lines += ["", texts.IMPORTED_LOADS]
            lines += [
                texts.IMPORTED_LOAD.format(
                    name=exercise_name(load.exercise_key),
                    load=format_weight(load.weight, Unit(load.unit)),
                )
                for load in seeded
            ]
        return Outcome().say("\n".join(lines))

    async def _write(self, session: AsyncSession, user_id: int, plan: ImportPlan) -> None:
        """One workout row per file workout with new sets (reused on a second import)."""
        fresh = [w for w in plan.workouts if w.new_sets]
        existing = await queries.imported_workouts(session, user_id, [w.import_key for w in fresh])
        rows: dict[str, Workout] = {}
        for item in fresh:
            workout = existing.get(item.import_key)
            if workout is None:
                workout = Workout(
                    user_id=user_id,
                    status="finished",
                    source="import",
                    name=item.name,
                    started_at=item.started_at,
                    finished_at=item.finished_at,
                    import_key=item.import_key,
                )
                session.add(workout)
            rows[item.import_key] = workout
        await session.flush()
        await session.execute(
            insert(WorkoutSet),
            [
                {
                    "user_id": user_id,
                    "workout_id": rows[item.import_key].id,
                    "exercise_key": s.exercise_key,
                    "set_number": s.set_number,
                    "weight": s.weight,
                    "unit": s.unit.value,
                    "reps": s.reps,
                    "rir": s.rir,
                    "warmup": s.warmup,
                    "performed_at": s.performed_at,
                    "notes": s.notes[:512],
                    "fingerprint": s.fingerprint,
                }
                for item in fresh
                for s in item.new_sets
            ],
        )

    async def _seed_loads(
        self, session: AsyncSession, user_id: int, plan: ImportPlan, settings: UserSettings
    ) -> list[ExerciseLoad]:
        """Next-time loads from each exercise's latest working sets in the file, unless the
        stored load is newer than them."""
        loads = await repo.loads(session, user_id)
        overrides = await repo.plan_overrides(session, user_id)
        seeded = []
        for key, sets in plan.latest.items():
            lifted_at = max(s.performed_at for s in sets)
            current = loads.get(key)
            if current is not None and current.updated_at >= lifted_at:
                continue
            load = seed_load(user_id, sets, settings, rep_range_for(key, overrides), lifted_at)
            seeded.append(load)
        await repo.save_loads(session, seeded)
        return seeded
