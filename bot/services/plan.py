"""The lifter's lasting plan as use cases: show it, change a slot, reset it; one transaction each.

A change is a `plan_slots` row (no row: the default slot). A workout copies its slots when
it starts, so nothing here touches a workout in progress: changes apply from the next one.

Callback data, checked against the choices offered (anything else is stale or forged):

    p:o                        the plan            p:s:<slot>             one slot's choices
    p:x:<slot>:<exercise>      swap for good       p:n:<slot>:<sets>      sets
    p:r:<slot>:<lo>:<hi>       rep range           p:t:<slot>:<seconds>   rest
    p:z, p:z:y                 reset: ask, do it   p:keep:<slot>:<exercise>  keep a workout swap
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.coach.catalog import RepRange, get_exercise
from bot.coach.plans import Slot, default_slot
from bot.coach.units import Unit, format_weight
from bot.db import workouts as repo
from bot.db.engine import Database
from bot.db.models import ExerciseLoad, PlanSlot, UserSettings
from bot.db.users import ensure_user
from bot.replies import Button, Reply, row
from bot.services.workout import Lifter, load_in, load_step, steps_for, user_plan
from bot.texts import common as common_texts
from bot.texts import plan as texts
from bot.texts import workout as workout_texts

PREFIX = "p"
SET_CHOICES = (2, 3, 4, 5)
REST_CHOICES = (60, 90, 120, 150, 180, 240)
CHOICES_PER_ROW = 3
SLOTS_PER_ROW = 2
# Rep ranges lifters commonly train in; a slot offers the few nearest its default.
REP_RANGES = tuple(
    RepRange(lo, hi) for lo, hi in ((3, 5), (4, 6), (6, 8), (8, 10), (10, 12), (12, 15), (15, 20))
)
REP_CHOICES_EACH_SIDE = 2


def rep_choices(slot_key: str) -> tuple[RepRange, ...]:
    """The default rep range of a slot and a couple of common ranges on either side."""
    default = default_slot(slot_key).rep_range
    ranges = sorted({*REP_RANGES, default}, key=lambda r: (r.lo, r.hi))
    at = ranges.index(default)
    return tuple(ranges[max(0, at - REP_CHOICES_EACH_SIDE) : at + REP_CHOICES_EACH_SIDE + 1])


def _is_default(slot: Slot) -> bool:
    default = default_slot(slot.key)
    return (slot.exercise_key, slot.sets, slot.rep_range, slot.rest_seconds) == (
        default.exercise_key,
        default.sets,
        default.rep_range,
        default.rest_seconds,
    )


def _changed(slot: Slot, action: str, choice: list[str]) -> Slot | None:
    """The slot after a change its buttons offer; None for anything they don't offer."""
    if action in {"x", "keep"}:
        offered = len(choice) == 1 and choice[0] in default_slot(slot.key).options
        return slot.swapped(choice[0]) if offered else None
    if action == "n":
        return next((slot.with_sets(n) for n in SET_CHOICES if choice == [str(n)]), None)
    if action == "t":
        return next((slot.with_rest(s) for s in REST_CHOICES if choice == [str(s)]), None)
    if action == "r":
        ranges = rep_choices(slot.key)
        return next(
            (slot.with_rep_range(r.lo, r.hi) for r in ranges if choice == [str(r.lo), str(r.hi)]),
            None,
        )
    return None


@dataclass(frozen=True, slots=True)
class PlanAnswer:
    """What a plan button does: show `reply` in place of the pressed message, or as a new one."""

    reply: Reply
    in_place: bool = True


@dataclass
class _Plan:
    """What one use case loaded: the lifter's settings, stored changes, slots and loads."""

    session: AsyncSession
    user_id: int
    settings: UserSettings
    rows: dict[str, PlanSlot]
    slots: dict[str, Slot]
    loads: dict[str, ExerciseLoad]

    def load_text(self, exercise_key: str) -> str | None:
        """The next load of an exercise in the lifter's unit, if they have one."""
        load = self.loads.get(exercise_key)
        if load is None:
            return None
        unit = Unit(self.settings.unit)
        step = load_step(exercise_key, steps_for(self.settings))
        return format_weight(load_in(load.weight, Unit(load.unit), unit, step), unit)


