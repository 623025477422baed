"""The three coaching tips from the source article, rewritten for the chat.

The progression tip is told in the lifter's unit and with their own smallest jumps, so a
kilogram lifter with a 2.5 kg dumbbell rack reads their numbers, not the article's pounds.
"""

from dataclasses import dataclass

from bot.coach.equipment import Equipment, Loading
from bot.coach.units import Unit, format_weight


@dataclass(frozen=True, slots=True)
class Tip:
    """A short piece of advice the bot can send on request or after a workout."""

    title: str
    text: str


_BAR_JUMPS = {Unit.LB: ("10 lb", "5 lb"), Unit.KG: ("5 kg", "2.5 kg")}

_FAILURE = Tip(
    title="Stop 1-2 reps short of failure",
    text=(
        "Most sets should end with 1 or 2 good reps still in you. After each set, ask: "
        '"How many more clean reps could I have done?" More than 2? '
        "Make the next set harder with more weight or more reps. Went to failure? "
        "Repeat those reps next set and stop 1-2 short. About every four weeks (or after "
        "/calibrate) I ask for one last set with as many good reps as you can, to learn how "
        "well you guess your reps left and size your loads by it."
    ),
)

_SUPPLEMENTS = Tip(
    title="Supplements are optional",
    text=(
        "They're optional: food and sleep come first. Enough protein, enough calories "
        "and 7-9 hours of sleep build more muscle than any tub. If you want help on top, "
        "protein powder makes it easier to eat enough protein, and creatine is the best "
        "studied for gaining strength and muscle. A pre-workout can lift energy and "
        "focus, but its caffeine can cost you sleep. Check with a doctor if you have a "
        "health condition."
    ),
)


def _progression(equipment: Equipment) -> Tip:
    unit = equipment.unit
    up, down = _BAR_JUMPS[unit]
    dumbbell = format_weight(
        equipment.step_at(equipment.minimum(Loading.DUMBBELL), Loading.DUMBBELL), unit
    )
    stack = format_weight(equipment.stack_step, unit)
    return Tip(
        title="Double progression",
        text=(
            f"Work in a rep range, say 4-6. When a set reaches 6 reps, add {up} to a bar "
            f"next set, or go one dumbbell up ({dumbbell}) or one stack plate ({stack}). "
            f"If the new weight only gives you 3 reps or fewer, take {down} off to land back "
            "in 4-6. Each workout, try to beat last time by a rep or a little weight. "
            "A set far past the range earns a bigger jump (never more than 10 %); every load "
            "I suggest is one you can build with your bar, plates, dumbbells or stack."
        ),
    )


def tips_for(unit: Unit, equipment: Equipment | None = None) -> tuple[Tip, ...]:
    """The tips in the lifter's unit, with their equipment's jumps (a common gym if None)."""
    kit = Equipment.defaults(unit) if equipment is None else equipment
    return (_FAILURE, _progression(kit), _SUPPLEMENTS)


TIPS: tuple[Tip, ...] = tips_for(Unit.LB)
"""The tips for a lifter the bot has not met (pounds, a common gym)."""
