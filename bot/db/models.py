"""The coach's tables. Every row about a lifter hangs off `users` with ON DELETE CASCADE.

Telegram ids are BIGINT (they exceed 32 bits). Instants are `DateTime(timezone=True)`
and always UTC; local days and times are computed in `bot.coach.timing`.
Weights are stored exactly as lifted (value and unit), never converted in storage.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    LargeBinary,
    Numeric,
    SmallInteger,
    String,
    Text,
    Time,
    UniqueConstraint,
    false,
    literal_column,
    text,
    true,
)
from sqlalchemy.orm import Mapped, mapped_column

from bot.db.base import Base, BigId, UTCDateTime

Instant = UTCDateTime()
Weight = Numeric(10, 4)


def _user_fk(*, index: bool = True) -> Mapped[int]:
    """The owning lifter; indexed alone unless the table has a better index led by it."""
    return mapped_column(BigInteger, ForeignKey("users.id", ondelete="CASCADE"), index=index)


class User(Base):
    """A lifter; the id is their Telegram user id (equal to their private chat id)."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    first_name: Mapped[str] = mapped_column(String(128), default="")
    created_at: Mapped[dt.datetime] = mapped_column(Instant)
    blocked_at: Mapped[dt.datetime | None] = mapped_column(Instant, default=None)


class UserSettings(Base):
    """Preferences: units, zone, load steps and which one-time offers were made."""

    __tablename__ = "user_settings"

    user_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    unit: Mapped[str] = mapped_column(String(2), default="lb")
    time_zone: Mapped[str] = mapped_column(String(64), default="UTC")
    plate_step: Mapped[Decimal | None] = mapped_column(Weight, default=None)
    cable_step: Mapped[Decimal | None] = mapped_column(Weight, default=None)
    # Equipment beyond the steps (NULL: the unit's common gym); `dumbbells` is a JSON list.
    bar_weight: Mapped[Decimal | None] = mapped_column(Weight, default=None)
    dumbbell_step: Mapped[Decimal | None] = mapped_column(Weight, default=None)
    dumbbells: Mapped[str | None] = mapped_column(Text, default=None)
    cable_top: Mapped[Decimal | None] = mapped_column(Weight, default=None)
    warmups_on: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    last_calibration_on: Mapped[dt.date | None] = mapped_column(Date, default=None)
    # /calibrate asked for a reps-in-reserve check in the next (or this) workout.
    calibration_asked: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    schedule_offered: Mapped[bool] = mapped_column(Boolean, default=False)
    # What free text the bot expects outside a workout (e.g. "schedule_time"), if anything.
    pending_input: Mapped[str | None] = mapped_column(String(32), default=None)
    weekly_summary: Mapped[bool] = mapped_column(Boolean, default=False)  # offered, not imposed
    weekly_summary_day: Mapped[int] = mapped_column(SmallInteger, default=6)
    weekly_summary_time: Mapped[dt.time] = mapped_column(Time, default=dt.time(19, 0))
    # /schedule answers given so far (days, then time), kept until the zone completes them.
    schedule_draft_days: Mapped[int | None] = mapped_column(SmallInteger, default=None)
    schedule_draft_time: Mapped[dt.time | None] = mapped_column(Time, default=None)

    __table_args__ = (CheckConstraint("unit IN ('lb', 'kg')", name="unit"),)


class PlanSlot(Base):
    """A lifter's lasting change to one slot of the default plan (absent: the default)."""

    __tablename__ = "plan_slots"

    user_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    slot_key: Mapped[str] = mapped_column(String(32), primary_key=True)
    exercise_key: Mapped[str] = mapped_column(String(48))
    sets: Mapped[int] = mapped_column(SmallInteger)
    rep_lo: Mapped[int] = mapped_column(SmallInteger)
    rep_hi: Mapped[int] = mapped_column(SmallInteger)
    rest_seconds: Mapped[int] = mapped_column(SmallInteger)


