"""What /howto, /exercises, /muscles and /tips say: short enough to read between sets."""

from __future__ import annotations

from collections.abc import Iterable

from bot.coach.anatomy import MUSCLES, MUSCLES_BY_KEY
from bot.coach.catalog import EXERCISES, EXERCISES_BY_KEY, Exercise, LoadClass
from bot.coach.tips import tips_for
from bot.coach.units import Unit

CHOOSE = "Which exercise? Tap one for its form cues."
AMBIGUOUS = "A few exercises fit that. Which one?"
UNKNOWN = "I don't know that one. Did you mean this?"
UNKNOWN_LIST = "I don't know that one. Here are the exercises I know:"
NOT_COACHED = "I don't coach the {name}. The closest lift I do coach is this one:"
NOT_COACHED_LIST = "I don't coach the {name}. Here are the exercises I do coach:"

CUES_TITLE = "How to: {name}"
CUES_MUSCLES = "Works: {primary}"
CUES_ALSO = "Also: {secondary}"
CUES_REPS = "Reps: {reps}"

EXERCISES_TITLE = "The exercises I coach, by how they're loaded:"
EXERCISES_FOOTER = "Send /howto and a name for form cues, like /howto seal row."
LOAD_CLASS_TITLES = {
    LoadClass.BARBELL: "Barbell",
    LoadClass.DUMBBELL: "Dumbbell",
    LoadClass.CABLE: "Cable",
}

MUSCLES_TITLE = "Your upper back, muscle by muscle:"
MUSCLE_TRAINED_BY = "Trained by: {names}"

TIPS_TITLE = "How to keep getting stronger:"


def _muscle_names(keys: Iterable[str]) -> str:
    return ", ".join(MUSCLES_BY_KEY[key].name for key in keys)


def _exercise_names(keys: Iterable[str]) -> str:
    return ", ".join(EXERCISES_BY_KEY[key].name for key in keys)


def cue_card(exercise: Exercise) -> str:
    """Name, why it helps, numbered cues, muscles and the default rep range."""
    lines = [CUES_TITLE.format(name=exercise.name), exercise.why, ""]
    lines += [f"{number}. {cue}" for number, cue in enumerate(exercise.cues, start=1)]
    lines += ["", CUES_MUSCLES.format(primary=_muscle_names(exercise.primary_muscles))]
    if exercise.secondary_muscles:
        lines.append(CUES_ALSO.format(secondary=_muscle_names(exercise.secondary_muscles)))
    lines.append(CUES_REPS.format(reps=exercise.rep_range))
    return "\n".join(lines)


def exercise_list() -> str:
    """Every exercise, grouped by load class, with its primary muscles."""
    lines = [EXERCISES_TITLE]
    for load_class, title in LOAD_CLASS_TITLES.items():
        lines += ["", f"{title}:"]
        lines += [
            f"- {e.name}: {_muscle_names(e.primary_muscles)}"
            for e in EXERCISES
            if e.load_class is load_class
        ]
    lines += ["", EXERCISES_FOOTER]
    return "\n".join(lines)


def muscle_list() -> str:
    """Each muscle group with its job and the exercises that train it."""
    lines = [MUSCLES_TITLE]
    for muscle in MUSCLES:
        lines += ["", muscle.name, muscle.job]
        if muscle.exercises:
            lines.append(MUSCLE_TRAINED_BY.format(names=_exercise_names(muscle.exercises)))
    return "\n".join(lines)


def tip_list(unit: Unit = Unit.LB) -> str:
    """The coaching tips, numbered, in the lifter's unit."""
    lines = [TIPS_TITLE]
    for number, tip in enumerate(tips_for(unit), start=1):
        lines += ["", f"{number}. {tip.title}", tip.text]
    return "\n".join(lines)
