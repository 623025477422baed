"""How a load reads when it was lifted in the other unit: loadable, with what was lifted."""

from __future__ import annotations

from decimal import Decimal

from bot.coach.progression import LoadSteps, round_load
from bot.coach.units import Unit, convert, format_weight


def loadable(lifted: Decimal, lifted_unit: Unit, unit: Unit) -> Decimal:
    """A load lifted in `lifted_unit`, in `unit` to the nearest plate step."""
    if lifted_unit is unit:
        return lifted
    return round_load(convert(lifted, lifted_unit, unit), LoadSteps.defaults(unit).plate_step)


def in_unit(lifted: Decimal, lifted_unit: Unit, unit: Unit) -> str:
    """'225 lb' as lifted; a set lifted in kg shown in lb to the nearest plate step, with
    what was on the bar: '145 lb (65 kg)' rather than '143.3 lb'."""
    if lifted_unit is unit:
        return format_weight(lifted, unit)
    shown = format_weight(loadable(lifted, lifted_unit, unit), unit)
    return f"{shown} ({format_weight(lifted, lifted_unit)})"
