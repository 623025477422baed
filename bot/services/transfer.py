"""/export and /import: the lifter's sets out as CSV, and history in from Strong or Hevy.

An import is two steps. A file sent is read and previewed (what matched, what didn't,
how many sets are new); its bytes wait in `pending_imports`, so the preview can be
confirmed after a restart or on another worker. On [Import] the pending file is claimed
and read again as a stream: one workout row per workout in the file and its new sets,
written `CHUNK_SETS` at a time, each chunk its own short transaction, so a 100,000-row
file neither sits in memory whole nor holds the database's write lock while other
lifters wait; then next-time loads seeded from the latest working sets. A crash part
way leaves the first chunks stored; sending the file again adds only the rest.

A set is new when its fingerprint is unknown. Every stored set has one: imported sets
keep the file's, and the coach computes the same print when it logs a set. Importing a
file twice, or our own export back, therefore adds nothing.
"""

from __future__ import annotations

import asyncio
import codecs
import datetime as dt
import hashlib
import io
import json
from collections.abc import Mapping, Sequence, Set
from functools import partial

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.coach.catalog import EXERCISES, RepRange, get_exercise
from bot.coach.progression import LoadSteps, next_set
from bot.coach.timing import local_day, zone_name
from bot.coach.transfer import (
    ExportReader,
    ExportSet,
    FileWorkout,
    ImportedSet,
    ImportFormatError,
    ImportPlan,
    Planner,
    export_csv,
    export_strong_csv,
    workouts_of,
)
from bot.coach.units import Unit, convert, format_weight
from bot.db import history as queries
from bot.db import workouts as repo
from bot.db.engine import Database
from bot.db.history import SetRow
from bot.db.models import (
    ExerciseLoad,
    OtherSet,
    PendingImport,
    UserSettings,
    Workout,
    WorkoutSet,
)
from bot.db.users import ensure_user, get_settings
from bot.replies import Button, Outcome, Reply, row
from bot.services.history import day_text, exercise_name, read_sets, rep_range_for
from bot.services.preferences import unit_of, zone_of
from bot.services.workout import steps_for
from bot.texts import common as common_texts
from bot.texts import data as texts

PREFIX = "im"
"""Callback data: im:<user>:ok:<file digest>, im:<user>:no, im:<user>:map:<n> (choose a lift
for the n-th unmatched name), im:<user>:to:<n>:<key> (map it), im:<user>:back (the preview)."""
_MAPPABLE = 4  # unmatched names offered a [Map] button, most sets first
MAX_FILE_BYTES = 20 * 1024 * 1024  # what a bot may download from Telegram
CHUNK_SETS = 250
"""Sets written per transaction: each holds SQLite's write lock for a few milliseconds."""
_PIECE = 1 << 16
_LISTED_NAMES = 15
_LISTED_PROBLEMS = 5
_FILENAME_CHARS = 40
_CSV_TYPES = frozenset(
    {"text/csv", "text/plain", "text/comma-separated-values", "text/x-csv", "application/csv"}
)


def too_big(size: int | None) -> bool:
    """Whether a file of `size` bytes (None: not known yet) is over the import limit."""
    return size is not None and size > MAX_FILE_BYTES


def encoding_of(content: bytes) -> str:
    """UTF-8 (a byte order mark is dropped by the reader), else Latin-1. Checked in
    pieces, so a large file is never decoded whole."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        for start in range(0, len(content), _PIECE):
            decoder.decode(content[start : start + _PIECE])
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return "latin-1"
    return "utf-8"


class ImportStream:
    """A file's workouts, read and planned as they are pulled, a chunk at a time.

    Raises ImportFormatError (at once for an unknown header; while pulling for broken
    CSV or mostly bad rows).
    """

    def __init__(
        self,
        content: bytes,
        unit: Unit,
        zone: dt.tzinfo,
        known: Set[str],
        mapping: Mapping[str, str] | None = None,
    ) -> None:
        lines = io.TextIOWrapper(io.BytesIO(content), encoding=encoding_of(content), newline="")
        self.reader = ExportReader(lines, default_unit=unit, zone=zone, mapping=mapping)
        self.planner = Planner(known)
        self._workouts = workouts_of(self.reader.sets(), self.reader.format)

    def next_chunk(self, size: int = CHUNK_SETS) -> list[FileWorkout]:
        """The next workouts with new sets, about `size` sets in all; [] at the end."""
        chunk: list[FileWorkout] = []
        count = 0
        for sets in self._workouts:
            workout = self.planner.add(sets)
            if workout.new_sets or workout.other_sets:
                chunk.append(workout)
                count += len(workout.new_sets) + len(workout.other_sets)
            if count >= size:
                break
        return chunk

    def summary(self) -> ImportPlan:
        """Read to the end (nothing kept) and say what importing would do."""
        while self.next_chunk():
            pass
        return self.plan()

    def plan(self) -> ImportPlan:
        return self.planner.plan(self.reader.skipped_rows, self.reader.problems)


def digest(content: bytes) -> str:
    """A short name for a file's content, carried by its [Import] button."""
    return hashlib.sha256(content).hexdigest()[:16]


