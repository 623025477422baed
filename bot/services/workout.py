"""The guided workout's shell: load, step, store, in one transaction per update.

Every decision is `bot.coach.session.step`; this module only turns the `workouts` rows
into a `WorkoutState`, what the lifter sent into an `Event`, and the effects back into
rows, timers and messages. Timers and messages go out through `Effects` after the
commit, so a set is stored before the bot confirms it; a redelivered update or a second
press of a button changes nothing (the inbox keeps the ids of handled updates, and
buttons name their set).
"""

from __future__ import annotations

import datetime as dt
import functools
import json
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, replace
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.coach import session as ws
from bot.coach.calibration import calibration_due, calibration_exercise, estimate_bias
from bot.coach.catalog import LoadClass, RepRange, get_exercise
from bot.coach.equipment import Equipment, custom_equipment, loading_of
from bot.coach.nexttime import layoff
from bot.coach.plans import DEFAULT_PLAN, PlanError, Slot, default_slot
from bot.coach.progression import LoadSteps, round_load
from bot.coach.reading import Intent, IntentRead, Question, Unreadable, read_message
from bot.coach.records import LoggedSet, new_records
from bot.coach.session import intake
from bot.coach.summary import summarize
from bot.coach.timing import local_day
from bot.coach.transfer import set_fingerprint
from bot.coach.units import Unit, convert
from bot.db import workouts as repo
from bot.db.engine import Database
from bot.db.models import ExerciseLoad, PlanSlot, User, UserSettings
from bot.db.rows import ExerciseRow, SettingsView, UserRow, WorkoutRow
from bot.db.users import create_user, fresh_name, rename, save_settings, user_and_settings
from bot.db.work import Work
from bot.replies import Outcome, Reply
from bot.services.ports import Effects
from bot.services.preferences import forget_drafts, zone_of
from bot.texts import common as common_texts
from bot.texts import reading as reading_texts
from bot.texts import workout as texts

PREFIX = texts.PREFIX
# How far back next time looks: long enough for a stall over three weekly sessions.
_STORY = dt.timedelta(weeks=12)
T = TypeVar("T")
# Reads a typed answer to another feature's question, in the caller's transaction.
PendingAnswer = Callable[[AsyncSession, User, UserSettings, str], Awaitable[T]]
# The /howto answer for a phrase naming a lift (the handlers own it; "how do I do a seal row").
Howto = Callable[[str], Reply]


@dataclass(frozen=True, slots=True)
class Lifter:
    """Who is asking, and which update carries the request (for idempotency)."""

    user_id: int
    first_name: str = ""
    update_id: int | None = None


def steps_for(settings: SettingsView) -> LoadSteps:
    """The lifter's load steps in their unit, with their own plate or stack step if set."""
    steps = LoadSteps.defaults(Unit(settings.unit))
    if settings.plate_step is not None:
        steps = replace(steps, plate_step=settings.plate_step)
    if settings.cable_step is not None:
        steps = replace(steps, cable_step=settings.cable_step)
    return steps


def equipment_of(settings: SettingsView) -> Equipment:
    """What the lifter loads with, from their settings; unset parts are the unit's defaults.

    Built once per distinct settings (every update needs it; building checks each
    dumbbell), keyed by the loads as written so that 45 and 45.00 stay apart."""
    loads = (settings.bar_weight, settings.plate_step, settings.dumbbell_step)
    stack = (settings.cable_step, settings.cable_top)
    written = tuple(None if w is None else str(w) for w in (*loads, *stack))
    return _equipment(settings.unit, written, settings.dumbbells)


@functools.lru_cache(maxsize=1024)
def _equipment(unit: str, written: tuple[str | None, ...], dumbbells: str | None) -> Equipment:
    bar, plate_pair, dumbbell_step, stack_step, stack_top = (
        None if w is None else Decimal(w) for w in written
    )
    return custom_equipment(
        Unit(unit),
        bar=bar,
        plate_pair=plate_pair,
        dumbbell_step=dumbbell_step,
        dumbbells=[Decimal(w) for w in json.loads(dumbbells or "[]")],
        stack_step=stack_step,
        stack_top=stack_top,
    )


