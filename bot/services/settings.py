"""/settings: units, time zone and reminders in one message, each changed by a button.

Callback data (the handler checks <owner> against the pressing user first):

    g:u:<owner>:<unit>   switch units        g:z:<owner>   ask for a new time zone
    s:o:<owner>          the reminder picker (the schedule's own button)
    g:<part>:<owner>:<weight>  the next choice of bar (b), smallest plate pair (p),
                         dumbbell step (d) or cable stack step (c)
    g:w:<owner>:on|off   the warm-up ramp

Sections are built one by one (`_SECTIONS`). Each equipment button offers the next of a
few common choices of its unit, so every value stored is one the coach knows.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.coach.calibration import estimate_bias
from bot.coach.equipment import owned_dumbbells
from bot.coach.timing import WEEKDAYS, days_from_mask
from bot.coach.units import Unit, format_weight, parse_unit
from bot.db import workouts as repo
from bot.db.engine import Database
from bot.db.models import Schedule, UserSettings
from bot.db.users import ensure_user
from bot.replies import Button, Reply, row
from bot.services.workout import Lifter, equipment_of
from bot.texts import coaching as coaching_texts
from bot.texts import common as common_texts
from bot.texts import schedule as schedule_texts
from bot.texts import settings as texts

PREFIX = "g"
Section = tuple[str, tuple[Button, ...]]


def _choices(lb: tuple[str, ...], kg: tuple[str, ...]) -> dict[Unit, tuple[Decimal, ...]]:
    return {Unit.LB: tuple(map(Decimal, lb)), Unit.KG: tuple(map(Decimal, kg))}


# The common choices of each part, the unit's default first; a button offers the next one.
EQUIPMENT_CHOICES: dict[str, dict[Unit, tuple[Decimal, ...]]] = {
    "b": _choices(("45", "35"), ("20", "15")),  # the empty bar
    "p": _choices(("5", "2.5", "1"), ("2.5", "1", "0.5")),  # the smallest pair of plates
    "d": _choices(("5", "2.5"), ("2.5", "2", "1")),  # the dumbbell rack's step
    "c": _choices(("10", "5", "15"), ("5", "2.5", "10")),  # the cable stack's step
}
_COLUMNS = {"b": "bar_weight", "p": "plate_step", "d": "dumbbell_step", "c": "cable_step"}


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

    async def set_equipment(self, lifter: Lifter, part: str, value: str) -> SettingsAnswer:
        """An equipment button: store the choice if it is one of the unit's; show again."""
        async with self.db.transaction() as session:
            settings = await self._settings(session, lifter)
            choices = EQUIPMENT_CHOICES.get(part, {}).get(Unit(settings.unit), ())
            if part == "w":
                settings.warmups_on = value == "on"
            elif Decimal(value) in choices:
                setattr(settings, _COLUMNS[part], Decimal(value))
            else:
                return SettingsAnswer(Reply(common_texts.STALE_BUTTON))
            return SettingsAnswer(await self._view(session, settings), in_place=True)

    async def equipment_command(self, lifter: Lifter, text: str) -> Reply:
        """`/equipment dumbbells 10 12.5 15`, `... rack`, `/equipment top 200`, `... none`."""
        async with self.db.transaction() as session:
            settings = await self._settings(session, lifter)
            if not _equipment_words(settings, text.split()):
                return Reply(texts.EQUIPMENT_USAGE.format(unit=settings.unit))
            return Reply(texts.EQUIPMENT_SAVED)

    async def calibrate(self, lifter: Lifter) -> Reply:
        """/calibrate: ask for a reps-in-reserve check and show the bias known so far."""
        async with self.db.transaction() as session:
            settings = await self._settings(session, lifter)
            settings.calibration_asked = True
            bias = estimate_bias(await repo.rir_checks(session, lifter.user_id))
        return Reply(f"{coaching_texts.CALIBRATE_ASKED}\n\n{coaching_texts.bias_text(bias)}")

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
    if settings.unit != unit.value:  # equipment is owned in one unit: back to defaults
        settings.unit = unit.value
        for column in (*_COLUMNS.values(), "dumbbells", "cable_top"):
            setattr(settings, column, None)
    return True


