"""Pounds and kilograms: exact conversion, display and reading what users type."""

from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum


class Unit(StrEnum):
    """The two units lifters load bars in."""

    LB = "lb"
    KG = "kg"


LB_IN_KG = Decimal("0.45359237")
"""One pound in kilograms, by definition (exact)."""

_DISPLAY_STEP = Decimal("0.01")

_UNIT_WORDS: dict[str, Unit] = {
    **dict.fromkeys(("lb", "lbs", "pound", "pounds", "#"), Unit.LB),
    **dict.fromkeys(("kg", "kgs", "kilo", "kilos", "kilogram", "kilograms"), Unit.KG),
}


def convert(weight: Decimal, src: Unit, dst: Unit) -> Decimal:
    """Convert without rounding, so records compare fairly across units.

    lb -> kg is exact; kg -> lb is a division and keeps Decimal's full precision.
    """
    if src is dst:
        return weight
    if src is Unit.LB:
        return weight * LB_IN_KG
    return weight / LB_IN_KG


def format_weight(weight: Decimal, unit: Unit) -> str:
    """Show a weight the way a lifter writes it: "225 lb", "102.5 kg"."""
    shown = weight.quantize(_DISPLAY_STEP, rounding=ROUND_HALF_UP).normalize() + 0
    return f"{shown:f} {unit}"


def parse_unit(text: str) -> Unit | None:
    """Read a unit word ("lbs", "kilos", "#"); None when it is not one."""
    return _UNIT_WORDS.get(text.strip().casefold().rstrip("."))
