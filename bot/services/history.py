"""/history, /prs and /progress: read-only views of what the lifter has logged.

Days are the lifter's local days (their `time_zone`); weights are shown as lifted, and
records and charts are in the lifter's unit. Warm-ups appear in the history but never
count for records or charts.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from operator import itemgetter
from typing import TypeVar

from bot.charts import MIN_POINTS, ProgressPoint, render_progress_chart
from bot.clock import Clock
from bot.coach.anatomy import MUSCLES_BY_KEY
from bot.coach.catalog import EXERCISES, Exercise, RepRange, UnknownExercise, get_exercise
from bot.coach.lookup import find_exercise
from bot.coach.records import LoggedSet, epley, personal_records
from bot.coach.summary import WEEKLY_GUIDE, hard_set_weeks
from bot.coach.timing import local_day
from bot.coach.units import Unit, convert, format_weight
from bot.db import history as queries
from bot.db import workouts as repo
from bot.db.engine import Database
from bot.db.history import SetRow
from bot.db.models import OtherSet, PlanSlot, Workout, WorkoutSet
from bot.db.users import get_settings
from bot.db.workouts import as_logged
from bot.replies import Button, Outcome, Reply, row
from bot.services.preferences import unit_of, zone_of
from bot.services.workout import user_plan
from bot.texts import common as common_texts
from bot.texts import data as texts
from bot.texts import loads

T = TypeVar("T")
PREFIX = "hi"  # callback data: hi:<user id>:<offset>:<exercise key or empty>
WORKOUTS_PER_PAGE = 5
SESSIONS_PER_PAGE = 10
TEXT_BUDGET = 3800  # Telegram's limit is 4096 characters; leave room for the title
_QUOTE_CHARS = 40
_CATALOG_ORDER = {exercise.key: index for index, exercise in enumerate(EXERCISES)}


def exercise_name(key: str) -> str:
    """The catalog name of a stored exercise key (the key itself if it is stale)."""
    try:
        return get_exercise(key).name
    except UnknownExercise:
        return key


def day_text(day: dt.date) -> str:
    """'Mon 15 Jan 2024'."""
    return f"{day:%a} {day.day} {day:%b %Y}"


def _span(first: dt.date, last: dt.date) -> str:
    """'Mon 6 Jan' or 'Mon 30 Dec - Sun 5 Jan'."""
    days = [f"{day:%a} {day.day} {day:%b}" for day in sorted({first, last})]
    return " - ".join(days)


def number_text(value: Decimal) -> str:
    """225, 102.5, 33.75: at most two decimals, no trailing zeros."""
    return f"{value.quantize(Decimal('0.01')).normalize() + 0:f}"


def resolve_exercise(query: str) -> Exercise | str:
    """The exercise the lifter means, or a friendly reply saying why there is none."""
    result = find_exercise(query)
    if result.exercise is not None:
        return result.exercise
    quoted = " ".join(query.split())[:_QUOTE_CHARS]
    if result.is_ambiguous:
        names = [c.name for c in result.candidates]
        joined = ", ".join(names[:-1]) + " or " + names[-1]
        return texts.WHICH_EXERCISE.format(names=joined)
    if result.candidates:
        return texts.DID_YOU_MEAN.format(query=quoted, name=result.candidates[0].name)
    return texts.UNKNOWN_EXERCISE.format(query=quoted)


def rep_range_for(exercise_key: str, overrides: dict[str, PlanSlot]) -> RepRange:
    """The rep range the lifter trains an exercise in: their plan's, else the catalog's."""
    for slot in user_plan(overrides):
        if slot.exercise_key == exercise_key:
            return slot.rep_range
    return get_exercise(exercise_key).rep_range


async def read_sets(
    db: Database,
    model: type[WorkoutSet] | type[OtherSet],
    user_id: int,
    convert: Callable[[SetRow], T],
    *,
    exercise_key: str | None = None,
) -> list[T]:
    """Every set of the user in one table (of one of our lifts, if given) in order of id,
    each page of `queries.sets_page` read in a transaction of its own and converted at once.

    Between pages other lifters have the event loop and, on SQLite, the database: 80,000
    sets read at once as entities held both for 2.5 s. Converted at once, rows never pile
    up for the garbage collector to scan.
    """
    found: list[T] = []
    after = 0
    while True:
        async with db.transaction() as session:
            page = await queries.sets_page(
                session, model, user_id, after, exercise_key=exercise_key
            )
        found += [convert(row) for row in page]
        if len(page) < queries.SET_PAGE_ROWS:
            return found
        after = page[-1].id
        await asyncio.sleep(0)  # a page alone never waits, so let the others in here


def _as_is(row: SetRow) -> SetRow:
    return row


# -- history pages ---------------------------------------------------------------------


def set_text(logged: WorkoutSet | OtherSet, unit: Unit) -> str:
    """'235x6 @2', with '(warm-up)' for a warm-up set. A set lifted in the other unit is
    shown in `unit`, loadable, with what was lifted: '130x5 (60 kg)'."""
    weight, lifted = logged.weight, ""
    if logged.unit != unit.value:
        weight = loads.loadable(logged.weight, Unit(logged.unit), unit)
        lifted = f" ({format_weight(logged.weight, Unit(logged.unit))})"
    text = f"{number_text(weight)}x{logged.reps}{lifted}"
    if logged.rir is not None:
        text += f" @{logged.rir}"
    return text + (texts.WARMUP if logged.warmup else "")


def sets_line(label: str, sets: Sequence[WorkoutSet | OtherSet], unit: Unit) -> str:
    """'Deadlift: 225x6 @2, 235x5 @2': one line per exercise, in the lifter's unit."""
    return f"{label}: " + ", ".join(set_text(s, unit) for s in sets)


