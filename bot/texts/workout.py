"""What the bot says during a workout. Short: lifters read it between sets.

`render` turns the workout's messages (`bot.coach.session`, data) into replies with
buttons; the button data formats live here too, next to the labels they go with, and
`bot.services.workout.read_button` reads them back.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from bot.coach import session as ws
from bot.coach.catalog import get_exercise
from bot.coach.records import Record, RecordKind
from bot.coach.summary import WorkoutSummary
from bot.coach.units import Unit, format_weight
from bot.replies import Button, Outcome, Reply, row
from bot.texts import loads
from bot.texts.coaching import warmup_text

PREFIX = "w"  # callback data: w:<action>:<workout exercise id>:...
RIR_CHOICES = (0, 1, 2, 3, 4, 5)

STARTED = "Today's workout: {count}. Send each set as you finish it, like 6 or 225x6, 2 left."
RESUMED = "Picking up where you left off."
EXERCISE = "{name} ({position} of {total})\n{sets} x {reps} reps, rest {rest}"
EXERCISE_LOAD = "Today: {load}"
SET_TARGET = "Set {number} of {total}: {load} x {reps}"
NEXT_SET = "Next: set {number} of {total} at {load} x {reps}. Rest {rest}; I'll ping you."
AMRAP_CHECK = (
    "Reps-in-reserve check: this last set, same weight, as many good reps as you can "
    "(stop when form would break). It shows how well you guess reps left, so I can "
    "correct for it."
)
ASK_RIR = "How many more reps could you have done with good form?"
CONVERTED = "I'll log it as {load} (you typed {typed})."
ASK_START_WEIGHT = (
    "First time doing {name}. What weight do you want to start with? "
    "Pick a light one; I'll adjust from there."
)
CHECK_START_WEIGHT = (
    "{load} for {name}? That's far from the usual first load ({usual}). "
    "Tap to confirm, or send the weight again."
)
BUTTON_CONFIRM_WEIGHT = "Yes, {load}"
START_WEIGHT_SET = "Starting {name} at {load}."
READ_AS = "Read that as {echo}."
LOGGED = "Logged set {number}: {load} x {reps}{rir}."
LOGGED_WARMUP = "Logged a warm-up: {load} x {reps}."
TYPED_IN = " (you typed {load})"
RIR_SUFFIX = " ({rir} left)"
NEXT_TIME = "For next time: {load} x {reps} ({reason})."
EXERCISE_DONE = "{name} done: {sets}, best {best}. Next time {load} x {reps}."
REST_OVER = "Rest is over."
WARMUPS_LOGGED = "Logged {sets} as warm-ups (they don't count toward progress or records)."
RAMP_SKIPPED = "No warm-ups, then. Straight to work."
EASED = "{name} today: {load}. {reason}."
SKIPPED = "Skipped {name}."
NOTHING_TO_UNDO = "There's no set to undo in this workout."
UNDONE = "Removed set {number} of {name} ({load} x {reps}). Send it again when ready."
ANSWER_UNDONE = "Took back those {reps}. Send the set again."
NO_WORKOUT = "You have no workout going. Send /workout to start one."
ALREADY_LOGGED = "Already logged. Nothing was changed."
CANCELLED = "Workout ended. Your {sets} saved."
CANCELLED_EMPTY = "Workout ended. No sets were logged, so nothing changed."
SWAP_CHOOSE = "Swap {name} for:"
SWAP_NO_OPTIONS = "{name} has no alternatives in your plan."
SWAP_AFTER_SETS = "You've already logged sets of {name}. Use /skip to move on instead."
SWAPPED = "Swapped to {name} for today."
KEEP_SWAP = "Keep {name} in your plan"
KEPT_SWAP = "{name} is now in your plan for good."

SUMMARY_TITLE = "Workout done. Nice work!"
SUMMARY_TOTALS = "{sets}, {reps}, {volume} moved."
SUMMARY_BEST = "{name}: best set {load} x {reps}"
SUMMARY_RECORDS = "New records:"
SUMMARY_RECORD = "{name}: {what}"
SUMMARY_NEXT = "Next time:"
SUMMARY_NEXT_LOAD = "{name} {load} x {reps}"
SUMMARY_NEXT_WHY = " ({reason})"
SUMMARY_EMPTY = "Workout ended. No sets were logged, so nothing changed."

BUTTON_HOWTO = "How to"
BUTTON_SKIP = "Skip"
BUTTON_WARMUPS_DONE = "Warm-ups done"
BUTTON_WARMUPS_SKIP = "No warm-ups today"
BUTTON_SWAP = "Swap"
BUTTON_RIR_MAX = "5+"
BUTTON_AS_PLANNED = "Did {reps} as planned"


def count(number: int, one: str, many: str | None = None) -> str:
    """'0 sets', '1 set', '2 sets'."""
    return f"{number} {one if number == 1 else (many or one + 's')}"


def rest(seconds: int) -> str:
    """90 -> '1:30'."""
    return f"{seconds // 60}:{seconds % 60:02d}"


def whole(weight: Decimal, unit: Unit) -> str:
    """A total such as volume, to the whole unit: '6631 lb'."""
    return format_weight(weight.quantize(Decimal(1), rounding=ROUND_HALF_UP), unit)


def _load(load: ws.Load | None) -> str:
    return "?" if load is None else format_weight(load.weight, load.unit)


def _name(exercise_key: str) -> str:
    return get_exercise(exercise_key).name


@dataclass(frozen=True, slots=True)
class SummaryFacts:
    """What the shell adds to a `Summary` from history: totals and new records."""

    summary: WorkoutSummary
    records: Sequence[Record] = ()


def render(messages: Iterable[ws.Message], facts: SummaryFacts | None = None) -> list[Reply]:
    """The replies for one step: texts without buttons join the next one, so the lifter
    gets one message per step rather than a burst of small ones."""
    outcome = Outcome()
    said = list(messages)
    effort = ""
    for index, message in enumerate(said):
        following = said[index + 1] if index + 1 < len(said) else None
        if (
            isinstance(message, ws.ReadAs)
            and message.sets == 1
            and isinstance(following, ws.Logged)
        ):
            effort = message.effort  # one line says both: "x 6 (RPE 8 = 2 left)"
            continue
        text, rows = _render(message, facts, effort)
        effort = ""
        outcome.say(text, *rows)
    return outcome.replies


Rows = tuple[tuple[Button, ...], ...]


def _render(message: ws.Message, facts: SummaryFacts | None, effort: str) -> tuple[str, Rows]:
    match message:
        case ws.Started(count=exercises):
            return STARTED.format(count=count(exercises, "exercise")), ()
        case ws.Resumed():
            return RESUMED, ()
        case ws.Question():
            return _question(message)
        case ws.CheckStartWeight(exercise=exercise, given=given, usual=usual):
            text = CHECK_START_WEIGHT.format(
                load=_load(given), name=_name(exercise.exercise_key), usual=_load(usual)
            )
            yes = Button(
                BUTTON_CONFIRM_WEIGHT.format(load=_load(given)),
                f"{PREFIX}:sw:{exercise.id}:{given.weight}:y",
            )
            usual_button = Button(_load(usual), f"{PREFIX}:sw:{exercise.id}:{usual.weight}")
            return text, (row(yes, usual_button),)
        case ws.StartWeightSet(exercise_key=key, load=load):
            return START_WEIGHT_SET.format(name=_name(key), load=_load(load)), ()
        case ws.Logged():
            return _logged(message, effort), ()
        case ws.ExerciseDone():
            return _exercise_done(message), ()
        case ws.Skipped(exercise_key=key):
            return SKIPPED.format(name=_name(key)), ()
        case ws.SwapMenu(exercise=exercise, options=options):
            name = _name(exercise.exercise_key)
            if not options:
                return SWAP_NO_OPTIONS.format(name=name), ()
            buttons = tuple(
                row(Button(_name(key), f"{PREFIX}:xs:{exercise.id}:{key}")) for key in options
            )
            return SWAP_CHOOSE.format(name=name), buttons
        case ws.SwapRefused(exercise_key=key):
            return SWAP_AFTER_SETS.format(name=_name(key)), ()
        case ws.Swapped(exercise_key=key, slot_key=slot):
            keep = Button(KEEP_SWAP.format(name=_name(key)), f"p:keep:{slot}:{key}")
            return SWAPPED.format(name=_name(key)), (row(keep),)
        case ws.SetUndone(set=done):
            return UNDONE.format(
                number=done.number,
                name=_name(done.exercise_key),
                load=format_weight(done.weight, done.unit),
                reps=done.reps,
            ), ()
        case ws.AnswerUndone(reps=reps):
            return ANSWER_UNDONE.format(reps=count(reps, "rep")), ()
        case ws.NothingToUndo():
            return NOTHING_TO_UNDO, ()
        case ws.AlreadyLogged():
            return ALREADY_LOGGED, ()
        case ws.RestIsOver():
            return REST_OVER, ()
        case ws.Cancelled(sets=sets):
            if not sets:
                return CANCELLED_EMPTY, ()
            saved = "1 set is" if sets == 1 else f"{sets} sets are"
            return CANCELLED.format(sets=saved), ()
        case ws.Summary():
            return _summary(message, facts), ()
        case ws.ReadAs(echo=echo):
            return READ_AS.format(echo=echo), ()
        case ws.Eased(exercise_key=key, load=load, reason=reason):
            return EASED.format(name=_name(key), load=_load(load), reason=reason), ()
        case ws.WarmupsLogged(count=sets):
            return WARMUPS_LOGGED.format(sets=count(sets, "set")), ()
        case ws.RampSkipped():
            return RAMP_SKIPPED, ()
    raise AssertionError(f"no text for {message!r}")  # pragma: no cover


def _question(q: ws.Question) -> tuple[str, Rows]:
    exercise = q.exercise
    reps = str(exercise.rep_range)
    if q.awaiting is ws.Awaiting.START_WEIGHT:
        assert q.suggested_start is not None
        button = Button(
            format_weight(q.suggested_start, q.unit),
            f"{PREFIX}:sw:{exercise.id}:{q.suggested_start}",
        )
        text = ASK_START_WEIGHT.format(name=_name(exercise.exercise_key))
        rows: Rows = (row(button),)
    elif q.awaiting is ws.Awaiting.RIR:
        text, rows = ASK_RIR, (_rir_buttons(q),)
        if q.typed is not None:
            text = f"{CONVERTED.format(load=_load(exercise.target), typed=_load(q.typed))}\n{text}"
    else:
        template = NEXT_SET if q.resting else SET_TARGET
        text = template.format(
            number=q.working_number,
            total=exercise.sets,
            load=_load(exercise.target),
            reps=reps,
            rest=rest(exercise.rest_seconds),
        )
        rows = _rep_buttons(q)
        if q.amrap:
            text = f"{text}\n{AMRAP_CHECK}"
    ramp = warmup_text(q.warmups, q.unit)
    if ramp is not None:
        text = f"{ramp}\n\n{text}"
        done = Button(BUTTON_WARMUPS_DONE, f"{PREFIX}:wd:{exercise.id}")
        rows = (row(done, Button(BUTTON_WARMUPS_SKIP, f"{PREFIX}:wn:{exercise.id}")), *rows)
    if not q.intro:
        return text, rows
    card = EXERCISE.format(
        name=_name(exercise.exercise_key),
        position=q.position,
        total=q.total,
        sets=count(exercise.sets, "set"),
        reps=reps,
        rest=rest(exercise.rest_seconds),
    )
    if exercise.target is not None:
        card += "\n" + EXERCISE_LOAD.format(load=_load(exercise.target))
    card_row = row(
        Button(BUTTON_HOWTO, f"h:{exercise.exercise_key}"),
        Button(BUTTON_SKIP, f"{PREFIX}:k:{exercise.id}"),
        Button(BUTTON_SWAP, f"{PREFIX}:x:{exercise.id}"),
    )
    return f"{card}\n\n{text}", (card_row, *rows)


def _rep_buttons(q: ws.Question) -> Rows:
    """Reps done (then reps left), or the planned set in one tap."""
    exercise, number = q.exercise, q.set_number
    lo, hi = exercise.rep_range.lo, exercise.rep_range.hi
    reps = tuple(
        Button(str(r), f"{PREFIX}:r:{exercise.id}:{number}:{r}")
        for r in range(max(0, lo - 2), hi + 2)
    )
    planned = exercise.target_reps or lo
    as_planned = Button(
        BUTTON_AS_PLANNED.format(reps=count(planned, "rep")),
        f"{PREFIX}:p:{exercise.id}:{number}:{planned}",
    )
    return (reps, row(as_planned))


def _rir_buttons(q: ws.Question) -> tuple[Button, ...]:
    return tuple(
        Button(
            BUTTON_RIR_MAX if rir == RIR_CHOICES[-1] else str(rir),
            f"{PREFIX}:q:{q.exercise.id}:{q.set_number}:{rir}",
        )
        for rir in RIR_CHOICES
    )


def _logged(logged: ws.Logged, effort: str = "") -> str:
    """The logged line; `effort` is the RPE as the lifter said it, when they did."""
    done = logged.set
    load = format_weight(done.weight, done.unit)
    if logged.typed is not None:
        load += TYPED_IN.format(load=_load(logged.typed))
    if done.warmup:
        return LOGGED_WARMUP.format(load=load, reps=done.reps)
    rir = "" if done.rir is None else RIR_SUFFIX.format(rir=done.rir)
    if effort:
        rir = f" ({effort})"
    text = LOGGED.format(number=logged.working_number, load=load, reps=done.reps, rir=rir)
    suggestion = logged.suggestion
    if suggestion is None:
        return text
    if not logged.last_of_exercise:
        return f"{text}\n{suggestion.reason}"
    next_time = NEXT_TIME.format(
        load=format_weight(suggestion.weight, suggestion.unit),
        reps=suggestion.target_reps,
        reason=suggestion.reason,
    )
    return f"{text}\n{next_time}"


def _exercise_done(done: ws.ExerciseDone) -> str:
    best = max(done.sets, key=lambda s: (s.weight * (30 + s.reps), s.reps), default=None)
    return EXERCISE_DONE.format(
        name=_name(done.exercise_key),
        sets=count(len(done.sets), "set"),
        best="-" if best is None else f"{format_weight(best.weight, best.unit)} x {best.reps}",
        load=_load(done.next_load),
        reps=done.next_reps,
    )


def _summary(summary: ws.Summary, facts: SummaryFacts | None) -> str:
    if facts is None or not summary.sets:
        return SUMMARY_EMPTY
    totals = facts.summary
    lines = [
        SUMMARY_TITLE,
        SUMMARY_TOTALS.format(
            sets=count(totals.sets, "set"),
            reps=count(totals.reps, "rep"),
            volume=whole(totals.volume, summary.unit),
        ),
    ]
    lines += [
        SUMMARY_BEST.format(
            name=_name(item.exercise_key),
            load=format_weight(item.best.weight, item.best.unit),
            reps=item.best.reps,
        )
        for item in totals.exercises
    ]
    if facts.records:
        lines += ["", SUMMARY_RECORDS]
        lines += [
            SUMMARY_RECORD.format(name=_name(r.exercise_key), what=_record(r, summary.unit))
            for r in facts.records
        ]
    lines += ["", SUMMARY_NEXT]
    lines += [
        SUMMARY_NEXT_LOAD.format(
            name=_name(n.exercise_key), load=_load(n.load), reps=str(n.rep_range)
        )
        + (SUMMARY_NEXT_WHY.format(reason=n.reason) if n.reason else "")
        for n in summary.next_loads
    ]
    return "\n".join(lines)


def _record(record: Record, unit: Unit) -> str:
    if record.kind == RecordKind.BEST_E1RM:
        return f"estimated max {whole(record.value, unit)}"
    return f"{loads.in_unit(record.lifted, record.lifted_unit, unit)} x {record.reps}"