def user_plan(overrides: dict[str, PlanSlot]) -> tuple[Slot, ...]:
    """The default plan with the lifter's lasting changes applied.

    A stored change the slot can no longer take (a stale row) leaves that slot at its default.
    """
    plan = []
    for slot in DEFAULT_PLAN:
        change = overrides.get(slot.key)
        try:
            plan.append(
                slot
                if change is None
                else slot.swapped(change.exercise_key)
                .with_sets(change.sets)
                .with_rep_range(change.rep_lo, change.rep_hi)
                .with_rest(change.rest_seconds)
            )
        except PlanError:
            plan.append(slot)
    return tuple(plan)


def load_in(weight: Decimal, unit: Unit, wanted: Unit, step: Decimal) -> Decimal:
    """A stored load in the lifter's current unit, rounded to what they can load."""
    return weight if unit == wanted else round_load(convert(weight, unit, wanted), step)


def load_step(exercise_key: str, steps: LoadSteps) -> Decimal:
    """The smallest load change of an exercise: plates on a bar, or one cable stack pin."""
    cable = get_exercise(exercise_key).load_class is LoadClass.CABLE
    return steps.cable_step if cable else steps.plate_step


@dataclass(frozen=True, slots=True)
class TodayLoad:
    """A stored next-time load as it stands today: in the lifter's unit, and lighter
    (with the reason) after two weeks or more away from the exercise."""

    weight: Decimal
    target_reps: int | None
    after_increase: bool
    eased: str | None = None


def today_load(
    load: ExerciseLoad, rep_range: RepRange, settings: SettingsView, now: dt.datetime
) -> TodayLoad:
    """What the reminder, the card and the new workout start an exercise at."""
    unit, zone = Unit(settings.unit), zone_of(settings)
    weight = load_in(
        load.weight, Unit(load.unit), unit, load_step(load.exercise_key, steps_for(settings))
    )
    exercise = get_exercise(load.exercise_key)
    eased = layoff(
        weight,
        local_day(load.updated_at, zone),
        local_day(now, zone),
        rep_range=rep_range,
        equipment=equipment_of(settings),
        loading=loading_of(exercise.load_class, exercise.key),
    )
    if eased is None:
        return TodayLoad(weight, load.target_reps, load.after_increase)
    return TodayLoad(eased.weight, eased.target_reps, False, eased.reason)


# -- rows <-> state ------------------------------------------------------------------

# Stored values read for every exercise and set of every update: a cached lookup costs a
# fraction of an Enum call (a value that is no member still raises, and is not kept).
_unit = functools.cache(Unit)
_exercise_status = functools.cache(ws.ExerciseStatus)


def _exercise_state(row: ExerciseRow, unit: Unit, steps: LoadSteps) -> ws.ExerciseState:
    target = None
    if row.target_weight is not None and row.target_unit is not None:
        step = load_step(row.exercise_key, steps)
        weight = load_in(row.target_weight, _unit(row.target_unit), unit, step)
        target = ws.Load(weight, unit)
    return ws.ExerciseState(
        id=row.id,
        exercise_key=row.exercise_key,
        slot_key=row.slot_key,
        sets=row.sets,
        rep_range=RepRange(row.rep_lo, row.rep_hi),
        rest_seconds=row.rest_seconds,
        status=_exercise_status(row.status),
        target=target,
        target_reps=row.target_reps,
        after_jump=row.after_increase,
    )


def _done_set(row: repo.WorkoutSetRow) -> ws.DoneSet:
    return ws.DoneSet(
        exercise_id=row.workout_exercise_id or 0,
        exercise_key=row.exercise_key,
        number=row.set_number,
        weight=row.weight,
        unit=_unit(row.unit),
        reps=row.reps,
        rir=row.rir,
        warmup=row.warmup,
    )