@dataclass(frozen=True, slots=True)
class _Page:
    """One page of history: the text blocks shown and where the next pages start."""

    blocks: list[str]
    newer: int | None
    older: int | None


def _fit(blocks: list[str], offset: int, per_page: int, more: bool) -> _Page:
    """Keep as many blocks as fit one message (at least one); say where older ones start."""
    kept: list[str] = []
    used = 0
    for block in blocks[:per_page]:
        if kept and used + len(block) + 2 > TEXT_BUDGET:
            break
        kept.append(block)
        used += len(block) + 2
    has_older = more or len(kept) < len(blocks)
    return _Page(
        blocks=kept,
        newer=max(offset - per_page, 0) if offset > 0 else None,
        older=offset + len(kept) if has_older else None,
    )


class HistoryService:
    """Pages of past workouts, personal records and progress charts; read-only."""

    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock

    async def history(self, user_id: int, query: str) -> Outcome:
        """`/history [exercise | week]`: the newest page of workouts, of one exercise's
        sessions, or the week's hard sets per muscle."""
        if query.strip().casefold() == texts.WEEK_WORD:
            return Outcome(replies=[await self.week(user_id)])
        key = None
        if query.strip():
            found = resolve_exercise(query)
            if isinstance(found, str):
                return Outcome().say(found)
            key = found.key
        return Outcome(replies=[await self.page(user_id, 0, key)])

    async def week(self, user_id: int) -> Reply:
        """`/history week`: hard sets per muscle this week so far and last week."""
        async with self.db.transaction() as session:
            settings = await get_settings(session, user_id)
            stored = await repo.history_sets(session, user_id)
        zone = zone_of(settings)
        today = local_day(self.clock.now(), zone)
        weeks = hard_set_weeks([as_logged(s, zone) for s in stored], today)
        last = dict(weeks.last_week.hard_sets)
        lines = [
            texts.WEEK_HARD_SETS_TITLE.format(
                this=_span(weeks.this_week.first, weeks.this_week.last),
                last=_span(weeks.last_week.first, weeks.last_week.last),
            ),
            "",
        ]
        lines += [
            texts.WEEK_HARD_SETS_LINE.format(
                name=MUSCLES_BY_KEY[key].name, this=number_text(count), last=number_text(last[key])
            )
            for key, count in weeks.this_week.hard_sets
        ]
        note = texts.WEEK_HARD_SETS_NOTE.format(lo=WEEKLY_GUIDE[0], hi=WEEKLY_GUIDE[1])
        return Reply("\n".join([*lines, "", note]))

    async def turn_page(self, user_id: int, args: str) -> Reply:
        """An [Older]/[Newer] press (`<offset>:<exercise key>`): the page to show instead."""
        offset_text, _, key = args.partition(":")
        if not offset_text.isdigit() or (key and key not in _CATALOG_ORDER):
            return Reply(common_texts.STALE_BUTTON)
        return await self.page(user_id, int(offset_text), key or None)

    async def page(self, user_id: int, offset: int, exercise_key: str | None) -> Reply:
        """The page of history starting `offset` workouts back."""
        per_page = WORKOUTS_PER_PAGE if exercise_key is None else SESSIONS_PER_PAGE
        async with self.db.transaction() as session:
            settings = await get_settings(session, user_id)
            workouts = await queries.workouts_page(
                session, user_id, offset=offset, limit=per_page + 1, exercise_key=exercise_key
            )
            sets = await queries.sets_of_workouts(
                session, [w.id for w in workouts[:per_page]], exercise_key=exercise_key
            )
            others = (
                await queries.other_sets_of_workouts(session, [w.id for w in workouts[:per_page]])
                if exercise_key is None
                else []
            )
        zone, unit = zone_of(settings), unit_of(settings)
        by_workout: dict[int, list[WorkoutSet]] = {}
        for logged in sets:
            by_workout.setdefault(logged.workout_id, []).append(logged)
        other_by_workout: dict[int, list[OtherSet]] = {}
        for other in others:
            other_by_workout.setdefault(other.workout_id, []).append(other)
        shown = workouts[:per_page]
        if exercise_key is None:
            blocks = [
                self._workout_block(
                    w, by_workout.get(w.id, []), other_by_workout.get(w.id, []), zone, unit
                )
                for w in shown
            ]
            title = texts.HISTORY_TITLE
        else:
            blocks = [
                sets_line(day_text(local_day(w.started_at, zone)), by_workout[w.id], unit)
                for w in shown
            ]
            title = texts.HISTORY_EXERCISE_TITLE.format(name=exercise_name(exercise_key))
        if not blocks:
            if offset > 0:
                return Reply(texts.HISTORY_END)
            if exercise_key is None:
                return Reply(texts.HISTORY_EMPTY)
            return Reply(texts.HISTORY_EXERCISE_EMPTY.format(name=exercise_name(exercise_key)))
        page = _fit(blocks, offset, per_page, len(workouts) > per_page)
        separator = "\n\n" if exercise_key is None else "\n"
        text = title + "\n\n" + separator.join(page.blocks)
        return Reply(text, self._buttons(user_id, page, exercise_key))

    @staticmethod
    def _workout_block(
        workout: Workout,
        sets: list[WorkoutSet],
        others: list[OtherSet],
        zone: dt.tzinfo,
        unit: Unit,
    ) -> str:
        name = workout.name + (texts.IMPORTED if workout.source == "import" else "")
        day = day_text(local_day(workout.started_at, zone))
        lines = [texts.WORKOUT_HEADER.format(day=day, name=name)]
        by_exercise: dict[str, list[WorkoutSet]] = {}
        for logged in sets:
            by_exercise.setdefault(logged.exercise_key, []).append(logged)
        for key, group in by_exercise.items():
            lines.append(sets_line(exercise_name(key), group, unit))
        by_name: dict[str, list[OtherSet]] = {}
        for other in others:
            by_name.setdefault(other.exercise_name, []).append(other)
        for name, kept in by_name.items():
            lines.append(sets_line(name, kept, unit))
        return "\n".join(lines)

    @staticmethod
    def _buttons(user_id: int, page: _Page, key: str | None) -> tuple[tuple[Button, ...], ...]:
        buttons = []
        if page.newer is not None:
            buttons.append(
                Button(texts.BUTTON_NEWER, f"{PREFIX}:{user_id}:{page.newer}:{key or ''}")
            )
        if page.older is not None:
            buttons.append(
                Button(texts.BUTTON_OLDER, f"{PREFIX}:{user_id}:{page.older}:{key or ''}")
            )
        return (row(*buttons),) if buttons else ()

    # -- records -----------------------------------------------------------------------

    async def records(self, user_id: int) -> Outcome:
        """`/prs`: per exercise, the best estimated max and the heaviest set per rep count."""
        async with self.db.transaction() as session:
            settings = await get_settings(session, user_id)
        zone = zone_of(settings)
        lifted = await read_sets(
            self.db, WorkoutSet, user_id, lambda row: (row.performed_at, as_logged(row, zone))
        )
        messages = await asyncio.to_thread(records_messages, lifted, unit_of(settings))
        if not messages:
            return Outcome().say(texts.RECORDS_EMPTY)
        return Outcome(replies=[Reply(text) for text in messages])

    # -- progress chart ----------------------------------------------------------------

    async def progress(self, user_id: int, query: str) -> Outcome:
        """`/progress <exercise>`: a chart as a photo, or a text when there is too little."""
        if not query.strip():
            return await self._progress_usage(user_id)
        found = resolve_exercise(query)
        if isinstance(found, str):
            return Outcome().say(found)
        async with self.db.transaction() as session:
            settings = await get_settings(session, user_id)
            overrides = await repo.plan_overrides(session, user_id)
        rows = await read_sets(self.db, WorkoutSet, user_id, _as_is, exercise_key=found.key)
        unit = unit_of(settings)
        points = await asyncio.to_thread(progress_points, rows, unit, zone_of(settings))
        if not points:
            return Outcome().say(texts.PROGRESS_NONE.format(name=found.name))
        if len(points) < MIN_POINTS:
            return Outcome().say(
                texts.PROGRESS_FEW.format(
                    workouts=texts.plural(len(points), "workout"),
                    name=found.name,
                    more=MIN_POINTS - len(points),
                )
            )
        rep_range = rep_range_for(found.key, overrides)
        chart = await asyncio.to_thread(
            render_progress_chart,
            points,
            exercise_name=found.name,
            unit=unit.value,
            rep_lo=rep_range.lo,
            rep_hi=rep_range.hi,
        )
        caption = texts.PROGRESS_CAPTION.format(
            name=found.name,
            first=number_text(points[0].e1rm.quantize(Decimal(1))),
            latest=number_text(points[-1].e1rm.quantize(Decimal(1))),
            unit=unit.value,
            count=len(points),
            since=day_text(points[0].day),
            until=day_text(points[-1].day),
        )
        return Outcome(replies=[Reply(caption, photo=chart)])

    async def _progress_usage(self, user_id: int) -> Outcome:
        async with self.db.transaction() as session:
            trained = await queries.exercises_trained(session, user_id)
        outcome = Outcome().say(texts.PROGRESS_USAGE)
        if trained:
            names = ", ".join(exercise_name(key) for key in trained)
            outcome.say(texts.PROGRESS_TRAINED.format(names=names))
        return outcome


