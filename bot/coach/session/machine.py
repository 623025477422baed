"""The transitions: `begin` and `step`; `prompt` says what the bot waits for now."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import replace
from decimal import Decimal

from bot.coach.calibration import Check
from bot.coach.catalog import get_exercise
from bot.coach.equipment import Loading, loading_of
from bot.coach.nexttime import next_time
from bot.coach.plans import default_slot
from bot.coach.progression import Decision, Suggestion, next_set, starting_weight
from bot.coach.records import LoggedSet
from bot.coach.session.effects import (
    Effect,
    LogSet,
    RemoveSet,
    Say,
    StartRest,
    StopRest,
    StoreCheck,
    StoreLoads,
)
from bot.coach.session.events import (
    At,
    Cancel,
    Event,
    Finish,
    ReportedSet,
    RestOver,
    RirAnswered,
    SetReported,
    Show,
    Skip,
    StartWeightGiven,
    Swap,
    SwapAsked,
    Undo,
    WarmupsDone,
    WarmupsSkipped,
)
from bot.coach.session.messages import (
    AlreadyLogged,
    AnswerUndone,
    Cancelled,
    CheckStartWeight,
    ExerciseDone,
    Logged,
    Message,
    NextLoad,
    NothingToUndo,
    Question,
    RampSkipped,
    RestIsOver,
    Resumed,
    SetUndone,
    Skipped,
    Started,
    StartWeightSet,
    Summary,
    SwapMenu,
    Swapped,
    SwapRefused,
    WarmupsLogged,
)
from bot.coach.session.state import (
    Awaiting,
    DoneSet,
    ExerciseState,
    ExerciseStatus,
    Load,
    WorkoutState,
    WorkoutStatus,
)
from bot.coach.units import Unit, convert
from bot.coach.warmups import WarmupSet, warmup_ramp

# A typed start weight outside [start / 4, start x 8] of the usual first load is asked
# about before it is taken: "6" sent to "what weight?" is more likely reps than 6 lb.
_PLAUSIBLE_BELOW = Decimal(4)
_PLAUSIBLE_ABOVE = Decimal(8)


def begin(state: WorkoutState, *, resumed: bool = False) -> list[Effect]:
    """What to say when a workout starts (or is picked up again)."""
    opening: Message = Resumed() if resumed else Started(len(state.exercises))
    return [Say(opening), _ask(state, intro=True)]


def step(state: WorkoutState, event: Event, now: dt.datetime) -> tuple[WorkoutState, list[Effect]]:
    """Apply one event; the effects say what the shell must store, time and say."""
    if state.status is not WorkoutStatus.ACTIVE:
        return state, []
    if isinstance(event, SetReported):
        return _reported(state, event, now)
    if isinstance(event, RirAnswered):
        if state.awaiting is not Awaiting.RIR or _stale(state, event.at):
            return state, [Say(AlreadyLogged())]
        assert state.pending_reps is not None
        done = ReportedSet(reps=state.pending_reps, rir=event.rir)
        answered = replace(state, pending_reps=None, awaiting=Awaiting.REPS)
        return _log_all(answered, (done,), now, ask_rir=False)
    if isinstance(event, StartWeightGiven):
        return _start_weight(state, event)
    if isinstance(event, Skip):
        return _stale_or(state, event.at, lambda s: _skip(s, now))
    if isinstance(event, SwapAsked):
        return _stale_or(state, event.at, _swap_menu)
    if isinstance(event, Swap):
        return _stale_or(state, event.at, lambda s: _swap(s, event))
    if isinstance(event, Undo):
        return _undo(state)
    if isinstance(event, Finish):
        return _close(state, WorkoutStatus.FINISHED, [], now)
    if isinstance(event, Cancel):
        return _close(state, WorkoutStatus.CANCELLED, [], now)
    if isinstance(event, WarmupsDone):
        return _stale_or(state, event.at, _warmups_done)
    if isinstance(event, WarmupsSkipped):
        return _stale_or(state, event.at, lambda s: (s, [Say(RampSkipped()), _ask(s)]))
    if isinstance(event, RestOver):
        return replace(state, resting=False), [Say(RestIsOver()), _ask(state)]
    return state, [Say(Resumed()), _ask(state, intro=True)]


def prompt(state: WorkoutState, *, intro: bool = False) -> Message:
    """What the bot waits for now ("what's next?"), with the exercise's card when `intro`."""
    return _ask(state, intro=intro).message