class Workout(Base):
    """One session, and while active the lifter's exact place in it.

    The position (`current_index`, `current_set`, `awaiting`, `pending_reps`) lives here,
    not in memory, so a restart or another worker continues where the lifter was.
    """

    __tablename__ = "workouts"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    user_id: Mapped[int] = _user_fk(index=False)  # see ix_workouts_user_id_started_at
    status: Mapped[str] = mapped_column(String(16), default="active")
    source: Mapped[str] = mapped_column(String(16), default="coach")
    name: Mapped[str] = mapped_column(String(128), default="Upper back")
    started_at: Mapped[dt.datetime] = mapped_column(Instant)
    finished_at: Mapped[dt.datetime | None] = mapped_column(Instant, default=None)
    current_index: Mapped[int] = mapped_column(SmallInteger, default=0)
    current_set: Mapped[int] = mapped_column(SmallInteger, default=1)
    awaiting: Mapped[str] = mapped_column(String(16), default="reps")
    pending_reps: Mapped[int | None] = mapped_column(SmallInteger, default=None)
    import_key: Mapped[str | None] = mapped_column(String(64), default=None)
    # The readings a message left open as JSON (bot.coach.session.intake), until one is picked.
    question: Mapped[str | None] = mapped_column(Text, default=None)

    __table_args__ = (
        CheckConstraint("status IN ('active', 'finished', 'cancelled')", name="status"),
        Index(
            "uq_workouts_one_active_per_user",
            "user_id",
            unique=True,
            sqlite_where=text("status = 'active'"),
            postgresql_where=text("status = 'active'"),
        ),
        UniqueConstraint("user_id", "import_key"),
        # Every message of a workout reads when the lifter's first workout started: one
        # probe here; by `user_id` alone it read all their workouts, 0.48 ms a message
        # for a lifter with 5,000 (years of imported history) against 0.05.
        Index("ix_workouts_user_id_started_at", "user_id", "started_at"),
    )


# "The workout in progress", with 'active' written into the SQL rather than bound: SQLite
# plans a statement again at every execution when a bound value may decide whether a
# partial index applies (uq_workouts_one_active_per_user), and the lifter-state query
# run every message took four times as long that way (0.216 against 0.054 ms).
IN_PROGRESS = Workout.status == literal_column("'active'")


class WorkoutExercise(Base):
    """One exercise of a workout, copied from the plan when the workout starts."""

    __tablename__ = "workout_exercises"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    workout_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("workouts.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(SmallInteger)
    slot_key: Mapped[str] = mapped_column(String(32))
    exercise_key: Mapped[str] = mapped_column(String(48))
    sets: Mapped[int] = mapped_column(SmallInteger)
    rep_lo: Mapped[int] = mapped_column(SmallInteger)
    rep_hi: Mapped[int] = mapped_column(SmallInteger)
    rest_seconds: Mapped[int] = mapped_column(SmallInteger)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    target_weight: Mapped[Decimal | None] = mapped_column(Weight, default=None)
    target_unit: Mapped[str | None] = mapped_column(String(2), default=None)
    target_reps: Mapped[int | None] = mapped_column(SmallInteger, default=None)
    after_increase: Mapped[bool] = mapped_column(Boolean, default=False)

    __table_args__ = (UniqueConstraint("workout_id", "position"),)


class WorkoutSet(Base):
    """A set as lifted. `update_id` and `fingerprint` make storing it idempotent."""

    __tablename__ = "workout_sets"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    user_id: Mapped[int] = _user_fk(index=False)  # see ix_workout_sets_user_id_id
    workout_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("workouts.id", ondelete="CASCADE"), index=True
    )
    workout_exercise_id: Mapped[int | None] = mapped_column(
        BigInteger, ForeignKey("workout_exercises.id", ondelete="CASCADE"), default=None
    )
    exercise_key: Mapped[str] = mapped_column(String(48))
    set_number: Mapped[int] = mapped_column(SmallInteger)
    weight: Mapped[Decimal] = mapped_column(Weight)
    unit: Mapped[str] = mapped_column(String(2))
    reps: Mapped[int] = mapped_column(SmallInteger)
    rir: Mapped[int | None] = mapped_column(SmallInteger, default=None)
    warmup: Mapped[bool] = mapped_column(Boolean, default=False)
    performed_at: Mapped[dt.datetime] = mapped_column(Instant)
    notes: Mapped[str] = mapped_column(String(512), default="")
    update_id: Mapped[int | None] = mapped_column(BigInteger, default=None)
    fingerprint: Mapped[str | None] = mapped_column(String(64), default=None)

    __table_args__ = (
        UniqueConstraint("workout_exercise_id", "set_number"),
        UniqueConstraint("user_id", "update_id"),
        UniqueConstraint("user_id", "fingerprint"),
        Index("ix_workout_sets_user_exercise_time", "user_id", "exercise_key", "performed_at"),
        # A lifter's history is read a page at a time by id (`history.sets_page`): a range
        # of this index, however large the table and whatever the planner's statistics.
        Index("ix_workout_sets_user_id_id", "user_id", "id"),
        CheckConstraint("reps >= 0 AND reps <= 500", name="reps"),
        CheckConstraint("rir IS NULL OR (rir >= 0 AND rir <= 10)", name="rir"),
        CheckConstraint("weight >= 0", name="weight"),
    )