class PlanService:
    """Show and change the lifter's plan; one transaction per call."""

    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock

    async def _load(self, session: AsyncSession, lifter: Lifter) -> _Plan:
        _, settings, _ = await ensure_user(
            session, lifter.user_id, lifter.first_name, self.clock.now()
        )
        rows = await repo.plan_overrides(session, lifter.user_id)
        slots = {slot.key: slot for slot in user_plan(rows)}
        loads = await repo.loads(session, lifter.user_id)
        return _Plan(session, lifter.user_id, settings, rows, slots, loads)

    async def show(self, lifter: Lifter) -> Reply:
        """The whole plan with a button per slot (`/plan`)."""
        async with self.db.transaction() as session:
            return _overview(await self._load(session, lifter))

    async def on_button(self, lifter: Lifter, data: str) -> PlanAnswer:
        """A plan button; stale or forged data changes nothing and says so."""
        action, *args = data.removeprefix(f"{PREFIX}:").split(":")
        async with self.db.transaction() as session:
            plan = await self._load(session, lifter)
            answer = await self._button(plan, action, args)
        return answer or PlanAnswer(Reply(common_texts.STALE_BUTTON), in_place=False)

    async def _button(self, plan: _Plan, action: str, args: list[str]) -> PlanAnswer | None:
        if action == "o" and not args:
            return PlanAnswer(_overview(plan))
        if action == "z":
            return await self._reset(plan, args)
        slot = plan.slots.get(args[0]) if args else None
        if slot is None:
            return None
        if action == "s" and len(args) == 1:
            return PlanAnswer(_editor(plan, slot))
        changed = _changed(slot, action, args[1:])
        if changed is None:
            return None
        await self._save(plan, changed)
        if action == "keep":
            name = get_exercise(changed.exercise_key).name
            return PlanAnswer(Reply(workout_texts.KEPT_SWAP.format(name=name)), in_place=False)
        return PlanAnswer(_editor(plan, changed, saved=True))

    async def _save(self, plan: _Plan, slot: Slot) -> None:
        """Store a slot as the lifter's lasting choice (the default needs no row)."""
        stored = plan.rows.pop(slot.key, None)
        if _is_default(slot):
            if stored is not None:
                await plan.session.delete(stored)
        else:
            if stored is None:
                stored = PlanSlot(user_id=plan.user_id, slot_key=slot.key)
                plan.session.add(stored)
            stored.exercise_key = slot.exercise_key
            stored.sets = slot.sets
            stored.rep_lo, stored.rep_hi = slot.rep_range.lo, slot.rep_range.hi
            stored.rest_seconds = slot.rest_seconds
            plan.rows[slot.key] = stored
        plan.slots[slot.key] = slot

    async def _reset(self, plan: _Plan, args: list[str]) -> PlanAnswer | None:
        """Ask first (`p:z`); only the confirmation (`p:z:y`) resets."""
        if not args:
            yes = Button(texts.BUTTON_RESET_YES, f"{PREFIX}:z:y")
            no = Button(texts.BUTTON_RESET_NO, f"{PREFIX}:o")
            return PlanAnswer(Reply(texts.RESET_ASK, (row(yes, no),)))
        if args != ["y"]:
            return None
        for stored in plan.rows.values():
            await plan.session.delete(stored)
        plan.rows.clear()
        plan.slots = {slot.key: default_slot(slot.key) for slot in plan.slots.values()}
        return PlanAnswer(_overview(plan, notice=texts.RESET_DONE))


def _overview(plan: _Plan, notice: str | None = None) -> Reply:
    """Every slot on two lines, a button per slot, and reset."""
    lines = [notice] if notice else []
    lines.append(texts.PLAN_TITLE)
    for number, slot in enumerate(plan.slots.values(), start=1):
        load = plan.load_text(slot.exercise_key)
        lines.append(
            texts.PLAN_SLOT.format(
                number=number,
                slot=slot.name,
                name=get_exercise(slot.exercise_key).name,
                sets=slot.sets,
                reps=slot.rep_range,
                rest=workout_texts.rest(slot.rest_seconds),
                load=texts.PLAN_LOAD.format(load=load) if load else "",
            )
        )
    lines += ["", texts.PLAN_FOOTER]
    buttons = [Button(slot.name, f"{PREFIX}:s:{slot.key}") for slot in plan.slots.values()]
    rows = _grid(buttons, SLOTS_PER_ROW)
    rows.append(row(Button(texts.BUTTON_RESET, f"{PREFIX}:z")))
    return Reply("\n".join(lines), tuple(rows))


def _grid(buttons: list[Button], per_row: int) -> list[tuple[Button, ...]]:
    """Buttons laid out `per_row` to a row."""
    return [tuple(buttons[i : i + per_row]) for i in range(0, len(buttons), per_row)]


def _choice(label: str, data: str, current: bool) -> Button:
    return Button(texts.CURRENT.format(label=label) if current else label, data)


def _editor(plan: _Plan, slot: Slot, *, saved: bool = False) -> Reply:
    """One slot: what it holds now, and a button for every choice it offers."""
    load = plan.load_text(slot.exercise_key)
    lines = [texts.SAVED] if saved else []
    lines += [
        texts.SLOT_TITLE.format(slot=slot.name, name=get_exercise(slot.exercise_key).name),
        texts.SLOT_DETAILS.format(
            sets=slot.sets, reps=slot.rep_range, rest=workout_texts.rest(slot.rest_seconds)
        ),
        texts.SLOT_LOAD.format(load=load) if load else texts.SLOT_NO_LOAD,
        "",
        texts.SLOT_FOOTER,
    ]
    key = slot.key
    rows = [
        row(
            _choice(
                get_exercise(exercise).name,
                f"{PREFIX}:x:{key}:{exercise}",
                exercise == slot.exercise_key,
            )
        )
        for exercise in default_slot(key).options
    ]
    rows.append(
        tuple(
            _choice(texts.BUTTON_SETS.format(sets=n), f"{PREFIX}:n:{key}:{n}", n == slot.sets)
            for n in SET_CHOICES
        )
    )
    reps = [
        _choice(
            texts.BUTTON_REPS.format(reps=r), f"{PREFIX}:r:{key}:{r.lo}:{r.hi}", r == slot.rep_range
        )
        for r in rep_choices(key)
    ]
    rows += _grid(reps, CHOICES_PER_ROW)
    rests = [
        _choice(
            texts.BUTTON_REST.format(rest=workout_texts.rest(s)),
            f"{PREFIX}:t:{key}:{s}",
            s == slot.rest_seconds,
        )
        for s in REST_CHOICES
    ]
    rows += _grid(rests, CHOICES_PER_ROW)
    rows.append(row(Button(texts.BUTTON_BACK, f"{PREFIX}:o")))
    return Reply("\n".join(lines), tuple(rows))