def _stale(state: WorkoutState, at: At | None) -> bool:
    if at is None:
        return False
    if at.exercise_id != state.current.id:
        return True
    return at.set_number is not None and at.set_number != state.set_number


def _stale_or(
    state: WorkoutState,
    at: At | None,
    then: Callable[[WorkoutState], tuple[WorkoutState, list[Effect]]],
) -> tuple[WorkoutState, list[Effect]]:
    return (state, [Say(AlreadyLogged())]) if _stale(state, at) else then(state)


def _ask(
    state: WorkoutState, *, intro: bool = False, ramp: bool | None = None, typed: Load | None = None
) -> Say:
    """The question for what the bot waits for; the warm-up ramp with it when `ramp`
    (by default on the exercise's card); `typed` when the set's load was converted."""
    current = state.current
    suggested = None
    if state.awaiting is Awaiting.START_WEIGHT:
        suggested = starting_weight(get_exercise(current.exercise_key), state.unit, state.kit)
    return Say(
        Question(
            exercise=current,
            position=current_position(state),
            total=len(state.exercises),
            awaiting=state.awaiting,
            set_number=state.set_number,
            working_number=state.working_number,
            unit=state.unit,
            intro=intro,
            suggested_start=suggested,
            resting=state.resting,
            warmups=warmup_sets(state) if (intro if ramp is None else ramp) else (),
            amrap=predicted_set(state) is not None,
            typed=typed,
        )
    )


def warmup_sets(state: WorkoutState) -> tuple[WarmupSet, ...]:
    """The ramp before the current exercise's first working set: a barbell lift, or the
    day's first exercise; none once a set of it is logged, or when the lifter turned
    warm-ups off."""
    current = state.current
    if (
        not state.warmups_on
        or state.awaiting is not Awaiting.REPS
        or current.target is None
        or state.sets_of(current.id)
    ):
        return ()
    first_today = not any(not s.warmup for s in state.sets)
    if _loading(current) is not Loading.BAR and not first_today:
        return ()
    load_class = get_exercise(current.exercise_key).load_class
    return warmup_ramp(current.target.weight, load_class, state.kit, current.exercise_key)


def predicted_set(state: WorkoutState) -> DoneSet | None:
    """The set whose reps-left prediction the next set checks, when the next set is the
    calibration: the last set of today's check exercise, right after a working set
    reported with its reps left."""
    current = state.current
    if (
        state.calibrate != current.exercise_key
        or state.awaiting is not Awaiting.REPS
        or state.working_number != current.sets
    ):
        return None
    working = [s for s in state.sets_of(current.id) if not s.warmup]
    if not working or working[-1].rir is None:
        return None
    return working[-1]


def _checked(
    state: WorkoutState, predicted: DoneSet | None, done: DoneSet
) -> tuple[WorkoutState, list[Effect]]:
    """The AMRAP set just logged against the prediction before it, at the same load."""
    if predicted is None or predicted.rir is None or done.weight != predicted.weight:
        return state, []
    check = Check(reps=predicted.reps, predicted_rir=predicted.rir, amrap_reps=done.reps)
    return replace(state, calibrate=None), [StoreCheck(done.exercise_key, check)]


def _warmups_done(state: WorkoutState) -> tuple[WorkoutState, list[Effect]]:
    """Log the ramp as warm-ups (they never count); a second press finds none to log."""
    ramp = warmup_sets(state)
    if not ramp:
        return state, [Say(AlreadyLogged())]
    current = state.current
    done = tuple(
        DoneSet(current.id, current.exercise_key, number, w.weight, state.unit, w.reps, warmup=True)
        for number, w in enumerate(ramp, start=state.set_number)
    )
    state = replace(state, sets=(*state.sets, *done))
    effects: list[Effect] = [LogSet(d) for d in done]
    return state, [*effects, Say(WarmupsLogged(len(done))), _ask(state)]


