"""Statements run on the driver (`bot.db.direct`) behave as through SQLAlchemy: the same
values back, the same rows written, the same errors, in the same transaction."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

import pytest
from sqlalchemy import Column, Integer, MetaData, Table, bindparam, insert, select, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError

from bot.db import workouts as repo
from bot.db.direct import Direct
from bot.db.engine import Database, make_engine
from bot.db.models import RirCheck, Workout, WorkoutSet
from bot.db.users import create_user
from bot.handlers.errors import is_database_outage
from tests.conftest import POSTGRES_URL
from tests.db.test_workouts import NOW, _exercise

LIFTER = 11


async def _lifter_mid_workout(db: Database) -> repo.LifterState:
    """A lifter with two sets of the first exercise logged and a rest timer running."""
    async with db.work() as work:
        await create_user(work.session, LIFTER, "Dee", NOW)
        workout, (first, _) = await repo.create_workout(
            work.connection, LIFTER, NOW, "reps", [_exercise(0, "rdl"), _exercise(1, "shrug")]
        )
        await repo.add_sets(
            work.connection, [_set(workout.id, first.id, 1), _set(workout.id, first.id, 2)]
        )
        await repo.set_rest_timer(work.connection, LIFTER, workout.id, NOW)
        await repo.add_check(
            work.connection,
            {"user_id": LIFTER, "exercise_key": "rdl", "performed_at": NOW, "reps": 8}
            | {"predicted_rir": 2, "amrap_reps": 11},
        )
    async with db.work() as work:
        state = await repo.lifter_state(work.connection, LIFTER)
    assert state is not None
    return state


def _set(workout_id: int, exercise_id: int, number: int, **changes: object) -> dict[str, object]:
    return {
        "user_id": LIFTER,
        "workout_id": workout_id,
        "workout_exercise_id": exercise_id,
        "exercise_key": "rdl",
        "set_number": number,
        "weight": Decimal("102.5"),
        "unit": "kg",
        "reps": 8,
        "rir": 2 if number % 2 else None,
        "warmup": number == 1,
        "performed_at": NOW + dt.timedelta(minutes=number),
        "update_id": 100 + number,
        "fingerprint": f"f{number}",
    } | changes


async def test_rows_come_back_as_sqlalchemy_reads_them(db: Database) -> None:
    await _lifter_mid_workout(db)
    on_driver = Direct(repo._LIFTER_STATE)
    async with db.work() as work:
        direct = await on_driver.rows(work.connection, {"user_id": LIFTER})
        through = [
            tuple(r) for r in await work.connection.execute(repo._LIFTER_STATE, {"user_id": LIFTER})
        ]
    assert direct == through
    # Equal is not enough: 1 == True and a naive datetime differs only by its zone.
    assert [[type(v) for v in row] for row in direct] == [[type(v) for v in row] for row in through]


async def test_the_lifter_state_holds_what_was_stored(db: Database) -> None:
    state = await _lifter_mid_workout(db)
    assert [(s.set_number, s.weight, s.rir, s.warmup) for s in state.sets] == [
        (1, Decimal("102.5000"), 2, True),
        (2, Decimal("102.5000"), None, False),
    ]
    assert state.resting is True
    assert state.first_workout_at == NOW and state.first_workout_at.tzinfo is not None
    assert [e.exercise_key for e in state.exercises] == ["rdl", "shrug"]
    assert state.exercises[0].after_increase is False


async def test_an_insert_takes_the_columns_constant_defaults(db: Database) -> None:
    await _lifter_mid_workout(db)
    async with db.work() as work:
        stored = await work.connection.scalars(select(WorkoutSet.notes))
        assert list(stored) == ["", ""]  # `notes` was given by neither set


async def test_an_in_list_is_refused_rather_than_compiled_for_one_length(db: Database) -> None:
    keys = bindparam("keys", expanding=True)
    async with db.work() as work:
        with pytest.raises(ValueError, match="expanding"):
            await Direct(select(WorkoutSet.id).where(WorkoutSet.exercise_key.in_(keys))).rows(
                work.connection, {"keys": ["rdl"]}
            )


async def test_rowcount_says_whether_the_claim_changed_anything(db: Database) -> None:
    async with db.work() as work:
        assert await repo.claim_update(work.connection, 9001, LIFTER, NOW)
    async with db.work() as work:
        assert not await repo.claim_update(work.connection, 9001, LIFTER, NOW)


async def test_a_failing_statement_raises_as_sqlalchemy_and_rolls_back_the_rest(
    db: Database,
) -> None:
    state = await _lifter_mid_workout(db)
    assert state.workout is not None
    workout_id, exercise_id = state.workout.id, state.exercises[0].id
    with pytest.raises(IntegrityError):
        async with db.work() as work:
            await repo.claim_update(work.connection, 9002, LIFTER, NOW)
            await repo.add_sets(work.connection, [_set(workout_id, exercise_id, 2, update_id=7)])
    async with db.work() as work:  # the claim went with the failed set
        assert await repo.claim_update(work.connection, 9002, LIFTER, NOW)


async def test_driver_statements_and_the_session_are_one_transaction(db: Database) -> None:
    state = await _lifter_mid_workout(db)
    assert state.workout is not None
    with pytest.raises(RuntimeError):
        async with db.work() as work:
            await repo.add_sets(work.connection, [_set(state.workout.id, state.exercises[0].id, 3)])
            # The session sees the driver's write inside the transaction ...
            count = await work.session.scalar(
                select(WorkoutSet.id).where(WorkoutSet.set_number == 3)
            )
            assert count is not None
            raise RuntimeError("the step fails after storing")
    async with db.work() as work:  # ... and the rollback takes it back
        assert (
            await work.connection.scalar(select(WorkoutSet.id).where(WorkoutSet.set_number == 3))
            is None
        )


async def test_a_default_computed_per_row_is_refused_rather_than_frozen(db: Database) -> None:
    table = Table(
        "t",
        MetaData(),
        Column("id", Integer, primary_key=True),
        Column("n", Integer, default=lambda: 1),
    )
    async with db.work() as work:
        with pytest.raises(ValueError, match="not a constant"):
            await Direct(insert(table)).run(work.connection, {"id": 1})


async def test_parameters_are_named_as_in_the_statement(db: Database) -> None:
    await _lifter_mid_workout(db)
    statement = select(RirCheck.amrap_reps).where(RirCheck.reps == bindparam("reps"))
    async with db.work() as work:
        assert await Direct(statement).rows(work.connection, {"reps": 8}) == [(11,)]
        with pytest.raises(KeyError):
            await Direct(statement).rows(work.connection, {})


@pytest.mark.postgres
async def test_a_lost_connection_is_an_outage_and_the_pool_recovers(
    postgres_schema: str | None,
) -> None:
    if postgres_schema is None:
        pytest.skip("PostgreSQL is not reachable")
    name = f"coach-direct-{uuid.uuid4().hex[:8]}"
    settings = {"search_path": postgres_schema, "application_name": name}
    db = Database(
        make_engine(POSTGRES_URL, connect_args={"server_settings": settings}, pool_size=1)
    )
    admin = make_engine(POSTGRES_URL)
    end_ours = text(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = :n"
    )
    try:
        with pytest.raises(Exception) as raised:
            async with db.work() as work:
                async with admin.begin() as other:
                    await other.execute(end_ours, {"n": name})
                await repo.claim_update(work.connection, 9003, LIFTER, NOW)
        assert is_database_outage(raised.value)
        async with db.work() as work:  # a new connection, unnoticed
            assert await repo.claim_update(work.connection, 9003, LIFTER, NOW)
    finally:
        await admin.dispose()
        await db.dispose()


def test_the_workout_in_progress_is_written_into_the_sql_not_bound() -> None:
    """A bound 'active' makes SQLite plan the lifter-state query again at every message
    (it may decide whether the partial index on active workouts applies): 4 times the
    CPU. Written into the SQL, it is planned once per connection."""
    for dialect in (sqlite.dialect(), postgresql.dialect()):
        compiled = repo._LIFTER_STATE.compile(dialect=dialect)
        assert "workouts.status = 'active'" in str(compiled)
        assert "active" not in compiled.params.values()


async def test_a_long_history_costs_the_lifter_state_one_probe(db: Database) -> None:
    """Every message reads when the lifter's first workout started: through an index led
    by (user_id, started_at), not by reading all of a lifter's workouts, which cost 0.48
    ms a message on SQLite for someone with 5,000 imported ones."""
    if not db.is_sqlite:
        pytest.skip("the plan is read from SQLite, which plans as the schema allows")
    statement = repo._LIFTER_STATE.params(user_id=LIFTER)
    sql = str(statement.compile(dialect=sqlite.dialect(), compile_kwargs={"literal_binds": True}))
    async with db.work() as work:
        plan = [
            row[-1] for row in await work.connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}")
        ]
    first_started = [step for step in plan if "workouts_1" in step]
    assert first_started == [
        "SEARCH workouts_1 USING COVERING INDEX ix_workouts_user_id_started_at (user_id=?)"
    ]


async def test_a_summary_reads_the_past_of_todays_exercises_only(db: Database) -> None:
    """Records judge today's exercises against their own past; another exercise's
    history, another lifter's and today's own sets are not read."""
    state = await _lifter_mid_workout(db)  # two deadlifts in the workout in progress
    assert state.workout is not None
    async with db.work() as work:
        await create_user(work.session, LIFTER + 1, "Eve", NOW)
        for lifter, keys in ((LIFTER, ("rdl", "shrug", "face_pull")), (LIFTER + 1, ("rdl",))):
            finished = insert(Workout).values(
                user_id=lifter, started_at=NOW - dt.timedelta(days=3), status="finished"
            )
            old = (await work.connection.execute(finished.returning(Workout.id))).scalar_one()
            await repo.add_sets(
                work.connection,
                [
                    _set(old, None, n, user_id=lifter, exercise_key=key, update_id=None)
                    | {"fingerprint": f"{lifter}{key}", "performed_at": NOW - dt.timedelta(days=n)}
                    for n, key in enumerate(keys, start=1)
                ],
            )
        past = await repo.logged_before(
            work.connection, LIFTER, state.workout.id, {"rdl", "face_pull"}, dt.UTC
        )
    assert [(s.exercise_key, s.performed_on) for s in past] == [
        ("face_pull", (NOW - dt.timedelta(days=3)).date()),
        ("rdl", (NOW - dt.timedelta(days=1)).date()),
    ]