@dataclass
class _Loaded:
    """What one update loaded: the lifter's settings, workout rows and its state."""

    work: Work
    user: UserRow
    settings: SettingsView
    workout: WorkoutRow | None = None
    rows: Sequence[ExerciseRow] = ()
    state: ws.WorkoutState | None = None
    new: bool = False  # created by this update: no plan changes or loads stored yet

    @property
    def unit(self) -> Unit:
        return Unit(self.settings.unit)


def _write(loaded: _Loaded, new: ws.WorkoutState, now: dt.datetime) -> None:
    """Copy the new state onto the rows; unchanged columns stay untouched (no UPDATE)."""
    workout = loaded.workout
    assert workout is not None
    workout.assign(
        current_index=new.index,
        current_set=new.set_number,
        awaiting=new.awaiting.value,
        pending_reps=new.pending_reps,
        status=new.status.value,
    )
    if new.status is not ws.WorkoutStatus.ACTIVE:
        workout.assign(finished_at=now)
    for row, exercise in zip(loaded.rows, new.exercises, strict=True):
        target = exercise.target
        row.assign(
            exercise_key=exercise.exercise_key,
            slot_key=exercise.slot_key,
            status=exercise.status.value,
            target_reps=exercise.target_reps,
            after_increase=exercise.after_jump,
        )
        if target is None:
            row.assign(target_weight=None, target_unit=None)
        elif (
            row.target_weight is None
            or row.target_unit is None
            or (convert(row.target_weight, Unit(row.target_unit), target.unit) != target.weight)
        ):
            row.assign(target_weight=target.weight, target_unit=target.unit.value)


# -- the service -----------------------------------------------------------------------


