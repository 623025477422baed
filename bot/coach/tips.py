"""The three coaching tips from the source article, rewritten for the chat."""

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Tip:
    """A short piece of advice the bot can send on request or after a workout."""

    title: str
    text: str


TIPS: tuple[Tip, ...] = (
    Tip(
        title="Stop 1-2 reps short of failure",
        text=(
            "Most sets should end with 1 or 2 good reps still in you. After each set, ask: "
            '"How many more clean reps could I have done?" More than 2? '
            "Make the next set harder with more weight or more reps."
        ),
    ),
    Tip(
        title="Double progression",
        text=(
            "Work in a rep range, say 4-6. When a set reaches 6 reps, add 10 lb next set. "
            "If the new weight only gives you 3 reps or fewer, take 5 lb off to land back "
            "in 4-6. Each workout, try to beat last time by a rep or a little weight."
        ),
    ),
    Tip(
        title="Supplements that help",
        text=(
            "Protein powder makes it easier to eat enough protein to build and repair muscle. "
            "Creatine helps you gain muscle and strength and leaves you less sore. "
            "A pre-workout can lift your energy and focus. Any good brand will do."
        ),
    ),
)
