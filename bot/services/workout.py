"""The guided workout as use cases: each call is one transaction and returns what to say.

Where the lifter is (exercise, set, what the bot waits for) lives in the `workouts` row,
so a restart or another worker continues exactly there. A set is committed before the
bot confirms it; a redelivered update or a second press of a button changes nothing.

    start ──> [start_weight] ──> reps ──(no reps-left given)──> rir ──> set logged
                                   ^                                     │
                                   └──── next set / next exercise <──────┘ ... summary
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.coach.catalog import LoadClass, RepRange, UnknownExercise, get_exercise
from bot.coach.parsing import SetReport, SetReportError, parse_rir, parse_set_report, parse_weight
from bot.coach.plans import DEFAULT_PLAN, PlanError, Slot, default_slot
from bot.coach.progression import LoadSteps, next_set, round_load, starting_weight
from bot.coach.records import LoggedSet, Record, RecordKind, new_records
from bot.coach.summary import summarize
from bot.coach.transfer import set_fingerprint
from bot.coach.units import Unit, convert, format_weight
from bot.db import workouts as repo
from bot.db.engine import Database
from bot.db.models import ExerciseLoad, PlanSlot, UserSettings, Workout, WorkoutExercise, WorkoutSet
from bot.db.users import create_user, refresh_name
from bot.replies import Button, Outcome, row
from bot.services.preferences import zone_of
from bot.texts import common as common_texts
from bot.texts import workout as texts

PREFIX = "w"  # callback data: w:<action>:<workout exercise id>:...
RIR_CHOICES = (0, 1, 2, 3, 4, 5)


@dataclass(frozen=True, slots=True)
class Lifter:
    """Who is asking, and which update carries the request (for idempotency)."""

    user_id: int
    first_name: str = ""
    update_id: int | None = None


def steps_for(settings: UserSettings) -> LoadSteps:
    """The lifter's load steps in their unit, with their own plate or stack step if set."""
    steps = LoadSteps.defaults(Unit(settings.unit))
    if settings.plate_step is not None:
        steps = replace(steps, plate_step=settings.plate_step)
    if settings.cable_step is not None:
        steps = replace(steps, cable_step=settings.cable_step)
    return steps


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


@dataclass
class _Session:
    """What one use case loaded: the lifter's settings, workout and its exercises."""

    session: AsyncSession
    settings: UserSettings
    workout: Workout | None
    exercises: list[WorkoutExercise]

    @property
    def unit(self) -> Unit:
        return Unit(self.settings.unit)

    @property
    def zone(self) -> dt.tzinfo:
        return zone_of(self.settings)

    @property
    def steps(self) -> LoadSteps:
        return steps_for(self.settings)

    @property
    def current(self) -> WorkoutExercise:
        assert self.workout is not None
        return self.exercises[self.workout.current_index]

    def target_load(self, exercise: WorkoutExercise) -> str | None:
        if exercise.target_weight is None or exercise.target_unit is None:
            return None
        weight = load_in(
            exercise.target_weight,
            Unit(exercise.target_unit),
            self.unit,
            load_step(exercise.exercise_key, self.steps),
        )
        return format_weight(weight, self.unit)