class WorkoutService:
    """Start, log, skip, swap, undo, finish and cancel workouts; one transaction per call.

    Each public method handles one update and carries out its effects (timers, replies)
    through `effects` after the commit.
    """

    def __init__(self, db: Database, clock: Clock, effects: Effects) -> None:
        self.db = db
        self.clock = clock
        self.effects = effects

    @asynccontextmanager
    async def _lifter(self, lifter: Lifter) -> AsyncIterator[_Loaded]:
        """One update's transaction: the lifter loaded, and what the step changed of the
        workout's rows written before the commit."""
        async with self.db.work() as work:
            loaded = await self._load(work, lifter)
            yield loaded
            if loaded.workout is not None:
                await repo.save_changes(work.connection, loaded.workout, loaded.rows)

    async def _load(self, work: Work, lifter: Lifter) -> _Loaded:
        found = await repo.lifter_state(work.connection, lifter.user_id)
        if found is None:  # first contact: nobody new has a workout
            user, settings, created = await create_user(
                work.session, lifter.user_id, lifter.first_name, self.clock.now()
            )
            return _Loaded(work, UserRow(user.id, user.first_name), settings, new=created)
        name = fresh_name(found.user.first_name, lifter.first_name)
        if name is not None:
            await rename(work.connection, found.user.id, name)
        loaded = _Loaded(work, found.user, found.settings, found.workout, found.exercises)
        if found.workout is not None:
            loaded.state = self._with_calibration(
                loaded, self._state(loaded, found.sets, found.resting), found
            )
        return loaded

    def _with_calibration(
        self, loaded: _Loaded, state: ws.WorkoutState, found: repo.LifterState
    ) -> ws.WorkoutState:
        """The state with the lifter's day, their reps-in-reserve bias, and today's check
        exercise when a check is due or was asked for (all read with the state)."""
        settings, zone = loaded.settings, zone_of(loaded.settings)
        today = local_day(self.clock.now(), zone)
        calibrate = None
        first = found.first_workout_at
        first_day = None if first is None else local_day(first, zone)
        if settings.calibration_asked or calibration_due(
            settings.last_calibration_on, today, first_day
        ):
            calibrate = calibration_exercise(tuple(row.exercise_key for row in loaded.rows))
        bias = estimate_bias(found.checks).correction
        return replace(state, today=today, rir_bias=bias, calibrate=calibrate)

    async def _with_story(self, loaded: _Loaded, now: dt.datetime) -> ws.WorkoutState:
        """The state with the current exercise's recent past: what next time is decided
        from when an update ends the exercise."""
        state, workout = loaded.state, loaded.workout
        assert state is not None and workout is not None
        past = await repo.recent_sets_of(
            loaded.work.connection,
            loaded.user.id,
            state.current.exercise_key,
            workout.id,
            now - _STORY,
            zone_of(loaded.settings),
        )
        return replace(state, past=tuple(past))

    def _state(
        self, loaded: _Loaded, sets: Sequence[repo.WorkoutSetRow], resting: bool
    ) -> ws.WorkoutState:
        workout = loaded.workout
        assert workout is not None
        unit, steps = loaded.unit, steps_for(loaded.settings)
        return ws.WorkoutState(
            exercises=tuple(_exercise_state(row, unit, steps) for row in loaded.rows),
            unit=unit,
            steps=steps,
            equipment=equipment_of(loaded.settings),
            warmups_on=loaded.settings.warmups_on,
            index=workout.current_index,
            awaiting=ws.Awaiting(workout.awaiting),
            pending_reps=workout.pending_reps,
            sets=tuple(_done_set(row) for row in sets),
            resting=resting,
        )

    async def _claim(self, loaded: _Loaded, lifter: Lifter) -> bool:
        return await repo.claim_update(
            loaded.work.connection, lifter.update_id, lifter.user_id, self.clock.now()
        )

    async def _done(self, user_id: int, outcome: Outcome) -> None:
        """After the commit: timers first (a reply may mention them), then the replies."""
        if outcome.cancel_timer:
            self.effects.stop_rest(user_id)
        if outcome.rest_seconds is not None:
            self.effects.start_rest(user_id, outcome.rest_seconds)
        if outcome.replies:
            await self.effects.send(user_id, outcome.replies)

    async def _step(
        self, loaded: _Loaded, lifter: Lifter, event: ws.Event, *, claim: bool = True
    ) -> Outcome:
        """Claim the update, step, store the state and effects; what to carry out after.

        `claim=False` is for an event that changes nothing (showing the current step): it
        is answered even under an update id already handled, which is how an answer lost
        to a fault is said again (`bot.pipeline.replay`)."""
        assert loaded.state is not None
        if claim and not await self._claim(loaded, lifter):
            return Outcome()
        assert loaded.workout is not None
        loaded.workout.assign(question=None)  # anything that moves on closes a question
        now = self.clock.now()
        if ws.needs_past(loaded.state, event):
            loaded.state = await self._with_story(loaded, now)
        new, effects = ws.step(loaded.state, event, now)
        _write(loaded, new, now)
        return await self._apply(loaded, lifter, new, effects, now)

    async def _apply(
        self,
        loaded: _Loaded,
        lifter: Lifter,
        state: ws.WorkoutState,
        effects: Sequence[ws.Effect],
        now: dt.datetime,
    ) -> Outcome:
        """Store the effects in this transaction; return the replies and timer changes."""
        connection, workout = loaded.work.connection, loaded.workout
        assert workout is not None
        outcome = Outcome()
        messages: list[ws.Message] = []
        logged: list[dict[str, Any]] = []
        update_id = lifter.update_id
        for effect in effects:
            match effect:
                case ws.LogSet(set=done):
                    logged.append(self._set_row(lifter.user_id, workout.id, done, now, update_id))
                    update_id = None  # one update may log several sets; the first owns it
                case ws.RemoveSet(exercise_id=exercise_id, number=number):
                    await repo.remove_set(connection, exercise_id, number)
                case ws.StartRest(seconds=seconds, due_at=due_at):
                    await repo.set_rest_timer(connection, lifter.user_id, workout.id, due_at)
                    outcome.rest_seconds, outcome.cancel_timer = seconds, False
                case ws.StopRest():
                    await repo.clear_rest_timer(connection, lifter.user_id)
                    outcome.rest_seconds, outcome.cancel_timer = None, True
                case ws.StoreLoads(loads=loads):
                    await repo.save_loads(connection, self._load_rows(lifter.user_id, loads, now))
                case ws.StoreCheck(exercise_key=key, check=check):
                    await repo.add_check(
                        connection,
                        {
                            "user_id": lifter.user_id,
                            "exercise_key": key,
                            "performed_at": now,
                            "reps": check.reps,
                            "predicted_rir": check.predicted_rir,
                            "amrap_reps": check.amrap_reps,
                        },
                    )
                    await save_settings(
                        connection,
                        lifter.user_id,
                        last_calibration_on=local_day(now, zone_of(loaded.settings)),
                        calibration_asked=False,
                    )
                case ws.Say(message=message):
                    messages.append(message)
        await repo.add_sets(connection, logged)
        facts = None
        summary = next((m for m in messages if isinstance(m, ws.Summary)), None)
        if summary is not None and summary.sets:
            facts = await self._facts(loaded, lifter, summary, now)
        outcome.replies = texts.render(messages, facts)
        return outcome

    @staticmethod
    def _set_row(
        user_id: int, workout_id: int, done: ws.DoneSet, now: dt.datetime, update_id: int | None
    ) -> dict[str, Any]:
        return {
            "user_id": user_id,
            "workout_id": workout_id,
            "workout_exercise_id": done.exercise_id,
            "exercise_key": done.exercise_key,
            "set_number": done.number,
            "weight": done.weight,
            "unit": done.unit.value,
            "reps": done.reps,
            "rir": done.rir,
            "warmup": done.warmup,
            "performed_at": now,
            "update_id": update_id,
            "fingerprint": set_fingerprint(
                now,
                done.exercise_key,
                done.number,
                done.weight,
                done.unit,
                done.reps,
                warmup=done.warmup,
            ),
        }

    @staticmethod
    def _load_rows(
        user_id: int, loads: Sequence[ws.NextLoad], now: dt.datetime
    ) -> list[ExerciseLoad]:
        return [
            ExerciseLoad(
                user_id=user_id,
                exercise_key=load.exercise_key,
                weight=load.load.weight,
                unit=load.load.unit.value,
                target_reps=load.target_reps,
                after_increase=load.after_jump,
                updated_at=now,
            )
            for load in loads
        ]

    async def _facts(
        self, loaded: _Loaded, lifter: Lifter, summary: ws.Summary, now: dt.datetime
    ) -> texts.SummaryFacts:
        """Totals and new records: the records need the lifter's history."""
        assert loaded.workout is not None
        zone = zone_of(loaded.settings)
        today_on = local_day(now, zone)
        today = [
            LoggedSet(s.exercise_key, s.weight, s.unit, s.reps, s.rir, today_on, s.warmup)
            for s in summary.sets
        ]
        history = await repo.logged_before(
            loaded.work.connection,
            lifter.user_id,
            loaded.workout.id,
            {s.exercise_key for s in today},
            zone,
        )
        return texts.SummaryFacts(
            summarize(today, summary.unit), new_records(history, today, summary.unit)
        )

    async def _in_workout(
        self,
        lifter: Lifter,
        event: Callable[[ws.WorkoutState], ws.Event],
        *,
        no_workout: str = texts.NO_WORKOUT,
    ) -> None:
        """Run one event against the workout in progress, in one transaction."""
        async with self._lifter(lifter) as loaded:
            if loaded.state is None:
                outcome = Outcome().say(no_workout)
            else:
                outcome = await self._step(loaded, lifter, event(loaded.state))
        await self._done(lifter.user_id, outcome)

    # -- starting and resuming -------------------------------------------------------

    async def start(self, lifter: Lifter) -> None:
        """Start today's workout from the lifter's plan, or resume the one in progress."""
        async with self._lifter(lifter) as loaded:
            # Training now: a question left half-answered elsewhere (say, /schedule) must
            # not swallow the set reports that follow.
            if loaded.settings.pending_input is not None:
                await save_settings(loaded.work.connection, lifter.user_id, pending_input=None)
            if loaded.state is not None:
                outcome = await self._step(loaded, lifter, ws.Show(), claim=False)
            elif not await self._claim(loaded, lifter):
                outcome = Outcome()
            else:
                now = self.clock.now()
                state, eased = await self._create(loaded, lifter.user_id, now)
                effects = ws.begin(state)
                effects[1:1] = [ws.Say(message) for message in eased]  # before the first card
                outcome = await self._apply(loaded, lifter, state, effects, now)
        await self._done(lifter.user_id, outcome)

    async def _create(
        self, loaded: _Loaded, user_id: int, now: dt.datetime
    ) -> tuple[ws.WorkoutState, list[ws.Eased]]:
        """Today's workout rows from the plan and stored loads; the loads eased after a
        layoff, said once at the start."""
        session = loaded.work.session
        plan, loads = DEFAULT_PLAN, {}
        if not loaded.new:
            plan = user_plan(await repo.plan_overrides(session, user_id))
            loads = await repo.loads(session, user_id)
        today = {
            slot.exercise_key: today_load(load, slot.rep_range, loaded.settings, now)
            for slot in plan
            if (load := loads.get(slot.exercise_key)) is not None
        }
        exercises = [
            {
                "position": position,
                "slot_key": slot.key,
                "status": "active" if position == 0 else "pending",
                **_assignment(slot, today.get(slot.exercise_key), loaded.unit),
            }
            for position, slot in enumerate(plan)
        ]
        awaiting = "reps" if exercises[0]["target_weight"] is not None else "start_weight"
        loaded.workout, loaded.rows = await repo.create_workout(
            loaded.work.connection, user_id, now, awaiting, exercises
        )
        eased = [
            ws.Eased(key, ws.Load(load.weight, loaded.unit), load.eased)
            for key, load in today.items()
            if load.eased is not None
        ]
        return self._state(loaded, (), resting=False), eased

    async def rest_over(self, user_id: int) -> None:
        """The rest timer ran out: say so, with what to do now."""
        async with self._lifter(Lifter(user_id)) as loaded:
            outcome = Outcome()
            if loaded.state is not None:
                outcome = await self._step(loaded, Lifter(user_id), ws.RestOver())
        await self._done(user_id, outcome)

    # -- what the lifter sends -------------------------------------------------------

    async def on_text(
        self, lifter: Lifter, text: str, pending: PendingAnswer[T], howto: Howto | None = None
    ) -> T | None:
        """A free-text message: a set, reps left, a starting weight, a question or request.

        When the lifter owes another feature an answer (`pending_input`), `pending` reads
        the text in this same transaction, and what it returns is for the caller to carry
        out after the commit.
        """
        async with self._lifter(lifter) as loaded:
            if loaded.settings.pending_input is not None:
                session = loaded.work.session
                user, settings = await user_and_settings(session, lifter.user_id)
                return await pending(session, user, settings, text)
            if loaded.state is None:
                outcome = _outside_workout(text, loaded.unit, howto)
            else:
                outcome = await self._read(loaded, lifter, text, howto)
        await self._done(lifter.user_id, outcome)
        return None

    async def _read(
        self, loaded: _Loaded, lifter: Lifter, text: str, howto: Howto | None
    ) -> Outcome:
        """Read the text against the workout: log it, ask about it, or answer it."""
        state, workout = loaded.state, loaded.workout
        assert state is not None and workout is not None
        taken = intake.take(state, text)
        match taken:
            case Question():
                if not await self._claim(loaded, lifter):
                    return Outcome()
                asked = intake.open_question(state, taken)
                workout.assign(question=intake.dump(asked))  # nothing stored until a pick
                name = get_exercise(state.current.exercise_key).name
                question, rows = reading_texts.ask(asked, name)
                return Outcome().say(question, *rows)
            case Unreadable():
                return Outcome().say(reading_texts.unreadable(taken))
            case IntentRead():
                return await self._intent(loaded, lifter, taken, howto)
        return await self._step(loaded, lifter, taken)

    async def _intent(
        self, loaded: _Loaded, lifter: Lifter, read: IntentRead, howto: Howto | None
    ) -> Outcome:
        """A plain-word request mid-workout does what its command does."""
        state = loaded.state
        assert state is not None
        match read.intent:
            case Intent.HOWTO if howto is not None:
                return Outcome(replies=[howto(_howto_query(read))])
            case Intent.SWAP if read.exercise_key is not None:
                event = await self._swap_event(loaded, lifter, read.exercise_key, None)
                return await self._step(loaded, lifter, event or ws.SwapAsked())
            case Intent.NEXT:
                return Outcome(replies=texts.render([ws.prompt(state, intro=True)]))
            case Intent.REST:
                return Outcome().say(reading_texts.rest(state))
            case Intent.WEIGHT:
                return Outcome().say(reading_texts.weight(state))
        return Outcome().say(reading_texts.nudge(read.intent, state))

    async def on_button(self, lifter: Lifter, data: str) -> None:
        """A workout button; stale, forged or repeated presses change nothing."""
        async with self._lifter(lifter) as loaded:
            outcome = None
            if loaded.state is not None:
                if data.split(":")[1:2] == ["an"]:
                    outcome = await self._drop_question(loaded, lifter, data)
                else:
                    event = await self._button_event(loaded, lifter, data)
                    outcome = None if event is None else await self._step(loaded, lifter, event)
            if outcome is None:
                outcome = Outcome().say(common_texts.STALE_BUTTON)
        await self._done(lifter.user_id, outcome)

    async def _drop_question(self, loaded: _Loaded, lifter: Lifter, data: str) -> Outcome | None:
        """ "None of these": forget the question, log nothing; None when it is not open."""
        assert loaded.workout is not None
        asked = intake.load(loaded.workout.question)
        _, _, exercise_id, set_number = data.split(":")
        if asked is None or not asked.asked_at(ws.At(int(exercise_id), int(set_number))):
            return None
        if not await self._claim(loaded, lifter):
            return Outcome()
        loaded.workout.assign(question=None)
        return Outcome().say(reading_texts.NOTHING_LOGGED)

    async def _button_event(self, loaded: _Loaded, lifter: Lifter, data: str) -> ws.Event | None:
        """The event a button's data stands for; None when it is not one of ours."""
        state = loaded.state
        assert state is not None
        parts = data.split(":")
        if len(parts) < 3 or not parts[2].isdigit():
            return None
        action, exercise_id, args = parts[1], int(parts[2]), parts[3:]
        if exercise_id not in {e.id for e in state.exercises}:
            return None
        try:
            return await self._read_button(loaded, lifter, action, exercise_id, args)
        except (ValueError, InvalidOperation, IndexError, PlanError):
            return None

    async def _read_button(
        self, loaded: _Loaded, lifter: Lifter, action: str, exercise_id: int, args: list[str]
    ) -> ws.Event | None:
        state = loaded.state
        assert state is not None
        if action in {"r", "p", "q"}:
            at = ws.At(exercise_id, int(args[0]))
            value = int(args[1])
            if action == "q":
                return ws.RirAnswered(value, at)
            return ws.SetReported((ws.ReportedSet(value),), at, ask_rir=action == "r")
        if action == "a":
            asked = intake.load(loaded.workout.question if loaded.workout else None)
            at = ws.At(exercise_id, int(args[0]))
            return None if asked is None else asked.pick(state, at, int(args[1]))
        at = ws.At(exercise_id)
        if action == "sw":
            confirmed = args[1:] == ["y"]
            return ws.StartWeightGiven(Decimal(args[0]), None, at, confirmed=confirmed)
        if action == "k":
            return ws.Skip(at)
        if action == "wd":
            return ws.WarmupsDone(at)
        if action == "wn":
            return ws.WarmupsSkipped(at)
        if action == "x":
            return ws.SwapAsked(at)
        if action == "xs":
            return await self._swap_event(loaded, lifter, args[0], at)
        return None

    async def _swap_event(
        self, loaded: _Loaded, lifter: Lifter, exercise_key: str, at: ws.At | None
    ) -> ws.Event | None:
        """A swap to `exercise_key`, with its stored load; None if the slot can't take it."""
        state = loaded.state
        assert state is not None
        slot = default_slot(state.current.slot_key)
        if exercise_key not in ws.swap_options(state.current, slot.options):
            return None
        stored = (await repo.loads(loaded.work.session, lifter.user_id)).get(exercise_key)
        return ws.Swap(
            exercise_key,
            slot.key,
            None if stored is None else ws.Load(stored.weight, Unit(stored.unit)),
            None if stored is None else stored.target_reps,
            False if stored is None else stored.after_increase,
            at,
        )

    # -- commands --------------------------------------------------------------------

    async def skip(self, lifter: Lifter) -> None:
        """Skip the current exercise (`/skip`)."""
        await self._in_workout(lifter, lambda _: ws.Skip())

    async def swap(self, lifter: Lifter) -> None:
        """Offer what the current exercise can be swapped for (`/swap`)."""
        await self._in_workout(lifter, lambda _: ws.SwapAsked())

    async def undo(self, lifter: Lifter) -> None:
        """Take back the pending answer, else the last set (`/undo`)."""
        await self._in_workout(lifter, lambda _: ws.Undo())

    async def finish(self, lifter: Lifter) -> None:
        """Finish now with a summary (`/done`)."""
        await self._in_workout(lifter, lambda _: ws.Finish())

    async def cancel(self, lifter: Lifter) -> None:
        """Leave a pending question, else end the workout keeping its sets (`/cancel`).

        Both in one transaction, the lifter loaded once.
        """
        async with self._lifter(lifter) as loaded:
            if loaded.settings.pending_input is not None:
                _, settings = await user_and_settings(loaded.work.session, lifter.user_id)
                forget_drafts(settings)
                outcome = Outcome().say(common_texts.CANCELLED)
            elif loaded.state is None:
                outcome = Outcome().say(common_texts.NOTHING_TO_CANCEL)
            else:
                outcome = await self._step(loaded, lifter, ws.Cancel())
        await self._done(lifter.user_id, outcome)


def _howto_query(read: IntentRead) -> str:
    """What to look up: the lift the request named, else its words."""
    return get_exercise(read.exercise_key).name if read.exercise_key else read.query


def _outside_workout(text: str, unit: Unit, howto: Howto | None) -> Outcome:
    """No workout going: form questions are answered; anything else points to /workout."""
    read = read_message(text, intake.read_context(None, unit))
    if isinstance(read, IntentRead) and read.intent is Intent.HOWTO and howto is not None:
        return Outcome(replies=[howto(_howto_query(read))])
    return Outcome().say(common_texts.STRAY_TEXT)


def _assignment(slot: Slot, load: TodayLoad | None, unit: Unit) -> dict[str, Any]:
    """A workout position's columns for `slot`'s exercise, from its load for today."""
    return {
        "exercise_key": slot.exercise_key,
        "sets": slot.sets,
        "rep_lo": slot.rep_range.lo,
        "rep_hi": slot.rep_range.hi,
        "rest_seconds": slot.rest_seconds,
        "target_weight": load.weight if load else None,
        "target_unit": unit.value if load else None,
        "target_reps": load.target_reps if load else slot.rep_range.lo,
        "after_increase": load.after_increase if load else False,
    }
