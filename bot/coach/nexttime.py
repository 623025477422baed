"""The load for the next session of an exercise, from the whole of the last one and its story.

One tired last set should not decide next week: 255 x 3, then 250 x 5 and 250 x 4 with 3
left says "stay at 250", not "260 because the last set looked easy". So next time starts
from the session's best working set at the target effort (0-2 reps left, or unknown),
best by estimated one-rep max, and applies the set-to-set rules of ``next_set`` to it.

Two things override that, said plainly:

- a layoff: two weeks or more since the exercise -> 5 % lighter, four weeks -> 10 %;
- a stall: three sessions in a row without beating the best estimated max of the
  current build -> 10 % off and build back up. A session 8 % or more below the best
  (a deload, a restart after a layoff) starts a new build, so the deload that a stall
  prescribes does not itself count as the next stall.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from bot.coach.catalog import LoadClass, RepRange
from bot.coach.equipment import Equipment, Loading, loading_of
from bot.coach.progression import Decision, LoadSteps, Suggestion, equipment_for, next_set
from bot.coach.records import LoggedSet, epley
from bot.coach.units import convert, format_weight

LAYOFF_DAYS = 14
LONG_LAYOFF_DAYS = 28
STALL_SESSIONS = 3
_TARGET_EFFORT_RIR = 2
_LAYOFF_KEEP = Decimal("0.95")
_LONG_LAYOFF_KEEP = Decimal("0.90")
_STALL_KEEP = Decimal("0.90")
_NEW_BUILD = Decimal("0.92")


@dataclass(frozen=True, slots=True)
class Session:
    """One day's working sets of one exercise, in the order lifted."""

    day: date
    sets: tuple[LoggedSet, ...]


def sessions_of(history: Sequence[LoggedSet]) -> tuple[Session, ...]:
    """Working sets (no warm-ups, no 0-rep sets) grouped by day, oldest day first."""
    days: dict[date, list[LoggedSet]] = {}
    for done in sorted(history, key=lambda s: s.performed_on):
        if not done.warmup and done.reps > 0:
            days.setdefault(done.performed_on, []).append(done)
    return tuple(Session(day, tuple(sets)) for day, sets in days.items())


def _e1rm(done: LoggedSet, kit: Equipment) -> Decimal:
    return epley(convert(done.weight, done.unit, kit.unit), done.reps, done.rir)


def best_set(session: Session, kit: Equipment) -> LoggedSet:
    """The session's best set at the target effort (0-2 left or unknown); any set if none.

    Ties go to the later set: the lifter repeated it, so it is the more telling one.
    """
    at_effort = [s for s in session.sets if s.rir is None or s.rir <= _TARGET_EFFORT_RIR]
    pool = at_effort or list(session.sets)
    ranked = sorted(enumerate(pool), key=lambda item: (_e1rm(item[1], kit), item[0]))
    return ranked[-1][1]


def stalled(sessions: Sequence[Session], kit: Equipment) -> bool:
    """Three sessions in a row that did not beat the current build's best estimated max."""
    best = Decimal(0)
    since_best = 0
    for session in sessions:
        top = _e1rm(best_set(session, kit), kit)
        if top > best or top < best * _NEW_BUILD:
            best, since_best = top, 0
        else:
            since_best += 1
    return since_best >= STALL_SESSIONS


def next_time(
    history: Sequence[LoggedSet],
    *,
    today: date,
    rep_range: RepRange,
    load_class: LoadClass,
    steps: LoadSteps,
    equipment: Equipment | None = None,
    exercise_key: str | None = None,
    rir_bias: int = 0,
) -> Suggestion | None:
    """The first working load of the next session (in ``steps.unit``); None if never done.

    ``history`` is every logged set of this exercise, warm-ups included (they are left
    out); ``today`` is the lifter's local day of the coming session.
    """
    kit = equipment_for(steps) if equipment is None else equipment
    sessions = sessions_of(history)
    if not sessions:
        return None
    last = sessions[-1]
    best = best_set(last, kit)
    loading = loading_of(load_class, exercise_key)
    weight = best.weight
    if best.unit is not kit.unit:
        weight = kit.nearest(convert(best.weight, best.unit, kit.unit), loading)
    away = layoff(weight, last.day, today, rep_range=rep_range, equipment=kit, loading=loading)
    if away is not None:
        return away
    if stalled(sessions, kit):
        why = (
            f"No progress in {STALL_SESSIONS} sessions: {_percent(_STALL_KEEP)} off, build back up"
        )
        return _lighter(weight, _STALL_KEEP, kit, rep_range, loading, why)
    base = next_set(
        rep_range=rep_range,
        load_class=load_class,
        weight=weight,
        reps=best.reps,
        rir=best.rir,
        steps=steps,
        after_increase=_raised(sessions, kit),
        equipment=kit,
        exercise_key=exercise_key,
        rir_bias=rir_bias,
    )
    reason = base.reason
    if len(last.sets) > 1:  # say which set decided, when there was a choice
        reason = f"Best set {format_weight(weight, kit.unit)} x {best.reps}. {reason}"
    return Suggestion(base.weight, base.unit, base.target_reps, base.decision, reason)


def layoff(
    weight: Decimal,
    last_day: date,
    today: date,
    *,
    rep_range: RepRange,
    equipment: Equipment,
    loading: Loading,
) -> Suggestion | None:
    """A lighter start after two weeks or more away (5 %, 10 % from four weeks); None when
    the lifter has not been away that long. Used for next time, the reminder and the card."""
    away = (today - last_day).days
    if away < LAYOFF_DAYS:
        return None
    keep = _LONG_LAYOFF_KEEP if away >= LONG_LAYOFF_DAYS else _LAYOFF_KEEP
    why = f"{away} days since you last did this: start {_percent(keep)} lighter, build back up"
    return _lighter(weight, keep, equipment, rep_range, loading, why)


def _raised(sessions: Sequence[Session], kit: Equipment) -> bool:
    """Whether the last session's best set was heavier than the one before's: a jump, so
    falling short of the range takes a little off (the article's rule 2)."""
    if len(sessions) < 2:
        return False
    last, before = (best_set(s, kit) for s in sessions[-2:][::-1])
    return convert(last.weight, last.unit, kit.unit) > convert(before.weight, before.unit, kit.unit)


def _percent(keep: Decimal) -> str:
    return f"{(1 - keep) * 100:.0f}%"


def _lighter(
    weight: Decimal,
    keep: Decimal,
    kit: Equipment,
    rep_range: RepRange,
    loading: Loading,
    why: str,
) -> Suggestion:
    """``keep`` of ``weight``, on a load the lifter can build, aiming for the range's bottom."""
    new = min(kit.nearest(weight * keep, loading), weight)
    decision = Decision.DECREASE if new < weight else Decision.HOLD
    return Suggestion(new, kit.unit, rep_range.lo, decision, why)
