"""What the coach says about warm-ups and how well the lifter judges their reps left."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from bot.coach.calibration import MIN_CHECKS, Bias
from bot.coach.units import Unit, format_weight
from bot.coach.warmups import WarmupSet

WARMUP_RAMP = "Warm up first (these don't count): {sets}."
WARMUP_SET = "{load} x {reps}"

CALIBRATE_ASKED = (
    "Reps-in-reserve check: in this or your next workout, tell me your reps left on the "
    "second-to-last set of one exercise, then take the last set, same weight, to as many "
    "good reps as you can. I also ask for one about every four weeks on my own."
)
BIAS_UNKNOWN = "After {checks} I'll know how well you guess your reps left."
BIAS_CHECK = "one more all-out last set"
BIAS_CHECKS = "{count} more all-out last sets"
BIAS_ABOUT_RIGHT = "You judge your reps left about right. Keep it up."
BIAS_SANDBAG = (
    "You leave about {reps} more in the tank than you think, so I size your jumps a bit bigger."
)
BIAS_OVERSHOOT = (
    "You have about {reps} fewer left than you think, so I size your jumps a bit smaller."
)


def warmup_text(ramp: Sequence[WarmupSet], unit: Unit) -> str | None:
    """'Warm up first (these don't count): 45 lb x 10, 125 lb x 5.'; None for no ramp."""
    if not ramp:
        return None
    sets = ", ".join(
        WARMUP_SET.format(load=format_weight(s.weight, unit), reps=s.reps) for s in ramp
    )
    return WARMUP_RAMP.format(sets=sets)


def _reps(value: Decimal) -> str:
    whole = int(abs(value).to_integral_value())
    return "1 rep" if whole == 1 else f"{whole} reps"


def bias_text(bias: Bias) -> str:
    """The lifter's calibration in one line, said as the coach uses it."""
    if bias.checks < MIN_CHECKS:
        missing = MIN_CHECKS - bias.checks
        checks = BIAS_CHECK if missing == 1 else BIAS_CHECKS.format(count=missing)
        return BIAS_UNKNOWN.format(checks=checks)
    if bias.correction == 0:
        return BIAS_ABOUT_RIGHT
    template = BIAS_SANDBAG if bias.correction > 0 else BIAS_OVERSHOOT
    return template.format(reps=_reps(Decimal(bias.correction)))