def _sets(count: int) -> str:
    return texts.plural(count, "set")


def _workouts(count: int) -> str:
    return texts.plural(count, "workout")


def _looks_like_csv(filename: str, mime_type: str) -> bool:
    return mime_type.casefold() in _CSV_TYPES or filename.casefold().endswith((".csv", ".txt"))


def _set_row(user_id: int, workout_id: int, item: ImportedSet) -> dict[str, object]:
    """The columns a set of ours and a set of another exercise share."""
    return {
        "user_id": user_id,
        "workout_id": workout_id,
        "set_number": item.set_number,
        "weight": item.weight,
        "unit": item.unit.value,
        "reps": item.reps,
        "rir": item.rir,
        "warmup": item.warmup,
        "performed_at": item.performed_at,
        "notes": item.notes[:512],
        "fingerprint": item.fingerprint,
    }


def _short(name: str, limit: int) -> str:
    return " ".join(name.split())[:limit]


def _unmatched_names(plan: ImportPlan) -> list[str]:
    """Names that are none of our lifts, most sets first (the order [Map] buttons use)."""
    return sorted(plan.unmatched, key=lambda name: (-plan.unmatched[name], name))


async def _fingerprints(session: AsyncSession, user_id: int) -> set[str]:
    """Every stored set's fingerprint: our lifts' and other exercises' kept from imports."""
    query = select(OtherSet.fingerprint).where(OtherSet.user_id == user_id)
    others = set((await session.scalars(query)).all())
    return await queries.stored_fingerprints(session, user_id) | others


def _describe_problems(plan: ImportPlan) -> list[str]:
    """How many rows were left out as unreadable, which lines, and why (the first few)."""
    lines = [texts.PREVIEW_PROBLEMS.format(rows=texts.plural(len(plan.problems), "row"))]
    lines += [
        texts.PREVIEW_PROBLEM.format(problem=p.message) for p in plan.problems[:_LISTED_PROBLEMS]
    ]
    if len(plan.problems) > _LISTED_PROBLEMS:
        lines.append(
            texts.PREVIEW_MORE_PROBLEMS.format(count=len(plan.problems) - _LISTED_PROBLEMS)
        )
    return lines


def _export_set(row: SetRow, *, ours: bool) -> ExportSet:
    """A row of `queries.sets_page`: a set of our lifts (`ours`) or another exercise."""
    return ExportSet(
        performed_at=row.performed_at,
        workout_id=row.workout_id,
        workout_name=row.workout_name,
        workout_started_at=row.workout_started_at,
        workout_finished_at=row.workout_finished_at,
        exercise_key=row.exercise_key if ours else "",
        exercise_name="" if ours else row.exercise_name,
        set_number=row.set_number,
        weight=row.weight,
        unit=Unit(row.unit),
        reps=row.reps,
        rir=row.rir,
        warmup=row.warmup,
        notes=row.notes,
    )