def needs_past(state: WorkoutState, event: Event) -> bool:
    """Whether stepping `event` may read `state.past` (the shell loads it only then):
    when it may end the current exercise, whose next time is decided from its recent
    past: a set that may be its last, a skip, or the end of the workout. Anything not
    known to leave the exercise going counts as may."""
    match event:
        case SetReported(sets=reported):
            logged = len(reported)
        case RirAnswered():
            logged = 1
        case (
            StartWeightGiven()
            | SwapAsked()
            | Swap()
            | Undo()
            | RestOver()
            | Show()
            | WarmupsDone()
            | WarmupsSkipped()
        ):
            return False
        case _:
            return True
    return state.working_number - 1 + logged >= state.current.sets


def current_position(state: WorkoutState) -> int:
    """The current exercise's place in the workout, counted from 1."""
    return state.index + 1


def _with_current(state: WorkoutState, **changes: object) -> WorkoutState:
    return replace(state, exercises=_current_changed(state, **changes))


def _current_changed(state: WorkoutState, **changes: object) -> tuple[ExerciseState, ...]:
    """The exercises with the current one changed, for a `replace` that changes the state
    too: one new state instead of two (new states are much of a step's cost)."""
    exercises = list(state.exercises)
    exercises[state.index] = replace(state.current, **changes)  # type: ignore[arg-type]
    return tuple(exercises)


def _in_unit(state: WorkoutState, weight: Decimal, unit: Unit | None) -> tuple[Load, Load | None]:
    """A typed load in the workout's unit, rounded to a loadable one, and the typed load
    when it had to be converted."""
    if unit is None or unit is state.unit:
        return Load(weight, state.unit), None
    converted = state.kit.nearest(convert(weight, unit, state.unit), _loading(state.current))
    return Load(converted, state.unit), Load(weight, unit)


def plausible_start(state: WorkoutState, weight: Decimal, unit: Unit | None) -> bool:
    """Whether a typed first load is near the usual one for the current exercise."""
    load, _ = _in_unit(state, weight, unit)
    usual = starting_weight(get_exercise(state.current.exercise_key), state.unit, state.kit)
    return usual / _PLAUSIBLE_BELOW <= load.weight <= usual * _PLAUSIBLE_ABOVE


def _loading(exercise: ExerciseState) -> Loading:
    return loading_of(get_exercise(exercise.exercise_key).load_class, exercise.exercise_key)


def _start_weight(
    state: WorkoutState, event: StartWeightGiven
) -> tuple[WorkoutState, list[Effect]]:
    if state.awaiting is not Awaiting.START_WEIGHT or _stale(state, event.at):
        return state, [Say(AlreadyLogged())]
    load, _ = _in_unit(state, event.weight, event.unit)
    usual = starting_weight(get_exercise(state.current.exercise_key), state.unit, state.kit)
    if not (plausible_start(state, event.weight, event.unit) or event.confirmed):
        check = CheckStartWeight(state.current, load, Load(usual, state.unit))
        return state, [Say(check)]
    new = replace(
        state,
        exercises=_current_changed(state, target=load, after_jump=False),
        awaiting=Awaiting.REPS,
    )
    return new, [Say(StartWeightSet(new.current.exercise_key, load)), _ask(new, ramp=True)]


def _reported(
    state: WorkoutState, event: SetReported, now: dt.datetime
) -> tuple[WorkoutState, list[Effect]]:
    if event.at is not None and (state.awaiting is not Awaiting.REPS or _stale(state, event.at)):
        return state, [Say(AlreadyLogged())]
    if not event.sets:
        return state, [_ask(state)]
    first = event.sets[0]
    if state.awaiting is Awaiting.START_WEIGHT and first.weight is None:
        return state, [_ask(state)]  # reps without a load: the load is still the question
    resting = state.resting
    state = replace(state, pending_reps=None, awaiting=_awaiting_load(state), resting=False)
    new, effects = _log_all(state, event.sets, now, ask_rir=event.ask_rir)
    if resting and not any(isinstance(e, StartRest) for e in effects):
        effects.insert(0, StopRest())  # a report ends the rest; a new rest replaces it
    if event.read_as is not None:
        effects.insert(0, Say(event.read_as))
    return new, effects


