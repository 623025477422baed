"""The 13 upper-back exercises the coach knows, in the order the source article gives them.

Every text here is written for the chat: short enough to read between sets.
Muscle keys refer to ``bot.coach.anatomy``; that module checks them.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType

from bot.coach.errors import CoachError


class LoadClass(StrEnum):
    """How an exercise is loaded, which decides how its weight can change."""

    BARBELL = "barbell"
    DUMBBELL = "dumbbell"
    CABLE = "cable"


class RepRangeError(CoachError, ValueError):
    """A rep range nobody can train in."""


class UnknownExercise(CoachError, KeyError):
    """An exercise key the catalog does not hold (a stale database row or a typo in code)."""

    def __init__(self, key: str) -> None:
        super().__init__(f"I don't know the exercise {key!r}.")
        self.key = key


@dataclass(frozen=True, slots=True)
class RepRange:
    """The reps a set aims for; hitting ``hi`` is the signal to add weight."""

    lo: int
    hi: int

    def __post_init__(self) -> None:
        if not 1 <= self.lo <= self.hi <= 100:
            raise RepRangeError("Use a rep range from 1 to 100, low number first, like 6-8.")

    def __str__(self) -> str:
        return f"{self.lo}-{self.hi}"


@dataclass(frozen=True, slots=True)
class Exercise:
    """One exercise: what it is, why it helps, and how to do it."""

    key: str
    name: str
    aliases: tuple[str, ...]
    equipment: str
    primary_muscles: tuple[str, ...]
    secondary_muscles: tuple[str, ...]
    why: str
    cues: tuple[str, ...]
    rep_range: RepRange
    load_class: LoadClass
    unilateral: bool


EXERCISES: tuple[Exercise, ...] = (
    Exercise(
        key="deadlift",
        name="Deadlift",
        aliases=(
            "DL",
            "deads",
            "deadies",
            "conventional deadlift",
            "barbell deadlift",
            "conventional",
        ),
        equipment="Barbell",
        primary_muscles=("erector_spinae", "trapezius"),
        secondary_muscles=("rhomboids",),
        why="Works the whole back of your body and lets you add weight safely, week after week.",
        cues=(
            "Feet a little narrower than your shoulders, toes turned out a touch.",
            "Bar over the middle of your feet, shins close to the bar.",
            "Big breath into your belly, then grip just outside your shins, palms facing you.",
            "Flat back. Push the floor away through your heels until you stand tall.",
            "Lower the bar the same way, under control.",
        ),
        rep_range=RepRange(4, 6),
        load_class=LoadClass.BARBELL,
        unilateral=False,
    ),
    Exercise(
        key="romanian_deadlift",
        name="Romanian deadlift",
        aliases=(
            "RDL",
            "romanian dl",
            "barbell RDL",
            "romanian deads",
            "barbell romanian deadlift",
        ),
        equipment="Barbell",
        primary_muscles=("erector_spinae",),
        secondary_muscles=("trapezius", "rhomboids"),
        why="Trains your back much like the deadlift but tires you less, so you can do it more.",
        cues=(
            "Stand tall with the bar in an overhand grip, hands shoulder-width apart.",
            "Flat back, legs nearly straight: push your hips back as the bar slides down.",
            "Feel the hamstring stretch, bend the knees a bit more, stop before your back rounds.",
            "Drive your hips forward to stand up again.",
        ),
        rep_range=RepRange(6, 8),
        load_class=LoadClass.BARBELL,
        unilateral=False,
    ),
    Exercise(
        key="rack_pull",
        name="Rack pull",
        aliases=("rack deadlift", "pin pull", "block pull"),
        equipment="Barbell and power rack",
        primary_muscles=("trapezius", "erector_spinae"),
        secondary_muscles=("rhomboids",),
        why="A shorter pull than the deadlift, so you can handle heavier weights.",
        cues=(
            "Rest the bar on the safety arms at knee height or a little lower.",
            "Bar over mid-foot, feet a bit narrower than your shoulders, toes slightly out.",
            "Hinge over and take an overhand grip just outside your legs.",
            "Flat back, push through your heels and stand tall.",
            "Set the bar back on the safety arms with control.",
        ),
        rep_range=RepRange(4, 6),
        load_class=LoadClass.BARBELL,
        unilateral=False,
    ),
    Exercise(
        key="barbell_row",
        name="Barbell row",
        aliases=(
            "bent over row",
            "BB row",
            "barbell bent over row",
            "bent row",
            "barbell row overhand",
        ),
        equipment="Barbell",
        primary_muscles=("rhomboids", "trapezius"),
        secondary_muscles=("rear_deltoids", "teres", "erector_spinae"),
        why="You can row heavy weights, and heavy rows build size and strength.",
        cues=(
            "Feet shoulder-width apart under the bar, toes turned slightly out.",
            "Bend over and grip a little wider than your shoulders, palms facing you.",
            "Flatten your back and lift your hips until your torso is close to level.",
            "A little leg drive, squeeze your shoulder blades, row to your lower chest or belly.",
            "Lower the bar to the floor under control.",
        ),
        rep_range=RepRange(6, 8),
        load_class=LoadClass.BARBELL,
        unilateral=False,
    ),
    Exercise(
        key="single_arm_dumbbell_row",
        name="Single-arm dumbbell row",
        aliases=(
            "DB row",
            "dumbbell row",
            "one arm row",
            "one arm dumbbell row",
            "single arm row",
            "single arm db row",
            "bent over one arm row",
            "one arm bent over row",
            "single arm bent over row",
        ),
        equipment="Dumbbell and flat bench",
        primary_muscles=("rhomboids", "teres"),
        secondary_muscles=("trapezius", "rear_deltoids"),
        why="One side at a time, so you can spot a weaker side and fix it.",
        cues=(
            "Dumbbell in your right hand.",
            "Left knee and left hand on the bench, right foot planted a step out, arm hanging.",
            "Keep your back flat and row until the dumbbell meets your side, then lower it.",
            "Finish the reps, then switch to the left arm.",
        ),
        rep_range=RepRange(8, 10),
        load_class=LoadClass.DUMBBELL,
        unilateral=True,
    ),
    Exercise(
        key="cable_row",
        name="Cable row",
        aliases=(
            "seated row",
            "seated cable row",
            "low row",
            "cable low row",
            "low cable row",
            "low pulley row",
        ),
        equipment="Cable row station",
        primary_muscles=("rhomboids", "trapezius"),
        secondary_muscles=("rear_deltoids", "teres"),
        why="The cable pulls the whole time, a different feel from free weights.",
        cues=(
            "Sit with your feet on the footrest, knees slightly bent.",
            "Lean in to take the handle, then sit tall with your arms reaching forward.",
            "Back straight, pull the handle to your stomach.",
            "Once your hands reach your body, let the handle go back slowly.",
        ),
        rep_range=RepRange(8, 10),
        load_class=LoadClass.CABLE,
        unilateral=False,
    ),
    Exercise(
        key="chest_supported_row",
        name="Chest-supported row",
        aliases=(
            "chest supported db row",
            "incline row",
            "incline dumbbell row",
            "incline bench row",
            "prone incline row",
            "chest supported dumbbell row",
        ),
        equipment="Dumbbells and incline bench",
        primary_muscles=("rhomboids", "trapezius"),
        secondary_muscles=("rear_deltoids", "teres"),
        why="The bench takes momentum away, so your upper back does the work.",
        cues=(
            "Set an incline bench to about 30 degrees.",
            "Dumbbell in each hand, lie face down, feet on the floor, arms hanging.",
            "Row the dumbbells up to your sides.",
            "Lower them slowly until your arms are straight.",
        ),
        rep_range=RepRange(8, 10),
        load_class=LoadClass.DUMBBELL,
        unilateral=False,
    ),
    Exercise(
        key="seal_row",
        name="Seal row",
        aliases=("barbell seal row", "prone barbell row", "lying barbell row", "seal"),
        equipment="Barbell and seal row bench",
        primary_muscles=("rhomboids", "trapezius"),
        secondary_muscles=("rear_deltoids", "teres"),
        why="Lying face down takes your legs out of it, so your upper back lifts it all.",
        cues=(
            "Put a loaded bar under a seal row bench and lie face down on it.",
            "Grip a little wider than your shoulders, palms facing your feet.",
            "Row the bar up until it taps the bottom of the bench.",
            "Lower it until your arms are straight.",
        ),
        rep_range=RepRange(8, 10),
        load_class=LoadClass.BARBELL,
        unilateral=False,
    ),
    Exercise(
        key="meadows_row",
        name="Meadows row",
        aliases=(
            "meadow row",
            "meadows",
            "single arm landmine row",
            "one arm landmine row",
            "one arm long bar row",
        ),
        equipment="Barbell in a landmine or corner, plates",
        primary_muscles=("rhomboids", "teres"),
        secondary_muscles=("rear_deltoids", "trapezius"),
        why="With one end of the bar anchored, you pull along a new path, a fresh angle to grow.",
        cues=(
            "Wedge one end of a bar in a corner or landmine, load plates on the other end.",
            "Right foot by the loaded end, toes pointing across the bar; left foot 2-3 feet back.",
            "Hinge until your back is nearly level and grab the bar end with your left hand.",
            "Row until your hand reaches your body, then lower it.",
            "Finish the reps, then switch sides.",
        ),
        rep_range=RepRange(8, 10),
        load_class=LoadClass.BARBELL,
        unilateral=True,
    ),
    Exercise(
        key="t_bar_row",
        name="T-bar row",
        aliases=(
            "tbar",
            "tbar row",
            "landmine row",
            "t bar row with handle",
            "two arm landmine row",
            "two arm long bar row",
        ),
        equipment="T-bar row machine or landmine",
        primary_muscles=("rhomboids", "trapezius"),
        secondary_muscles=("teres", "rear_deltoids", "erector_spinae"),
        why="A heavy row you can do safely; palms facing each other hit your back a new way.",
        cues=(
            "Stand on the footplate facing the loaded end, bar between your legs.",
            "Flat back, soft knees: hinge until your torso is 30-45 degrees from the floor.",
            "Take the handles, palms facing each other, and lift the bar off its rest.",
            "Pull the handles up until they touch your body.",
            "Lower until your arms are straight.",
        ),
        rep_range=RepRange(6, 8),
        load_class=LoadClass.BARBELL,
        unilateral=False,
    ),
    Exercise(
        key="upright_row",
        name="Upright row",
        aliases=("barbell upright row", "upright barbell row"),
        equipment="Barbell",
        primary_muscles=("trapezius",),
        secondary_muscles=("rear_deltoids",),
        why="Builds your side delts and upper traps; your rear delts help a little.",
        cues=(
            "Stand tall, bar in front of your thighs, palms facing you.",
            "Hands about shoulder-width apart: a narrower grip can pinch your shoulders.",
            "Lift the bar straight up until your upper arms are level with the floor.",
            "Keep your elbows above your forearms the whole way.",
            "Lower the bar to your thighs slowly.",
        ),
        rep_range=RepRange(8, 10),
        load_class=LoadClass.BARBELL,
        unilateral=False,
    ),
    Exercise(
        key="face_pull",
        name="Face pull",
        aliases=("cable face pull", "rope face pull"),
        equipment="Cable machine with a rope",
        primary_muscles=("rear_deltoids", "infraspinatus"),
        secondary_muscles=("teres", "trapezius", "rhomboids"),
        why="Pulls to your face and turns your arms out, which few moves do. Good for shoulders.",
        cues=(
            "Pulley at eye level, rope attached.",
            "One rope end in each hand, step back until the cable is tight, arms straight.",
            "Stand tall, knees soft, feet shoulder-width apart.",
            "Elbows high, pull to your eyes and spread the rope until your hands are by your ears.",
            "Let the rope go back slowly.",
        ),
        rep_range=RepRange(10, 12),
        load_class=LoadClass.CABLE,
        unilateral=False,
    ),
    Exercise(
        key="rear_lateral_raise",
        name="Dumbbell rear lateral raise",
        aliases=(
            "rear lateral raise",
            "rear delt raise",
            "rear delt fly",
            "reverse fly",
            "rear delt reverse fly",
            "bent over lateral raise",
            "bent over rear delt raise",
            "rear delt flye",
            "seated bent over rear delt raise",
            "rear raise",
        ),
        equipment="Dumbbells",
        primary_muscles=("rear_deltoids",),
        secondary_muscles=("trapezius", "rhomboids"),
        why="A top dumbbell move for rear delts that also works your traps and rhomboids.",
        cues=(
            "Standing or seated, hinge until your torso is as close to level as you can get.",
            "Dumbbell in each hand, back flat.",
            "Raise them out wide until your upper arms are level, squeezing your shoulder blades.",
            "Lower them slowly.",
        ),
        rep_range=RepRange(10, 12),
        load_class=LoadClass.DUMBBELL,
        unilateral=False,
    ),
)

EXERCISES_BY_KEY: Mapping[str, Exercise] = MappingProxyType({e.key: e for e in EXERCISES})


def get_exercise(key: str) -> Exercise:
    """Look an exercise up by its stable key."""
    try:
        return EXERCISES_BY_KEY[key]
    except KeyError:
        raise UnknownExercise(key) from None


@dataclass(frozen=True, slots=True)
class OtherLift:
    """A lift the coach does not teach, known by name so it is never mapped to one it does.

    ``closest`` is the key of the coached exercise nearest to it, None when none is near.
    """

    key: str
    name: str
    aliases: tuple[str, ...]
    closest: str | None


def _other(name: str, closest: str | None, *aliases: str) -> OtherLift:
    return OtherLift("other:" + name.casefold().replace(" ", "_"), name, aliases, closest)


OTHER_LIFTS: tuple[OtherLift, ...] = (
    _other("Sumo deadlift", "deadlift", "sumo dl", "sumo"),
    _other(
        "Stiff-leg deadlift",
        "romanian_deadlift",
        "stiff legged deadlift",
        "straight leg deadlift",
        "sldl",
    ),
    _other("Trap bar deadlift", "deadlift", "hex bar deadlift", "trap bar dl", "hex bar dl"),
    _other("Deficit deadlift", "deadlift", "deficit pull"),
    _other(
        "Single-leg deadlift",
        "romanian_deadlift",
        "single leg rdl",
        "single leg romanian deadlift",
        "one legged deadlift",
    ),
    _other("Deficit Romanian deadlift", "romanian_deadlift", "romanian deadlift from deficit"),
    _other("Dumbbell deadlift", "deadlift", "db deadlift"),
    _other("Dumbbell Romanian deadlift", "romanian_deadlift", "db rdl", "dumbbell rdl"),
    _other("Good morning", "romanian_deadlift"),
    _other("Back extension", "romanian_deadlift", "hyperextension", "45 degree back raise"),
    _other("Pendlay row", "barbell_row"),
    _other("Yates row", "barbell_row", "underhand barbell row", "reverse grip bent over row"),
    _other("Smith machine row", "barbell_row", "smith machine bent over row"),
    _other(
        "Two-dumbbell bent-over row",
        "single_arm_dumbbell_row",
        "dumbbell bent over row",
        "bent over two dumbbell row",
        "two arm dumbbell row",
        "double dumbbell row",
    ),
    _other("Kroc row", "single_arm_dumbbell_row"),
    _other("Renegade row", "single_arm_dumbbell_row", "alternating renegade row", "plank row"),
    _other("Kettlebell row", "single_arm_dumbbell_row", "one arm kettlebell row"),
    _other("Dumbbell seal row", "seal_row", "db seal row"),
    _other("Machine row", "cable_row", "seated machine row", "leverage row", "iso row", "high row"),
    _other("Single-arm cable row", "cable_row", "one arm cable row", "seated one arm cable row"),
    _other("Inverted row", "barbell_row", "australian pull up", "bodyweight row", "trx row"),
    _other(
        "Chest-supported machine row",
        "chest_supported_row",
        "chest supported t bar row",
        "lying t bar row",
    ),
    _other("Lat pulldown", None, "pulldown", "pull down", "lat pull"),
    _other("Straight-arm pulldown", None, "straight arm pushdown", "pullover"),
    _other("Pull-up", None, "pullup", "chin up", "chinup", "chin"),
    _other("Shrug", "upright_row"),
    _other("Dumbbell upright row", "upright_row"),
    _other("Cable upright row", "upright_row"),
    _other("High pull", "upright_row", "sumo high pull"),
    _other("Lateral raise", "rear_lateral_raise", "side lateral raise", "side raise"),
    _other(
        "Chest-supported reverse fly",
        "rear_lateral_raise",
        "lying rear delt raise",
        "prone reverse fly",
        "lying rear lateral raise",
        "incline rear delt fly",
    ),
    _other("Reverse machine fly", "rear_lateral_raise", "reverse pec deck", "rear delt machine"),
    _other("Cable rear delt fly", "rear_lateral_raise", "cable reverse fly"),
    _other("Band pull-apart", "face_pull", "pull apart"),
    _other("Rear delt row", "face_pull"),
    _other("Bench press", None, "bench", "chest press", "incline bench"),
    _other("Overhead press", None, "ohp", "military press", "shoulder press"),
    _other("Squat", None, "back squat", "front squat"),
    _other("Biceps curl", None, "curl", "bicep curl", "hammer curl"),
)