class OtherSet(Base):
    """A set of an exercise that is none of our lifts, kept from an imported file as the
    lifter's own history (shown in /history, exported back). A table of its own, so
    nothing that reasons about our lifts (loads, records, progress) ever meets it."""

    __tablename__ = "other_sets"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    user_id: Mapped[int] = _user_fk(index=False)  # see ix_other_sets_user_id_id
    workout_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("workouts.id", ondelete="CASCADE"), index=True
    )
    exercise_name: Mapped[str] = mapped_column(String(128))
    set_number: Mapped[int] = mapped_column(SmallInteger)
    weight: Mapped[Decimal] = mapped_column(Weight)
    unit: Mapped[str] = mapped_column(String(2))
    reps: Mapped[int] = mapped_column(SmallInteger)
    rir: Mapped[int | None] = mapped_column(SmallInteger, default=None)
    warmup: Mapped[bool] = mapped_column(Boolean, default=False)
    performed_at: Mapped[dt.datetime] = mapped_column(Instant)
    notes: Mapped[str] = mapped_column(String(512), default="")
    fingerprint: Mapped[str] = mapped_column(String(64))

    __table_args__ = (
        UniqueConstraint("user_id", "fingerprint"),
        Index("ix_other_sets_user_id_id", "user_id", "id"),  # paged as workout_sets are
    )


class RirCheck(Base):
    """One reps-in-reserve check: the set the lifter predicted their reps left on, and
    the as-many-as-possible set after it at the same load (`bot.coach.calibration`)."""

    __tablename__ = "rir_checks"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    user_id: Mapped[int] = _user_fk()
    exercise_key: Mapped[str] = mapped_column(String(48))
    performed_at: Mapped[dt.datetime] = mapped_column(Instant)
    reps: Mapped[int] = mapped_column(SmallInteger)
    predicted_rir: Mapped[int] = mapped_column(SmallInteger)
    amrap_reps: Mapped[int] = mapped_column(SmallInteger)


