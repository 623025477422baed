"""/schedule as use cases: training days, reminder time and zone, the weekly summary, and
what a reminder says. One transaction per call; an answer that changes the schedule says
when the lifter's next reminder or summary is due, so the shell can re-arm their job.

    /schedule ──> days (buttons) ──[Next]──> time (text or button) ──> zone (text or button)
                                                                            └──> saved
    /schedule mon wed fri 18:00 Europe/Berlin     the same in one line
    /schedule off         /schedule summary off | on | sun 19:00

The days picked so far live in the picker's buttons; the answers given so far live in
`user_settings` (drafts and `pending_input`), so a restart in the middle loses nothing.

Callback data (the handler checks <owner> against the pressing user first):

    s:d:<owner>:<mask>   the picker showing these days    s:n:<owner>:<mask>  days chosen
    s:t:<owner>:<HHMM>   a suggested time                 s:z:<owner>         keep my zone
    s:o:<owner>          open the picker (from /start)    s:w:<owner>         start workout
    s:u:<owner>          weekly summary on (offered when reminders are saved)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.coach.catalog import get_exercise
from bot.coach.plans import Slot
from bot.coach.timing import (
    WEEKDAYS,
    ScheduleError,
    days_from_mask,
    is_off,
    mask_of,
    next_due,
    parse_clock,
    parse_schedule,
    parse_zone,
    zone_name,
)
from bot.coach.units import Unit, format_weight
from bot.db.engine import Database
from bot.db.models import (
    IN_PROGRESS,
    ExerciseLoad,
    PlanSlot,
    Schedule,
    User,
    UserSettings,
    Workout,
)
from bot.db.users import ensure_user
from bot.replies import Button, Reply, row
from bot.services.preferences import forget_drafts, zone_of
from bot.services.workout import Lifter, today_load, user_plan
from bot.texts import common as common_texts
from bot.texts import schedule as texts

PREFIX = "s"
ASK_TIME = "schedule_time"  # `pending_input` names, answered through the text router
ASK_ZONE = "schedule_zone"
ASK_SETTINGS_ZONE = "settings_zone"
TIME_CHOICES = (dt.time(7), dt.time(12), dt.time(18))
DAYS_PER_ROW = 4
ALL_DAYS_MASK = 0b111_1111
_PerUser = TypeVar("_PerUser", UserSettings, PlanSlot, ExerciseLoad)  # tables keyed by lifter


@dataclass(frozen=True, slots=True)
class ScheduleAnswer:
    """A reply, shown in place of the pressed message or as a new one.

    `rearm` says the schedule changed; `wake_at` is then the lifter's next reminder or
    summary (None: nothing is due any more).
    """

    reply: Reply
    in_place: bool = False
    rearm: bool = False
    wake_at: dt.datetime | None = None


def wake_time(schedule: Schedule | None) -> dt.datetime | None:
    """When the lifter's job should next look for a due reminder or summary."""
    if schedule is None:
        return None
    reminder = schedule.next_due_at if schedule.enabled else None
    return min((i for i in (reminder, schedule.next_summary_at) if i is not None), default=None)


def schedule_offer(user_id: int) -> Reply:
    """The one-time offer `/start` makes, with a button that opens the day picker."""
    return Reply(texts.OFFER, (row(Button(texts.BUTTON_OFFER, f"{PREFIX}:o:{user_id}")),))


def plan_lines(
    plan: Sequence[Slot],
    loads: Mapping[str, ExerciseLoad],
    settings: UserSettings,
    now: dt.datetime,
) -> list[str]:
    """Each exercise of the plan with its next load: 'Deadlift 3 x 4-6 @ 245 lb', lighter
    (and saying why) after two weeks or more away from it."""
    unit = Unit(settings.unit)
    lines = []
    for slot in plan:
        name, load = get_exercise(slot.exercise_key).name, loads.get(slot.exercise_key)
        if load is None:
            lines.append(
                texts.REMINDER_NO_LOAD.format(name=name, sets=slot.sets, reps=slot.rep_range)
            )
            continue
        today = today_load(load, slot.rep_range, settings, now)
        line = texts.REMINDER_LOAD.format(
            name=name, sets=slot.sets, reps=slot.rep_range, load=format_weight(today.weight, unit)
        )
        lines.append(line if today.eased is None else f"{line} ({today.eased})")
    return lines


