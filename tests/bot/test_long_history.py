"""/export, /prs and /progress of a long history, on each database: the same replies as
when the whole history was read as entities in one statement, only the lifter's own
sets, and read in pages that let other lifters in between."""

from __future__ import annotations

import asyncio
import datetime as dt
import random
from collections.abc import Iterator
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import event, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.coach.transfer import ExportSet, export_csv, export_strong_csv
from bot.coach.units import Unit
from bot.db import history as queries
from bot.db.base import Base
from bot.db.engine import Database
from bot.db.models import OtherSet, UserSettings, Workout, WorkoutSet
from bot.db.users import ensure_user
from bot.db.workouts import as_logged
from bot.services.history import HistoryService, records_messages
from bot.services.transfer import TransferService

LIFTER, OTHER = 61, 62
ZONE = "America/New_York"
START = dt.datetime(2024, 1, 1, 12, 0, tzinfo=dt.UTC)
WORKOUTS, OURS, KEPT = 130, 14, 3  # per lifter: 1,820 sets of our lifts over two pages
TOP = {OURS - 3: (8, 2), OURS - 1: (10, 0)}  # reps, rir: face pulls of equal estimated max


def _sets(user: int, workout_id: int, day: int) -> Iterator[tuple[type[Base], dict[str, Any]]]:
    """A workout's sets, stored last lifted first: two at each instant, so ties are
    broken by id; other exercises' sets at the same instants as ours; and two top sets of
    equal estimated max, of which the one lifted first is the record. Only `LIFTER` kept
    other exercises from an import."""
    at = START + dt.timedelta(days=day)
    for n in range(OURS + (KEPT if user == LIFTER else 0)):
        row = {
            "user_id": user,
            "workout_id": workout_id,
            "set_number": n + 1,
            "weight": Decimal("52.5") + n,
            "unit": "kg" if n % 2 else "lb",
            "reps": 5 + n % 7,
            "rir": None if n % 3 else n % 4,
            "warmup": n == 0,
            "performed_at": at + dt.timedelta(minutes=(OURS + KEPT - n) // 2),
            "notes": f"lifter {user}, day {day}",
        }
        if n in TOP:
            reps, rir = TOP[n]
            row |= {"weight": Decimal(300), "unit": "lb", "reps": reps, "rir": rir}
        if n < OURS:
            yield WorkoutSet, row | {"exercise_key": ("row", "face_pull")[n % 2]}
        else:
            yield OtherSet, row | {"exercise_name": "Curl", "fingerprint": f"{user}:{day}:{n}"}


async def build_history(db: Database) -> None:
    """Two lifters' workouts stored in shuffled order, theirs interleaved, so neither ids
    nor pages follow time or belong to one lifter."""
    days = [(user, day) for day in range(WORKOUTS) for user in (LIFTER, OTHER)]
    random.Random(17).shuffle(days)
    async with db.transaction() as session:
        for user in (LIFTER, OTHER):
            await ensure_user(session, user, "Lifter", START)
        await session.execute(update(UserSettings).values(time_zone=ZONE))
        for user, day in days:
            started = START + dt.timedelta(days=day)
            workout_id = await session.scalar(
                insert(Workout)
                .values(
                    user_id=user,
                    status="finished",
                    name=f"Day {day}",
                    started_at=started,
                    finished_at=started + dt.timedelta(hours=1),
                )
                .returning(Workout.id)
            )
            assert workout_id is not None
            for model, row in _sets(user, workout_id, day):
                await session.execute(insert(model), [row])


def _as_export(stored: WorkoutSet | OtherSet, workout: Workout) -> ExportSet:
    return ExportSet(
        performed_at=stored.performed_at,
        workout_id=workout.id,
        workout_name=workout.name,
        workout_started_at=workout.started_at,
        workout_finished_at=workout.finished_at,
        exercise_key=stored.exercise_key if isinstance(stored, WorkoutSet) else "",
        exercise_name=stored.exercise_name if isinstance(stored, OtherSet) else "",
        set_number=stored.set_number,
        weight=stored.weight,
        unit=Unit(stored.unit),
        reps=stored.reps,
        rir=stored.rir,
        warmup=stored.warmup,
        notes=stored.notes,
    )


async def _in_order(
    session: AsyncSession, model: type[WorkoutSet] | type[OtherSet], user: int
) -> list[ExportSet]:
    query = (
        select(model, Workout)
        .join(Workout, model.workout_id == Workout.id)
        .where(model.user_id == user)
        .order_by(model.performed_at, model.id)
    )
    return [_as_export(s, w) for s, w in (await session.execute(query)).all()]


async def export_before(db: Database, user: int) -> list[ExportSet]:
    """What /export wrote before it read in pages: entities in the database's time order."""
    async with db.transaction() as session:
        ours = await _in_order(session, WorkoutSet, user)
        kept = await _in_order(session, OtherSet, user)
    if not kept:
        return ours
    return sorted(ours + kept, key=lambda item: (item.performed_at, item.workout_id))


async def records_before(db: Database, user: int) -> list[str]:
    """What /prs said before it read in pages: records of entities in time order, where
    of equal records (every day here has the same sets) the first lifted counts."""
    async with db.transaction() as session:
        query = (
            select(WorkoutSet)
            .where(WorkoutSet.user_id == user)
            .order_by(WorkoutSet.performed_at, WorkoutSet.id)
        )
        stored = (await session.scalars(query)).all()
    zone = ZoneInfo(ZONE)
    return records_messages([(s.performed_at, as_logged(s, zone)) for s in stored], Unit.LB)


@pytest.fixture
def entities_loaded() -> Iterator[list[object]]:
    """Every set or workout loaded from the database as an ORM entity meanwhile."""
    loaded: list[object] = []

    def on_load(target: object, _context: object) -> None:
        if isinstance(target, WorkoutSet | OtherSet | Workout):
            loaded.append(target)

    event.listen(Base, "load", on_load, propagate=True)
    yield loaded
    event.remove(Base, "load", on_load)


async def test_a_long_history_reads_as_before_without_entities_or_other_lifters(
    db: Database, entities_loaded: list[object]
) -> None:
    await build_history(db)
    expected = {user: await export_before(db, user) for user in (LIFTER, OTHER)}
    records = await records_before(db, LIFTER)
    entities_loaded.clear()
    service, history = TransferService(db, Clock()), HistoryService(db, Clock())

    exported = {user: (await service.export(user, "")).replies[0] for user in (LIFTER, OTHER)}
    strong = (await service.export(LIFTER, "strong")).replies[0]
    prs = await history.records(LIFTER)
    progress = await history.progress(LIFTER, "face pull")

    assert entities_loaded == []
    assert [reply.text for reply in prs.replies] == records
    assert "from 300 lb x 10 on Mon 1 Jan 2024" in records[0]  # the first of the equal ones
    assert progress.replies[0].photo is not None
    zone = ZoneInfo(ZONE)
    assert strong.document == export_strong_csv(expected[LIFTER], zone, unit=Unit.LB).encode()
    for user, kept in ((LIFTER, KEPT), (OTHER, 0)):
        document = exported[user].document or b""
        assert len(expected[user]) == WORKOUTS * (OURS + kept)
        assert document == export_csv(expected[user], zone).encode()
        lines = document.decode().splitlines()[1:]
        assert len(lines) == len(expected[user])
        assert all(f"lifter {user}, day" in line for line in lines)


async def test_other_lifters_are_served_between_the_pages_of_an_export(db: Database) -> None:
    """The export hands the event loop back between its pages; on SQLite, whose
    transactions take turns, another lifter's transaction goes in between."""
    await build_history(db)
    service = TransferService(db, Clock())
    pages_read: list[int] = []
    read_page = queries.sets_page
    first_page = asyncio.Event()

    async def counted(*args: Any, **kwargs: Any) -> Any:
        pages_read.append(len(pages_read) + 1)
        first_page.set()
        return await read_page(*args, **kwargs)

    ticks: list[int] = []  # the pages read whenever another task had the loop
    served_after: list[int] = []

    async def ticker() -> None:
        while not export.done():
            ticks.append(len(pages_read))
            await asyncio.sleep(0)

    async def other_lifter() -> None:
        await first_page.wait()
        async with db.transaction() as session:
            await session.get(UserSettings, OTHER)
        served_after.append(len(pages_read))

    queries.sets_page = counted  # type: ignore[assignment]
    try:
        export = asyncio.create_task(service.export(LIFTER, ""))
        await asyncio.gather(export, ticker(), other_lifter())
    finally:
        queries.sets_page = read_page  # type: ignore[assignment]

    assert len(pages_read) == 3  # two of our lifts', one of other exercises'
    assert {1, 2} <= set(ticks), ticks
    if db.is_sqlite:
        assert served_after == [1]
