"""The weekly summary: workouts done, hard sets per muscle, new records, next week's loads.

"The week" is the seven days before the summary is sent; records are judged against
everything lifted before those days, on the lifter's local days.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal

from bot.coach.anatomy import MUSCLES_BY_KEY
from bot.coach.records import Record, RecordKind, new_records
from bot.coach.summary import WEEKLY_GUIDE, hard_sets_per_muscle
from bot.coach.units import Unit, format_weight
from bot.db import workouts as repo
from bot.db.engine import Database
from bot.db.models import UserSettings, WorkoutSet
from bot.db.users import get_settings
from bot.replies import Reply
from bot.services.history import exercise_name, number_text
from bot.services.preferences import zone_of
from bot.services.schedule import plan_lines
from bot.services.workout import user_plan
from bot.texts import loads
from bot.texts import schedule as texts

WEEK = dt.timedelta(days=7)


def _record_line(record: Record, unit: Unit) -> str:
    name = exercise_name(record.exercise_key)
    if record.kind == RecordKind.BEST_E1RM:
        load = format_weight(record.value.quantize(Decimal(1)), unit)
        return texts.WEEK_RECORD_E1RM.format(name=name, load=load)
    load = loads.in_unit(record.lifted, record.lifted_unit, unit)
    return texts.WEEK_RECORD_SET.format(name=name, load=load, reps=record.reps)


class WeeklySummary:
    """Builds weekly summaries, a batch of lifters in one read transaction."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def summaries(self, user_ids: Sequence[int], now: dt.datetime) -> dict[int, Reply]:
        """Each lifter's summary of the week up to `now` (strangers are left out)."""
        found = {}
        async with self.db.transaction() as session:
            for user_id in user_ids:
                settings = await get_settings(session, user_id)
                if settings is None:
                    continue
                stored = await repo.history_sets(session, user_id)
                plan = user_plan(await repo.plan_overrides(session, user_id))
                next_week = plan_lines(plan, await repo.loads(session, user_id), settings, now)
                found[user_id] = _summary(stored, settings, next_week, now)
        return found


def _summary(
    stored: Sequence[WorkoutSet], settings: UserSettings, next_week: list[str], now: dt.datetime
) -> Reply:
    """Workouts, hard sets per muscle and records of the week, then next week's loads."""
    zone, unit = zone_of(settings), Unit(settings.unit)
    week = [s for s in stored if now - WEEK < s.performed_at <= now]
    if not week:
        lines = [texts.WEEK_EMPTY]
    else:
        before = [repo.as_logged(s, zone) for s in stored if s.performed_at <= now - WEEK]
        logged = [repo.as_logged(s, zone) for s in week]
        workouts = len({s.workout_id for s in week})
        lines = [texts.WEEK_TITLE.format(workouts=texts.workouts(workouts)), ""]
        lines.append(texts.WEEK_MUSCLES.format(lo=WEEKLY_GUIDE[0], hi=WEEKLY_GUIDE[1]))
        lines += [
            texts.WEEK_MUSCLE.format(name=MUSCLES_BY_KEY[key].name, sets=number_text(count))
            for key, count in hard_sets_per_muscle(logged).items()
        ]
        records = new_records(before, logged, unit)
        if records:
            lines += ["", texts.WEEK_RECORDS, *(_record_line(r, unit) for r in records)]
    lines += ["", texts.WEEK_NEXT, *next_week, "", texts.WEEK_FOOTER]
    return Reply("\n".join(lines))