_MAX_LOAD = Decimal(1000)
_MAX_DUMBBELLS = 40


def _weights(words: list[str]) -> list[Decimal] | None:
    """Loads as typed ("12.5" or "12,5"), each above 0 and at most 1000; None if any isn't."""
    found = []
    for word in words:
        try:
            weight = Decimal(word.replace(",", "."))
        except InvalidOperation:
            return None
        if not (weight.is_finite() and 0 < weight <= _MAX_LOAD):
            return None
        found.append(weight.quantize(Decimal("0.001")).normalize())
    return found


def _equipment_words(settings: UserSettings, words: list[str]) -> bool:
    """Apply `/equipment ...` to the settings; False when the words say nothing we know."""
    if len(words) < 2:
        return False
    part, rest = words[0].lower(), words[1:]
    if part == "dumbbells" and rest == ["rack"]:
        settings.dumbbells = None
        return True
    if part == "top" and rest == ["none"]:
        settings.cable_top = None
        return True
    weights = _weights(rest)
    if weights is None:
        return False
    if part == "dumbbells" and len(weights) <= _MAX_DUMBBELLS:
        settings.dumbbells = json.dumps([str(w) for w in owned_dumbbells(weights)])
        return True
    if part == "top" and len(weights) == 1 and weights[0] >= equipment_of(settings).stack_step:
        settings.cable_top = weights[0]
        return True
    return False


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


def _next(part: str, settings: UserSettings, current: Decimal) -> Button:
    """The button offering the choice after `current` (the first when it is not listed)."""
    unit = Unit(settings.unit)
    choices = EQUIPMENT_CHOICES[part][unit]
    after = choices.index(current) + 1 if current in choices else 0
    choice = choices[after % len(choices)]
    label = {
        "b": texts.BUTTON_BAR,
        "p": texts.BUTTON_PAIR,
        "d": texts.BUTTON_DUMBBELLS,
        "c": texts.BUTTON_STACK,
    }[part].format(load=format_weight(choice, unit))
    return Button(label, f"{PREFIX}:{part}:{settings.user_id}:{choice}")


def _bar(settings: UserSettings, _: Schedule | None) -> Section:
    kit = equipment_of(settings)
    text = texts.BAR.format(
        bar=format_weight(kit.bar, kit.unit), pair=format_weight(kit.plate_pair, kit.unit)
    )
    return text, row(_next("b", settings, kit.bar), _next("p", settings, kit.plate_pair))


def _dumbbells_and_stack(settings: UserSettings, _: Schedule | None) -> Section:
    kit = equipment_of(settings)
    if kit.dumbbells:
        loads = ", ".join(format_weight(w, kit.unit) for w in kit.dumbbells)
        dumbbells = texts.DUMBBELLS_OWNED.format(loads=loads)
    else:
        dumbbells = texts.DUMBBELLS_STEP.format(step=format_weight(kit.dumbbell_step, kit.unit))
    step = format_weight(kit.stack_step, kit.unit)
    if kit.stack_top is None:
        stack = texts.STACK_NO_TOP.format(step=step)
    else:
        stack = texts.STACK.format(step=step, top=format_weight(kit.stack_top, kit.unit))
    text = f"{dumbbells}\n{stack}\n{texts.EQUIPMENT_HINT}"
    buttons = row(_next("d", settings, kit.dumbbell_step), _next("c", settings, kit.stack_step))
    return text, buttons


def _warmups(settings: UserSettings, _: Schedule | None) -> Section:
    if settings.warmups_on:
        button = Button(texts.BUTTON_WARMUPS_OFF, f"{PREFIX}:w:{settings.user_id}:off")
        return texts.WARMUPS_ON, row(button)
    button = Button(texts.BUTTON_WARMUPS_ON, f"{PREFIX}:w:{settings.user_id}:on")
    return texts.WARMUPS_OFF, row(button)


_SECTIONS: tuple[Callable[[UserSettings, Schedule | None], Section], ...] = (
    _units,
    _zone,
    _reminders,
    _bar,
    _dumbbells_and_stack,
    _warmups,
)