def records_messages(lifted: Sequence[tuple[dt.datetime, LoggedSet]], unit: Unit) -> list[str]:
    """The records screen, in as few messages as fit; empty when there are no records.

    `lifted` holds each set with its instant, in order of id. Of equal records the first
    lifted counts, so they are put in time order (a stable sort: then by id)."""
    logged = [s for _, s in sorted(lifted, key=itemgetter(0))]
    records = personal_records(logged, unit)
    if not records:
        return []
    blocks = [texts.RECORDS_TITLE]
    for key in sorted(records, key=lambda k: (_CATALOG_ORDER.get(k, len(EXERCISES)), k)):
        mine = records[key]
        best = mine.best_e1rm
        lines = [
            exercise_name(key),
            texts.RECORD_BEST.format(
                load=format_weight(best.value.quantize(Decimal(1)), unit),
                set=f"{loads.in_unit(best.lifted, best.lifted_unit, unit)} x {best.reps}",
                day=day_text(best.performed_on),
            ),
        ]
        lines += [
            texts.RECORD_HEAVIEST.format(
                reps=texts.plural(record.reps or 0, "rep"),
                load=loads.in_unit(record.lifted, record.lifted_unit, unit),
                day=day_text(record.performed_on),
            )
            for record in mine.heaviest
        ]
        blocks.append("\n".join(lines))
    return _messages(blocks)


