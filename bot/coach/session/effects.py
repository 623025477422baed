"""What a step asks the shell to do: store, time, say."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from bot.coach.calibration import Check
from bot.coach.session.messages import Message, NextLoad
from bot.coach.session.state import DoneSet


@dataclass(frozen=True, slots=True)
class LogSet:
    set: DoneSet


@dataclass(frozen=True, slots=True)
class RemoveSet:
    exercise_id: int
    number: int


@dataclass(frozen=True, slots=True)
class StartRest:
    """Start (or restart: there is one per lifter) the rest timer."""

    seconds: int
    due_at: dt.datetime


@dataclass(frozen=True, slots=True)
class StopRest:
    pass


@dataclass(frozen=True, slots=True)
class StoreLoads:
    loads: tuple[NextLoad, ...]


@dataclass(frozen=True, slots=True)
class StoreCheck:
    """A reps-in-reserve check was taken: keep it, the bias is estimated from all of them."""

    exercise_key: str
    check: Check


@dataclass(frozen=True, slots=True)
class Say:
    message: Message


Effect = LogSet | RemoveSet | StartRest | StopRest | StoreLoads | StoreCheck | Say
