"""Plain rows for the workout's hot path: read with Core, written back column by column.

Every message of a workout reads the lifter, their settings, the workout and its
exercises, and writes back the position. Through the ORM that cost an identity map, a
session and a unit-of-work flush per message: more CPU than the statements themselves
(BENCHMARKS.md, "Cost per update"). These rows are dataclasses filled from a Core
query; a workout row and its exercises remember which columns a step changed
(`assign`), and `bot.db.workouts.save_changes` writes exactly those.

`SettingsView` is what the coaching helpers read of a lifter's settings, so they take
an ORM `UserSettings` (other features) and a `SettingsRow` (a workout step) alike. A
`SettingsRow` is frozen: a change to settings goes through its own statement, never
an assignment that nothing would store.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, fields
from decimal import Decimal
from typing import Any, Protocol

from sqlalchemy import ColumnElement, FromClause


class SettingsView(Protocol):
    """The settings a workout step and the load helpers read."""

    @property
    def user_id(self) -> int: ...
    @property
    def unit(self) -> str: ...
    @property
    def time_zone(self) -> str: ...
    @property
    def plate_step(self) -> Decimal | None: ...
    @property
    def cable_step(self) -> Decimal | None: ...
    @property
    def bar_weight(self) -> Decimal | None: ...
    @property
    def dumbbell_step(self) -> Decimal | None: ...
    @property
    def dumbbells(self) -> str | None: ...
    @property
    def cable_top(self) -> Decimal | None: ...
    @property
    def warmups_on(self) -> bool: ...
    @property
    def last_calibration_on(self) -> dt.date | None: ...
    @property
    def calibration_asked(self) -> bool: ...
    @property
    def pending_input(self) -> str | None: ...


@dataclass(frozen=True, slots=True)
class SettingsRow:
    """A lifter's settings as a workout step reads them (`SettingsView`)."""

    user_id: int
    unit: str
    time_zone: str
    plate_step: Decimal | None
    cable_step: Decimal | None
    bar_weight: Decimal | None
    dumbbell_step: Decimal | None
    dumbbells: str | None
    cable_top: Decimal | None
    warmups_on: bool
    last_calibration_on: dt.date | None
    calibration_asked: bool
    pending_input: str | None


@dataclass(frozen=True, slots=True)
class UserRow:
    """Who the lifter is, as far as a workout step cares."""

    id: int
    first_name: str


class Changes:
    """A row's columns changed since it was read: what its UPDATE must set.

    The rows are frozen, so a plain assignment fails loudly instead of changing a value
    that nothing would store; `assign` is the one way to change them.
    """

    __slots__ = ()

    id: int
    changed: dict[str, Any]

    def assign(self, **values: Any) -> None:
        """Set columns; only those whose value differs count as changed."""
        for column, value in values.items():
            if getattr(self, column) != value:
                object.__setattr__(self, column, value)
                self.changed[column] = value


@dataclass(frozen=True, slots=True, eq=False)
class WorkoutRow(Changes):
    """The workout in progress and the lifter's place in it."""

    id: int
    current_index: int
    current_set: int
    awaiting: str
    pending_reps: int | None
    status: str
    finished_at: dt.datetime | None
    question: str | None
    changed: dict[str, Any] = field(default_factory=dict, repr=False)


@dataclass(frozen=True, slots=True, eq=False)
class ExerciseRow(Changes):
    """One exercise of the workout in progress, with today's target."""

    id: int
    position: int
    slot_key: str
    exercise_key: str
    sets: int
    rep_lo: int
    rep_hi: int
    rest_seconds: int
    status: str
    target_weight: Decimal | None
    target_unit: str | None
    target_reps: int | None
    after_increase: bool
    changed: dict[str, Any] = field(default_factory=dict, repr=False)


def columns_for(row_type: type[Any], table: FromClause) -> list[ColumnElement[Any]]:
    """The table's columns a row type is filled from, in the order of its fields."""
    return [table.c[f.name] for f in fields(row_type) if f.name != "changed"]