def _log_all(
    state: WorkoutState, sets: Iterable[ReportedSet], now: dt.datetime, *, ask_rir: bool
) -> tuple[WorkoutState, list[Effect]]:
    """Log the sets in order; the last one without reps left asks for them (if `ask_rir`)."""
    effects: list[Effect] = []
    reported = list(sets)
    for position, one in enumerate(reported):
        if state.status is not WorkoutStatus.ACTIVE:
            break  # the workout ended with this batch (its last exercise's last set)
        typed: Load | None = None
        if one.weight is not None:
            load, typed = _in_unit(state, one.weight, one.unit)
            if not one.warmup:
                aimed = _current_changed(state, target=load, after_jump=_jumped(state, load))
                state = replace(state, exercises=aimed, awaiting=Awaiting.REPS)
        last = position == len(reported) - 1
        if not one.warmup and one.reps_in_reserve is None and predicted_set(state) is not None:
            one = replace(one, rir=0)  # as many as possible: nothing was left
        asking = ask_rir and one.reps_in_reserve is None and not one.warmup
        if last and asking and state.current.target is not None:
            state = replace(state, awaiting=Awaiting.RIR, pending_reps=one.reps)
            effects.append(_ask(state, typed=typed))
            break
        state, more = _log_one(state, one, typed, now, last=last)
        effects += more
    return state, effects


def _awaiting_load(state: WorkoutState) -> Awaiting:
    """REPS once the current exercise has a load, START_WEIGHT until then."""
    return Awaiting.REPS if state.current.target is not None else Awaiting.START_WEIGHT


def _jumped(state: WorkoutState, load: Load) -> bool:
    """Whether `load` was just raised: above this exercise's previous working set, or the
    stored target that came from adding weight (first set of the day)."""
    previous = [s for s in state.sets_of(state.current.id) if not s.warmup]
    if previous:
        return load.weight > previous[-1].weight
    target = state.current.target
    return state.current.after_jump and target is not None and load.weight >= target.weight


def _log_one(
    state: WorkoutState, one: ReportedSet, typed: Load | None, now: dt.datetime, *, last: bool
) -> tuple[WorkoutState, list[Effect]]:
    current = state.current
    load = current.target
    if one.warmup and one.weight is not None:
        load = _in_unit(state, one.weight, one.unit)[0]
    if load is None:
        return state, [_ask(state)]
    done = DoneSet(
        exercise_id=current.id,
        exercise_key=current.exercise_key,
        number=state.set_number,
        weight=load.weight,
        unit=load.unit,
        reps=one.reps,
        rir=one.reps_in_reserve,
        warmup=one.warmup,
    )
    working = state.working_number
    predicted = None if one.warmup else predicted_set(state)
    state = replace(state, sets=(*state.sets, done), pending_reps=None)
    state, checked = _checked(state, predicted, done)
    if one.warmup:
        effects: list[Effect] = [LogSet(done), Say(Logged(done, working, None, typed))]
        return state, effects + ([_ask(state)] if last else [])
    suggestion = next_set(
        rep_range=current.rep_range,
        load_class=get_exercise(current.exercise_key).load_class,
        weight=load.weight,
        reps=one.reps,
        rir=one.reps_in_reserve,
        steps=state.steps,
        after_increase=_jumped_before(state, done),
        equipment=state.kit,
        exercise_key=current.exercise_key,
        history=_today(state, current.id, now)[:-1],
        rir_bias=state.rir_bias,
    )
    final = working >= current.sets and last  # extra sets in one message stay here
    shown: Suggestion | None = suggestion
    if final:  # next time's load, decided from the session, takes the next set's place
        state, shown = _decide_next_time(state, now, suggestion)
    else:
        state = _aim(state, suggestion, load, resting=state.resting or last)
    effects = [LogSet(done), *checked, Say(Logged(done, working, shown, typed, final))]
    if not final:
        if not last:
            return state, effects
        due = now + dt.timedelta(seconds=current.rest_seconds)
        return state, [*effects, StartRest(current.rest_seconds, due), _ask(state)]
    effects.append(Say(_exercise_done(state, state.current)))
    if state.resting:
        effects.append(StopRest())
    done_now = _current_changed(state, status=ExerciseStatus.DONE)
    return _advance(replace(state, exercises=done_now, resting=False), effects, now)


def _aim(state: WorkoutState, suggestion: Suggestion, load: Load, *, resting: bool) -> WorkoutState:
    """The current exercise aimed at the suggested next set, except that the check is
    taken at the predicted set's load."""
    target, after_jump = Load(suggestion.weight, suggestion.unit), suggestion.weight > load.weight
    if predicted_set(state) is not None:  # (predicted_set reads neither target nor rest)
        target, after_jump = load, False
    aimed = _current_changed(
        state, target=target, target_reps=suggestion.target_reps, after_jump=after_jump
    )
    return replace(state, exercises=aimed, resting=resting)