class WorkoutService:
    """Start, log, skip, swap, undo and finish workouts; one transaction per call."""

    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock

    async def _load(self, session: AsyncSession, lifter: Lifter) -> _Session:
        state = await repo.lifter_state(session, lifter.user_id)
        if state is None:  # first contact: nobody new has a workout
            _, settings, _ = await create_user(
                session, lifter.user_id, lifter.first_name, self.clock.now()
            )
            return _Session(session, settings, None, [])
        refresh_name(state.user, lifter.first_name)
        return _Session(session, state.settings, state.workout, state.exercises)

    async def _claim(self, s: _Session, lifter: Lifter) -> bool:
        return await repo.claim_update(
            s.session, lifter.update_id, lifter.user_id, self.clock.now()
        )

    # -- starting and resuming -------------------------------------------------------

    async def start(self, lifter: Lifter) -> Outcome:
        """Start today's workout from the lifter's plan, or resume the one in progress."""
        async with self.db.transaction() as session:
            s = await self._load(session, lifter)
            # Training now: a question left half-answered elsewhere (say, /schedule) must
            # not swallow the set reports that follow.
            s.settings.pending_input = None
            if s.workout is not None:
                return self._prompt(s, Outcome().say(texts.RESUMED), intro=True)
            if not await self._claim(s, lifter):
                return Outcome()
            await self._create(s, lifter.user_id)
            outcome = Outcome().say(texts.STARTED.format(count=len(s.exercises)))
            return self._prompt(s, outcome, intro=True)

    async def _create(self, s: _Session, user_id: int) -> None:
        plan = user_plan(await repo.plan_overrides(s.session, user_id))
        loads = await repo.loads(s.session, user_id)
        exercises = [
            {
                "position": position,
                "slot_key": slot.key,
                "status": "active" if position == 0 else "pending",
                **self._assignment(slot, loads.get(slot.exercise_key)),
            }
            for position, slot in enumerate(plan)
        ]
        first_load = exercises[0]["target_weight"]
        awaiting = "reps" if first_load is not None else "start_weight"
        await repo.create_workout(s.session, user_id, self.clock.now(), awaiting, exercises)
        state = await repo.lifter_state(s.session, user_id)
        assert state is not None and state.workout is not None
        s.workout, s.exercises = state.workout, state.exercises

    @staticmethod
    def _assignment(slot: Slot, load: ExerciseLoad | None) -> dict[str, Any]:
        """A workout position's columns for `slot`'s exercise, from its stored load."""
        return {
            "exercise_key": slot.exercise_key,
            "sets": slot.sets,
            "rep_lo": slot.rep_range.lo,
            "rep_hi": slot.rep_range.hi,
            "rest_seconds": slot.rest_seconds,
            "target_weight": load.weight if load else None,
            "target_unit": load.unit if load else None,
            "target_reps": load.target_reps if load else slot.rep_range.lo,
            "after_increase": load.after_increase if load else False,
        }

    async def prompt(self, user_id: int) -> Outcome:
        """What the lifter should do now (after a rest timer, or on /workout)."""
        async with self.db.transaction() as session:
            s = await self._load(session, Lifter(user_id))
            if s.workout is None:
                return Outcome()
            return self._prompt(s, Outcome().say(texts.REST_OVER))

    def _prompt(self, s: _Session, outcome: Outcome, *, intro: bool = False) -> Outcome:
        """Append what the bot waits for, after the current exercise's card when `intro`.

        Card and question are one message with both rows of buttons: one notification
        per step is easier on a lifter between sets than two.
        """
        text, rows = self._question(s)
        if intro:
            card, card_row = self._card(s)
            text, rows = f"{card}\n\n{text}", (card_row, *rows)
        return outcome.say(text, *rows)

    def _question(self, s: _Session) -> tuple[str, tuple[tuple[Button, ...], ...]]:
        """What the bot waits for now, and the buttons that answer it."""
        assert s.workout is not None
        current = s.current
        if s.workout.awaiting == "start_weight":
            suggested = starting_weight(get_exercise(current.exercise_key), s.unit)
            label = format_weight(suggested, s.unit)
            data = f"{PREFIX}:sw:{current.id}:{suggested}"
            name = get_exercise(current.exercise_key).name
            return texts.ASK_START_WEIGHT.format(name=name), (row(Button(label, data)),)
        if s.workout.awaiting == "rir":
            return texts.ASK_RIR, (self._rir_buttons(s),)
        return self._target(s), (self._rep_buttons(s),)

    def _card(self, s: _Session) -> tuple[str, tuple[Button, ...]]:
        """The current exercise: name, sets, reps, rest and load, with how-to, skip, swap."""
        current = s.current
        exercise = get_exercise(current.exercise_key)
        text = texts.EXERCISE.format(
            name=exercise.name,
            position=current.position + 1,
            total=len(s.exercises),
            sets=current.sets,
            reps=f"{current.rep_lo}-{current.rep_hi}",
            rest=texts.rest(current.rest_seconds),
        )
        load = s.target_load(current)
        if load is not None:
            text += "\n" + texts.EXERCISE_LOAD.format(load=load)
        return text, row(
            Button(texts.BUTTON_HOWTO, f"h:{exercise.key}"),
            Button(texts.BUTTON_SKIP, f"{PREFIX}:k:{current.id}"),
            Button(texts.BUTTON_SWAP, f"{PREFIX}:x:{current.id}"),
        )

    def _target(self, s: _Session) -> str:
        assert s.workout is not None
        current = s.current
        return texts.SET_TARGET.format(
            number=s.workout.current_set,
            total=current.sets,
            load=s.target_load(current),
            reps=f"{current.rep_lo}-{current.rep_hi}",
        )

    def _rep_buttons(self, s: _Session) -> tuple[Button, ...]:
        assert s.workout is not None
        current = s.current
        first = max(0, current.rep_lo - 2)
        return tuple(
            Button(str(reps), f"{PREFIX}:r:{current.id}:{s.workout.current_set}:{reps}")
            for reps in range(first, current.rep_hi + 2)
        )

    def _rir_buttons(self, s: _Session) -> tuple[Button, ...]:
        assert s.workout is not None
        current, number = s.current, s.workout.current_set
        return tuple(
            Button(
                texts.BUTTON_RIR_MAX if rir == RIR_CHOICES[-1] else str(rir),
                f"{PREFIX}:q:{current.id}:{number}:{rir}",
            )
            for rir in RIR_CHOICES
        )

    # -- what the lifter sends -------------------------------------------------------

    async def on_text(self, lifter: Lifter, text: str) -> tuple[Outcome, str | None]:
        """A free-text message: a set report, reps left, or a starting weight.

        When the lifter owes another feature an answer (`pending_input`), nothing is done
        here and that question's name is returned for the caller to route the text.
        """
        async with self.db.transaction() as session:
            s = await self._load(session, lifter)
            if s.settings.pending_input is not None:
                return Outcome(), s.settings.pending_input
            if s.workout is None:
                return Outcome().say(common_texts.STRAY_TEXT), None
            return await self._workout_text(s, lifter, text), None

    async def _workout_text(self, s: _Session, lifter: Lifter, text: str) -> Outcome:
        assert s.workout is not None
        try:
            if s.workout.awaiting == "start_weight":
                return await self._start_weight_text(s, lifter, text)
            if s.workout.awaiting == "rir":
                return await self._rir_text(s, lifter, text)
            return await self._report(s, lifter, parse_set_report(text))
        except SetReportError as error:
            return self._prompt(s, Outcome().say(error.message))

    async def _report(self, s: _Session, lifter: Lifter, report: SetReport) -> Outcome:
        assert s.workout is not None
        if not await self._claim(s, lifter):
            return Outcome()
        if report.weight is not None:
            self._retarget(s, report.weight, report.unit or s.unit)
        if report.rir is None:
            await repo.clear_rest_timer(s.session, lifter.user_id)  # a report ends the rest
            s.workout.awaiting = "rir"
            s.workout.pending_reps = report.reps
            return Outcome(cancel_timer=True).say(texts.ASK_RIR, self._rir_buttons(s))
        return await self._log(s, lifter, report.reps, report.rir)

    def _retarget(self, s: _Session, weight: Decimal, unit: Unit) -> None:
        """The lifter is the boss: a weight in the report replaces the suggested one."""
        current = s.current
        if current.target_weight != weight or current.target_unit != unit.value:
            current.target_weight, current.target_unit = weight, unit.value

    async def _rir_text(self, s: _Session, lifter: Lifter, text: str) -> Outcome:
        try:
            rir = parse_rir(text)
        except SetReportError:
            report = parse_set_report(text)  # a whole new report corrects the pending one
            if report.rir is None:
                raise
            return await self._report(s, lifter, report)
        if not await self._claim(s, lifter):
            return Outcome()
        assert s.workout is not None and s.workout.pending_reps is not None
        return await self._log(s, lifter, s.workout.pending_reps, rir)

    async def _start_weight_text(self, s: _Session, lifter: Lifter, text: str) -> Outcome:
        try:
            weight, unit = parse_weight(text)
        except SetReportError:
            report = parse_set_report(text)  # "135x5" answers the question and logs a set
            if report.weight is None:
                raise
            return await self._report(s, lifter, report)
        if not await self._claim(s, lifter):
            return Outcome()
        return self._set_start_weight(s, weight, unit or s.unit)

    def _set_start_weight(self, s: _Session, weight: Decimal, unit: Unit) -> Outcome:
        assert s.workout is not None
        self._retarget(s, weight, unit)
        s.workout.awaiting = "reps"
        name = get_exercise(s.current.exercise_key).name
        text = texts.START_WEIGHT_SET.format(name=name, load=format_weight(weight, unit))
        return self._prompt(s, Outcome().say(text))

    async def _log(self, s: _Session, lifter: Lifter, reps: int, rir: int) -> Outcome:
        """Store the set, decide the next load, move on; the caller's commit makes it stick."""
        assert s.workout is not None
        current = s.current
        assert current.target_weight is not None and current.target_unit is not None
        weight, unit = current.target_weight, Unit(current.target_unit)
        exercise = get_exercise(current.exercise_key)
        # Only a set short of the range asks whether the load was just raised: one query
        # fewer for most sets.
        after_increase = reps < current.rep_lo and await self._raised(s, lifter, weight, unit)
        number = s.workout.current_set
        now = self.clock.now()
        s.session.add(
            WorkoutSet(
                user_id=lifter.user_id,
                workout_id=s.workout.id,
                workout_exercise_id=current.id,
                exercise_key=exercise.key,
                set_number=number,
                weight=weight,
                unit=unit.value,
                reps=reps,
                rir=rir,
                performed_at=now,
                update_id=lifter.update_id,
                fingerprint=set_fingerprint(now, exercise.key, number, weight, unit, reps),
            )
        )
        suggestion = next_set(
            rep_range=RepRange(current.rep_lo, current.rep_hi),
            load_class=exercise.load_class,
            weight=weight,
            reps=reps,
            rir=rir,
            steps=steps_for(s.settings) if unit == s.unit else LoadSteps.defaults(unit),
            after_increase=after_increase,
        )
        current.target_weight, current.target_unit = suggestion.weight, suggestion.unit.value
        current.target_reps = suggestion.target_reps
        s.workout.pending_reps = None
        s.workout.awaiting = "reps"
        logged = texts.LOGGED.format(
            number=number,
            load=format_weight(weight, unit),
            reps=reps,
            rir=texts.RIR_SUFFIX.format(rir=rir),
        )
        outcome = Outcome().say(f"{logged}\n{suggestion.reason}")
        if number < current.sets:
            s.workout.current_set = number + 1
            outcome.replies[-1] = replace(
                outcome.replies[-1],
                text=outcome.replies[-1].text
                + "\n"
                + texts.NEXT_SET.format(
                    number=number + 1,
                    total=current.sets,
                    load=s.target_load(current),
                    reps=f"{current.rep_lo}-{current.rep_hi}",
                    rest=texts.rest(current.rest_seconds),
                ),
                buttons=(self._rep_buttons(s),),
            )
            outcome.rest_seconds = current.rest_seconds
            await repo.set_rest_timer(
                s.session,
                lifter.user_id,
                s.workout.id,
                self.clock.now() + dt.timedelta(seconds=current.rest_seconds),
            )
            return outcome
        await repo.clear_rest_timer(s.session, lifter.user_id)  # no rest after the last set
        current.status = "done"
        outcome.say(texts.EXERCISE_DONE.format(name=exercise.name))
        return await self._advance(s, lifter, outcome)

    async def _raised(self, s: _Session, lifter: Lifter, weight: Decimal, unit: Unit) -> bool:
        """Whether `weight` is more than the lifter's previous working set of this exercise."""
        with s.session.no_autoflush:  # the changes so far are flushed once, at commit
            previous = await repo.last_lifted(s.session, lifter.user_id, s.current.exercise_key)
        return previous is not None and convert(weight, unit, Unit.KG) > convert(
            previous.weight, Unit(previous.unit), Unit.KG
        )

    async def _advance(self, s: _Session, lifter: Lifter, outcome: Outcome) -> Outcome:
        """Move to the next exercise still to do, or finish the workout."""
        assert s.workout is not None
        upcoming = [e for e in s.exercises if e.status == "pending"]
        if not upcoming:
            return await self._finish(s, lifter, outcome)
        following = upcoming[0]
        following.status = "active"
        s.workout.current_index = following.position
        s.workout.current_set = 1
        s.workout.awaiting = "reps" if following.target_weight is not None else "start_weight"
        return self._prompt(s, outcome, intro=True)

    # -- buttons ---------------------------------------------------------------------

    async def on_button(self, lifter: Lifter, data: str) -> Outcome:
        """A workout button; stale, forged or repeated presses change nothing."""
        parts = data.split(":")
        async with self.db.transaction() as session:
            s = await self._load(session, lifter)
            if s.workout is None or len(parts) < 3 or not parts[2].isdigit():
                return Outcome().say(common_texts.STALE_BUTTON)
            target_id = int(parts[2])
            if target_id not in {e.id for e in s.exercises}:
                return Outcome().say(common_texts.STALE_BUTTON)
            try:
                return await self._button(s, lifter, parts[1], target_id, parts[3:])
            except (ValueError, InvalidOperation, UnknownExercise, PlanError, SetReportError):
                return Outcome().say(common_texts.STALE_BUTTON)

    async def _button(
        self, s: _Session, lifter: Lifter, action: str, target_id: int, args: list[str]
    ) -> Outcome:
        assert s.workout is not None
        at_current = target_id == s.current.id
        if action in {"r", "q"}:
            number, value = int(args[0]), int(args[1])
            expected = "reps" if action == "r" else "rir"
            if not at_current or number != s.workout.current_set or s.workout.awaiting != expected:
                return Outcome().say(texts.ALREADY_LOGGED)
            if action == "r":
                return await self._report(s, lifter, SetReport(reps=value))
            if not await self._claim(s, lifter):
                return Outcome()
            assert s.workout.pending_reps is not None
            return await self._log(s, lifter, s.workout.pending_reps, value)
        if action == "sw" and at_current and s.workout.awaiting == "start_weight":
            if not await self._claim(s, lifter):
                return Outcome()
            weight = parse_weight(args[0])[0]
            return self._set_start_weight(s, weight, s.unit)
        if action == "k" and at_current:
            return await self._skip(s, lifter)
        if action == "x" and at_current:
            return self._swap_menu(s)
        if action == "xs" and at_current:
            return await self._swap(s, lifter, args[0])
        return Outcome().say(common_texts.STALE_BUTTON)

    # -- skip, swap, undo, finish ----------------------------------------------------

    async def skip(self, lifter: Lifter) -> Outcome:
        """Skip the current exercise (`/skip`)."""
        async with self.db.transaction() as session:
            s = await self._load(session, lifter)
            if s.workout is None:
                return Outcome().say(texts.NO_WORKOUT)
            return await self._skip(s, lifter)

    async def _skip(self, s: _Session, lifter: Lifter) -> Outcome:
        if not await self._claim(s, lifter):
            return Outcome()
        assert s.workout is not None
        current = s.current
        logged = await self._sets_of(s, current)
        current.status = "done" if logged else "skipped"
        s.workout.pending_reps = None
        await repo.clear_rest_timer(s.session, lifter.user_id)
        name = get_exercise(current.exercise_key).name
        outcome = Outcome(cancel_timer=True).say(texts.SKIPPED.format(name=name))
        return await self._advance(s, lifter, outcome)

    async def _sets_of(self, s: _Session, exercise: WorkoutExercise) -> list[WorkoutSet]:
        assert s.workout is not None
        sets = await repo.workout_sets(s.session, s.workout.id)
        return [x for x in sets if x.workout_exercise_id == exercise.id]

    def _swap_menu(self, s: _Session) -> Outcome:
        current = s.current
        name = get_exercise(current.exercise_key).name
        options = [
            key for key in default_slot(current.slot_key).options if key != current.exercise_key
        ]
        if not options:
            return Outcome().say(texts.SWAP_NO_OPTIONS.format(name=name))
        buttons = [
            row(Button(get_exercise(key).name, f"{PREFIX}:xs:{current.id}:{key}"))
            for key in options
        ]
        return Outcome().say(texts.SWAP_CHOOSE.format(name=name), *buttons)

    async def _swap(self, s: _Session, lifter: Lifter, exercise_key: str) -> Outcome:
        assert s.workout is not None
        current = s.current
        if await self._sets_of(s, current):
            name = get_exercise(current.exercise_key).name
            return Outcome().say(texts.SWAP_AFTER_SETS.format(name=name))
        if not await self._claim(s, lifter):
            return Outcome()
        slot = default_slot(current.slot_key).swapped(exercise_key)
        slot = replace(
            slot,
            sets=current.sets,
            rep_range=RepRange(current.rep_lo, current.rep_hi),
            rest_seconds=current.rest_seconds,
        )
        loads = await repo.loads(s.session, lifter.user_id)
        for column, value in self._assignment(slot, loads.get(exercise_key)).items():
            setattr(current, column, value)
        s.workout.current_set = 1
        s.workout.awaiting = "reps" if current.target_weight is not None else "start_weight"
        name = get_exercise(exercise_key).name
        keep = Button(texts.KEEP_SWAP.format(name=name), f"p:keep:{slot.key}:{exercise_key}")
        outcome = Outcome().say(texts.SWAPPED.format(name=name), row(keep))
        return self._prompt(s, outcome, intro=True)

    async def _in_workout(
        self, lifter: Lifter, action: Callable[[_Session], Awaitable[Outcome]]
    ) -> Outcome:
        """Run a command that needs a workout in progress, once per update."""
        async with self.db.transaction() as session:
            s = await self._load(session, lifter)
            if s.workout is None:
                return Outcome().say(texts.NO_WORKOUT)
            if not await self._claim(s, lifter):
                return Outcome()
            return await action(s)

    async def undo(self, lifter: Lifter) -> Outcome:
        """Remove the last set of the workout and go back to it (`/undo`)."""
        return await self._in_workout(lifter, lambda s: self._undo(s, lifter))

    async def _undo(self, s: _Session, lifter: Lifter) -> Outcome:
        assert s.workout is not None
        last = await repo.last_set(s.session, s.workout.id)
        if last is None:
            return self._prompt(s, Outcome().say(texts.NOTHING_TO_UNDO))
        owner = next(e for e in s.exercises if e.id == last.workout_exercise_id)
        for exercise in s.exercises:
            if exercise.position > owner.position and exercise.status == "active":
                exercise.status = "pending"
        owner.status = "active"
        owner.target_weight, owner.target_unit = last.weight, last.unit
        s.workout.current_index = owner.position
        s.workout.current_set = last.set_number
        s.workout.awaiting = "reps"
        s.workout.pending_reps = None
        await s.session.delete(last)
        await repo.clear_rest_timer(s.session, lifter.user_id)
        text = texts.UNDONE.format(
            number=last.set_number,
            name=get_exercise(owner.exercise_key).name,
            load=format_weight(last.weight, Unit(last.unit)),
            reps=last.reps,
        )
        return self._prompt(s, Outcome(cancel_timer=True).say(text))

    async def finish(self, lifter: Lifter) -> Outcome:
        """Finish now with a summary (`/done`)."""
        return await self._in_workout(
            lifter, lambda s: self._finish(s, lifter, Outcome(cancel_timer=True))
        )

    async def cancel(self, lifter: Lifter) -> Outcome | None:
        """End the workout keeping what was logged (`/cancel`); None if there was none."""
        async with self.db.transaction() as session:
            s = await self._load(session, lifter)
            if s.workout is None:
                return None
            if not await self._claim(s, lifter):
                return Outcome()
            sets = await repo.workout_sets(session, s.workout.id)
            await self._close(s, lifter, "cancelled", sets)
            return Outcome(cancel_timer=True).say(texts.CANCELLED.format(count=len(sets)))

    async def _close(
        self, s: _Session, lifter: Lifter, status: str, sets: list[WorkoutSet]
    ) -> list[WorkoutExercise]:
        """End the workout; store next-time loads of every exercise that got sets."""
        assert s.workout is not None
        s.workout.status = status
        s.workout.finished_at = self.clock.now()
        s.workout.pending_reps = None
        await repo.clear_rest_timer(s.session, lifter.user_id)
        trained = {x.workout_exercise_id for x in sets}
        done = [e for e in s.exercises if e.id in trained]
        loads = []
        for exercise in done:
            assert exercise.target_weight is not None and exercise.target_unit is not None
            loads.append(
                ExerciseLoad(
                    user_id=lifter.user_id,
                    exercise_key=exercise.exercise_key,
                    weight=exercise.target_weight,
                    unit=exercise.target_unit,
                    target_reps=exercise.target_reps or exercise.rep_lo,
                    after_increase=exercise.after_increase,
                    updated_at=self.clock.now(),
                )
            )
        await repo.save_loads(s.session, loads)
        return done

    async def _finish(self, s: _Session, lifter: Lifter, outcome: Outcome) -> Outcome:
        assert s.workout is not None
        sets = await repo.workout_sets(s.session, s.workout.id)
        done = await self._close(s, lifter, "finished", sets)
        outcome.cancel_timer = True
        if not sets:
            return outcome.say(texts.SUMMARY_EMPTY)
        history = await repo.logged_before(s.session, lifter.user_id, s.workout.id, s.zone)
        return outcome.say(self._summary(s, history, sets, done))

    def _summary(
        self,
        s: _Session,
        history: list[LoggedSet],
        sets: list[WorkoutSet],
        done: list[WorkoutExercise],
    ) -> str:
        today = [repo.as_logged(x, s.zone) for x in sets]
        summary = summarize(today, s.unit)
        lines = [
            texts.SUMMARY_TITLE,
            texts.SUMMARY_TOTALS.format(
                sets=summary.sets, reps=summary.reps, volume=format_weight(summary.volume, s.unit)
            ),
        ]
        for item in summary.exercises:
            lines.append(
                texts.SUMMARY_BEST.format(
                    name=get_exercise(item.exercise_key).name,
                    load=format_weight(item.best.weight, item.best.unit),
                    reps=item.best.reps,
                )
            )
        records = new_records(history, today, s.unit)
        if records:
            lines += ["", texts.SUMMARY_RECORDS]
            lines += [
                texts.SUMMARY_RECORD.format(
                    name=get_exercise(r.exercise_key).name, what=_record_text(r, s.unit)
                )
                for r in records
            ]
        lines += ["", texts.SUMMARY_NEXT]
        for exercise in done:
            lines.append(
                texts.SUMMARY_NEXT_LOAD.format(
                    name=get_exercise(exercise.exercise_key).name,
                    load=s.target_load(exercise),
                    reps=f"{exercise.rep_lo}-{exercise.rep_hi}",
                )
            )
        return "\n".join(lines)


def _record_text(record: Record, unit: Unit) -> str:
    if record.kind == RecordKind.BEST_E1RM:
        return f"estimated max {format_weight(record.value.quantize(Decimal('1')), unit)}"
    return f"{format_weight(record.weight, record.unit)} x {record.reps}"
