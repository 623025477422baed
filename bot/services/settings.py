"""/settings: units, time zone and reminders in one message, each changed by a button.

Callback data (the handler checks <owner> against the pressing user first):

    g:u:<owner>:<unit>   switch units        g:z:<owner>   ask for a new time zone
    s:o:<owner>          the reminder picker (the schedule's own button)

Sections are built one by one (`_sections`); the equipment settings of the progression
work (plate and stack steps) become one more section there, with its own buttons.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.coach.timing import WEEKDAYS, days_from_mask
from bot.coach.units import Unit, parse_unit
from bot.db import workouts as repo
from bot.db.engine import Database
from bot.db.models import Schedule, UserSettings
from bot.db.users import ensure_user
from bot.replies import Button, Reply, row
from bot.services.workout import Lifter
from bot.texts import common as common_texts
from bot.texts import schedule as schedule_texts
from bot.texts import settings as texts

PREFIX = "g"
Section = tuple[str, tuple[Button, ...]]


@dataclass(frozen=True, slots=True)
class SettingsAnswer:
    """A reply, shown in place of the pressed /settings message or as a new one."""

    reply: Reply
    in_place: bool = False


class SettingsService:
    """Show the settings and change units (/settings, /units); one transaction per call."""

    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock

    async def _settings(self, session: AsyncSession, lifter: Lifter) -> UserSettings:
        _, settings, _ = await ensure_user(
            session, lifter.user_id, lifter.first_name, self.clock.now()
        )
        return settings

    async def show(self, lifter: Lifter) -> SettingsAnswer:
        """Every setting, with a button to change each."""
        async with self.db.transaction() as session:
            settings = await self._settings(session, lifter)
            return SettingsAnswer(await self._view(session, settings))

    async def set_unit(self, lifter: Lifter, unit: Unit) -> SettingsAnswer:
        """/settings' unit button: switch, and show the settings again in place."""
        async with self.db.transaction() as session:
            settings = await self._settings(session, lifter)
            if not await _switched(session, settings, unit):
                return SettingsAnswer(Reply(texts.UNIT_IN_WORKOUT))
            return SettingsAnswer(await self._view(session, settings), in_place=True)

    async def units_command(self, lifter: Lifter, text: str) -> Reply:
        """`/units kg`: switch; without a unit, say which one is in use."""
        chosen = parse_unit(text)
        async with self.db.transaction() as session:
            settings = await self._settings(session, lifter)
            if chosen is None:
                return Reply(common_texts.UNITS_USAGE.format(unit=settings.unit))
            if not await _switched(session, settings, chosen):
                return Reply(texts.UNIT_IN_WORKOUT)
            return Reply(common_texts.UNITS_SET.format(unit=settings.unit))

    async def _view(self, session: AsyncSession, settings: UserSettings) -> Reply:
        schedule = await session.get(Schedule, settings.user_id)
        sections = [build(settings, schedule) for build in _SECTIONS]
        lines = [texts.TITLE, *(text for text, _ in sections)]
        return Reply("\n".join(lines), tuple(buttons for _, buttons in sections if buttons))


async def _switched(session: AsyncSession, settings: UserSettings, unit: Unit) -> bool:
    """Switch units unless a workout is going: one workout keeps one unit."""
    if await repo.has_active_workout(session, settings.user_id):
        return False
    settings.unit = unit.value
    return True


def _units(settings: UserSettings, _: Schedule | None) -> Section:
    other = Unit.KG if settings.unit == Unit.LB.value else Unit.LB
    button = Button(texts.BUTTON_UNIT.format(unit=other), f"{PREFIX}:u:{settings.user_id}:{other}")
    return texts.UNITS.format(unit=settings.unit), row(button)


def _zone(settings: UserSettings, _: Schedule | None) -> Section:
    button = Button(texts.BUTTON_ZONE, f"{PREFIX}:z:{settings.user_id}")
    return texts.ZONE.format(zone=settings.time_zone), row(button)


def _reminders(settings: UserSettings, schedule: Schedule | None) -> Section:
    if schedule is not None and schedule.enabled:
        reminders = texts.REMINDERS_ON.format(
            days=schedule_texts.day_names(days_from_mask(schedule.days)),
            time=schedule_texts.clock(schedule.local_time),
        )
    else:
        reminders = texts.REMINDERS_OFF
    summary = texts.SUMMARY_OFF
    if schedule is not None and schedule.next_summary_at is not None:
        summary = texts.SUMMARY_ON.format(
            day=WEEKDAYS[settings.weekly_summary_day],
            time=schedule_texts.clock(settings.weekly_summary_time),
        )
    button = Button(texts.BUTTON_REMINDERS, f"s:o:{settings.user_id}")
    return f"{reminders}\n{summary}", row(button)


_SECTIONS: tuple[Callable[[UserSettings, Schedule | None], Section], ...] = (
    _units,
    _zone,
    _reminders,
)