def _today(state: WorkoutState, exercise_id: int, now: dt.datetime) -> tuple[LoggedSet, ...]:
    """An exercise's sets so far today, warm-ups included, as progression reads them."""
    day = _day(state, now)
    return tuple(
        LoggedSet(s.exercise_key, s.weight, s.unit, s.reps, s.rir, day, s.warmup)
        for s in state.sets_of(exercise_id)
    )


def _day(state: WorkoutState, now: dt.datetime) -> dt.date:
    """The lifter's day (the shell knows their zone); the UTC day when it is not given."""
    return now.date() if state.today is None else state.today


def _next_time(state: WorkoutState, exercise: ExerciseState, now: dt.datetime) -> Suggestion | None:
    """Next session's first load from this session's best set and the exercise's story."""
    day = _day(state, now)
    past = (
        s for s in state.past if s.exercise_key == exercise.exercise_key and s.performed_on < day
    )
    return next_time(
        (*past, *_today(state, exercise.id, now)),
        today=day,
        rep_range=exercise.rep_range,
        load_class=get_exercise(exercise.exercise_key).load_class,
        steps=state.steps,
        equipment=state.kit,
        exercise_key=exercise.exercise_key,
        rir_bias=state.rir_bias,
    )


def _decide_next_time(
    state: WorkoutState, now: dt.datetime, fallback: Suggestion | None
) -> tuple[WorkoutState, Suggestion | None]:
    """The finished exercise's target becomes next time's load, decided from the session."""
    found = _next_time(state, state.current, now) or fallback
    if found is None:
        return state, None
    state = _with_current(
        state,
        target=Load(found.weight, found.unit),
        target_reps=found.target_reps,
        after_jump=_raised(found),
    )
    return state, found


def _jumped_before(state: WorkoutState, done: DoneSet) -> bool:
    """Whether the set just logged came right after a jump in load."""
    working = [s for s in state.sets_of(done.exercise_id) if not s.warmup]
    if len(working) >= 2:
        return working[-1].weight > working[-2].weight
    return state.current.after_jump


def _exercise_done(state: WorkoutState, exercise: ExerciseState) -> ExerciseDone:
    sets = tuple(s for s in state.sets_of(exercise.id) if not s.warmup)
    return ExerciseDone(exercise.exercise_key, sets, exercise.target, exercise.target_reps)


def _advance(
    state: WorkoutState, effects: list[Effect], now: dt.datetime
) -> tuple[WorkoutState, list[Effect]]:
    """Move to the next exercise still to do, or finish the workout."""
    upcoming = [i for i, e in enumerate(state.exercises) if e.status is ExerciseStatus.PENDING]
    if not upcoming:
        return _close(state, WorkoutStatus.FINISHED, effects, now)
    state = replace(state, index=upcoming[0], pending_reps=None)
    started = _current_changed(state, status=ExerciseStatus.ACTIVE)
    state = replace(state, exercises=started, awaiting=_awaiting_load(state))
    return state, [*effects, _ask(state, intro=True)]


def _skip(state: WorkoutState, now: dt.datetime) -> tuple[WorkoutState, list[Effect]]:
    current = state.current
    worked = any(not s.warmup for s in state.sets_of(current.id))
    effects: list[Effect] = [Say(Skipped(current.exercise_key))]
    if state.resting:
        effects.insert(0, StopRest())
    state = replace(state, resting=False, pending_reps=None)
    status = ExerciseStatus.DONE if worked else ExerciseStatus.SKIPPED
    if worked:
        state, _ = _decide_next_time(state, now, None)
    return _advance(_with_current(state, status=status), effects, now)


def swap_options(exercise: ExerciseState, slot_options: tuple[str, ...]) -> tuple[str, ...]:
    """What the exercise can be swapped for: its slot's options but itself."""
    return tuple(key for key in slot_options if key != exercise.exercise_key)


def _swap_menu(state: WorkoutState) -> tuple[WorkoutState, list[Effect]]:
    if state.sets_of(state.current.id):
        return state, [Say(SwapRefused(state.current.exercise_key))]
    options = swap_options(state.current, default_slot(state.current.slot_key).options)
    return state, [Say(SwapMenu(state.current, options))]