class InboxUpdate(Base):
    """An update as it arrived, stored before Telegram is told we have it.

    The row is the durable inbox and the ledger of handled updates at once: `done_at`
    empty means it still has to be handled (after a crash, first thing at start-up);
    `claimed_at` says it already changed a lifter's state, so handling it again changes
    nothing. Rows are kept while Telegram may redeliver the update (a day), so an id is
    a redelivery only when its row's `received_at` is inside that window; after it,
    Telegram may hand out the same id for a new message, and the row is replaced.
    No foreign key: an update arrives before its sender is a user. Indexed by chat
    too: a webhook worker looks up the update of the same chat just before the one it
    is about to handle (`bot.pipeline.ordering`), and /deletemydata deletes by chat.
    """

    __tablename__ = "inbox"
    __table_args__ = (Index("ix_inbox_chat_id_update_id", "chat_id", "update_id"),)

    update_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    received_at: Mapped[dt.datetime] = mapped_column(Instant, index=True)
    chat_id: Mapped[int | None] = mapped_column(BigInteger, default=None)
    payload: Mapped[str | None] = mapped_column(Text, default=None)  # the update's JSON
    claimed_at: Mapped[dt.datetime | None] = mapped_column(Instant, default=None)
    done_at: Mapped[dt.datetime | None] = mapped_column(Instant, default=None)
    worker: Mapped[int | None] = mapped_column(BigInteger, default=None)  # who has it


class ExerciseLoad(Base):
    """The load to use next time for one exercise: what reminders and `/workout` show."""

    __tablename__ = "exercise_loads"

    user_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    exercise_key: Mapped[str] = mapped_column(String(48), primary_key=True)
    weight: Mapped[Decimal] = mapped_column(Weight)
    unit: Mapped[str] = mapped_column(String(2))
    target_reps: Mapped[int] = mapped_column(SmallInteger)
    # The load was just raised: a set short of the range on it takes weight off.
    after_increase: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_at: Mapped[dt.datetime] = mapped_column(Instant)


class Schedule(Base):
    """Training days and reminder time; `next_due_at` is the next reminder instant (UTC)."""

    __tablename__ = "schedules"

    user_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    days: Mapped[int] = mapped_column(SmallInteger)  # bit 0 = Monday … bit 6 = Sunday
    local_time: Mapped[dt.time] = mapped_column(Time)
    time_zone: Mapped[str] = mapped_column(String(64))
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    next_due_at: Mapped[dt.datetime | None] = mapped_column(Instant, index=True, default=None)
    next_summary_at: Mapped[dt.datetime | None] = mapped_column(Instant, index=True, default=None)


class Delivery(Base):
    """A reminder or weekly summary claimed for one local day: the exactly-once ledger."""

    __tablename__ = "deliveries"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    user_id: Mapped[int] = _user_fk()
    kind: Mapped[str] = mapped_column(String(16))
    local_day: Mapped[dt.date] = mapped_column(Date)
    due_at: Mapped[dt.datetime] = mapped_column(Instant)
    claimed_at: Mapped[dt.datetime] = mapped_column(Instant)
    claimed_by: Mapped[str] = mapped_column(String(64), default="")
    sent_at: Mapped[dt.datetime | None] = mapped_column(Instant, default=None)
    status: Mapped[str] = mapped_column(String(16), default="claimed")
    attempts: Mapped[int] = mapped_column(SmallInteger, default=0)

    __table_args__ = (UniqueConstraint("user_id", "kind", "local_day"),)


class RestTimer(Base):
    """The one running rest timer of a lifter; a row so it survives a restart."""

    __tablename__ = "rest_timers"

    user_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    workout_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("workouts.id", ondelete="CASCADE")
    )
    due_at: Mapped[dt.datetime] = mapped_column(Instant, index=True)


class PendingImport(Base):
    """A file the lifter sent to import, kept until they confirm or cancel the preview.

    The raw bytes are stored (not the parsed sets) and read again on confirmation, so a
    restart or another worker between preview and confirmation loses nothing.
    """

    __tablename__ = "pending_imports"

    user_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    created_at: Mapped[dt.datetime] = mapped_column(Instant)
    filename: Mapped[str] = mapped_column(String(255), default="")
    content: Mapped[bytes] = mapped_column(LargeBinary)
    mapping: Mapped[str] = mapped_column(Text, default="{}", server_default="{}")
    """JSON: exercise names in the file the lifter mapped to one of our lifts' keys."""