def in_time_order(ours: list[ExportSet], others: list[ExportSet]) -> list[ExportSet]:
    """Stored sets, our lifts' and other exercises', each read in order of id, in time
    order as the exporters take them: by instant, our lifts' alone; with other exercises,
    by instant and workout. Sorts are stable, so ties keep our lifts first, then ids."""
    if not others:
        return sorted(ours, key=lambda item: item.performed_at)
    return sorted(ours + others, key=lambda item: (item.performed_at, item.workout_id))


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
        ours = await read_sets(self.db, WorkoutSet, user_id, partial(_export_set, ours=True))
        others = await read_sets(self.db, OtherSet, user_id, partial(_export_set, ours=False))
        if not ours and not others:
            return Outcome().say(texts.EXPORT_EMPTY)
        sets = await asyncio.to_thread(in_time_order, ours, others)
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
                workouts=_workouts(len({s.workout_id for s in sets})),
                zone=zone_name(zone),
            )
        return Outcome(replies=[Reply(caption, document=text.encode(), filename=filename)])

    async def _read(
        self, user_id: int, content: bytes, settings: UserSettings, mapping: Mapping[str, str]
    ) -> ImportPlan:
        """Parse a file and compare it with what is stored (CPU work in a worker thread).

        Raises ImportFormatError for a file that cannot be read.
        """
        async with self.db.transaction() as session:
            stored = await _fingerprints(session, user_id)
        unit, zone = unit_of(settings), zone_of(settings)
        return await asyncio.to_thread(
            lambda: ImportStream(content, unit, zone, stored, mapping).summary()
        )

    async def preview(
        self, user_id: int, first_name: str, filename: str, mime_type: str, content: bytes
    ) -> Outcome:
        """A file arrived: say what importing it would do, and keep it until answered."""
        if too_big(len(content)):
            return Outcome().say(texts.FILE_TOO_BIG)
        async with self.db.transaction() as session:
            _, settings, _ = await ensure_user(session, user_id, first_name, self.clock.now())
        try:
            plan = await self._read(user_id, content, settings, {})
        except ImportFormatError as error:
            if not _looks_like_csv(filename, mime_type):
                return Outcome().say(texts.NOT_CSV)
            return Outcome().say(texts.BAD_FILE.format(problem=error.message))
        if not plan.matched and not plan.unmatched:
            return Outcome().say(texts.NOTHING_MATCHED)
        if not plan.new_sets and not plan.new_others:
            return Outcome().say(texts.ALL_KNOWN.format(sets=_sets(plan.known_sets)))
        async with self.db.transaction() as session:
            await queries.save_pending_import(session, user_id, filename, content, self.clock.now())
        return self._preview(user_id, plan, filename, content, settings)

    def _preview(
        self, user_id: int, plan: ImportPlan, filename: str, content: bytes, settings: UserSettings
    ) -> Outcome:
        """The preview with [Import], [Cancel] and a [Map] button per unmatched name."""
        maps = [
            Button(texts.BUTTON_MAP.format(name=_short(name, 24)), f"{PREFIX}:{user_id}:map:{i}")
            for i, name in enumerate(_unmatched_names(plan)[:_MAPPABLE])
        ]
        buttons = (
            *(row(b) for b in maps),
            row(
                Button(texts.BUTTON_IMPORT, f"{PREFIX}:{user_id}:ok:{digest(content)}"),
                Button(texts.BUTTON_CANCEL_IMPORT, f"{PREFIX}:{user_id}:no"),
            ),
        )
        return Outcome().say(self._preview_text(plan, filename, settings), *buttons)

    def _preview_text(self, plan: ImportPlan, filename: str, settings: UserSettings) -> str:
        zone = zone_of(settings)
        name = " ".join(filename.split())[:_FILENAME_CHARS] or "your file"
        lines = [texts.PREVIEW_TITLE.format(filename=name)]
        if plan.span is not None:
            lines.append(
                texts.PREVIEW_SPAN.format(
                    workouts=_workouts(plan.workouts),
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
            texts.PREVIEW_COUNTS.format(
                new=_sets(plan.new_sets + plan.new_others), known=_sets(plan.known_sets)
            )
        ]
        if plan.warmups:
            notes.append(texts.PREVIEW_WARMUPS)
        if plan.skipped_rows:
            notes.append(texts.PREVIEW_SKIPPED.format(rows=texts.plural(plan.skipped_rows, "row")))
        if plan.problems:
            notes += _describe_problems(plan)
        notes.append(texts.PREVIEW_UNIT.format(unit=unit_of(settings).value))
        return f"{text}\n\n" + "\n".join(notes) + f"\n\n{texts.PREVIEW_ASK}"

    @staticmethod
    def _describe_unmatched(plan: ImportPlan, text: str) -> str:
        names = _unmatched_names(plan)
        lines = [texts.PREVIEW_UNMATCHED]
        lines += [
            texts.PREVIEW_EXERCISE.format(name=_short(n, 60), sets=_sets(plan.unmatched[n]))
            for n in names[:_LISTED_NAMES]
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
        if action == "ok" and expected:
            return await self.confirm(user_id, expected)
        if action in {"map", "to", "back"}:
            return await self._map(user_id, action, expected)
        return Outcome().say(common_texts.STALE_BUTTON)

    async def _map(self, user_id: int, action: str, args: str) -> Outcome:
        """[Map X] shows our lifts to choose from; choosing one (or [Back]) shows the
        preview again, with X counted as that lift."""
        async with self.db.transaction() as session:
            pending = await queries.pending_import(session, user_id)
            settings = await get_settings(session, user_id)
        if pending is None or settings is None:
            return Outcome().say(texts.IMPORT_STALE)
        mapping: dict[str, str] = json.loads(pending.mapping or "{}")
        plan = await self._read(user_id, pending.content, settings, mapping)
        names = _unmatched_names(plan)
        index_text, _, key = args.partition(":")
        index = int(index_text) if index_text.isdigit() else len(names)
        if action != "back" and index >= len(names):
            return Outcome().say(common_texts.STALE_BUTTON)
        if action == "map":
            choices = [Button(e.name, f"{PREFIX}:{user_id}:to:{index}:{e.key}") for e in EXERCISES]
            buttons = tuple(row(*choices[i : i + 2]) for i in range(0, len(choices), 2))
            buttons += (row(Button(texts.BUTTON_KEEP_OWN, f"{PREFIX}:{user_id}:back")),)
            question = texts.MAP_ASK.format(name=_short(names[index], 60))
            return Outcome().say(question, *buttons)
        if action == "to":
            if key not in {e.key for e in EXERCISES}:
                return Outcome().say(common_texts.STALE_BUTTON)
            mapping[names[index]] = key
            async with self.db.transaction() as session:
                claimed = await session.get(PendingImport, user_id, with_for_update=True)
                if claimed is None or claimed.content != pending.content:
                    return Outcome().say(texts.IMPORT_STALE)
                claimed.mapping = json.dumps(mapping, sort_keys=True)
            plan = await self._read(user_id, pending.content, settings, mapping)
        return self._preview(user_id, plan, pending.filename, pending.content, settings)

    async def confirm(self, user_id: int, expected: str) -> Outcome:
        """Import the pending file if it is still the one previewed, in chunks."""
        async with self.db.transaction() as session:
            claimed = await session.get(PendingImport, user_id, with_for_update=True)
            settings = await get_settings(session, user_id)
            if claimed is None or settings is None or digest(claimed.content) != expected:
                return Outcome().say(texts.IMPORT_STALE)
            content, mapping = claimed.content, json.loads(claimed.mapping or "{}")
            await session.delete(claimed)
            stored = await _fingerprints(session, user_id)
        unit, zone = unit_of(settings), zone_of(settings)
        try:
            stream = await asyncio.to_thread(ImportStream, content, unit, zone, stored, mapping)
            while chunk := await asyncio.to_thread(stream.next_chunk):
                async with self.db.transaction() as session:
                    await self._write(session, user_id, chunk)
        except ImportFormatError as error:  # read fine for the preview, so hardly ever
            return Outcome().say(texts.BAD_FILE.format(problem=error.message))
        plan = stream.plan()
        if not plan.new_sets and not plan.new_others:
            return Outcome().say(texts.ALL_KNOWN.format(sets=_sets(plan.known_sets)))
        async with self.db.transaction() as session:
            seeded = await self._seed_loads(session, user_id, plan, settings)
        lines = [
            texts.IMPORTED_DONE.format(
                sets=_sets(plan.new_sets), workouts=_workouts(plan.new_workouts)
            )
        ]
        if plan.new_others:
            lines.append(texts.IMPORTED_OTHERS.format(sets=_sets(plan.new_others)))
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

    async def _write(
        self, session: AsyncSession, user_id: int, fresh: Sequence[FileWorkout]
    ) -> None:
        """One workout row per file workout (reused by a later chunk or a second import),
        all inserted in one statement: adding them one by one took most of a chunk's time."""
        existing = await queries.imported_workouts(session, user_id, [w.import_key for w in fresh])
        ids = {key: workout.id for key, workout in existing.items()}
        new: dict[str, dict[str, object]] = {}
        for item in fresh:
            if item.import_key not in ids:
                new.setdefault(
                    item.import_key,
                    {
                        "user_id": user_id,
                        "status": "finished",
                        "source": "import",
                        "name": item.name,
                        "started_at": item.started_at,
                        "finished_at": item.finished_at,
                        "import_key": item.import_key,
                    },
                )
        if new:
            inserted = await session.execute(
                insert(Workout).returning(Workout.import_key, Workout.id), list(new.values())
            )
            ids.update({key: id_ for key, id_ in inserted.all() if key is not None})
        rows = {item.import_key: ids[item.import_key] for item in fresh}
        ours = [
            _set_row(user_id, rows[item.import_key], s) | {"exercise_key": s.exercise_key}
            for item in fresh
            for s in item.new_sets
        ]
        if ours:
            await session.execute(insert(WorkoutSet), ours)
        others = [
            _set_row(user_id, rows[item.import_key], s) | {"exercise_name": s.exercise_name[:128]}
            for item in fresh
            for s in item.other_sets
        ]
        if others:
            await session.execute(insert(OtherSet), others)

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
        await repo.save_loads(await session.connection(), seeded)
        return seeded