def _swap(state: WorkoutState, event: Swap) -> tuple[WorkoutState, list[Effect]]:
    if state.sets_of(state.current.id):
        return state, [Say(SwapRefused(state.current.exercise_key))]
    new = _with_current(state, exercise_key=event.exercise_key, slot_key=event.slot_key)
    target = None
    if event.stored is not None:
        target = _in_unit(new, event.stored.weight, event.stored.unit)[0]
    new = _with_current(
        new,
        target=target,
        target_reps=event.stored_reps or new.current.rep_range.lo,
        after_jump=event.stored_after_jump,
    )
    new = replace(new, awaiting=_awaiting_load(new), pending_reps=None)
    return new, [Say(Swapped(event.exercise_key, event.slot_key)), _ask(new, intro=True)]


def _undo(state: WorkoutState) -> tuple[WorkoutState, list[Effect]]:
    if state.awaiting is Awaiting.RIR and state.pending_reps is not None:
        new = replace(state, awaiting=_awaiting_load(state), pending_reps=None)
        return new, [Say(AnswerUndone(state.pending_reps)), _ask(new)]
    if not state.sets:
        return state, [Say(NothingToUndo()), _ask(state)]
    last = state.sets[-1]
    owner = next(i for i, e in enumerate(state.exercises) if e.id == last.exercise_id)
    exercises = tuple(
        replace(e, status=ExerciseStatus.PENDING)
        if i != owner and e.status is ExerciseStatus.ACTIVE
        else e
        for i, e in enumerate(state.exercises)
    )
    new = replace(
        state,
        exercises=exercises,
        index=owner,
        sets=state.sets[:-1],
        awaiting=Awaiting.REPS,
        pending_reps=None,
        resting=False,
    )
    new = _with_current(
        new,
        status=ExerciseStatus.ACTIVE,
        target=Load(last.weight, last.unit) if not last.warmup else new.current.target,
        after_jump=_jumped_at(new, last),
    )
    new = replace(new, awaiting=_awaiting_load(new))
    effects: list[Effect] = [RemoveSet(last.exercise_id, last.number)]
    if state.resting:
        effects.append(StopRest())
    return new, [*effects, Say(SetUndone(last)), _ask(new)]


def _jumped_at(state: WorkoutState, removed: DoneSet) -> bool:
    """After an undo: whether the set to do again came after a jump (as it did before)."""
    working = [s for s in state.sets_of(removed.exercise_id) if not s.warmup]
    if not working:
        return state.current.after_jump and not removed.warmup
    return removed.weight > working[-1].weight


def next_loads(state: WorkoutState, now: dt.datetime) -> tuple[NextLoad, ...]:
    """Next-time loads of every exercise with working sets today.

    A finished exercise already holds its next-time load (decided from the whole session
    when it finished); one left mid-way (/done, /cancel) is decided now.
    """
    trained = {s.exercise_id for s in state.sets if not s.warmup}
    loads = []
    for e in state.exercises:
        if e.id not in trained:
            continue
        found = None if e.status is ExerciseStatus.DONE else _next_time(state, e, now)
        if found is not None:
            load, reps, up = Load(found.weight, found.unit), found.target_reps, _raised(found)
        elif e.target is not None:
            load, reps, up = e.target, e.target_reps or e.rep_range.lo, e.after_jump
        else:
            continue
        loads.append(
            NextLoad(
                e.exercise_key, load, reps, up, e.rep_range, "" if found is None else found.reason
            )
        )
    return tuple(loads)


def _raised(found: Suggestion) -> bool:
    return found.decision is Decision.INCREASE


def _close(
    state: WorkoutState, status: WorkoutStatus, effects: list[Effect], now: dt.datetime
) -> tuple[WorkoutState, list[Effect]]:
    """End the workout, storing next-time loads of every exercise that got sets."""
    loads = next_loads(state, now)
    closing: list[Effect] = []
    if state.resting:
        closing.append(StopRest())
    if loads:
        closing.append(StoreLoads(loads))
    if status is WorkoutStatus.CANCELLED:
        message: Message = Cancelled(sum(1 for s in state.sets if not s.warmup))
    else:
        message = Summary(state.sets, loads, state.unit)
    new = replace(state, status=status, resting=False, pending_reps=None)
    return new, [*effects, *closing, Say(message)]
