"""The upper-back muscles and their jobs, each linked to the exercises that train it.

Which exercises train a muscle is derived from the catalog, so the two can never disagree.
The serratus posterior is listed because the article names it, but it is a breathing
helper: no exercise in the catalog trains it, so it has none.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from bot.coach.catalog import EXERCISES


@dataclass(frozen=True, slots=True)
class Muscle:
    """One muscle group: what it does and which exercises work it (catalog keys)."""

    key: str
    name: str
    job: str
    exercises: tuple[str, ...]


_DESCRIPTIONS: tuple[tuple[str, str, str], ...] = (
    (
        "trapezius",
        "Trapezius (traps)",
        "The big sheet from your neck to mid-back. Moves and steadies your shoulder blades.",
    ),
    (
        "rhomboids",
        "Rhomboids",
        "Sit under the traps, spine to shoulder blades. Pull the blades in and help posture.",
    ),
    (
        "erector_spinae",
        "Erector spinae",
        "Columns along your spine that hold you upright and help you twist.",
    ),
    (
        "teres",
        "Teres major and minor",
        "Small muscles by your shoulder blade that turn your arm and pull it toward your body.",
    ),
    (
        "rear_deltoids",
        "Rear deltoids",
        "The back of your shoulders. They pull your arms backward.",
    ),
    (
        "infraspinatus",
        "Infraspinatus",
        "Part of the rotator cuff. Keeps your shoulder joint steady.",
    ),
    (
        "serratus_posterior",
        "Serratus posterior",
        "Thin helpers over your ribs, upper and lower, that raise and lower the ribs as you"
        " breathe. No lift here trains them directly, deadlifts included.",
    ),
)


def _trained_by(muscle_key: str) -> tuple[str, ...]:
    """Keys of the exercises that list this muscle as primary or secondary."""
    return tuple(e.key for e in EXERCISES if muscle_key in e.primary_muscles + e.secondary_muscles)


MUSCLES: tuple[Muscle, ...] = tuple(
    Muscle(key=key, name=name, job=job, exercises=_trained_by(key))
    for key, name, job in _DESCRIPTIONS
)

MUSCLES_BY_KEY: Mapping[str, Muscle] = MappingProxyType({m.key: m for m in MUSCLES})