def progress_points(rows: Sequence[SetRow], unit: Unit, zone: dt.tzinfo) -> list[ProgressPoint]:
    """Per workout, oldest first: the best estimated max and the top set (heaviest, then
    most reps), in `unit`. Warm-ups and 0-rep sets don't count."""
    by_workout: dict[tuple[dt.datetime, int], list[SetRow]] = {}
    for logged in rows:
        if not logged.warmup and logged.reps > 0:
            workout = (logged.workout_started_at, logged.workout_id)
            by_workout.setdefault(workout, []).append(logged)
    points = []
    for (started_at, _), sets in sorted(by_workout.items()):
        weights = [convert(s.weight, Unit(s.unit), unit) for s in sets]
        top_weight, top_reps = max(zip(weights, (s.reps for s in sets), strict=True))
        points.append(
            ProgressPoint(
                day=local_day(started_at, zone),
                e1rm=max(epley(w, s.reps, s.rir) for w, s in zip(weights, sets, strict=True)),
                top_weight=top_weight,
                top_reps=top_reps,
            )
        )
    return points


def _messages(blocks: list[str]) -> list[str]:
    """Blocks joined into as few messages as fit Telegram's length limit."""
    messages: list[str] = []
    for block in blocks:
        if messages and len(messages[-1]) + len(block) + 2 <= TEXT_BUDGET:
            messages[-1] += "\n\n" + block
        else:
            messages.append(block)
    return messages