def _zone_known(loaded: _Loaded) -> bool:
    """Whether the lifter told us their zone: a schedule was saved with one, or a zone
    other than the UTC every new lifter starts with was set."""
    return loaded.schedule is not None or loaded.settings.time_zone != "UTC"


def _mask(text: str) -> int | None:
    return int(text) if text.isdigit() and int(text) <= ALL_DAYS_MASK else None


@dataclass
class _Loaded:
    """What one use case loaded: the lifter, their settings and schedule (if any)."""

    session: AsyncSession
    user: User
    settings: UserSettings
    schedule: Schedule | None


STALE = ScheduleAnswer(Reply(common_texts.STALE_BUTTON))


class ScheduleService:
    """Set, show and stop reminders and the weekly summary; one transaction per call."""

    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock

    async def _load(self, session: AsyncSession, lifter: Lifter) -> _Loaded:
        user, settings, _ = await ensure_user(
            session, lifter.user_id, lifter.first_name, self.clock.now()
        )
        return _Loaded(session, user, settings, await session.get(Schedule, lifter.user_id))

    # -- commands --------------------------------------------------------------------

    async def command(self, lifter: Lifter, text: str) -> ScheduleAnswer:
        """`/schedule`, `/schedule off`, `/schedule summary ...` or the one-line form."""
        text = " ".join(text.split())
        first, _, rest = text.partition(" ")
        async with self.db.transaction() as session:
            loaded = await self._load(session, lifter)
            if not text:
                return ScheduleAnswer(self._picker(loaded, None))
            if first.casefold() == "summary":
                return self._summary(loaded, rest)
            if is_off(text):
                return self._turn_off(loaded)
            try:
                spec = parse_schedule(text)
            except ScheduleError as error:
                return ScheduleAnswer(Reply(error.message))
            if spec.zone is None and not _zone_known(loaded):
                # "7am" in which zone? Asked once; the answer is remembered.
                loaded.settings.schedule_draft_days = mask_of(spec.days)
                return self._ask_zone(loaded, spec.at)
            return self._save(loaded, spec.days, spec.at, spec.zone or zone_of(loaded.settings))

    def _turn_off(self, loaded: _Loaded) -> ScheduleAnswer:
        """Reminders off, and the weekly summary with them (it comes with the schedule);
        `/schedule` brings both back as they were."""
        forget_drafts(loaded.settings)
        schedule = loaded.schedule
        if schedule is None or (not schedule.enabled and schedule.next_summary_at is None):
            return ScheduleAnswer(Reply(texts.ALREADY_OFF))
        schedule.enabled, schedule.next_due_at, schedule.next_summary_at = False, None, None
        return ScheduleAnswer(Reply(texts.OFF), rearm=True, wake_at=wake_time(schedule))

    def _summary(self, loaded: _Loaded, text: str) -> ScheduleAnswer:
        """`/schedule summary off | on | <day> <time>`."""
        settings, schedule = loaded.settings, loaded.schedule
        if schedule is None:
            return ScheduleAnswer(Reply(texts.SUMMARY_NEEDS_SCHEDULE))
        if is_off(text):
            settings.weekly_summary, schedule.next_summary_at = False, None
            return ScheduleAnswer(Reply(texts.SUMMARY_OFF), rearm=True, wake_at=wake_time(schedule))
        if text.casefold() != "on":
            try:
                spec = parse_schedule(text)
            except ScheduleError:
                return ScheduleAnswer(Reply(texts.SUMMARY_USAGE))
            if len(spec.days) != 1:
                return ScheduleAnswer(Reply(texts.SUMMARY_ONE_DAY))
            (settings.weekly_summary_day,) = spec.days
            settings.weekly_summary_time = spec.at
        settings.weekly_summary = True
        zone = parse_zone(schedule.time_zone)
        schedule.next_summary_at = self._summary_due(settings, zone)
        assert schedule.next_summary_at is not None
        text = texts.SUMMARY_ON.format(
            day=WEEKDAYS[settings.weekly_summary_day],
            time=texts.clock(settings.weekly_summary_time),
            zone=schedule.time_zone,
            next=texts.when(schedule.next_summary_at.astimezone(zone)),
        )
        return ScheduleAnswer(Reply(text), rearm=True, wake_at=wake_time(schedule))

    def _summary_due(self, settings: UserSettings, zone: dt.tzinfo) -> dt.datetime | None:
        if not settings.weekly_summary:
            return None
        return next_due(
            days=frozenset({settings.weekly_summary_day}),
            at=settings.weekly_summary_time,
            zone=zone,
            now=self.clock.now(),
        )

    def _save(
        self, loaded: _Loaded, days: frozenset[int], at: dt.time, zone: dt.tzinfo
    ) -> ScheduleAnswer:
        """Store the schedule, compute the next reminder and summary, and confirm."""
        settings, due = loaded.settings, next_due(days=days, at=at, zone=zone, now=self.clock.now())
        schedule = loaded.schedule
        if schedule is None:
            schedule = Schedule(user_id=loaded.user.id)
            loaded.session.add(schedule)
        schedule.days, schedule.local_time = mask_of(days), at
        schedule.time_zone = settings.time_zone = zone_name(zone)
        schedule.enabled, schedule.next_due_at = True, due
        schedule.next_summary_at = self._summary_due(settings, zone)
        forget_drafts(settings)
        loaded.user.blocked_at = None  # they are talking to us, so they have not blocked us
        lines = [
            texts.SAVED.format(
                days=texts.day_names(days),
                time=texts.clock(at),
                zone=schedule.time_zone,
                next=texts.when(due.astimezone(zone)),
            )
        ]
        summary = texts.SUMMARY_LINE if settings.weekly_summary else texts.SUMMARY_OFFER
        lines.append(
            summary.format(
                day=WEEKDAYS[settings.weekly_summary_day],
                time=texts.clock(settings.weekly_summary_time),
            )
        )
        offer: tuple[tuple[Button, ...], ...] = ()
        if not settings.weekly_summary:
            offer = (row(Button(texts.BUTTON_SUMMARY_ON, f"{PREFIX}:u:{loaded.user.id}")),)
        return ScheduleAnswer(
            Reply("\n".join(lines), offer), rearm=True, wake_at=wake_time(schedule)
        )

    # -- the step-by-step flow -------------------------------------------------------

    def _picker(self, loaded: _Loaded, mask: int | None) -> Reply:
        """Seven day toggles and [Next]; each button carries the mask it would show."""
        schedule, user_id = loaded.schedule, loaded.user.id
        if schedule is not None and schedule.enabled:
            status = texts.NOW_ON.format(
                days=texts.day_names(days_from_mask(schedule.days)),
                time=texts.clock(schedule.local_time),
                zone=schedule.time_zone,
            )
        else:
            status = texts.NOW_OFF
        if mask is None:
            mask = schedule.days if schedule is not None and schedule.enabled else 0
        buttons = []
        for day, name in enumerate(WEEKDAYS):
            chosen = mask >> day & 1
            label = texts.DAY_CHOSEN.format(day=name[:3]) if chosen else name[:3]
            buttons.append(Button(label, f"{PREFIX}:d:{user_id}:{mask ^ (1 << day)}"))
        rows = [tuple(buttons[i : i + DAYS_PER_ROW]) for i in range(0, 7, DAYS_PER_ROW)]
        rows.append(row(Button(texts.BUTTON_NEXT, f"{PREFIX}:n:{user_id}:{mask}")))
        return Reply("\n".join([status, texts.PICK_DAYS, texts.ONE_LINE]), tuple(rows))

    async def button(self, lifter: Lifter, action: str, args: Sequence[str]) -> ScheduleAnswer:
        """A schedule button (the handler checked the owner); stale or forged data is refused."""
        async with self.db.transaction() as session:
            loaded = await self._load(session, lifter)
            pending = loaded.settings.pending_input
            mask = _mask(args[0]) if len(args) == 1 else None
            if action == "o" and not args:
                return ScheduleAnswer(self._picker(loaded, None))
            if action == "d" and mask is not None:
                return ScheduleAnswer(self._picker(loaded, mask), in_place=True)
            if action == "n" and mask is not None:
                return self._choose_days(loaded, mask)
            if action == "t" and pending == ASK_TIME and len(args) == 1 and len(args[0]) == 4:
                return self._answer_time(loaded, f"{args[0][:2]}:{args[0][2:]}")
            if action == "z" and pending == ASK_ZONE and not args:
                return self._answer_zone(loaded, loaded.settings.time_zone)
            if action == "u" and not args and loaded.schedule is not None:
                return self._summary(loaded, "on")
            return STALE

    def _choose_days(self, loaded: _Loaded, mask: int) -> ScheduleAnswer:
        if mask == 0:
            return ScheduleAnswer(Reply(texts.NO_DAYS))
        settings, user_id = loaded.settings, loaded.user.id
        settings.schedule_draft_days, settings.pending_input = mask, ASK_TIME
        times = [Button(texts.clock(at), f"{PREFIX}:t:{user_id}:{at:%H%M}") for at in TIME_CHOICES]
        text = texts.ASK_TIME.format(days=texts.day_names(days_from_mask(mask)))
        return ScheduleAnswer(Reply(text, (tuple(times),)))

    async def answer(
        self, session: AsyncSession, user: User, settings: UserSettings, text: str
    ) -> ScheduleAnswer:
        """A typed answer to the question the lifter owes (`pending_input`), inside the
        caller's transaction: the text router loaded the lifter already."""
        loaded = _Loaded(session, user, settings, await session.get(Schedule, user.id))
        question = settings.pending_input
        if question == ASK_TIME:
            return self._answer_time(loaded, text)
        if question == ASK_ZONE:
            return self._answer_zone(loaded, text)
        if question == ASK_SETTINGS_ZONE:
            return self._answer_zone_change(loaded, text)
        forget_drafts(settings)
        return STALE

    def _answer_time(self, loaded: _Loaded, text: str) -> ScheduleAnswer:
        settings = loaded.settings
        if settings.pending_input != ASK_TIME or settings.schedule_draft_days is None:
            forget_drafts(settings)
            return STALE
        try:
            at = parse_clock(text)
        except ScheduleError as error:
            return ScheduleAnswer(Reply(error.message))
        return self._ask_zone(loaded, at)

    def _ask_zone(self, loaded: _Loaded, at: dt.time) -> ScheduleAnswer:
        """Keep the days (drafted already) and time; ask which zone they are in."""
        settings = loaded.settings
        settings.schedule_draft_time, settings.pending_input = at, ASK_ZONE
        keep = Button(settings.time_zone, f"{PREFIX}:z:{loaded.user.id}")
        return ScheduleAnswer(Reply(texts.ASK_ZONE.format(time=texts.clock(at)), (row(keep),)))

    def _answer_zone(self, loaded: _Loaded, text: str) -> ScheduleAnswer:
        settings = loaded.settings
        days, at = settings.schedule_draft_days, settings.schedule_draft_time
        if settings.pending_input != ASK_ZONE or days is None or at is None:
            forget_drafts(settings)
            return STALE
        try:
            zone = parse_zone(text)
        except ScheduleError as error:
            return ScheduleAnswer(Reply(error.message))
        return self._save(loaded, days_from_mask(days), at, zone)

    # -- the time zone, from /settings ----------------------------------------------

    async def ask_zone_change(self, lifter: Lifter) -> ScheduleAnswer:
        """/settings' [Time zone]: ask which zone the lifter is in now."""
        async with self.db.transaction() as session:
            loaded = await self._load(session, lifter)
            forget_drafts(loaded.settings)
            loaded.settings.pending_input = ASK_SETTINGS_ZONE
            return ScheduleAnswer(Reply(texts.ASK_NEW_ZONE.format(zone=loaded.settings.time_zone)))

    def _answer_zone_change(self, loaded: _Loaded, text: str) -> ScheduleAnswer:
        """The new zone: reminders and the summary keep their local times in it."""
        settings, schedule = loaded.settings, loaded.schedule
        try:
            zone = parse_zone(text)
        except ScheduleError as error:
            return ScheduleAnswer(Reply(error.message))
        forget_drafts(settings)
        settings.time_zone = zone_name(zone)
        reply = Reply(texts.ZONE_SET.format(zone=settings.time_zone))
        if schedule is None:
            return ScheduleAnswer(reply)
        schedule.time_zone = settings.time_zone
        if schedule.enabled:
            days, now = days_from_mask(schedule.days), self.clock.now()
            schedule.next_due_at = next_due(days=days, at=schedule.local_time, zone=zone, now=now)
            schedule.next_summary_at = self._summary_due(settings, zone)
        return ScheduleAnswer(reply, rearm=True, wake_at=wake_time(schedule))

    # -- what a reminder says --------------------------------------------------------

    async def reminders(self, user_ids: Sequence[int]) -> dict[int, Reply]:
        """Each lifter's reminder, read in one transaction (strangers are left out)."""
        async with self.db.transaction() as session:
            settings = await _by_user(session, UserSettings, user_ids)
            overrides = await _by_user(session, PlanSlot, user_ids)
            loads = await _by_user(session, ExerciseLoad, user_ids)
            training = set(
                await session.scalars(
                    select(Workout.user_id).where(Workout.user_id.in_(user_ids), IN_PROGRESS)
                )
            )
        now = self.clock.now()
        return {
            user_id: _reminder(
                user_id,
                mine,
                now,
                user_id in training,
                {o.slot_key: o for o in overrides.get(user_id, [])},
                {load.exercise_key: load for load in loads.get(user_id, [])},
            )
            for user_id, [mine] in settings.items()
        }


async def _by_user(
    session: AsyncSession, model: type[_PerUser], user_ids: Sequence[int]
) -> dict[int, list[_PerUser]]:
    """Rows of a per-lifter table for these lifters, grouped by lifter."""
    found: dict[int, list[_PerUser]] = {}
    for item in await session.scalars(select(model).where(model.user_id.in_(user_ids))):
        found.setdefault(item.user_id, []).append(item)
    return found


def _reminder(
    user_id: int,
    settings: UserSettings,
    now: dt.datetime,
    training: bool,
    overrides: dict[str, PlanSlot],
    loads: Mapping[str, ExerciseLoad],
) -> Reply:
    """Today's exercises with their next loads and [Start workout], or "still training"."""
    if training:
        resume = Button(texts.BUTTON_RESUME, f"{PREFIX}:w:{user_id}")
        return Reply(texts.REMINDER_IN_PROGRESS, (row(resume),))
    lines = plan_lines(user_plan(overrides), loads, settings, now)
    start = Button(texts.BUTTON_START, f"{PREFIX}:w:{user_id}")
    return Reply("\n".join([texts.REMINDER_TITLE, *lines]), (row(start),))
